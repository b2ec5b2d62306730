"""Versions: read and write a version's document (guarded by ETag / If-Match), discard a draft, and move
it through review. Every write is a call to roles.services; errors become HTTP in roles.api.errors."""
from django.conf import settings
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.request_guard import max_body
from roles import permissions
from roles.models import BlueprintVersion
from roles.services.drafts import current_document, discard_draft, save_draft
from roles.services.versions import ensure_editable
from roles.services.workflow import approve, send_back, submit_for_review

from .access import PortalMember, visible_version
from .preconditions import check_if_match, etag, if_match_revision, not_modified, version_response
from .serializers import (PublishSerializer, RejectSerializer, SubmitSerializer, VersionWriteSerializer,
                          guard_document)


@max_body(lambda: settings.DATA_UPLOAD_MAX_MEMORY_SIZE)  # a whole document, as large as an imported file
class VersionDetail(APIView):
    """GET, PUT, PATCH, DELETE /api/v1/versions/<id>/.

    PUT replaces the document, PATCH replaces the top-level keys it names; both need If-Match with the
    current ETag (428 without, 412 when stale). DELETE discards a draft, also behind If-Match.
    """

    permission_classes = [PortalMember]

    def get(self, request, pk: int):
        version = visible_version(request.user, pk)
        if not_modified(request, version):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(version)})
        return version_response(version)

    def put(self, request, pk: int):
        return self._save(request, pk, merge=False)

    def patch(self, request, pk: int):
        return self._save(request, pk, merge=True)

    def delete(self, request, pk: int):
        version = self._writable(request, pk)
        check_if_match(request, version, required=True)
        discard_draft(version=version, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _writable(self, request, pk: int) -> BlueprintVersion:
        """Refuse what no If-Match could make right first: a reader (403), a published version (409)."""
        version = visible_version(request.user, pk)
        permissions.require(permissions.can_edit(request.user, version.role), "you may not edit this role")
        ensure_editable(version)
        return version

    def _save(self, request, pk: int, *, merge: bool):
        version = self._writable(request, pk)
        revision = if_match_revision(request, version, required=True)
        body = VersionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = body.validated_data["document"]
        if merge:
            note = f"Edited {', '.join(document)} through the API"
            document = {**current_document(version), **document}
        else:
            note = "Replaced through the API"
        guard_document(document)
        saved = save_draft(version=version, document=document, by=request.user, revision=revision, note=note)
        return version_response(saved)


class VersionAction(APIView):
    """POST to a version: one workflow step. If-Match is optional here; when sent, it must be current."""

    permission_classes = [PortalMember]
    serializer_class: type

    def post(self, request, pk: int):
        version = visible_version(request.user, pk)
        body = self.serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        check_if_match(request, version, required=False)
        return version_response(self.perform(version, request.user, **body.validated_data))

    def perform(self, version: BlueprintVersion, by, **data) -> BlueprintVersion:
        raise NotImplementedError


class SubmitVersion(VersionAction):
    """draft → in_review, {"note": "what changed and why"}."""

    serializer_class = SubmitSerializer

    def perform(self, version, by, *, note):
        return submit_for_review(version=version, by=by, note=note)


class PublishVersion(VersionAction):
    """in_review → published (the previous published version is archived), {"note": ""} optional."""

    serializer_class = PublishSerializer

    def perform(self, version, by, *, note):
        return approve(version=version, by=by, note=note)


class RejectVersion(VersionAction):
    """in_review → draft, {"comment": "what to change"}."""

    serializer_class = RejectSerializer

    def perform(self, version, by, *, comment):
        return send_back(version=version, by=by, comment=comment)
