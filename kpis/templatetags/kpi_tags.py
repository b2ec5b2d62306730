"""KPI badges and number formatting for the templates ({% load kpi_tags %}).

A status badge always carries its word and an icon, never colour alone, and looks the same on the
dashboard, the metric page, the HR matrix and the CSV preview.
"""
from django import template
from django.utils.html import format_html

from kpis import permissions
from kpis.charts import format_value, period_label
from kpis.models import Status

register = template.Library()

# status -> (tone styled in portal.css as .badge--<tone>, icon)
STATUS_LOOK = {
    Status.ON_TRACK: ("success", "✓"),
    Status.AT_RISK: ("warning", "!"),
    Status.OFF_TRACK: ("danger", "✕"),
    Status.NO_DATA: ("neutral", "–"),
    Status.QUALITATIVE: ("outline", "◇"),
}


@register.simple_tag
def kpi_status(status: str, size: str = ""):
    """`{% kpi_status rollup.status %}` → a toned badge with icon and word ("✓ On track")."""
    status = status or Status.NO_DATA
    tone, icon = STATUS_LOOK.get(status, ("neutral", "?"))
    try:
        label = Status(status).label
    except ValueError:
        label = status
    return format_html(
        '<span class="badge badge--{} kpi-status kpi-status--{}{}" title="Status: {}">'
        '<span class="kpi-status__icon" aria-hidden="true">{}</span>{}</span>',
        tone, status, f" kpi-status--{size}" if size else "", label, icon, label)


@register.filter
def kpi_value(value, unit: str = ""):
    """`{{ rollup.mean|kpi_value:metric.rule_unit }}` → "82.4%", "640 ms", "—"."""
    return format_value(value, unit or "")


@register.filter
def kpi_period(period, grain: str = "week"):
    return period_label(period, grain) if period else "—"


@register.simple_tag
def kpi_trend(trend, direction: str = "", unit: str = ""):
    """An arrow with the change since the previous period; `direction` (better/worse/steady) sets the tone
    and is also said in words for screen readers and printouts."""
    if trend is None:
        return format_html('<span class="kpi-trend kpi-trend--none" title="No previous period">{}</span>', "—")
    arrow = "▲" if trend > 0 else "▼" if trend < 0 else "▶"
    words = {"better": "better than the previous period", "worse": "worse than the previous period",
             "steady": "no change in status against the target"}.get(direction, "change since the previous period")
    return format_html(
        '<span class="kpi-trend kpi-trend--{}" title="{}"><span aria-hidden="true">{}</span> {}'
        '<span class="visually-hidden"> ({})</span></span>',
        direction or "neutral", words, arrow, format_value(trend, unit, signed=True), words)


@register.filter
def can_see_kpis(user) -> bool:
    """For the top bar's "KPIs" link: admins, HR and people managers."""
    return permissions.can_see_kpis(user)


@register.filter
def can_record_kpis(user) -> bool:
    """For the "Record" and "Upload CSV" actions: admins and managers of a team."""
    return bool(getattr(user, "is_authenticated", False)) and permissions.can_record(user)
