"""/roles/<slug>/edit/<section>/: one section of the draft as a form.

A save posts the draft's number and revision and the section as it was loaded (signed), and goes
through services.drafts.save_draft, which refuses a stale revision: the form then comes back with
everything typed, who saved meanwhile and what they changed in this section. Row buttons (add,
remove, move) re-render without saving. With htmx the form swaps in place; without it every
button is an ordinary submit and a save redirects back (post/redirect/get).
"""
import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.post_limits import accepts_fields
from common.request_guard import max_body
from roles import permissions
from roles.blueprint_format import FormatError, validate_document
from roles.blueprint_format.sections import get_path
from roles.diffing import diff_value
from roles.forms_editor import (
    MAX_ROWS,
    PART_LABELS,
    SECTION_BY_ANCHOR,
    SectionForms,
    field_label,
    post_field_limit,
    read_snapshot,
    row_action,
    section_snapshot,
    sign_snapshot,
)
from roles.models import VersionStatus
from roles.selectors import open_draft
from roles.services.drafts import DraftConflict, WorkflowError, current_document, save_draft
from roles.services.versions import VersionFrozen

from .editor import editor_context, role_for_drafts, section_url, split_title


def _families(user) -> list[str] | None:
    """The family choices of an editor; None for admins, who may type any family."""
    return None if permissions.is_admin(user) else sorted(permissions.edit_families(user))


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


# A section of 2,000 rows a list posts about 1 MB; as large as a whole document through the API.
@max_body(lambda: settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
@accepts_fields(lambda anchor, **_: post_field_limit(anchor))
@login_required
@require_http_methods(["GET", "POST"])
def edit_section(request, slug: str, anchor: str):
    if anchor not in SECTION_BY_ANCHOR:
        raise Http404(f"No section {anchor!r}")
    role = role_for_drafts(request, slug)
    draft = open_draft(role)
    if request.method == "POST":
        permissions.require(permissions.can_edit(request.user, role), "You may not edit roles of this family.")
        if draft is None or str(draft.number) != request.POST.get("draft"):
            return _draft_gone(request, role, draft, anchor)
        if draft.status != VersionStatus.DRAFT:
            messages.error(request, f"v{draft.number} is in review, so it is read-only. An approver must publish it "
                                    "or send it back before it can change.")
            return redirect(section_url(role, anchor))
        return _post(request, role, draft, anchor)
    if draft is None:
        return redirect("roles:edit", slug=role.slug)
    doc = current_document(draft)
    forms = SectionForms.from_document(anchor, doc, families=_families(request.user))
    return _render(request, role, draft, anchor, forms, doc=doc, loaded=sign_snapshot(section_snapshot(anchor, doc)))


def _post(request, role, draft, anchor: str):
    families = _families(request.user)
    loaded = request.POST.get("loaded", "")
    try:
        revision = int(request.POST.get("save_over") or request.POST.get("revision") or 0)
    except ValueError:
        revision = 0
    if getattr(request, "fields_over_limit", False):
        return _over_limit(request, role, draft, anchor, loaded=loaded, revision=revision)
    action = row_action(anchor, request.POST)
    if action is not None:
        forms = SectionForms.rearranged(anchor, request.POST, action, families=families)
        return _render(request, role, draft, anchor, forms, loaded=loaded, revision=revision, dirty=True,
                       focus=_focus_after(forms, action))
    forms = SectionForms.from_post(anchor, request.POST, families=families)
    if not forms.is_valid():
        return _render(request, role, draft, anchor, forms, loaded=loaded, revision=revision, dirty=True,
                       status=422)
    doc = forms.apply_to(copy.deepcopy(current_document(draft)))
    title = split_title(SECTION_BY_ANCHOR[anchor].title)[1]
    try:
        saved = save_draft(version=draft, document=doc, by=request.user, revision=revision, note=f"Edited {title}")
    except FormatError as exc:
        forms.add_format_error(exc)
        return _render(request, role, draft, anchor, forms, loaded=loaded, revision=revision, dirty=True,
                       status=422)
    except DraftConflict as conflict:
        return _render(request, role, draft, anchor, forms, loaded=loaded, revision=revision, dirty=True,
                       conflict=_conflict(anchor, conflict, loaded), status=409)
    except (WorkflowError, VersionFrozen) as exc:
        messages.error(request, f"Nothing was saved: {exc}")
        return redirect(section_url(role, anchor))
    if not _is_htmx(request):
        messages.success(request, f"Saved “{title}” — draft v{saved.number}, revision {saved.revision}.")
        return redirect(section_url(role, anchor))
    canonical = validate_document(doc)
    fresh = SectionForms.from_document(anchor, canonical, families=families)
    return _render(request, role, saved, anchor, fresh, doc=canonical,
                   loaded=sign_snapshot(section_snapshot(anchor, canonical)),
                   saved_message=f"Saved — revision {saved.revision}.")


def _over_limit(request, role, draft, anchor: str, *, loaded: str, revision: int):
    """More fields than any section of MAX_ROWS rows per list posts: the rows as far as they were read, unsaved."""
    forms = SectionForms.rearranged(anchor, request.POST, None, families=_families(request.user))
    forms.summary_errors.append(
        f"This form sent more than {post_field_limit(anchor):,} fields, more than a section with {MAX_ROWS:,} rows in "
        "each list needs, so it was read only that far: the rows below are what arrived. Remove rows and save again.")
    return _render(request, role, draft, anchor, forms, loaded=loaded, revision=revision, dirty=True, status=422)


def _focus_after(forms: SectionForms, action) -> str:
    """The name of the button (or id of the field) to focus once the rows are re-rendered."""
    prefix, op, _ = action
    item = next(i for i in forms.items if i.part.prefix == prefix)
    if item.focus_row is None:
        return f"{prefix}-add"
    if op == "add":
        return ""  # the new row's first field carries autofocus
    if op == "remove":
        return f"{prefix}-remove-{item.focus_row}"
    return f"{prefix}-{op}-{item.focus_row}"


def _conflict(anchor: str, conflict: DraftConflict, loaded: str) -> dict:
    """Who saved meanwhile, and what they changed in this section since the form was loaded."""
    before = read_snapshot(loaded)
    paths = SECTION_BY_ANCHOR[anchor].paths
    changes = []
    for path in paths:
        new = get_path(conflict.current_document, path)
        if before is None or before.get(path) == new:
            continue
        rows = []
        for change in diff_value(path, before.get(path), new).changes:
            row = change.new if change.kind == "added" else change.old
            rows.append({
                "kind": change.kind, "label": change.label,
                "part": PART_LABELS.get(path, "") if len(paths) > 1 else "",
                "fields": [{"label": field_label(path, f.name), "words": f.words} for f in change.fields],
                "text": (" · ".join(str(v) for v in row.values() if v) if isinstance(row, dict) else row or "")
                if change.kind in ("added", "removed") else "",
            })
        changes.append({"path": path, "changes": rows})
    return {"who": ", ".join(conflict.changed_by) or "someone", "expected": conflict.expected_revision,
            "current": conflict.version.revision, "changes": changes, "known": before is not None}


def _draft_gone(request, role, draft, anchor: str):
    """The form belongs to a draft that was published or discarded since: keep the input, save nothing."""
    if draft is None:
        messages.error(request, "The draft you were editing was published or discarded, so nothing was saved. "
                                "Start a new draft to make changes.")
        return redirect("roles:edit", slug=role.slug)
    messages.error(request, f"The draft you were editing is gone; v{draft.number} is the open draft now. Nothing "
                            "was saved — here is its current content.")
    return redirect(section_url(role, anchor))


def _render(request, role, draft, anchor: str, forms: SectionForms, *, loaded: str, doc: dict | None = None,
            revision: int | None = None, dirty: bool = False, focus: str = "", conflict: dict | None = None,
            saved_message: str = "", status: int = 200):
    context = editor_context(request, role, draft, current=anchor, doc=doc)
    # A list longer than the editor takes is shown, not edited: its save would post more rows than a list may have.
    context["form_editable"] = context["editable"] and not forms.too_long
    if not context["form_editable"]:
        forms.make_read_only()
    number, title = split_title(SECTION_BY_ANCHOR[anchor].title)
    nav = context["sections"]
    index = next(i for i, s in enumerate(nav) if s["anchor"] == anchor)
    context.update({
        "section": {"anchor": anchor, "number": number, "title": title,
                    "url": section_url(role, anchor)},
        "previous": nav[index - 1] if index else None, "next": nav[index + 1] if index + 1 < len(nav) else None,
        "forms": forms, "errors": forms.error_list(), "loaded": loaded,
        "revision": draft.revision if revision is None else revision,
        "dirty": dirty, "focus": focus, "conflict": conflict, "saved_message": saved_message, "max_rows": MAX_ROWS,
    })
    if _is_htmx(request):
        return render(request, "roles/partials/editor_htmx_response.html", context, status=status)
    return render(request, "roles/editor_section.html", context, status=status)
