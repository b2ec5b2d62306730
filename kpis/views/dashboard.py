"""/kpis/: a team's KPIs for a period — a tile per metric with status, value against target, sparkline, trend.

Queries per page, whatever the number of metrics or people: the teams, the team's roles, their
metrics, the periods with data, the rollups (one query for every tile and sparkline).
"""
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from kpis import permissions, selectors
from kpis.charts import period_label, sparkline
from kpis.forms import PeriodFilterForm
from kpis.models import Grain, Scope, Status

from . import chosen_grain, chosen_period, require_kpi_reader

STATUS_ORDER = (Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.NO_DATA, Status.QUALITATIVE)


def _teams(user):
    """Visible teams, the ones `user` manages first."""
    return (permissions.visible_teams(user).select_related("manager")
            .annotate(mine=Case(When(manager_id=user.pk, then=Value(0)), default=Value(1),
                                output_field=IntegerField()))
            .order_by("mine", "name"))


@login_required
def dashboard(request):
    require_kpi_reader(request.user)
    teams = list(_teams(request.user))
    # Who may record follows from the teams already loaded (kpis.permissions.can_record, without a query).
    can_record = permissions.is_admin(request.user) or (
        permissions.is_people_manager(request.user) and any(t.manager_id == request.user.pk for t in teams))
    context = {"nav": "kpis", "teams": teams, "can_record": can_record}
    if not teams:
        return render(request, "kpis/dashboard.html", {**context, "team": None})

    by_slug = {t.slug: t for t in teams}
    team = by_slug.get(request.GET.get("team", ""), teams[0])
    grain = chosen_grain(request.GET.get("grain", ""))
    roles = selectors.team_roles(team)
    metrics = selectors.role_metrics(roles)
    periods = selectors.periods_with_data(scope=Scope.TEAM, scope_ids=[team.pk], grain=grain)
    period = chosen_period(request.GET.get("period", ""), grain, periods)
    if period is not None and period not in periods:
        periods = sorted([*periods, period], reverse=True)
    form = PeriodFilterForm({"team": team.slug, "grain": grain, "period": period.isoformat() if period else "",
                             "status": request.GET.get("status", "")},
                            teams=teams, periods=periods, grain=grain, with_status=True)

    # With no data yet the tiles still list the team's KPIs (all "no data"), so the page says what to fill in.
    tiles = selectors.scope_tiles(metrics, scope=Scope.TEAM, scope_id=team.pk, grain=grain,
                                  period=period or selectors.start_of(timezone.localdate(), grain))
    for tile in tiles:
        tile.spark = sparkline(tile.history, tile.metric.rule,
                               label=f"{tile.metric.name}, team mean over the last {len(tile.history)} "
                                     f"{tile.grain}s")
        tile.link = "?" + urlencode({"team": team.slug, "grain": tile.grain, "period": tile.period.isoformat()})
        tile.coarser = tile.grain != grain
    counts = selectors.status_counts(tiles)
    status = request.GET.get("status", "")
    shown = [t for t in tiles if t.status == status] if status in Status.values else tiles
    sections = []
    for tile in shown:
        if not sections or sections[-1][0] != tile.metric.role:
            sections.append((tile.metric.role, []))
        sections[-1][1].append(tile)
    measured = sum(counts[s] for s in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK))
    base = {"team": team.slug, "grain": grain, "period": period.isoformat() if period else ""}
    return render(request, "kpis/dashboard.html", {
        **context, "team": team, "roles": roles, "metrics": metrics, "form": form, "grain": grain,
        "grain_label": Grain(grain).label.lower(), "period": period,
        "period_label": period_label(period, grain) if period else "", "sections": sections, "tiles": tiles,
        "shown": shown, "counts": counts, "measured": measured, "status": status if status in Status.values else "",
        "status_filters": [(s, Status(s).label, counts[s], "?" + urlencode({**base, "status": s}))
                           for s in STATUS_ORDER],
        "all_url": "?" + urlencode(base), "has_data": bool(periods),
    })
