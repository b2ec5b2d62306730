"""Recording measurements: one by the form (/kpis/record/), many by CSV (/kpis/upload/, preview first).

Between preview and confirm the uploaded file waits on the server under settings.VAR_DIR/kpi-uploads/
<token>/, where <token> is random, remembered in the uploader's session and checked against it (as
roles.views.importing does for blueprints): the browser only sends the token back. On confirm the
file is read and checked again, then written all or nothing; files left behind are swept after a day.
"""
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from kpis import permissions
from kpis.csv_parse import COLUMNS, MAX_BYTES, parse_csv
from kpis.forms import CsvUploadForm, MeasurementForm
from kpis.models import Assignment, Metric, Person, Source
from kpis.resolve import Parsed, date_range, resolve_csv, resolve_rows
from kpis.services.measurements import MeasurementError, preview_measurements, record_measurements
from roles.models import Role

from . import kpi_crumbs

SESSION_KEY = "kpi_uploads"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STALE_AFTER = 24 * 3600
PREVIEW_ROWS = 200


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

@dataclass
class Upload:
    token: str
    name: str
    role_id: int

    @staticmethod
    def root() -> Path:
        return Path(settings.VAR_DIR) / "kpi-uploads"

    @property
    def path(self) -> Path:
        return self.root() / self.token

    def data(self) -> bytes:
        return (self.path / "upload.csv").read_bytes()

    def delete(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _sweep_stale() -> None:
    root = Upload.root()
    if not root.is_dir():
        return
    cutoff = time.time() - STALE_AFTER
    for child in root.iterdir():
        if child.is_dir() and child.stat().st_mtime < cutoff:
            shutil.rmtree(child, ignore_errors=True)


def _store(request, upload_file, role: Role) -> Upload:
    _sweep_stale()
    name = (PurePath((upload_file.name or "").replace("\\", "/")).name or "upload.csv")[:200]
    upload = Upload(token=secrets.token_urlsafe(32), name=name, role_id=role.pk)
    upload.path.mkdir(parents=True)
    with open(upload.path / "upload.csv", "wb") as out:
        for chunk in upload_file.chunks():
            out.write(chunk)
    (upload.path / "manifest.json").write_text(json.dumps(
        {"user": request.user.pk, "name": name, "role": role.pk, "created": time.time()}))
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-4:], upload.token]
    return upload


def _load(request, token: str) -> Upload | None:
    """The upload of this token, if this session made it and it is still on disk."""
    if not TOKEN_RE.match(token or "") or token not in request.session.get(SESSION_KEY, []):
        return None
    try:
        data = json.loads((Upload.root() / token / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if data.get("user") != request.user.pk:
        return None
    return Upload(token=token, name=data["name"], role_id=data["role"])


def _forget(request, upload: Upload) -> None:
    upload.delete()
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != upload.token]


def _preview_context(upload: Upload, role: Role, parsed: Parsed, *, engine_errors=(), result=None) -> dict:
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


def _read(request, upload: Upload, role: Role) -> Parsed:
    """The upload parsed and resolved again: the preview's checks are made afresh on confirm."""
    return resolve_csv(parse_csv(upload.data()), by=request.user, role=role)


def _check(request, upload: Upload, role: Role):
    parsed = _read(request, upload, role)
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


@login_required
def upload_csv(request):
    _require_recorder(request.user)
    _, _, roles, _ = _recordable(request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("confirm", "cancel"):
        upload = _load(request, request.POST.get("token", ""))
        role = roles.filter(pk=upload.role_id).first() if upload else None
        if upload is None or role is None:
            messages.error(request, "That upload has expired or was already recorded. Please upload the file again.")
            return redirect("kpis:upload")
        if action == "cancel":
            _forget(request, upload)
            messages.info(request, "Upload cancelled; nothing was written.")
            return redirect("kpis:upload")
        parsed = _read(request, upload, role)
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
                _forget(request, upload)
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
            upload = _store(request, file, role)
            parsed, result, engine_errors = _check(request, upload, role)
            return _preview(request, _preview_context(upload, role, parsed, engine_errors=engine_errors,
                                                      result=result))
    return render(request, "kpis/upload.html", {
        "form": form, "nav": "kpis", "columns": COLUMNS, "max_mb": MAX_BYTES // 1_048_576, "max_bytes": MAX_BYTES,
        "roles": roles,
        "crumbs": kpi_crumbs(("Upload CSV", "")),
    }, status=400 if form.errors else 200)
