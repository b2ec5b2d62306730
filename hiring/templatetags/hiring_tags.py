"""Hiring badges and helpers ({% load hiring_tags %}).

Ratings and recommendations look the same on every page (scorecard, summary, calibration, opening):
one scale from red through grey to green, and always a number or a word with the colour.
"""
from django import template
from django.core.cache import cache
from django.utils.html import format_html

from hiring.models import Decision, Rating, Recommendation
from hiring.permissions import openings_visible_to
from roles.permissions import HIRING_MANAGERS, INTERVIEWERS, can_read, in_group, is_admin

register = template.Library()

SHORT_RATING = {1: "Below", 2: "Partial", 3: "Meets", 4: "Strong"}
RECOMMENDATION_ICONS = {"strong_no": "✕✕", "no": "✕", "yes": "✓", "strong_yes": "✓✓", "": "–"}
DECISION_ICONS = {"hire": "✓", "no_hire": "✕", "hold": "Ⅱ"}
# A user in none of the portal's groups who is on an opening's team (assigned in the admin, say) sees the
# link within this many seconds; the groups themselves are read from the session at no cost.
TEAM_FLAG_SECONDS = 60


@register.filter
def sees_hiring(user) -> bool:
    """For the top bar: admins, hiring managers, interviewers, and users outside the portal's groups who are
    on an opening's hiring team.

    Members of other groups (HR, editors …) are not looked up: that would cost a query on the first render
    of every page, role pages included, for an edge case the plan-interview form does not create (it offers
    members of the Interviewers group only).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user) or in_group(user, HIRING_MANAGERS) or in_group(user, INTERVIEWERS):
        return True
    if can_read(user):
        return False
    flag = getattr(user, "_on_a_hiring_team", None)
    if flag is None:
        key = f"hiring:on-a-team:{user.pk}"
        flag = cache.get(key)
        if flag is None:
            flag = openings_visible_to(user).exists()
            cache.set(key, flag, TEAM_FLAG_SECONDS)
        user._on_a_hiring_team = flag
    return flag


@register.simple_tag
def rating_badge(value, short: bool = False):
    """`{% rating_badge 3 %}` → “3 Meets” on the rating scale; None → “No signal” in grey."""
    if value in (None, ""):
        return format_html('<span class="rating rating--none" title="No signal">'
                           '<span class="rating__num" aria-hidden="true">–</span>{}</span>',
                           "No signal")
    value = int(value)
    label = Rating(value).label
    word = SHORT_RATING[value] if short else label
    return format_html('<span class="rating rating--{}" title="{}: {}"><span class="rating__num">{}</span>{}</span>',
                       value, value, label, value, word)


@register.simple_tag
def recommendation_badge(value):
    value = value or ""
    return format_html('<span class="reco reco--{}"><span class="reco__icon" aria-hidden="true">{}</span>{}</span>',
                       value or "none", RECOMMENDATION_ICONS.get(value, ""), Recommendation(value).label)


@register.simple_tag
def decision_badge(value):
    if not value:
        return ""
    return format_html('<span class="decision decision--{}"><span aria-hidden="true">{}</span> {}</span>',
                       value, DECISION_ICONS.get(value, ""), Decision(value).label)


@register.filter
def score(value) -> str:
    """A weighted score on the 1–4 scale: “3.25”, or an en dash when nothing was rated."""
    return "–" if value is None else f"{value:.2f}"


@register.filter
def score_band(value) -> str:
    """The rating a score rounds to, for its colour: 1–4, or “none”."""
    if value is None:
        return "none"
    return str(min(4, max(1, int(value + 0.5))))


@register.filter
def signed(value) -> str:
    """+0.50 / −0.25 / 0.00, with a real minus sign."""
    if value is None:
        return "–"
    if abs(value) < 0.005:
        return "0.00"
    return f"+{value:.2f}" if value > 0 else f"−{abs(value):.2f}"


@register.filter
def get(mapping, key):
    """`{{ row.ratings|get:card.pk }}`"""
    return mapping.get(key) if mapping else None
