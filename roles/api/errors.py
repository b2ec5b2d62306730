"""The API's exception handler: every error body has a "detail" a person can read, never a 500 for user input.

The services raise domain exceptions; this maps them to HTTP once, for every view that calls them:

- FormatError (the document breaks format v1)         → 400 {"detail": "kpis[3].name: …", "where": "kpis[3].name"}
- DraftConflict, PreconditionFailed (a stale If-Match) → 412 {"detail", "current_revision", "current"} + ETag
- VersionFrozen, WorkflowError (the state forbids it)   → 409 {"detail"}
- django PermissionDenied (roles.permissions.require)   → 403 {"detail": the service's reason}
- BodyRefused (a hostile JSON body: 1e400, NUL…)   → 400 {"detail": "rows[0].note: …", "where": "rows[0].note"}
- DRF ValidationError ({"note": ["Not a valid string."]}) → 400 {"detail": "note: Not a valid string.",
                                                                   "where": "note", "errors": {…}}
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from blueprint.api_parsers import BodyRefused
from roles.blueprint_format import FormatError
from roles.services.drafts import DraftConflict, WorkflowError, current_document
from roles.services.versions import VersionFrozen

from .preconditions import PreconditionFailed, precondition_failed


def exception_handler(exc, context):
    response = _domain_error(exc)
    if response is not None:
        set_rollback()  # as DRF does for its own exceptions (matters under ATOMIC_REQUESTS)
        return response
    if isinstance(exc, DjangoPermissionDenied):
        # DRF would answer its generic sentence; the service's reason says what is missing.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ValidationError) and response is not None:
        where, message = _first_error(response.data)
        response.data = {"detail": f"{where}: {message}" if where else message, "where": where,
                         "errors": response.data}
    return response


def _first_error(data, where: str = "") -> tuple[str, str]:
    """The first message of DRF's nested error structure and the path that leads to it."""
    if isinstance(data, dict) and data:
        key, value = next(iter(data.items()))
        name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
        return _first_error(value, ".".join(part for part in (where, name) if part))
    if isinstance(data, list) and data:
        return _first_error(data[0], where)
    return where, str(data)


def _domain_error(exc) -> Response | None:
    if isinstance(exc, BodyRefused):
        return Response({"detail": str(exc.detail), "where": exc.where}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, FormatError):
        return Response({"detail": str(exc), "where": exc.where}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DraftConflict):
        return precondition_failed(exc.version, exc.current_document, str(exc))
    if isinstance(exc, PreconditionFailed):
        return precondition_failed(exc.version, current_document(exc.version), str(exc))
    if isinstance(exc, (VersionFrozen, WorkflowError)):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return None
