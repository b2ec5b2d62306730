"""The KPI pages: dashboard, metric history, entry (form and CSV), the HR matrix, rule corrections.

Every page asks kpis.permissions who may see which team; ids and slugs from the URL are only ever
looked up inside the requester's scope.
"""
from datetime import date

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from common.request_guard import BadParameter

from kpis import permissions
from kpis.models import Grain
from kpis.selectors import GRAINS, start_of


def require_kpi_reader(user) -> None:
    if not permissions.can_see_kpis(user):
        raise PermissionDenied("KPI dashboards are for people managers, HR and admins.")


def chosen_grain(value: str, *, at_least: str = Grain.WEEK) -> str:
    order = list(GRAINS)
    grain = value if value in order else at_least
    return grain if order.index(grain) >= order.index(at_least) else at_least


# The pages step up to HISTORY_PERIODS quarters back and a period forward from the one asked for: any
# day in these years keeps that arithmetic inside what a date can hold (year 1 to 9999).
PERIOD_RANGE = (date(1900, 1, 1), date(2100, 12, 31))


def chosen_period(value: str, grain: str, periods: list[date]) -> date | None:
    """The period asked for (any day in it, as YYYY-MM-DD), else the latest with data, else None.
    A date outside PERIOD_RANGE is refused (400 naming `period`)."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return periods[0] if periods else None
    low, high = PERIOD_RANGE
    if not low <= day <= high:
        raise BadParameter("period", f"{value} is out of range; choose a day between {low} and {high}")
    return start_of(day, grain)


def kpi_crumbs(*extra) -> list[tuple[str, str]]:
    return [("KPIs", reverse("kpis:dashboard")), *extra]
