"""Recording measurements: one by the form (/kpis/record/), many by CSV (/kpis/upload/, preview first).

Between preview and confirm the uploaded file waits as a staged upload (common.staging: a database
row and the uploads storage, so any web process can take the confirmation), with the role it was
checked for: the browser only sends its random token back, which only the uploader can use. On
confirm the file is claimed (removed from staging, whatever the outcome), read and checked again,
then written all or nothing; a file whose preview cannot be confirmed is not kept at all.
"""
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from common.models import StagedUpload
from common.request_guard import max_body
from common.staging import StagedUploadGone, claim_staged, discard_staged, stage_upload
from kpis import permissions
from kpis.csv_parse import COLUMNS, MAX_BYTES, parse_csv
from kpis.forms import CsvUploadForm, MeasurementForm
from kpis.models import Assignment, Metric, Person, Source
from kpis.resolve import Parsed, date_range, resolve_csv, resolve_rows
from kpis.services.measurements import MeasurementError, preview_measurements, record_measurements
from roles.models import Role

from . import kpi_crumbs

STAGED_KIND = "kpis.csv"
PREVIEW_ROWS = 200
FORM_SLACK_BYTES = 64 * 1024  # the form's other fields and the multipart framing around the file


def _require_recorder(user) -> None:
    if not permissions.can_record(user):
        raise PermissionDenied("Recording measurements is for the managers of teams and for admins.")


def _recordable(user):
    """What the forms offer: the teams `user` records for, their people, and the KPIs of their roles."""
    teams = permissions.recordable_teams(user).order_by("name")
    assignments = Assignment.objects.filter(team__in=teams)
    people = Person.objects.filter(pk__in=assignments.values("person")).order_by("name")
    roles = Role.objects.filter(pk__in=assignments.values("role"), metrics__active=True).distinct().order_by("title")
    metrics = (Metric.objects.filter(role__in=assignments.values("role"), active=True).select_related("role")
               .order_by("role__title", "position"))
    return teams, people, roles, metrics


# Which form field an error of the resolver or the engine belongs to.
_FORM_FIELD = {"metric": "metric", "email": "person", "subject": "person", "person": "person", "team": "team",
               "date": "date", "period": "date", "value": "value", "note": "note"}


@login_required
def record_one(request):
    _require_recorder(request.user)
    teams, people, _, metrics = _recordable(request.user)
    form = MeasurementForm(request.POST or None, metrics=metrics, people=people, teams=teams)
    if request.method == "POST" and form.is_valid():
        row = resolve_rows([form.raw_row()], by=request.user)[0]
        for error in row.errors:
            form.add_error(_FORM_FIELD.get(error.field, None), error.message)
        if row.ok:
            earliest, latest = date_range()
            try:
                result = record_measurements(rows=[row.measurement()], by=request.user, source=Source.FORM,
                                             earliest=earliest, latest=latest)
            except MeasurementError as exc:
                for error in exc.errors:
                    form.add_error(_FORM_FIELD.get(error.field, None), error.message)
            else:
                subject = row.person.name if row.person else row.team.name
                verb = "Updated" if result.updated else "Recorded"
                when = f"{row.period.day} {row.period:%b %Y}"
                messages.success(request, f"{verb} {row.metric.name} for {subject} ({when}): {row.value:g}. "
                                          "Dashboards refresh within a few minutes.")
                return redirect("kpis:record")
    return render(request, "kpis/record.html", {
        "form": form, "nav": "kpis", "crumbs": kpi_crumbs(("Record a measurement", ""))},
        status=400 if form.errors else 200)


# ---------- CSV upload ----------

def _display_name(name: str) -> str:
    return (PurePath((name or "").replace("\\", "/")).name or "upload.csv")[:200]


def _preview_context(upload: StagedUpload, role: Role, parsed: Parsed, *, engine_errors=(), result=None) -> dict:
    by_index = {}
    for error in engine_errors:
        by_index.setdefault(error.index, []).append(error)
    for row in parsed.rows:
        row.engine_errors = by_index.get(row.index, [])
    rows = parsed.rows
    problem_rows = [r for r in rows if r.errors or r.engine_errors]
    shown = problem_rows[:PREVIEW_ROWS] if problem_rows else rows[:PREVIEW_ROWS]
    return {
        "nav": "kpis", "upload": upload, "role": role, "parsed": parsed, "shown": shown,
        "total": len(rows), "problem_count": len(problem_rows), "ok_count": len(rows) - len(problem_rows),
        "result": result, "truncated": len(problem_rows or rows) > len(shown),
        "ready": parsed.ok and not engine_errors and result is not None,
        "crumbs": kpi_crumbs(("Upload CSV", reverse("kpis:upload")), ("Preview", "")),
    }


def _check(request, data: bytes, role: Role):
    """The upload parsed and resolved (again on confirm: the preview's checks are made afresh)."""
    parsed = resolve_csv(parse_csv(data), by=request.user, role=role)
    result, engine_errors = None, []
    if parsed.ok:
        earliest, latest = date_range()
        try:
            result, engine_errors = preview_measurements(rows=parsed.measurements(), by=request.user,
                                                         source=Source.CSV, earliest=earliest, latest=latest)
        except PermissionDenied as exc:
            parsed.file_errors.append(str(exc) or "You may not record some of these measurements.")
    return parsed, result, engine_errors


def _preview(request, context: dict):
    """The preview page: 200 when the file can be recorded, 400 naming what is wrong and where otherwise."""
    return render(request, "kpis/upload_preview.html", context, status=200 if context["ready"] else 400)


@max_body(lambda: MAX_BYTES + FORM_SLACK_BYTES)
@login_required
def upload_csv(request):
    _require_recorder(request.user)
    _, _, roles, _ = _recordable(request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("confirm", "cancel"):
        token = request.POST.get("token", "")
        if action == "cancel":
            discard_staged(token=token, owner=request.user, kind=STAGED_KIND)
            messages.info(request, "Upload cancelled; nothing was written.")
            return redirect("kpis:upload")
        try:
            upload, data = claim_staged(token=token, owner=request.user, kind=STAGED_KIND)
        except StagedUploadGone:
            upload, data = None, b""
        role = roles.filter(pk=upload.meta.get("role")).first() if upload else None
        if upload is None or role is None:
            messages.error(request, "That upload has expired or was already recorded. Please upload the file again.")
            return redirect("kpis:upload")
        parsed = resolve_csv(parse_csv(data), by=request.user, role=role)
        if parsed.ok:
            earliest, latest = date_range()
            try:
                result = record_measurements(rows=parsed.measurements(), by=request.user, source=Source.CSV,
                                             earliest=earliest, latest=latest)
            except MeasurementError as exc:
                return _preview(request, _preview_context(upload, role, parsed, engine_errors=exc.errors))
            except PermissionDenied as exc:
                parsed.file_errors.append(str(exc) or "You may not record some of these measurements.")
            else:
                messages.success(request, f"Recorded {len(parsed.rows):,} measurements from {upload.name}: "
                                          f"{result.created:,} new, {result.updated:,} updated. "
                                          "Dashboards refresh within a few minutes.")
                return redirect("kpis:dashboard")
        return _preview(request, _preview_context(upload, role, parsed))

    form = CsvUploadForm(request.POST or None, request.FILES or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        if file.size > MAX_BYTES:
            form.add_error("file", f"The file is {file.size / 1_048_576:.1f} MB; the limit is "
                                   f"{MAX_BYTES // 1_048_576} MB. Split it into smaller files.")
        else:
            role = form.cleaned_data["role"]
            data = b"".join(file.chunks())
            upload = stage_upload(owner=request.user, kind=STAGED_KIND, name=_display_name(file.name), data=data,
                                  meta={"role": role.pk})
            try:
                parsed, result, engine_errors = _check(request, data, role)
                context = _preview_context(upload, role, parsed, engine_errors=engine_errors, result=result)
            except BaseException:  # the preview failed: no page carries this token, so keep nothing
                discard_staged(token=upload.token, owner=request.user, kind=STAGED_KIND)
                raise
            if not context["ready"]:  # nothing to confirm: keep nothing
                discard_staged(token=upload.token, owner=request.user, kind=STAGED_KIND)
            return _preview(request, context)
    return render(request, "kpis/upload.html", {
        "form": form, "nav": "kpis", "columns": COLUMNS, "max_mb": MAX_BYTES // 1_048_576, "max_bytes": MAX_BYTES,
        "roles": roles,
        "crumbs": kpi_crumbs(("Upload CSV", "")),
    }, status=400 if form.errors else 200)
