"""/roles/<slug>/edit/: the draft's overview (or a page to start one), and what every editor page shares.

Who sees what: editors of the role's family (and admins) edit its draft; approvers may open it
read-only (they review it); everyone else gets 403, or 404 when the role is not theirs to see at all
(only a draft, of another family). A draft in review is read-only for all.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from roles import permissions
from roles.blueprint_format.sections import SECTIONS, get_path
from roles.diffing import diff_value
from roles.forms_editor import SendBackForm
from roles.models import AuditEvent, Role, VersionStatus
from roles.row_matching import MatchBudget
from roles.selectors import open_draft
from roles.services.drafts import WorkflowError, current_document, open_or_start_draft

PUBLISHED_DOC_TIMEOUT = 7 * 24 * 3600
ACTION_WORDS = {"version.created": "started the draft", "version.replaced": "saved",
                "version.submitted": "submitted it", "version.sent_back": "sent it back",
                "version.published": "published it"}


def optional_url(name: str, **kwargs) -> str:
    """The URL of a page that may not exist yet in this build (history, diff, job posting …), else ""."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def split_title(title: str) -> tuple[str, str]:
    """"7) KPIs and productivity metrics" → ("7", "KPIs and productivity metrics")."""
    number, sep, name = title.partition(") ")
    return (number, name) if sep and number.isdigit() else ("+", title)


def role_for_drafts(request, slug: str) -> Role:
    """The role, if the user may see its drafts (editors of its family, approvers, admins); 403 for a role
    they may see otherwise, 404 for one they may not (roles.permissions.visible_role)."""
    role = permissions.visible_role(request.user, slug, Role.objects.select_related("published_version"))
    permissions.require(permissions.can_see_drafts(request.user, role),
                        "Drafts are for the editors of this role's family and for approvers.")
    return role


def published_document(role: Role) -> dict | None:
    """The published version's document. It never changes, so it is cached by version id for good."""
    version = role.published_version
    if version is None:
        return None
    key = f"editor:published-doc:v{version.pk}"
    doc = cache.get(key)
    if doc is None:
        doc = current_document(version)
        cache.set(key, doc, PUBLISHED_DOC_TIMEOUT)
    return doc


def changed_paths(draft_doc: dict, published: dict | None) -> set[str]:
    if published is None:
        return {path for info in SECTIONS for path in info.paths}
    return {path for info in SECTIONS for path in info.paths if get_path(draft_doc, path) != get_path(published, path)}


def section_nav(role: Role, doc: dict, changed: set[str], current: str = "") -> list[dict]:
    out = []
    for info in SECTIONS:
        number, name = split_title(info.title)
        lists = [get_path(doc, p) for p in info.paths if isinstance(get_path(doc, p), list)]
        out.append({"anchor": info.anchor, "number": number, "title": name,
                    "url": reverse("roles:edit_section", kwargs={"slug": role.slug, "anchor": info.anchor}),
                    "count": sum(len(v) for v in lists) if lists and info.anchor != "summary" else None,
                    "changed": any(p in changed for p in info.paths), "current": info.anchor == current})
    return out


def activity(draft) -> list[AuditEvent]:
    events = list(AuditEvent.objects.filter(version=draft).select_related("actor").order_by("-created_at", "-id")[:8])
    for event in events:
        event.words = ACTION_WORDS.get(event.action, event.action)
    return events


def editor_context(request, role: Role, draft, *, current: str = "", doc: dict | None = None) -> dict:
    """Header, section navigation and permissions, the same on the overview and every section page."""
    user = request.user
    doc = doc if doc is not None else current_document(draft)
    published = published_document(role)
    events = activity(draft)
    can_edit = permissions.can_edit(user, role)
    in_review = draft.status == VersionStatus.IN_REVIEW
    submitted = next((e for e in events if e.action == "version.submitted"), None) if in_review else None
    sent_back = (next((e for e in events if e.action == "version.sent_back"), None)
                 if draft.review_comment and not in_review else None)
    published_version = role.published_version
    crumbs = [("Roles", reverse("roles:catalog"))]
    if role.family:
        crumbs.append((role.family, f"{reverse('roles:catalog')}?{urlencode({'family': role.family})}"))
    crumbs += [(role.title, role.get_absolute_url() if published_version else ""), ("Edit draft", "")]
    return {
        "role": role, "draft": draft, "doc": doc, "nav": "roles", "crumbs": crumbs,
        "sections": section_nav(role, doc, changed_paths(doc, published), current),
        "events": events, "last_saved": next((e for e in events if e.action in ("version.replaced",
                                                                                  "version.created")), None),
        "submitted": submitted, "sent_back": sent_back,
        "can_edit": can_edit, "can_review": permissions.can_review(user, role), "in_review": in_review,
        "editable": can_edit and draft.status == VersionStatus.DRAFT,
        "published_version": published_version,
        "send_back_form": SendBackForm(prefix=f"v{draft.pk}") if in_review else None,
        "links": {
            "published": role.get_absolute_url() if published_version else "",
            "versions": optional_url("roles:versions", slug=role.slug),
            "diff": optional_url("roles:diff", slug=role.slug, a=published_version.number, b=draft.number)
            if published_version else "",
            "overview": reverse("roles:edit", kwargs={"slug": role.slug}),
            "submit": reverse("roles:submit", kwargs={"slug": role.slug}),
            "discard": reverse("roles:discard", kwargs={"slug": role.slug}),
            "publish": reverse("roles:publish", kwargs={"pk": draft.pk}),
            "send_back": reverse("roles:send_back", kwargs={"pk": draft.pk}),
        },
    }


def change_summary(doc: dict, published: dict | None) -> list[dict]:
    """Sections that differ from the published version, with counts of added / removed / changed / moved rows."""
    if published is None:
        return []
    out = []
    budget = MatchBudget()   # one for the page, like the diff page's
    for info in SECTIONS:
        tally: dict[str, int] = {}
        for path in info.paths:
            old, new = get_path(published, path), get_path(doc, path)
            if old != new:
                for change in diff_value(path, old, new, budget=budget).changes:
                    tally[change.kind] = tally.get(change.kind, 0) + 1
        if tally:
            number, name = split_title(info.title)
            out.append({"anchor": info.anchor, "number": number, "title": name, "counts": tally,
                        "total": sum(tally.values())})
    return out


@login_required
@require_http_methods(["GET", "POST"])
def editor(request, slug: str):
    role = role_for_drafts(request, slug)
    if request.method == "POST":
        return _start_draft(request, role)
    draft = open_draft(role)
    if draft is None:
        return render(request, "roles/editor_start.html", {
            "role": role, "nav": "roles", "can_edit": permissions.can_edit(request.user, role),
            "published_version": role.published_version,
            "crumbs": [("Roles", reverse("roles:catalog")), (role.title, role.get_absolute_url()),
                       ("Edit", "")]})
    context = editor_context(request, role, draft)
    context["changes"] = change_summary(context["doc"], published_document(role))
    context["overview"] = True
    return render(request, "roles/editor.html", context)


def _start_draft(request, role: Role):
    permissions.require(permissions.can_edit(request.user, role), "You may not edit roles of this family.")
    existing = open_draft(role)
    try:
        draft = open_or_start_draft(role=role, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("roles:edit", slug=role.slug)
    if existing is None:
        source = f"published v{role.published_version.number}" if role.published_version else "the latest version"
        messages.success(request, f"Started draft v{draft.number} from {source}. Nobody sees your changes until "
                                  "an approver publishes them.")
    return redirect("roles:edit", slug=role.slug)


def role_page_actions(user, slug: str, family: str) -> tuple[tuple[str, str, str], ...]:
    """(label, url, style) of the per-user buttons above a role page; part of its memo key (roles.rendering)."""
    if not permissions.can_read(user):
        return ()
    actions = []
    role = Role(slug=slug, family=family)
    if permissions.can_edit(user, role):
        actions.append(("Edit blueprint", reverse("roles:edit", kwargs={"slug": slug}), "primary"))
    if permissions.can_see_drafts(user, role) and (url := optional_url("roles:versions", slug=slug)):
        actions.append(("Versions", url, ""))
    if url := optional_url("roles:job_posting", slug=slug):
        actions.append(("Job posting", url, ""))
    if url := optional_url("roles:compare_pick"):
        actions.append(("Compare", f"{url}?{urlencode({'a': slug})}", ""))
    if is_creator(user):
        actions.append(("Duplicate", reverse("roles:duplicate", kwargs={"slug": slug}), ""))
    return tuple(actions)


def is_creator(user) -> bool:
    """May create roles in at least one family (admins, editors with an assignment)."""
    return permissions.is_admin(user) or (permissions.in_group(user, permissions.EDITORS)
                                          and bool(permissions.edit_families(user)))


def section_url(role: Role, anchor: str) -> str:
    return reverse("roles:edit_section", kwargs={"slug": role.slug, "anchor": anchor})

