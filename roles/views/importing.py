"""/import/: upload blueprint files, preview what would change (dry run), then confirm.

Between the two steps each file waits as a staged upload (common.staging: a database row and the
uploads storage, so any web process can take the confirmation): the preview page carries the
files' random tokens, which only their uploader can use; the browser never sends a path or the
content a second time. Confirming claims the files and removes them, whatever the import's outcome;
a cancelled upload, or one whose files all failed the preview, is removed at once.
"""
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from common.request_guard import max_body
from common.staging import StagedUploadGone, claim_staged, discard_staged, stage_upload
from roles import permissions
from roles.forms import ImportUploadForm
from roles.services.importing import ImportFailure, ImportResult, import_file

STAGED_KIND = "roles.import"

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
class BatchFile:
    name: str
    data: bytes = b""
    token: str = ""  # staged; empty when the file was refused (too big)
    error: str = ""


@dataclass
class Batch:
    """The files of one upload, between preview and confirm."""

    publish: bool
    files: list[BatchFile] = field(default_factory=list)

    @property
    def tokens(self) -> list[str]:
        return [f.token for f in self.files if f.token]


def _display_name(name: str) -> str:
    """The base name the browser sent, for display and format detection only (never used as a path)."""
    return (PurePath((name or "").replace("\\", "/")).name or "unnamed file")[:200]


def _too_big(name: str, size: int) -> ImportFailure:
    limit = settings.BLUEPRINT_MAX_UPLOAD_BYTES
    return ImportFailure(name, "file", f"is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB "
                                       "per file")


def stage_batch(user, uploads, *, publish: bool) -> Batch:
    """Stage the acceptable files; oversized ones are listed only."""
    batch = Batch(publish=publish)
    for upload in uploads:
        name = _display_name(upload.name)
        if upload.size > settings.BLUEPRINT_MAX_UPLOAD_BYTES:
            batch.files.append(BatchFile(name, error=_too_big(name, upload.size).message))
            continue
        data = b"".join(upload.chunks())
        staged = stage_upload(owner=user, kind=STAGED_KIND, name=name, data=data, meta={"publish": publish})
        batch.files.append(BatchFile(name, data=data, token=staged.token))
    return batch


def discard_batch(user, tokens: list[str]) -> None:
    for token in tokens:
        discard_staged(token=token, owner=user, kind=STAGED_KIND)


def claim_batch(user, tokens: list[str]) -> Batch | None:
    """The staged files of these tokens that this request could claim; None when none is left."""
    files, publish = [], False
    for token in tokens:
        try:
            staged, data = claim_staged(token=token, owner=user, kind=STAGED_KIND)
        except StagedUploadGone:
            continue
        files.append(BatchFile(staged.name, data=data, token=token))
        publish = bool(staged.meta.get("publish"))
    return Batch(publish=publish, files=files) if files else None


def run_batch(batch: Batch, *, by, dry_run: bool) -> list[FileOutcome]:
    """Import every file of the batch, each on its own: a failed file writes nothing, the others go on."""
    outcomes = []
    for entry in batch.files:
        if entry.error:
            outcomes.append(FileOutcome(entry.name, failure=ImportFailure(entry.name, "file", entry.error)))
            continue
        try:
            result = import_file(entry.name, entry.data, by=by, publish=batch.publish, dry_run=dry_run)
        except ImportFailure as exc:
            outcomes.append(FileOutcome(entry.name, failure=exc))
        else:
            outcomes.append(FileOutcome(entry.name, result=result))
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


@max_body(lambda: settings.UPLOAD_MAX_REQUEST_BYTES)
@login_required
def import_page(request):
    if not permissions.can_import(request.user):
        raise PermissionDenied("Importing blueprints is for portal administrators.")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("confirm", "cancel"):
        tokens = request.POST.getlist("token")
        if action == "cancel":
            discard_batch(request.user, tokens)
            messages.info(request, "Import cancelled; nothing was written.")
            return redirect("roles:import")
        batch = claim_batch(request.user, tokens)
        if batch is None:
            messages.error(request, "That upload has expired or was already imported. Please upload the files again.")
            return redirect("roles:import")
        outcomes = run_batch(batch, by=request.user, dry_run=False)
        context = _report_context(batch, outcomes, step=3)
        level = messages.SUCCESS if not context["failed_count"] else messages.WARNING
        messages.add_message(request, level, f"Imported {context['ok_count']} of {context['total']} files"
                             + (f"; {context['failed_count']} failed and wrote nothing." if context["failed_count"]
                                else "."))
        return render(request, "roles/import_preview.html", context)

    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = stage_batch(request.user, form.cleaned_data["files"], publish=form.cleaned_data["publish"])
        try:
            outcomes = run_batch(batch, by=request.user, dry_run=True)
        except BaseException:  # the preview failed: no page carries these tokens, so keep nothing
            discard_batch(request.user, batch.tokens)
            raise
        if not any(outcome.ok for outcome in outcomes):  # nothing to confirm: keep nothing
            discard_batch(request.user, batch.tokens)
        return render(request, "roles/import_preview.html", _report_context(batch, outcomes, step=2))
    return render(request, "roles/import.html", {
        "form": form, "nav": "import", "max_mb": settings.BLUEPRINT_MAX_UPLOAD_BYTES // 1_048_576,
        "crumbs": [("Roles", reverse("roles:catalog")), ("Import", "")],
    })
