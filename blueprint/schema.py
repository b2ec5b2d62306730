"""The OpenAPI 3 schema of /api/v1/ (drf-spectacular) and the Swagger UI page at /api/docs/.

PortalAutoSchema adds the errors every endpoint can answer, with the body all of the API's errors share
({"detail": "…"} plus, for validation errors, "where" and "errors"; see roles.api.errors):
401 and 403 everywhere, 404 where the path names an object, 400 where a query or a body is read,
404 for a page past the last, 415 where a body is read, 429 (throttling) everywhere. Views add their own (409, 412, 428 …) with
@extend_schema(responses=...) using ERROR_RESPONSES / error_responses().
"""
from django.views.generic import TemplateView
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR_DESCRIPTIONS = {
    400: "The request is malformed or a value is invalid (detail names the field in `where`).",
    401: "No valid credentials: send `Authorization: Token <key>` or sign in.",
    403: "Signed in, but not allowed to do this (detail says what is missing).",
    404: "Nothing here that the requester may see.",
    409: "The object's state forbids the action (e.g. a published version, a submitted scorecard).",
    412: "If-Match names another revision than the current one; the body carries the current one.",
    413: "Too many rows in one request.",
    415: "Send the body as application/json.",
    428: "Send If-Match with the ETag of the version you edited.",
    429: "Too many requests; retry after the number of seconds in Retry-After.",
}


class ErrorSerializer(serializers.Serializer):
    """The body of every error of the API."""

    detail = serializers.CharField(help_text="What went wrong, in words a person understands.")
    where = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                  help_text="The field or path that is wrong (validation errors).")
    errors = serializers.JSONField(required=False, help_text="Every validation error, by field (400).")


def error_response(code: int) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])


def error_responses(*codes: int) -> dict:
    return {code: error_response(code) for code in codes}


class PortalAutoSchema(AutoSchema):
    def _error_codes(self) -> list[int]:
        codes = [401, 403, 429]
        paginated = bool(self._get_pagination_parameters()) or any(
            getattr(p, "name", None) == "page" for p in self._get_parameters_query_declared())
        if "{" in self.path or paginated:  # an object that is not there, or ?page= past the last page
            codes.append(404)
        has_query = bool(self._get_filter_parameters() or self._get_pagination_parameters()) \
            or bool(self._get_parameters_query_declared())
        if self.method in ("POST", "PUT", "PATCH") or has_query:
            codes.append(400)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        return codes

    def _get_parameters_query_declared(self) -> list:
        return [p for p in (self.get_override_parameters() or []) if getattr(p, "location", None) == "query"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith("/api/v1/"):
            return responses
        for code in self._error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(error_response(code), str(code),
                                                                   direction=direction)
        return responses


PATH_PARAMETER_SCHEMAS = {
    # What Django's path converters match: anything else never reaches the view.
    "integer": {"type": "integer", "minimum": 0},
    "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
}


def constrain_path_parameters(result, generator, request, public):
    """Postprocessing hook: path parameters get the constraints of their URL converters (<int:>, <slug:>)."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") != "path":
                    continue
                schema = parameter.get("schema", {})
                if schema.get("type") == "integer":
                    parameter["schema"] = {**schema, **PATH_PARAMETER_SCHEMAS["integer"]}
                elif parameter["name"] == "slug":
                    parameter["schema"] = {**schema, **PATH_PARAMETER_SCHEMAS["slug"]}
    return result


class APIDocsView(TemplateView):
    """Swagger UI with the vendored swagger-ui-dist assets (static/vendor/swagger-ui/); no CDN, no inline script."""

    template_name = "api_docs.html"

    def get_context_data(self, **kwargs):
        from django.urls import reverse

        return {**super().get_context_data(**kwargs), "schema_url": reverse("api-schema")}


# Re-exported for views that declare bodies inline.
__all__ = ["APIDocsView", "ErrorSerializer", "PortalAutoSchema", "error_response", "error_responses",
           "inline_serializer"]


# ---------------------------------------------------------------------------------------------------------
# What drf-spectacular cannot infer from the APIView-based views of roles, hiring and kpis. Declared here as
# extensions (drf_spectacular.extensions) so the views' modules stay as their apps wrote them.
# ---------------------------------------------------------------------------------------------------------
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiViewExtension  # noqa: E402
from drf_spectacular.types import OpenApiTypes  # noqa: E402
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view  # noqa: E402

from hiring.api import serializers as hiring_serializers  # noqa: E402
from kpis.models import Grain, Scope, Source  # noqa: E402
from roles.api import serializers as roles_serializers  # noqa: E402
from roles.models import Level, VersionStatus  # noqa: E402

class VersionDocSerializer(serializers.Serializer):
    """A version as the API reads and writes it (roles.api.serializers.version_representation)."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=VersionStatus.choices)
    revision = serializers.IntegerField(help_text="Bumped by every save; the ETag is \"<id>-r<revision>\".")
    document = serializers.DictField(help_text="The blueprint in format v1.")


class PreconditionFailedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_revision = serializers.IntegerField()
    current = VersionDocSerializer()


def _paginated(name: str, item) -> serializers.Serializer:
    return inline_serializer(name, fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializers.ListField(child=item),
    })


MEASUREMENT = inline_serializer("Measurement", fields={
    "id": serializers.IntegerField(),
    "metric": serializers.IntegerField(),
    "ref": serializers.CharField(help_text="role-slug/key"),
    "person": serializers.EmailField(allow_null=True),
    "team": serializers.CharField(allow_null=True),
    "period": serializers.DateField(),
    "value": serializers.FloatField(),
    "note": serializers.CharField(allow_blank=True),
    "source": serializers.CharField(),
    "recorded_at": serializers.DateTimeField(allow_null=True),
})

ROLLUP = inline_serializer("Rollup", fields={
    "metric": serializers.IntegerField(),
    "scope": serializers.CharField(),
    "scope_id": serializers.IntegerField(),
    "grain": serializers.CharField(),
    "period": serializers.DateField(),
    "count": serializers.IntegerField(),
    "mean": serializers.FloatField(allow_null=True),
    "min": serializers.FloatField(allow_null=True),
    "max": serializers.FloatField(allow_null=True),
    "median": serializers.FloatField(allow_null=True),
    "p95": serializers.FloatField(allow_null=True),
    "latest": serializers.FloatField(allow_null=True),
    "on_target_share": serializers.FloatField(allow_null=True),
    "status": serializers.CharField(allow_null=True, allow_blank=True),
    "trend": serializers.FloatField(allow_null=True),
    "computed_at": serializers.DateTimeField(allow_null=True),
})

MEASUREMENT_ROW = inline_serializer("MeasurementRowInput", fields={
    "metric": serializers.JSONField(help_text="A metric id or \"role-slug/key\"."),
    "person": serializers.EmailField(required=False, help_text="The person's e-mail (or send \"team\")."),
    "team": serializers.CharField(required=False, help_text="The team's slug (or send \"person\")."),
    "period": serializers.DateField(required=False, help_text="YYYY-MM-DD (\"date\" is accepted too)."),
    "value": serializers.FloatField(),
    "note": serializers.CharField(required=False, allow_blank=True),
})

ROW_ERRORS = inline_serializer("MeasurementRowErrors", fields={
    "detail": serializers.CharField(),
    "errors": serializers.ListField(child=inline_serializer("MeasurementRowError", fields={
        "index": serializers.IntegerField(), "field": serializers.CharField(), "message": serializers.CharField()}),
        required=False, help_text="One entry per problem of a row (absent when the body itself is malformed)."),
    "errors_truncated": serializers.IntegerField(required=False),
})

CANDIDATE_SUMMARY = inline_serializer("CandidateSummary", fields={
    "candidate": inline_serializer("CandidateSummaryCandidate", fields={
        "id": serializers.IntegerField(), "name": serializers.CharField(), "opening": serializers.IntegerField()}),
    "weighted_score": serializers.FloatField(allow_null=True),
    "scorecards": serializers.ListField(child=inline_serializer("CandidateSummaryScorecard", fields={
        "id": serializers.IntegerField(), "interviewer": serializers.CharField(),
        "stage_name": serializers.CharField(), "recommendation": serializers.CharField(allow_blank=True),
        "submitted_at": serializers.DateTimeField(allow_null=True),
        "weighted_score": serializers.FloatField(allow_null=True)})),
    "matrix": serializers.ListField(child=inline_serializer("CandidateSummaryRow", fields={
        "dimension_id": serializers.IntegerField(), "dimension": serializers.CharField(),
        "weight": serializers.CharField(),
        "ratings": serializers.ListField(child=inline_serializer("CandidateSummaryRating", fields={
            "scorecard": serializers.IntegerField(), "interviewer": serializers.CharField(),
            "rating": serializers.IntegerField(allow_null=True)})),
        "mean": serializers.FloatField(allow_null=True), "spread": serializers.FloatField(allow_null=True),
        "disagreement": serializers.BooleanField()})),
    "disagreements": serializers.JSONField(),
    "red_flags": serializers.ListField(child=inline_serializer("CandidateSummaryRedFlag", fields={
        "flag": serializers.CharField(), "raised_by": serializers.JSONField()})),
    "tally": serializers.DictField(child=serializers.IntegerField()),
    "pending": serializers.JSONField(),
})

IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                            description="The ETag of the version as you read it, e.g. \"17-r4\".")
IF_MATCH_OPTIONAL = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                     description="When sent, it must be the current ETag.")
ETAG_HEADER = OpenApiResponse(description="Not modified: If-None-Match names the current ETag.")


def _q(name: str, type_=OpenApiTypes.STR, description: str = "", enum=None) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=False, description=description, enum=enum)


DATE_RANGE = [_q("from", OpenApiTypes.DATE, "First period, YYYY-MM-DD."),
              _q("to", OpenApiTypes.DATE, "Last period, YYYY-MM-DD.")]


def _view(target: str, **methods):
    """An OpenApiViewExtension that decorates the view class named `target` with extend_schema_view(**methods)."""

    class Extension(OpenApiViewExtension):
        target_class = target

        def view_replacement(self):
            return extend_schema_view(**methods)(type(self.target.__name__, (self.target,), {}))

    Extension.__name__ = f"Schema_{target.rsplit('.', 1)[1]}"
    return Extension


ROLE_DETAIL = _view("roles.api.views.RoleDetail", get=extend_schema(
    summary="A published role's blueprint (format v1)",
    responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The published version's format-v1 document; "
                                    "the version is named by ETag, X-Blueprint-Version and Content-Location."),
               304: ETAG_HEADER}))
ROLE_LIST = _view("roles.api.views.RoleList", get=extend_schema(
    summary="Published roles, searchable like the catalog",
    parameters=[_q("q", description="Words to look for."), _q("family"), _q("level", enum=[""] + Level.values)]))
ROLE_DRAFT = _view("roles.api.views.RoleDraft", post=extend_schema(
    summary="Open (or start) the role's draft", request=None,
    responses={200: VersionDocSerializer, 201: VersionDocSerializer}))
VERSION_DETAIL = _view(
    "roles.api.version_views.VersionDetail",
    get=extend_schema(summary="A version and its document", responses={200: VersionDocSerializer, 304: ETAG_HEADER}),
    put=extend_schema(summary="Replace a draft's document", parameters=[IF_MATCH],
                      request=roles_serializers.VersionWriteSerializer,
                      responses={200: VersionDocSerializer, 409: error_response(409),
                                 412: PreconditionFailedSerializer, 428: error_response(428)}),
    patch=extend_schema(summary="Replace some top-level keys of a draft's document", parameters=[IF_MATCH],
                        request=roles_serializers.VersionWriteSerializer,
                        responses={200: VersionDocSerializer, 409: error_response(409),
                                   412: PreconditionFailedSerializer, 428: error_response(428)}),
    delete=extend_schema(summary="Discard a draft", parameters=[IF_MATCH],
                         responses={204: None, 409: error_response(409), 412: PreconditionFailedSerializer,
                                    428: error_response(428)}),
)


def _version_action(target: str, summary: str, request: str):
    return _view(target, post=extend_schema(
        summary=summary, parameters=[IF_MATCH_OPTIONAL],
        request=getattr(roles_serializers, request),
        responses={200: VersionDocSerializer, 409: error_response(409), 412: PreconditionFailedSerializer}))


SUBMIT_VERSION = _version_action("roles.api.version_views.SubmitVersion", "Submit a draft for review",
                                 "SubmitSerializer")
PUBLISH_VERSION = _version_action("roles.api.version_views.PublishVersion", "Publish a version in review",
                                  "PublishSerializer")
REJECT_VERSION = _version_action("roles.api.version_views.RejectVersion", "Send a version in review back",
                                 "RejectSerializer")

CANDIDATE_LIST = _view("hiring.api.views.CandidateList", get=extend_schema(
    parameters=[_q("opening", OpenApiTypes.INT, "Only this opening's candidates.")]))
INTERVIEW_LIST = _view("hiring.api.views.InterviewList", get=extend_schema(
    parameters=[_q("candidate", OpenApiTypes.INT, "Only this candidate's interviews.")]))
SCORECARD_LIST = _view("hiring.api.views.ScorecardList", get=extend_schema(
    parameters=[_q("candidate", OpenApiTypes.INT, "Only this candidate's scorecards.")]))
CANDIDATE_SUMMARY_VIEW = _view("hiring.api.views.CandidateSummary", get=extend_schema(
    summary="The panel matrix, weighted score and tally of a candidate", responses={200: CANDIDATE_SUMMARY}))
SCORECARD_DETAIL = _view(
    "hiring.api.views.ScorecardDetail",
    patch=extend_schema(summary="Save a draft scorecard",
                        request=hiring_serializers.ScorecardWriteSerializer,
                        responses={200: hiring_serializers.ScorecardSerializer,
                                   409: error_response(409)}))
SCORECARD_SUBMIT = _view("hiring.api.views.ScorecardSubmit", post=extend_schema(
    summary="Submit (lock) a draft scorecard", request=None,
    responses={200: hiring_serializers.ScorecardSerializer,
               409: error_response(409)}))

METRIC_LIST = _view("kpis.api.views.MetricList", get=extend_schema(
    parameters=[_q("role", description="A role's slug."), _q("active", OpenApiTypes.BOOL)]))
MEASUREMENT_LIST = _view(
    "kpis.api.views.MeasurementList",
    get=extend_schema(summary="Measurements of the requester's teams",
                      parameters=[_q("metric", OpenApiTypes.INT), _q("role"), _q("person", OpenApiTypes.EMAIL),
                                  _q("team"), _q("source", enum=Source.values),
                                  *DATE_RANGE, _q("page", OpenApiTypes.INT), _q("page_size", OpenApiTypes.INT)],
                      responses={200: _paginated("PaginatedMeasurementList", MEASUREMENT)}),
    post=extend_schema(
        summary="Record measurements, all or nothing",
        request=serializers.ListSerializer(child=MEASUREMENT_ROW),
        responses={200: inline_serializer("MeasurementWriteResult", fields={
            "created": serializers.IntegerField(), "updated": serializers.IntegerField()}),
            201: inline_serializer("MeasurementWriteResultCreated", fields={
                "created": serializers.IntegerField(), "updated": serializers.IntegerField()}),
            400: OpenApiResponse(ROW_ERRORS, description="A row is wrong (or the body is not a list); nothing "
                                                         "was written."),
            413: OpenApiResponse(ROW_ERRORS, description=ERROR_DESCRIPTIONS[413])}),
)
ROLLUP_LIST = _view("kpis.api.views.RollupList", get=extend_schema(
    summary="Rollups of the requester's teams and people",
    parameters=[_q("metric", OpenApiTypes.INT), _q("scope", enum=Scope.values),
                _q("scope_id", OpenApiTypes.INT),
                _q("grain", enum=Grain.values), *DATE_RANGE,
                _q("page", OpenApiTypes.INT), _q("page_size", OpenApiTypes.INT)],
    responses={200: _paginated("PaginatedRollupList", ROLLUP)}))


class AmendmentSchema(OpenApiSerializerExtension):
    target_class = "hiring.api.serializers.AmendmentSerializer"

    def map_serializer(self, auto_schema, direction):
        return {"type": "object", "properties": {
            "amended_by": {"type": "string", "description": "The username of who amended it."},
            "amended_at": {"type": "string", "format": "date-time"},
            "reason": {"type": "string"},
            "changes": {"type": "array", "items": {"type": "string"}},
        }, "required": ["amended_by", "amended_at", "reason", "changes"]}
