"""A role's history: its versions and audit trail, any version read-only, and the diff of two versions.

Readers see published and archived versions; editors of the family and approvers also see drafts
and versions in review (roles.permissions.can_see_drafts). A version a user may not see answers 404,
exactly like one that does not exist, so drafts never leak.
"""
import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from common.text import ascii_digits, ascii_page_number
from roles import permissions
from roles.blueprint_format import read_document
from roles.blueprint_format.sections import ROW_KEYS
from roles.blueprint_format.spec import ITEM_LISTS, ROLE_FIELDS, TYPED_LISTS
from roles.diffing import RowChange, SectionDiff, diff_documents
from roles.models import (
    AuditEvent,
    BlueprintVersion,
    Commonality,
    Importance,
    Level,
    MilestoneHorizon,
    ResponsibilityCategory,
    Role,
    SkillTier,
    VersionStatus,
    Weight,
)
from roles.rendering import (
    ACTIVITY_LABELS,
    AI_LABELS,
    DECISION_LABELS,
    QUALIFICATION_LABELS,
    RISK_LABELS,
    STAKEHOLDER_LABELS,
    body_context,
    body_prefetches,
)
from roles.selectors import versions_with_content

EVENTS_PER_PAGE = 20
PUBLIC_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)
# What readers without access to drafts see of the audit trail: publications only.
PUBLIC_ACTIONS = ("version.published",)


# ---------- Access ----------

def _readable_role(request, slug: str) -> tuple[Role, bool]:
    """The role and whether the user sees its drafts; 403 for users outside the portal's groups."""
    role = permissions.visible_role(request.user, slug, Role.objects.select_related("published_version"))
    return role, permissions.can_see_drafts(request.user, role)


def _visible(versions: QuerySet[BlueprintVersion], show_drafts: bool) -> QuerySet[BlueprintVersion]:
    return versions if show_drafts else versions.filter(status__in=PUBLIC_STATUSES)


def _crumbs(role: Role, *tail: tuple[str, str]) -> list[tuple[str, str]]:
    crumbs = [("Roles", reverse("roles:catalog"))]
    title_url = role.get_absolute_url() if role.published_version_id else ""
    return [*crumbs, (role.title, title_url), *tail]


# ---------- Versions page and audit trail ----------

ACTION_WORDS = {
    "role.created": "created the role",
    "version.created": "created draft {v}",
    "version.replaced": "saved draft {v}",
    "version.submitted": "submitted {v} for review",
    "version.sent_back": "sent back {v}",
    "version.published": "published {v}",
    "version.discarded": "discarded draft {v}",
}


def describe_event(event: AuditEvent) -> dict:
    """An audit row in words: "published v2", "sent back v3", "discarded draft v4" and the note."""
    number = event.version_number or (event.version.number if event.version else None)
    template = ACTION_WORDS.get(event.action, event.action.replace(".", " ").replace("_", " "))
    before, has_version, after = template.partition("{v}")
    # Events of a discarded draft keep its number; the version itself is gone.
    gone = event.version_id is None and event.action != "version.discarded"
    version_words = (f"v{number}" + (" (since discarded)" if gone else "") if number else "a draft") \
        if has_version else ""
    words = f"{before}{version_words}{after}"
    # A note that only repeats the action ("Discarded draft v4") adds nothing.
    note = "" if event.note.strip().lower() == words.lower() else event.note
    return {"event": event, "words": words, "before": before, "version_words": version_words, "after": after,
            "number": number, "note": note, "kind": event.action.rsplit(".", 1)[-1]}


def _audit_page(request, role: Role, show_drafts: bool):
    events = (AuditEvent.objects.filter(role=role).select_related("actor", "version")
              .only("action", "note", "created_at", "role_id", "actor_id", "version_id", "version_number",
                    "actor__username", "actor__first_name", "actor__last_name",
                    "version__number", "version__status")
              .order_by("-created_at", "-id"))
    if not show_drafts:
        events = events.filter(action__in=PUBLIC_ACTIONS)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(ascii_page_number(request.GET.get("page")))
    page.rows = [describe_event(event) for event in page.object_list]
    for row in page.rows:
        version = row["event"].version
        row["linkable"] = version is not None and (show_drafts or version.status in PUBLIC_STATUSES)
    return page


def _pick_redirect(request, role: Role):
    """The compare control of the versions page submits ?a=&b=; send it on to the diff."""
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if ascii_digits(a) and ascii_digits(b):
        return redirect("roles:diff", slug=role.slug, a=int(a), b=int(b))
    return None


@login_required
def versions(request, slug: str):
    role, show_drafts = _readable_role(request, slug)
    if (response := _pick_redirect(request, role)) is not None:
        return response
    rows = list(_visible(role.versions.all(), show_drafts)
                .select_related("created_by", "published_by")
                .defer("summary", "mission_core", "mission_strategic_importance")
                .order_by("-number"))
    if not rows and not show_drafts:
        raise Http404("No published version of this role")
    for newer, older in zip(rows, rows[1:]):
        newer.previous_number = older.number
    return render(request, "roles/versions.html", {
        "role": role,
        "versions": rows,
        "show_drafts": show_drafts,
        "pick_a": rows[1].number if len(rows) > 1 else None,
        "pick_b": rows[0].number if rows else None,
        "audit": _audit_page(request, role, show_drafts),
        "crumbs": _crumbs(role, ("History", "")),
        "nav": "roles",
    })


# ---------- One version, read-only ----------

def _version_or_404(role: Role, number: int, show_drafts: bool) -> BlueprintVersion:
    version = (_visible(BlueprintVersion.objects.filter(role=role, number=number), show_drafts)
               .select_related("role", "created_by", "published_by").first())
    if version is None:
        raise Http404(f"No visible version {number} of {role.slug}")
    return version


@login_required
def version_detail(request, slug: str, number: int):
    """Any version rendered like the role page, never through the published-page cache."""
    role, show_drafts = _readable_role(request, slug)
    version = _version_or_404(role, number, show_drafts)
    prefetch_related_objects([version], *body_prefetches())
    context = body_context(version)
    current = role.published_version
    context.update({
        "current": current,
        "is_current": current is not None and current.pk == version.pk,
        "crumbs": _crumbs(role, ("History", reverse("roles:versions", kwargs={"slug": role.slug})),
                          (f"v{version.number}", "")),
        "nav": "roles",
    })
    return render(request, "roles/version_detail.html", context)


# ---------- Diff of two versions ----------

SECTION_NUMBER = re.compile(r"^(\d+)\)\s*")
PATH_LABELS = {
    "role.title": "Title", "role.family": "Family", "role.level": "Level", "role.horizon": "Role horizon",
    "role.summary": "Summary", "role.interaction_partners": "Interaction partners",
    "mission.core": "Core mission", "mission.strategic_importance": "Strategic importance",
    "mission.outcomes": "Business outcomes", "milestones": "Milestones",
    "success.definition": "What success looks like", "success.high_performance": "High performance",
    "career.feeder_roles": "Feeder roles", "career.next_roles": "Next roles",
    "career.adjacent_paths": "Adjacent paths", "career.promotion_criteria": "Promotion criteria",
    "career.evolution": "How the role evolves", "hiring.assessment_areas": "What to assess",
    "hiring.exercises": "Exercises", "hiring.strong_signals": "Strong signals",
    "hiring.weak_signals": "Weak signals", "hiring.red_flags": "Red flags", "hiring.scorecard": "Scorecard",
}
KIND_DISPLAY = {  # icon and word: a change is never told by colour alone
    "added": ("+", "Added"), "removed": ("−", "Removed"), "changed": ("✎", "Changed"), "moved": ("↕", "Moved"),
}
KIND_ORDER = ("added", "removed", "changed", "moved")
UNPAIRED_NOTE = "Too many changes to match row by row; showing added and removed rows."
# Labels of every closed vocabulary, so "must_have → advanced" reads "Must-have → Advanced / differentiating".
VALUE_LABELS = {
    **{value: label for enum in (Level, SkillTier, Importance, Commonality, Weight, MilestoneHorizon,
                                 ResponsibilityCategory) for value, label in enum.choices},
    **ACTIVITY_LABELS, **STAKEHOLDER_LABELS, **DECISION_LABELS, **QUALIFICATION_LABELS, **RISK_LABELS,
    **AI_LABELS,
}
# (list path or "role", field name) of fields whose values come from a closed vocabulary.
ENUM_FIELDS = {(rows.path, f.name) for rows in (*TYPED_LISTS, *ITEM_LISTS) for f in rows.fields if f.choices}
ENUM_FIELDS |= {("role", f.name) for f in ROLE_FIELDS if f.choices}


CONTEXT_CHARS = 160   # unchanged prose kept on each side of a change; longer stretches are folded


def _around_changes(words: list) -> list[dict]:
    """Word spans with long unchanged stretches folded to their edges, so a one-word edit in a long
    summary shows the words around it rather than the whole text."""
    spans, last = [], len(words) - 1
    for i, span in enumerate(words):
        text = span.text
        if span.op != "equal" or len(text) <= 3 * CONTEXT_CHARS:
            spans.append({"op": span.op, "text": text})
            continue
        head_end = text.find(" ", CONTEXT_CHARS)
        head_end = CONTEXT_CHARS if head_end == -1 else head_end
        tail_start = text.rfind(" ", 0, len(text) - CONTEXT_CHARS)
        tail_start = len(text) - CONTEXT_CHARS if tail_start == -1 else tail_start
        if i > 0:
            spans.append({"op": "equal", "text": text[:head_end]})
        spans.append({"op": "gap", "text": ""})
        if i < last:
            spans.append({"op": "equal", "text": text[tail_start:]})
    return spans


def _field_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _value(path: str, name: str, value) -> str:
    return VALUE_LABELS.get(value, value) if (path, name) in ENUM_FIELDS else value


def _details(path: str, row, key: str | None) -> list[tuple[str, str]]:
    """The fields of an added or removed row beyond the one that names it, as (field, value)."""
    if not isinstance(row, dict):
        return []
    named_by = key or "text"
    return [(_field_label(name), _value(path, name, value)) for name, value in row.items()
            if value and name != named_by]


def present_change(path: str, change: RowChange) -> dict:
    """One change as the diff page shows it: kind (icon and word), what it is, and how it changed."""
    icon, word = KIND_DISPLAY[change.kind]
    scalar = change.old_index is None and change.new_index is None   # e.g. role.summary
    key = None if scalar else ROW_KEYS.get(path)
    # Text lists and narrative rows (activities, risks …) have no name column: their text names them.
    named_by_text = not scalar and key is None
    enum_path = path.partition(".")[0] if scalar else path           # ("role", "level") for role.level
    fields = []
    for f in change.fields:
        name = "" if scalar or (named_by_text and f.name == "text") else _field_label(f.name)
        if (enum_path, f.name) in ENUM_FIELDS:
            fields.append({"name": name, "enum": True,
                           "old": _value(enum_path, f.name, f.old), "new": _value(enum_path, f.name, f.new)})
        else:
            fields.append({"name": name, "enum": False, "words": _around_changes(f.words)})
    text_changed = named_by_text and any(f.name == "text" for f in change.fields)
    row = change.new if change.new is not None else change.old
    return {
        "kind": change.kind, "icon": icon, "word": word,
        "label": "" if scalar or text_changed else change.label,
        "details": _details(path, row, key) if change.kind in ("added", "removed") else [],
        "fields": fields,
        "moved": change.moved,
        "from_position": change.old_index + 1 if change.old_index is not None else None,
        "to_position": change.new_index + 1 if change.new_index is not None else None,
    }


def tally(counts: dict[str, int]) -> list[dict]:
    icons = {"added": "+", "removed": "−", "changed": "", "moved": ""}
    return [{"kind": kind, "n": counts[kind], "text": f"{icons[kind]}{counts[kind]} {kind}"}
            for kind in KIND_ORDER if counts.get(kind)]


def present_section(section: SectionDiff) -> dict:
    match = SECTION_NUMBER.match(section.title)
    multi = len(section.parts) > 1 or section.anchor in ("summary", "mission", "career", "hiring", "milestones")
    return {
        "anchor": section.anchor,
        "number": match.group(1) if match else "+",
        "title": SECTION_NUMBER.sub("", section.title),
        "count": section.count,
        "tally": tally(section.counts()),
        "parts": [{"label": PATH_LABELS.get(part.path, _field_label(part.path.rsplit(".", 1)[-1])) if multi else "",
                   "rows": [present_change(part.path, c) for c in part.changes],
                   "unpaired_note": "" if part.row_by_row else UNPAIRED_NOTE}
                  for part in section.parts],
    }


def _two_versions(role: Role, a: int, b: int, show_drafts: bool) -> tuple[BlueprintVersion, BlueprintVersion]:
    """Both versions with their content, in one query per content table."""
    found = {v.number: v for v in _visible(versions_with_content().filter(role=role, number__in=[a, b]), show_drafts)}
    if a not in found or b not in found:
        raise Http404(f"No visible versions {a} and {b} of {role.slug}")
    return found[a], found[b]


@login_required
def diff(request, slug: str, a: int, b: int):
    role, show_drafts = _readable_role(request, slug)
    old, new = _two_versions(role, a, b, show_drafts)
    sections = [present_section(s) for s in diff_documents(read_document(old), read_document(new))]
    totals: dict[str, int] = {}
    for section in sections:
        for item in section["tally"]:
            totals[item["kind"]] = totals.get(item["kind"], 0) + item["n"]
    return render(request, "roles/diff.html", {
        "role": role, "old": old, "new": new, "sections": sections, "totals": tally(totals),
        "identical_title": f"v{old.number} and v{new.number} are identical",
        "crumbs": _crumbs(role, ("History", reverse("roles:versions", kwargs={"slug": role.slug})),
                          (f"v{old.number} → v{new.number}", "")),
        "nav": "roles",
    })
