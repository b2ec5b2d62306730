"""/compare/: pick two published roles; /compare/<a>/<b>/: both side by side, section by section, under a
summary of what changes when moving from A to B (roles.comparing)."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from roles import permissions
from roles.blueprint_format import read_document
from roles.comparing import compare_documents
from roles.diffing import diff_documents
from roles.models import BlueprintVersion, ResponsibilityCategory, Role, SkillTier
from roles.rendering import body_context, body_prefetches
from roles.row_matching import MatchBudget
from roles.views.history import UNPAIRED_NOTE, tally

SHOWN_BEFORE_MORE = 6   # longer delta lists fold the rest behind "Show n more"
TIER_LABELS = dict(SkillTier.choices)
CATEGORY_LABELS = dict(ResponsibilityCategory.choices)


class ComparePickForm(forms.Form):
    a = forms.ChoiceField(label="From role", help_text="Usually the role someone holds today.")
    b = forms.ChoiceField(label="To role", help_text="The role they are moving to, e.g. the next level.")

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for role in roles:
            groups.setdefault(role.family or "Other roles", []).append((role.slug, role.title))
        choices = [("", "Choose a role…"), *groups.items()]
        self.fields["a"].choices = self.fields["b"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            self.add_error("b", "Pick a different role from the first one: a role compared with itself shows "
                                "nothing.")
        return data


def _folded(items: list) -> dict:
    return {"count": len(items), "shown": items[:SHOWN_BEFORE_MORE], "more": items[SHOWN_BEFORE_MORE:]}


def _skill(delta, side: str) -> dict:
    skill = getattr(delta, side)
    return {"type": "skill", "name": delta.name, "importance": skill["importance"],
            "tier": TIER_LABELS.get(skill["tier"], skill["tier"])}


def _skill_change(delta) -> dict:
    return {"type": "skill_change", "name": delta.name,
            "old_importance": delta.old["importance"], "new_importance": delta.new["importance"],
            "old_tier": TIER_LABELS.get(delta.old["tier"], delta.old["tier"]),
            "new_tier": TIER_LABELS.get(delta.new["tier"], delta.new["tier"])}


def _responsibility(row: dict) -> dict:
    return {"type": "responsibility", "name": row["title"], "detail": row.get("detail", ""),
            "category": CATEGORY_LABELS.get(row["category"], row["category"])}


def summary_cards(comparison) -> list[dict]:
    """The deltas as the summary shows them, most telling first."""
    cards = (
        ("skills-added", "Skills to add", "+", [_skill(d, "new") for d in comparison.skills_added]),
        ("skills-raised", "Skills that matter more", "▲", [_skill_change(d) for d in comparison.skills_raised]),
        ("responsibilities-new", "New responsibilities", "+",
         [_responsibility(r) for r in comparison.responsibilities_new]),
        ("kpis", "KPIs that differ", "≠",
         [{"type": "kpi", "name": d.name, "old": d.old_target, "new": d.new_target} for d in comparison.kpis_differ]),
        ("weights", "Scorecard weights that change", "⚖",
         [{"type": "weight", "name": d.dimension, "old": d.old, "new": d.new} for d in comparison.weights_changed]),
        ("skills-lowered", "Skills that matter less", "▼", [_skill_change(d) for d in comparison.skills_lowered]),
        ("skills-dropped", "Skills no longer listed", "−", [_skill(d, "old") for d in comparison.skills_dropped]),
        ("responsibilities-dropped", "Responsibilities left behind", "−",
         [_responsibility(r) for r in comparison.responsibilities_dropped]),
    )
    unpaired = {"responsibilities-new", "responsibilities-dropped"} if comparison.responsibilities_unpaired else set()
    return [{"key": key, "title": title, "icon": icon, "note": UNPAIRED_NOTE if key in unpaired else "",
             **_folded(items)} for key, title, icon, items in cards]


def _pick_form(data, initial: dict) -> ComparePickForm:
    roles = (Role.objects.filter(published_version__isnull=False).only("slug", "title", "family")
             .order_by("family", "title"))
    return ComparePickForm(data, roles=roles, initial=initial)


@login_required
def compare_pick(request):
    permissions.require(permissions.can_read(request.user), "Comparing roles is for members of the portal's groups.")
    bound = "a" in request.GET and "b" in request.GET
    form = _pick_form(request.GET if bound else None, {"a": request.GET.get("a", "")})
    if bound and form.is_valid():
        return redirect("roles:compare", a=form.cleaned_data["a"], b=form.cleaned_data["b"])
    return render(request, "roles/compare.html", {
        "form": form, "nav": "roles", "crumbs": [("Roles", reverse("roles:catalog")), ("Compare roles", "")],
    })


def _published(a: str, b: str) -> tuple[BlueprintVersion, BlueprintVersion]:
    """The published versions of both roles with their content: one query per content table for both."""
    pointers = dict(Role.objects.filter(slug__in=[a, b], published_version__isnull=False)
                    .values_list("slug", "published_version_id"))
    if a not in pointers or b not in pointers:
        raise Http404("Both roles must exist and be published")
    found = {v.pk: v for v in BlueprintVersion.objects.filter(pk__in=pointers.values())
             .select_related("role", "published_by").prefetch_related(*body_prefetches())}
    return found[pointers[a]], found[pointers[b]]


@login_required
def compare(request, a: str, b: str):
    permissions.require(permissions.can_read(request.user), "Comparing roles is for members of the portal's groups.")
    version_a, version_b = _published(a, b)
    doc_a, doc_b = read_document(version_a), read_document(version_b)
    budget = MatchBudget()   # one for the summary and the sections: the request's work is bounded once
    comparison = compare_documents(doc_a, doc_b, budget=budget)
    differences = {section.anchor: tally(section.counts()) for section in diff_documents(doc_a, doc_b, budget=budget)}
    context_a, context_b = body_context(version_a), body_context(version_b)
    # Each side's sections are the role page's own partials, drawn with that role's context.
    sections = [{**s, "a": mark_safe(render_to_string(s["template"], context_a)),
                 "b": mark_safe(render_to_string(s["template"], context_b)),
                 "differences": differences.get(s["anchor"], [])} for s in context_a["toc"]]
    cards = summary_cards(comparison)
    return render(request, "roles/compare.html", {
        "a": version_a, "b": version_b, "sections": sections, "form": _pick_form(None, {"a": a, "b": b}),
        "cards": [c for c in cards if c["count"]], "unchanged": [c["title"] for c in cards if not c["count"]],
        "crumbs": [("Roles", reverse("roles:catalog")), ("Compare roles", reverse("roles:compare_pick")),
                   (f"{version_a.title} → {version_b.title}", "")],
        "nav": "roles",
    })
