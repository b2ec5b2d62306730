"""The role page below the top bar (breadcrumbs, header, contents, the 20 sections), rendered once per
published version.

A published version never changes, so everything on its page that does not depend on who is
looking is rendered once and cached by version id. Two things can still make a cached page stale,
and both are handled:

* the templates that draw it: a fingerprint of their source is part of the key, so a deploy that
  changes them renders afresh;
* the career path links to other roles by title, which appear and disappear as roles are
  published: every publish bumps a "links generation" stored in the cache that every process
  shares (CACHE_URL), read before the page, and a page drawn under an older generation is redrawn,
  by whichever process drew it. With the cache unreachable, every page is drawn afresh.

Per request the view then does: session, user, one query for the role's published version id
(which also tells whether the user is in a portal group), one cache round trip. On a miss the
page costs one query for the version and one per content table, however large the blueprint.
"""
import hashlib
import uuid
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Case, CharField, OuterRef, Prefetch, Subquery, Value, When, prefetch_related_objects
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from roles import permissions
from roles.models import BlueprintItem, BlueprintVersion, MilestoneHorizon, ResponsibilityCategory, Role, Section, \
    SkillTier
from roles.models.choices import SECTION_GROUPS
from roles.selectors import CONTENT_PREFETCH, items_by_section
from roles.signals import blueprint_published

PAGE_TEMPLATE = "roles/partials/role_page.html"
BODY_TIMEOUT = 30 * 24 * 3600  # unused bodies leave the cache eventually; used ones are re-set on a miss
LINKS_GENERATION_KEY = "role-body:links-generation"
# Where the per-user layout receives the cached fragment; an HTML comment, so it can never be blueprint text.
FRAGMENT_SLOT = mark_safe("<!-- role-page-fragment -->")
LINKED_CAREER_GROUPS = ("feeder_roles", "next_roles")

# Headings of the groups that have no enum of their own (the others use choices.py labels).
ACTIVITY_LABELS = {"daily": "Daily", "weekly": "Weekly", "monthly_quarterly": "Monthly or quarterly",
                   "recurring": "Recurring meetings and rituals", "incident": "Incidents and escalations"}
STAKEHOLDER_LABELS = {"internal": "Internal stakeholders", "external": "External stakeholders", "peer": "Peer roles",
                      "upstream": "Upstream dependencies", "downstream": "Downstream consumers",
                      "decision_authority": "Decision-making authority", "escalation": "Escalation points"}
DECISION_LABELS = {"independent": "Decides independently", "team_approval": "Needs team approval",
                   "management_approval": "Needs management approval",
                   "authority": "Budget, architecture, vendor and hiring authority"}
QUALIFICATION_LABELS = {"experience": "Experience", "education": "Education", "certification": "Certifications",
                        "background": "Typical prior roles", "domain": "Domain knowledge",
                        "leadership": "Leadership experience"}
CAREER_LABELS = {"feeder_roles": "Feeder roles", "next_roles": "Next roles", "adjacent_paths": "Adjacent paths",
                 "promotion_criteria": "Promotion criteria", "evolution": "How the role evolves"}
RISK_LABELS = {"challenges": "Challenges", "bottlenecks": "Bottlenecks", "anti_patterns": "Anti-patterns",
               "underperformance": "Reasons for underperformance",
               "business_risks": "Business risks if the role is ineffective"}
AI_LABELS = {"automatable": "Can be automated", "human_critical": "Remains human-critical",
             "evolution": "How AI changes the role (2–5 years)", "new_expectations": "New expectations"}
SIGNAL_LABELS = {"strong_signals": "Strong signals", "weak_signals": "Weak signals", "red_flags": "Red flags"}
TIMELINE = (MilestoneHorizon.D30, MilestoneHorizon.D60, MilestoneHorizon.D90, MilestoneHorizon.M6,
            MilestoneHorizon.M12)

# (anchor, heading) of the 20 sections, in the template's order.
SECTIONS = (
    ("summary", "Role summary"), ("mission", "Mission"), ("responsibilities", "Core responsibilities"),
    ("activities", Section.ACTIVITIES.label), ("deliverables", Section.DELIVERABLES.label),
    ("milestones", "Goals and milestones"), ("kpis", "KPIs and metrics"), ("technical-skills", "Technical skills"),
    ("soft-skills", "Soft skills"), ("tools", "Tools and platforms"), ("environment", Section.ENVIRONMENT.label),
    ("stakeholders", Section.STAKEHOLDERS.label), ("decision-rights", Section.DECISION_RIGHTS.label),
    ("qualifications", Section.QUALIFICATIONS.label), ("career", Section.CAREER.label),
    ("risks", Section.RISKS.label), ("variants", Section.VARIANTS.label), ("ai-impact", Section.AI_IMPACT.label),
    ("hiring", "Hiring evaluation"), ("summary-table", Section.SUMMARY_TABLE.label),
)


@lru_cache(maxsize=1)
def template_fingerprint() -> str:
    """A short hash of everything that draws the body, so changed templates never serve old HTML."""
    sources = sorted((Path(settings.BASE_DIR) / "templates" / "roles" / "partials").glob("*.html"))
    sources += [Path(__file__), Path(__file__).parent / "templatetags" / "portal.py"]
    digest = hashlib.sha1()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def body_cache_key(version_id: int) -> str:
    return f"role-body:v{version_id}:{template_fingerprint()}"


# Fragments most recently served by this process, so that a hit costs neither a cache round trip
# nor unpickling a copy of up to a megabyte. Keyed by version, checked against the links generation.
_FRAGMENT_MEMO: "OrderedDict[int, tuple]" = OrderedDict()
_FRAGMENT_MEMO_SIZE = 32


def _remember(version_id: int, entry: tuple) -> None:
    _FRAGMENT_MEMO[version_id] = entry
    _FRAGMENT_MEMO.move_to_end(version_id)
    if len(_FRAGMENT_MEMO) > _FRAGMENT_MEMO_SIZE:
        _FRAGMENT_MEMO.popitem(last=False)


def cached_role_page(version_id: int) -> tuple[str, bytes]:
    """(title, page fragment as UTF-8 HTML) of a published version, from the caches or rendered on a miss.

    Bytes rather than text: the fragment goes into the response as it is, without decoding and
    encoding a page that can weigh more than half a megabyte on every request. The title travels
    with it so that a cache hit needs no query for the version.
    """
    key = body_cache_key(version_id)
    generation = cache.get(LINKS_GENERATION_KEY)
    if generation is None:
        cache.add(LINKS_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(LINKS_GENERATION_KEY)
    if generation is None:
        # The cache keeps nothing (Redis unreachable): a memo checked against no generation would miss
        # the publishes of other processes, so render afresh until the cache is back.
        version = BlueprintVersion.objects.select_related("role", "published_by").get(pk=version_id)
        return version.title, render_page(version).encode()
    entry = _FRAGMENT_MEMO.get(version_id)
    if entry is not None and entry[0] == (key, generation):
        return entry[1], entry[2]
    entry = cache.get(key)
    if entry is None or entry[0] != (key, generation):
        version = BlueprintVersion.objects.select_related("role", "published_by").get(pk=version_id)
        entry = ((key, generation), version.title, render_page(version).encode())
        cache.set(key, entry, BODY_TIMEOUT)
    _remember(version_id, entry)
    return entry[1], entry[2]


def page_with_fragment(shell: str, fragment: bytes) -> bytes:
    """Put a cached fragment where the shell (the per-user layout) holds FRAGMENT_SLOT."""
    head, _, tail = shell.partition(FRAGMENT_SLOT)
    return b"".join((head.encode(), fragment, tail.encode()))  # one copy of the fragment, not two


@receiver(blueprint_published, dispatch_uid="roles.rendering.links_changed")
def links_changed(sender, **kwargs):
    """A role was published (maybe under a new title): career links of every cached body may change."""
    cache.set(LINKS_GENERATION_KEY, uuid.uuid4().hex, None)


def _career_link() -> Case:
    """The slug of the published role titled like a feeder/next role (case-insensitive), else ""."""
    match = (Role.objects.filter(published_version__isnull=False)
             .annotate(lower_title=Lower("title")).filter(lower_title=Lower(OuterRef("text")))
             .order_by("pk").values("slug")[:1])
    return Case(When(section=Section.CAREER, group__in=LINKED_CAREER_GROUPS, then=Subquery(match)),
                default=Value(""), output_field=CharField())


def body_prefetches() -> list:
    """The selectors' content prefetches, with career items carrying their linked role's slug.

    Looking the links up inside the items query keeps the whole body at one query per
    content table, whatever the number of career entries.
    """
    items = Prefetch("items", queryset=BlueprintItem.objects.annotate(linked_slug=_career_link()))
    return [items if lookup == "items" else lookup for lookup in CONTENT_PREFETCH]


def render_page(version: BlueprintVersion) -> str:
    """The fragment of a version loaded with its role and publisher; content is prefetched here."""
    prefetch_related_objects([version], *body_prefetches())
    return render_to_string(PAGE_TEMPLATE, body_context(version))


def role_crumbs(version: BlueprintVersion) -> list[tuple[str, str]]:
    catalog = reverse("roles:catalog")
    crumbs = [("Roles", catalog)]
    if version.family:
        crumbs.append((version.family, f"{catalog}?{urlencode({'family': version.family})}"))
    return [*crumbs, (version.title, "")]


def _grouped(rows, key, labels: dict[str, str] | None = None) -> list[dict]:
    """Rows grouped by `key`, known groups first in `labels` order, then others as they appear."""
    groups: dict[str, list] = {name: [] for name in (labels or {})}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return [{"key": name, "label": (labels or {}).get(name, name) or "General", "rows": members}
            for name, members in groups.items() if members]


def _by_group(rows: list[BlueprintItem], group: str) -> list[BlueprintItem]:
    return [row for row in rows if row.group == group]


def body_context(version: BlueprintVersion) -> dict:
    items = items_by_section(version)
    career = items.get(Section.CAREER, [])
    signals = items.get(Section.SIGNALS, [])
    success = items.get(Section.SUCCESS, [])
    milestones = list(version.milestones.all())
    horizons = list(TIMELINE) + ([MilestoneHorizon.LONG_TERM]
                                 if any(m.horizon == MilestoneHorizon.LONG_TERM for m in milestones) else [])
    context = {
        "version": version,
        "role": version.role,
        "crumbs": role_crumbs(version),
        "partners": items.get(Section.INTERACTION_PARTNERS, []),
        "outcomes": items.get(Section.MISSION_OUTCOMES, []),
        "responsibilities": _grouped(version.responsibilities.all(), "category", dict(ResponsibilityCategory.choices)),
        "activities": _grouped(items.get(Section.ACTIVITIES, []), "group", ACTIVITY_LABELS),
        "deliverables": _grouped(items.get(Section.DELIVERABLES, []), "group"),
        "timeline": [{"key": h.value, "label": h.label, "rows": [m for m in milestones if m.horizon == h]}
                     for h in horizons],
        "success_definition": _by_group(success, "definition"),
        "high_performance": _by_group(success, "high_performance"),
        "kpis": list(version.kpis.all()),
        "skill_tiers": _grouped(version.technical_skills.all(), "tier", dict(SkillTier.choices)),
        "soft_skills": list(version.soft_skills.all()),
        "tool_groups": _grouped(version.tools.all(), "category"),
        "environment": _grouped(items.get(Section.ENVIRONMENT, []), "group"),
        "stakeholders": _grouped(items.get(Section.STAKEHOLDERS, []), "group", STAKEHOLDER_LABELS),
        "decision_rights": _grouped(items.get(Section.DECISION_RIGHTS, []), "group", DECISION_LABELS),
        "qualifications": _grouped(items.get(Section.QUALIFICATIONS, []), "group", QUALIFICATION_LABELS),
        "career": {key: _by_group(career, key) for key in SECTION_GROUPS[Section.CAREER]},
        "career_labels": CAREER_LABELS,
        "risks": _grouped(items.get(Section.RISKS, []), "group", RISK_LABELS),
        "variants": _grouped(items.get(Section.VARIANTS, []), "group"),
        "ai_impact": _grouped(items.get(Section.AI_IMPACT, []), "group", AI_LABELS),
        "assessment_areas": items.get(Section.ASSESSMENT_AREAS, []),
        "exercises": items.get(Section.EXERCISES, []),
        "signals": [{"key": key, "label": label, "rows": _by_group(signals, key)}
                    for key, label in SIGNAL_LABELS.items()],
        "scorecard": list(version.scorecard.all()),
        "summary_table": items.get(Section.SUMMARY_TABLE, []),
        "notes": items.get(Section.NOTES, []),
    }
    counts = {
        "responsibilities": len(version.responsibilities.all()), "activities": len(items.get(Section.ACTIVITIES, [])),
        "deliverables": len(items.get(Section.DELIVERABLES, [])), "milestones": len(milestones),
        "kpis": len(context["kpis"]), "technical-skills": len(version.technical_skills.all()),
        "soft-skills": len(context["soft_skills"]), "tools": len(version.tools.all()),
        "environment": len(items.get(Section.ENVIRONMENT, [])),
        "stakeholders": len(items.get(Section.STAKEHOLDERS, [])),
        "decision-rights": len(items.get(Section.DECISION_RIGHTS, [])),
        "qualifications": len(items.get(Section.QUALIFICATIONS, [])), "risks": len(items.get(Section.RISKS, [])),
        "variants": len(items.get(Section.VARIANTS, [])), "ai-impact": len(items.get(Section.AI_IMPACT, [])),
        "summary-table": len(context["summary_table"]),
    }
    context["toc"] = [{"number": n, "anchor": anchor, "title": title, "count": counts.get(anchor),
                       "template": f"roles/partials/section_{anchor.replace('-', '_')}.html"}
                      for n, (anchor, title) in enumerate(SECTIONS, start=1)]
    return context


SHELL_TEMPLATE = "roles/role_detail.html"
_SHELL_MEMO: "OrderedDict[tuple, str]" = OrderedDict()
_SHELL_MEMO_SIZE = 2048


def _shell_key(request, title: str, actions: tuple) -> tuple | None:
    """What the per-user layout of a role page depends on, or None when it must be rendered afresh.

    The logout form's CSRF token stays valid for as long as the browser's CSRF secret does, so the
    secret is part of the key; without one yet (first visit), rendering sets it. Pending messages
    are shown once, so their presence also means rendering afresh.
    """
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(get_messages(request)):
        return None
    user = request.user
    return (user.pk, user.get_username(), user.get_full_name(), user.email, user.is_staff,
            permissions.can_import(user), permissions.can_review(user), title, actions, secret,
            any(permissions.in_group(user, g) for g in (permissions.HIRING_MANAGERS, permissions.INTERVIEWERS)),
            any(permissions.in_group(user, g) for g in (permissions.HR, permissions.PEOPLE_MANAGERS)))  # KPIs link


def role_page_shell(request, title: str, actions: tuple = ()) -> str:
    """The per-user layout around the cached fragment, memoised per user, title, actions and CSRF secret.

    `actions`: (label, url, style) of the buttons this user gets above the page (edit, versions …).
    """
    key = _shell_key(request, title, actions)
    if key is not None and key in _SHELL_MEMO:
        _SHELL_MEMO.move_to_end(key)
        return _SHELL_MEMO[key]
    shell = render_to_string(SHELL_TEMPLATE, {"title": title, "page": FRAGMENT_SLOT, "nav": "roles",
                                              "actions": actions}, request=request)
    if key is not None:
        _SHELL_MEMO[key] = shell
        if len(_SHELL_MEMO) > _SHELL_MEMO_SIZE:
            _SHELL_MEMO.popitem(last=False)
    return shell


def clear_memos() -> None:
    """Forget this process's memoised fragments and shells (tests reuse ids after rolling back)."""
    _FRAGMENT_MEMO.clear()
    _SHELL_MEMO.clear()
