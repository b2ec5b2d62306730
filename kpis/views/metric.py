"""/kpis/metrics/<id>/: a metric's history for a team (and all teams, for HR and admins) with the target
band, the team's people in the chosen period, and `?format=csv` for the measurements behind it.

Queries per page, whatever the number of people or periods: the metric, the teams, the periods with
data, the history (team and role in one query), the team's people, their rollups.
"""
import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

from kpis import permissions, selectors
from kpis.charts import HEIGHT, NARROW_WIDTH, WIDTH, Series, history_chart, period_label, sparkline
from kpis.csv_parse import COLUMNS
from kpis.forms import PeriodFilterForm
from kpis.models import Grain, Metric, Scope, Status

from . import chosen_grain, chosen_period, kpi_crumbs, require_kpi_reader

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@login_required
def metric_detail(request, pk: int):
    require_kpi_reader(request.user)
    metric = get_object_or_404(Metric.objects.select_related("role"), pk=pk)
    teams = selectors.teams_with_role(metric.role, permissions.visible_teams(request.user))
    sees_all = permissions.sees_all_teams(request.user)
    team = {t.slug: t for t in teams}.get(request.GET.get("team", ""), teams[0] if teams else None)
    if request.GET.get("format") == "csv":
        return export_csv(request, metric, team)

    grain = chosen_grain(request.GET.get("grain", ""), at_least=metric.grain)
    grains = [(g, label) for g, label in Grain.choices if chosen_grain(g, at_least=metric.grain) == g]
    scope_ids = [team.pk] if team else []
    periods = selectors.periods_with_data(scope=Scope.TEAM, scope_ids=scope_ids, grain=grain) if team else []
    period = chosen_period(request.GET.get("period", ""), grain, periods)
    if period is not None and period not in periods:
        periods = sorted([*periods, period], reverse=True)
    form = PeriodFilterForm({"team": team.slug if team else "", "grain": grain,
                             "period": period.isoformat() if period else ""},
                            teams=teams, periods=periods, grain=grain, grains=grains)
    context = {"nav": "kpis", "metric": metric, "role": metric.role, "rule": metric.rule, "team": team,
               "teams": teams, "grain": grain, "period": period, "form": form, "sees_all": sees_all,
               "can_edit_rule": permissions.can_edit_rules(request.user, metric.role),
               "crumbs": kpi_crumbs((metric.role.title, ""), (metric.name, ""))}
    if team is None or period is None:
        return render(request, "kpis/metric.html", context)

    history_periods = selectors.periods_ending(period, grain, selectors.HISTORY_PERIODS)
    # HR and admins also see all teams together (the organisation scope: team-level values included).
    scopes = [(Scope.TEAM, team.pk)] + ([(Scope.ORGANISATION, 0)] if sees_all else [])
    history = selectors.scope_history(metric, scopes=scopes, grain=grain, periods=history_periods)
    team_rollups = history.get((Scope.TEAM, team.pk), {})
    series = [Series(team.name, [getattr(team_rollups.get(p), "mean", None) for p in history_periods], "team",
                     [getattr(team_rollups.get(p), "status", "") for p in history_periods])]
    if sees_all:
        everyone = history.get((Scope.ORGANISATION, 0), {})
        series.append(Series("All teams", [getattr(everyone.get(p), "mean", None) for p in history_periods],
                             "role"))
    # Drawn twice, for a desktop panel and a phone's column, so the axis labels keep their size on both.
    charts = [history_chart(history_periods, series, metric.rule, grain=grain, unit=metric.rule_unit,
                            value_label="Mean", title=f"{metric.name} — {team.name}", width=width, height=height)
              for width, height in ((WIDTH, HEIGHT), (NARROW_WIDTH, 260))]

    people = selectors.team_members(team, metric.role, start=period, end=selectors.last_day(period, grain))
    rows = selectors.person_rows(metric, people, grain=grain, period=period,
                                 scope=permissions.rollup_scope(request.user))
    for row in rows:
        row.spark = sparkline(row.history, metric.rule, label=f"{row.person.name}, last {len(row.history)} "
                                                              f"{grain}s", width=120, height=28)
    # A KPI recorded for the team as a whole has no per-person values: the table would be all "no data".
    per_person = any(v is not None for row in rows for v in row.history)
    current = team_rollups.get(period)
    status = (Status.QUALITATIVE if metric.rule_kind == "qualitative"
              else current.status if current and current.count else Status.NO_DATA)
    query = {"team": team.slug, "grain": grain, "period": period.isoformat()}
    return render(request, "kpis/metric.html", {
        **context, "chart": charts[0], "chart_narrow": charts[1], "current": current, "per_person": per_person,
        "legend": [s for s in series if any(v is not None for v in s.values)],
        "status": status,
        "direction": selectors.trend_direction(metric, current), "rows": rows,
        "period_label": period_label(period, grain), "grain_label": Grain(grain).label.lower(),
        "csv_url": "?" + urlencode({"team": team.slug, "format": "csv"}),
        "dashboard_url": "?" + urlencode(query),
        "crumbs": kpi_crumbs((team.name, reverse("kpis:dashboard") + "?" + urlencode(query)), (metric.name, "")),
    })


def _cell(value) -> str:
    """Spreadsheets run cells that start like a formula; a leading apostrophe keeps them text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(request, metric: Metric, team) -> HttpResponse:
    """The team's measurements of the metric in the upload's columns (plus source and recorded_at), so an
    exported file can be corrected and uploaded again."""
    filename = f"{slugify(metric.role.slug)}-{slugify(metric.key)}-{team.slug if team else 'none'}-" \
               f"{timezone.localdate():%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([*COLUMNS, "source", "recorded_at"])
    if team is not None:
        scope = permissions.measurement_scope(request.user)
        for m in selectors.measurements_for_export(metric, scope=scope, team=team).iterator(chunk_size=2000):
            writer.writerow([metric.key, _cell(m.person.email if m.person else ""),
                             "" if m.person else _cell(m.team.slug), m.period.isoformat(), f"{m.value:.15g}",
                             _cell(m.note), m.source, m.recorded_at.isoformat()])
    return response
