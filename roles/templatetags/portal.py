"""Badges and small helpers shared by every page ({% load portal %}).

A badge always carries its word, never colour alone, and the same value looks the
same everywhere (catalog, role page, import preview).
"""
from django import template
from django.utils.html import format_html

from roles import permissions
from roles.models import Commonality, Importance, Level, VersionStatus, Weight

register = template.Library()

# kind -> (enum, {value: visual tone}); tones are styled in portal.css (.badge--<tone>).
BADGES = {
    "level": (Level, {}),
    "status": (VersionStatus, {"draft": "neutral", "in_review": "warning", "published": "success",
                               "archived": "outline"}),
    "importance": (Importance, {"critical": "strong", "important": "medium", "optional": "subtle"}),
    "commonality": (Commonality, {"common": "medium", "optional": "subtle", "context_specific": "outline"}),
    "weight": (Weight, {"high": "strong", "medium": "medium", "low": "subtle"}),
}
# A small glyph next to the word, so the meaning survives greyscale printing.
ICONS = {"critical": "▲", "important": "●", "optional": "○", "published": "✓", "in_review": "…",
         "high": "▲", "medium": "●", "low": "○"}


@register.simple_tag
def badge(kind: str, value: str, prefix: str = ""):
    """`{% badge "importance" skill.importance %}` → a labelled, toned badge; nothing for unspecified."""
    enum, tones = BADGES[kind]
    if not value or value == Importance.UNSPECIFIED:
        return ""
    try:
        label = enum(value).label
    except ValueError:
        label = value
    tone = tones.get(value, "neutral")
    icon = ICONS.get(value, "") if kind != "level" else ""
    return format_html(
        '<span class="badge badge--{} badge--{}-{}" title="{}{}">{}{}{}</span>',
        tone, kind, value, kind.capitalize() + ": ", label,
        format_html('<span class="badge__icon" aria-hidden="true">{}</span>', icon) if icon else "",
        prefix, label,
    )


@register.filter
def can_import(user) -> bool:
    """For the top bar; the group names it reads are loaded once per request (roles.permissions)."""
    return bool(getattr(user, "is_authenticated", False)) and permissions.can_import(user)


@register.filter
def can_review(user) -> bool:
    """For the top bar's "Review" link (approvers and admins)."""
    return bool(getattr(user, "is_authenticated", False)) and permissions.can_review(user)


@register.filter
def display_name(user) -> str:
    if not user:
        return "the importer"
    return user.get_full_name() or user.get_username()


@register.filter
def initials(user) -> str:
    name = display_name(user)
    parts = [p for p in name.replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.filter
def lines(text: str) -> list[str]:
    """Non-empty lines of a multi-line text, with list dashes stripped ("– step" → "step")."""
    return [line.strip().lstrip("–-•* ").strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def plural(count: int, words: str) -> str:
    """`{{ n|plural:"role,roles" }}` → "1 role" / "24 roles"."""
    one, _, many = words.partition(",")
    return f"{count} {one if count == 1 else many or one + 's'}"
