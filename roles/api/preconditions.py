"""ETags and If-Match for versions.

A version's ETag is its id and revision, `"17-r4"`: the revision is bumped by every save of a draft, and
published or archived versions never change, so the tag names exactly one content. Writes to a version
must send it back in If-Match (RFC 9110 §13.1.1); a weak tag (`W/"17-r4"`, as some proxies rewrite it
when they compress) is taken as the same revision.
"""
import re

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from roles.models import BlueprintVersion

from .access import document_of
from .serializers import version_representation

_TAG = re.compile(r'^(?:W/)?"(\d+)-r(\d+)"$')


def etag(version: BlueprintVersion) -> str:
    return f'"{version.pk}-r{version.revision}"'


class PreconditionRequired(APIException):
    status_code = 428
    default_code = "precondition_required"


class PreconditionFailed(Exception):
    """If-Match names another revision (or another version) than the current one."""

    def __init__(self, version: BlueprintVersion, detail: str):
        self.version = version
        super().__init__(detail)


def if_match_revision(request, version: BlueprintVersion, *, required: bool) -> int | None:
    """The revision the client edited, read from If-Match; None when absent and not `required`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        if not required:
            return None
        raise PreconditionRequired(
            f"send If-Match with the ETag of the version you edited (GET it first; now it is {etag(version)}), "
            "so that nobody's changes are overwritten")
    for tag in header.split(","):
        match = _TAG.match(tag.strip())
        if match and int(match[1]) == version.pk:
            return int(match[2])
    raise PreconditionFailed(version, f"If-Match {header} does not name v{version.number} of "
                                      f"{version.role.slug} (its ETag is {etag(version)}); nothing was saved")


def check_if_match(request, version: BlueprintVersion, *, required: bool) -> int | None:
    """Like if_match_revision, and refuse a revision other than the current one."""
    revision = if_match_revision(request, version, required=required)
    if revision is not None and revision != version.revision:
        raise PreconditionFailed(version, f"{version.role.slug} v{version.number} changed since you loaded it "
                                          f"(revision {revision} → {version.revision}); nothing was done")
    return revision


def precondition_failed(version: BlueprintVersion, document: dict, detail: str) -> Response:
    """412 with what the version holds now, so the client can merge and retry with the new ETag."""
    return Response({"detail": detail, "current_revision": version.revision,
                     "current": version_representation(version, document)},
                    status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": etag(version)})


def not_modified(request, version: BlueprintVersion) -> bool:
    """If-None-Match names the current ETag: the client's copy is current (answer 304)."""
    header = request.headers.get("If-None-Match", "").strip()
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return header == "*" or etag(version) in tags


def version_response(version: BlueprintVersion, *, status_code: int = status.HTTP_200_OK,
                     headers: dict | None = None) -> Response:
    """A version as {"id", "number", "status", "revision", "document"} with its ETag."""
    return Response(version_representation(version, document_of(version)), status=status_code,
                    headers={"ETag": etag(version), **(headers or {})})
