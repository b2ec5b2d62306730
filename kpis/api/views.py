"""Metrics, measurements and rollups.

GET  /api/v1/metrics/?role=&active=              the metrics with their rules
GET  /api/v1/measurements/?metric=&role=&person=&team=&source=&from=&to=   the requester's teams' data
POST /api/v1/measurements/                       a JSON list of rows (or {"rows": [...]}) → all or nothing
GET  /api/v1/rollups/?metric=&scope=&scope_id=&grain=&from=&to=

A posted row: {"metric": 12 | "role-slug/key", "person": "e-mail" | "team": "team-slug",
"period" | "date": "YYYY-MM-DD", "value": 82.5, "note": "…"}. Any bad row → 400 with
{"detail", "errors": [{"index", "field", "message"}]} and nothing written; otherwise 201 (something
new) or 200 (only updates) with {"created", "updated"}.
"""
from django.conf import settings
from rest_framework import generics, status
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from common.numbers import Pages
from common.request_guard import max_body
from kpis import permissions
from kpis.models import Measurement, Metric, Rollup, Source
from kpis.resolve import date_range, resolve_rows
from kpis.services.measurements import MeasurementError, record_measurements

from .serializers import (MeasurementFilterSerializer, MetricFilterSerializer, MetricSerializer, RollupFilterSerializer,
                          measurement_data, rollup_data)

MAX_ROWS = 50_000
MAX_ERRORS = 1000


class KpiReader(BasePermission):
    message = "KPI data is for people managers, HR and admins"

    def has_permission(self, request, view):
        return permissions.can_see_kpis(request.user)


class LargePages(Pages):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _filters(serializer_class, request) -> dict:
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data


class MetricList(generics.ListAPIView):
    permission_classes = [KpiReader]
    serializer_class = MetricSerializer

    def get_queryset(self):
        filters = _filters(MetricFilterSerializer, self.request)
        metrics = Metric.objects.select_related("role").order_by("role__slug", "position", "pk")
        if filters.get("role"):
            metrics = metrics.filter(role__slug=filters["role"])
        if filters.get("active") is not None:
            metrics = metrics.filter(active=filters["active"])
        return metrics


@max_body(lambda: settings.DATA_UPLOAD_MAX_MEMORY_SIZE)  # up to MAX_ROWS rows in one request
class MeasurementList(APIView):
    permission_classes = [KpiReader]

    def get(self, request):
        filters = _filters(MeasurementFilterSerializer, request)
        rows = (Measurement.objects.filter(permissions.measurement_scope(request.user))
                .select_related("metric__role", "person", "team").order_by("period", "metric_id", "subject_key"))
        if "metric" in filters:
            rows = rows.filter(metric_id=filters["metric"])
        if filters.get("role"):
            rows = rows.filter(metric__role__slug=filters["role"])
        if filters.get("person"):
            rows = rows.filter(person__email__iexact=filters["person"])
        if filters.get("team"):
            rows = rows.filter(team__slug=filters["team"])
        if filters.get("source"):
            rows = rows.filter(source=filters["source"])
        if filters.get("from"):
            rows = rows.filter(period__gte=filters["from"])
        if filters.get("to"):
            rows = rows.filter(period__lte=filters["to"])
        paginator = LargePages()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response([measurement_data(m) for m in page])

    def post(self, request):
        if not permissions.can_record(request.user):
            raise PermissionDenied("recording measurements is for the managers of teams and for admins")
        body = request.data
        raw_rows = body.get("rows") if isinstance(body, dict) else body
        if not isinstance(raw_rows, list):
            raise ParseError('send a JSON list of rows, or {"rows": [...]}')
        if not raw_rows:
            return _row_errors([], "the list of rows is empty; nothing was written")
        if len(raw_rows) > MAX_ROWS:
            return _row_errors([], f"{len(raw_rows):,} rows is more than the {MAX_ROWS:,} one request may carry; "
                                   "nothing was written", status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        normalised, shape_errors = [], []
        for index, raw in enumerate(raw_rows):
            if not isinstance(raw, dict):
                shape_errors.append({"index": index, "field": "row", "message": "must be a JSON object"})
                normalised.append({})
                continue
            normalised.append({"metric": raw.get("metric"), "email": raw.get("person", raw.get("email")),
                               "team": raw.get("team"), "date": raw.get("period", raw.get("date")),
                               "value": raw.get("value"), "note": raw.get("note")})
        if shape_errors:
            return _row_errors(shape_errors)
        rows = resolve_rows(normalised, by=request.user)
        errors = [{"index": e.index, "field": _api_field(e.field), "message": e.message}
                  for row in rows for e in row.errors]
        if errors:
            return _row_errors(errors)
        earliest, latest = date_range()
        try:
            result = record_measurements(rows=[row.measurement() for row in rows], by=request.user,
                                         source=Source.API, earliest=earliest, latest=latest)
        except MeasurementError as exc:
            return _row_errors([{"index": e.index, "field": _api_field(e.field), "message": e.message}
                                for e in exc.errors])
        return Response({"created": result.created, "updated": result.updated},
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


def _api_field(name: str) -> str:
    return {"email": "person", "date": "period"}.get(name, name)  # the engine's own fields already match


def _row_errors(errors: list[dict], detail: str = "", *, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    if not detail:
        rows = len({e["index"] for e in errors})
        detail = f"{rows} row{'s' if rows != 1 else ''} cannot be recorded; nothing was written"
    body = {"detail": detail, "errors": errors[:MAX_ERRORS]}
    if len(errors) > MAX_ERRORS:
        body["errors_truncated"] = len(errors)
    return Response(body, status=status_code)


class RollupList(APIView):
    permission_classes = [KpiReader]

    def get(self, request):
        filters = _filters(RollupFilterSerializer, request)
        rollups = Rollup.objects.filter(permissions.rollup_scope(request.user)).order_by(
            "metric_id", "scope", "scope_id", "grain", "period")
        for name, lookup in (("metric", "metric_id"), ("scope", "scope"), ("scope_id", "scope_id"),
                             ("grain", "grain"), ("from", "period__gte"), ("to", "period__lte")):
            if filters.get(name) is not None and filters.get(name) != "":
                rollups = rollups.filter(**{lookup: filters[name]})
        paginator = LargePages()
        page = paginator.paginate_queryset(rollups, request, view=self)
        return paginator.get_paginated_response([rollup_data(r) for r in page])

