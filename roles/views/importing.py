"""/import/: upload blueprint files, preview what would change (dry run), then confirm.

Between the two steps the uploaded bytes wait on the server, under settings.VAR_DIR/uploads/<token>/,
where <token> is random, remembered in the uploader's session and checked against it: the browser
only ever sends the token back, never a path or the files' content a second time. A batch is
deleted once confirmed or cancelled, and batches left behind are swept after a day.
"""
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from roles import permissions
from roles.forms import ImportUploadForm
from roles.services.importing import ImportFailure, ImportResult, import_file

SESSION_KEY = "import_batches"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STALE_AFTER = 24 * 3600

# (key in ImportResult.counts, singular, plural), in the order of the role page's sections.
COUNT_LABELS = (
    ("responsibilities", "responsibility", "responsibilities"), ("activities", "activity", "activities"),
    ("deliverables", "deliverable", "deliverables"), ("milestones", "milestone", "milestones"),
    ("kpis", "KPI", "KPIs"), ("technical_skills", "technical skill", "technical skills"),
    ("soft_skills", "soft skill", "soft skills"), ("tools", "tool", "tools"),
    ("environment", "environment item", "environment items"), ("stakeholders", "stakeholder", "stakeholders"),
    ("decision_rights", "decision right", "decision rights"),
    ("qualifications", "qualification", "qualifications"), ("career", "career item", "career items"),
    ("risks", "risk", "risks"), ("variants", "variant", "variants"), ("ai_impact", "AI impact item", "AI impact items"),
    ("exercises", "exercise", "exercises"), ("red_flags", "red flag", "red flags"),
    ("scorecard", "scorecard dimension", "scorecard dimensions"),
    ("summary_table", "summary row", "summary rows"),
)
PREVIEW_ACTIONS = {"created": "Would create the role", "new_version": "Would add a new version",
                   "updated_draft": "Would replace the open draft", "unchanged": "Unchanged",
                   "published": "Would publish the existing draft"}
DONE_ACTIONS = {"created": "Created", "new_version": "New version added", "updated_draft": "Draft replaced",
                "unchanged": "Unchanged", "published": "Published"}


@dataclass
class FileOutcome:
    """One file's line in the preview or the report."""

    file: str
    result: ImportResult | None = None
    failure: ImportFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def counts(self) -> list[str]:
        counts = self.result.counts if self.result else {}
        return [f"{counts[key]} {one if counts[key] == 1 else many}"
                for key, one, many in COUNT_LABELS if counts.get(key)]


@dataclass
class Batch:
    """Uploaded files waiting between preview and confirm, on disk under a random token."""

    token: str
    publish: bool
    files: list[dict] = field(default_factory=list)  # {"name", "stored"} or {"name", "error"}

    @staticmethod
    def root() -> Path:
        return Path(settings.VAR_DIR) / "uploads"

    @property
    def path(self) -> Path:
        return self.root() / self.token

    def save(self, *, user_id: int) -> None:
        (self.path / "manifest.json").write_text(json.dumps(
            {"user": user_id, "publish": self.publish, "files": self.files, "created": time.time()}))

    def data(self, entry: dict) -> bytes:
        return (self.path / entry["stored"]).read_bytes()

    def delete(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _display_name(name: str) -> str:
    """The base name the browser sent, for display and format detection only (never used as a path)."""
    return (PurePath((name or "").replace("\\", "/")).name or "unnamed file")[:200]


def _too_big(name: str, size: int) -> ImportFailure:
    limit = settings.BLUEPRINT_MAX_UPLOAD_BYTES
    return ImportFailure(name, "file", f"is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB "
                                       "per file")


def _sweep_stale() -> None:
    root = Batch.root()
    if not root.is_dir():
        return
    cutoff = time.time() - STALE_AFTER
    for child in root.iterdir():
        if child.is_dir() and child.stat().st_mtime < cutoff:
            shutil.rmtree(child, ignore_errors=True)


def store_upload(request, uploads, *, publish: bool) -> Batch:
    """Write the acceptable files under a new token remembered in the session; oversized ones are listed only."""
    _sweep_stale()
    batch = Batch(token=secrets.token_urlsafe(32), publish=publish)
    batch.path.mkdir(parents=True)
    for index, upload in enumerate(uploads):
        name = _display_name(upload.name)
        if upload.size > settings.BLUEPRINT_MAX_UPLOAD_BYTES:
            batch.files.append({"name": name, "error": _too_big(name, upload.size).message})
            continue
        stored = f"{index}.upload"
        with open(batch.path / stored, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        batch.files.append({"name": name, "stored": stored})
    batch.save(user_id=request.user.pk)
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-4:], batch.token]
    return batch


def load_batch(request, token: str) -> Batch | None:
    """The batch of this token, if this session uploaded it and it is still on disk."""
    if not TOKEN_RE.match(token or "") or token not in request.session.get(SESSION_KEY, []):
        return None
    manifest = Batch.root() / token / "manifest.json"
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    if data.get("user") != request.user.pk:
        return None
    return Batch(token=token, publish=bool(data["publish"]), files=data["files"])


def forget_batch(request, batch: Batch) -> None:
    batch.delete()
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != batch.token]


def run_batch(batch: Batch, *, by, dry_run: bool) -> list[FileOutcome]:
    """Import every file of the batch, each on its own: a failed file writes nothing, the others go on."""
    outcomes = []
    for entry in batch.files:
        if "error" in entry:
            outcomes.append(FileOutcome(entry["name"], failure=ImportFailure(entry["name"], "file", entry["error"])))
            continue
        try:
            result = import_file(entry["name"], batch.data(entry), by=by, publish=batch.publish, dry_run=dry_run)
        except ImportFailure as exc:
            outcomes.append(FileOutcome(entry["name"], failure=exc))
        else:
            outcomes.append(FileOutcome(entry["name"], result=result))
    return outcomes


def _report_context(batch: Batch, outcomes: list[FileOutcome], *, step: int) -> dict:
    ok = [o for o in outcomes if o.ok]
    actions = DONE_ACTIONS if step == 3 else PREVIEW_ACTIONS
    for outcome in ok:
        label = actions.get(outcome.result.action, outcome.result.action)
        if batch.publish and outcome.result.action in ("created", "new_version", "updated_draft"):
            label += " and publish it" if step == 2 else " and published"
        outcome.action_label = label
    return {"batch": batch, "outcomes": outcomes, "ok_count": len(ok), "failed_count": len(outcomes) - len(ok),
            "total": len(outcomes), "step": step, "nav": "import",
            "crumbs": [("Roles", reverse("roles:catalog")), ("Import", reverse("roles:import")),
                       ("Preview" if step == 2 else "Report", "")]}


@login_required
def import_page(request):
    if not permissions.can_import(request.user):
        raise PermissionDenied("Importing blueprints is for portal administrators.")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("confirm", "cancel"):
        batch = load_batch(request, request.POST.get("token", ""))
        if batch is None:
            messages.error(request, "That upload has expired or was already imported. Please upload the files again.")
            return redirect("roles:import")
        if action == "cancel":
            forget_batch(request, batch)
            messages.info(request, "Import cancelled; nothing was written.")
            return redirect("roles:import")
        outcomes = run_batch(batch, by=request.user, dry_run=False)
        forget_batch(request, batch)
        context = _report_context(batch, outcomes, step=3)
        level = messages.SUCCESS if not context["failed_count"] else messages.WARNING
        messages.add_message(request, level, f"Imported {context['ok_count']} of {context['total']} files"
                             + (f"; {context['failed_count']} failed and wrote nothing." if context["failed_count"]
                                else "."))
        return render(request, "roles/import_preview.html", context)

    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = store_upload(request, form.cleaned_data["files"], publish=form.cleaned_data["publish"])
        outcomes = run_batch(batch, by=request.user, dry_run=True)
        return render(request, "roles/import_preview.html", _report_context(batch, outcomes, step=2))
    return render(request, "roles/import.html", {
        "form": form, "nav": "import", "max_mb": settings.BLUEPRINT_MAX_UPLOAD_BYTES // 1_048_576,
        "crumbs": [("Roles", reverse("roles:catalog")), ("Import", "")],
    })
