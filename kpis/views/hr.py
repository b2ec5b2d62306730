"""/kpis/roles/<slug>/: one role across every team that has it — metrics × teams, a status badge per cell.

HR and admins see every team and an "All teams" column (the organisation scope: every measurement
of the metric, team-level ones included); a people manager sees the columns of the teams
they manage. Queries: the role, its metrics, the teams, the periods with data, the rollups.
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode

from kpis import permissions, selectors
from kpis.charts import period_label
from kpis.forms import PeriodFilterForm
from kpis.models import Grain, Scope, Status
from roles.models import Role

from . import chosen_grain, chosen_period, kpi_crumbs, require_kpi_reader


@login_required
def role_matrix(request, slug: str):
    require_kpi_reader(request.user)
    # Metrics come from published versions; a role that is only a draft is not shown, not even its title.
    role = Role.objects.filter(slug=slug, published_version__isnull=False).first()
    if role is None:
        raise Http404("No such role.")
    sees_all = permissions.sees_all_teams(request.user)
    metrics = selectors.role_metrics([role])
    teams = selectors.teams_with_role(role, permissions.visible_teams(request.user))
    grain = chosen_grain(request.GET.get("grain", ""))
    if sees_all:
        periods = selectors.periods_with_data(scope=Scope.ORGANISATION, scope_ids=[0], grain=grain, role=role)
    else:
        periods = selectors.periods_with_data(scope=Scope.TEAM, scope_ids=[t.pk for t in teams], grain=grain)
    period = chosen_period(request.GET.get("period", ""), grain, periods)
    if period is not None and period not in periods:
        periods = sorted([*periods, period], reverse=True)
    form = PeriodFilterForm({"grain": grain, "period": period.isoformat() if period else ""},
                            periods=periods, grain=grain)
    found = selectors.matrix_rollups(metrics, teams=teams, role=role, grain=grain, period=period) if period else {}
    columns = [(Scope.TEAM, t.pk, t.name) for t in teams] + ([(Scope.ORGANISATION, 0, "All teams")] if sees_all else [])
    rows = []
    for metric in metrics:
        g = selectors.tile_grain(grain, metric.grain)
        cells = []
        for scope, scope_id, label in columns:
            rollup = found.get((metric.pk, scope, scope_id))
            if metric.rule_kind == "qualitative":
                status = Status.QUALITATIVE
            else:
                status = rollup.status if rollup and rollup.count else Status.NO_DATA
            cells.append({"rollup": rollup, "status": status, "scope": scope, "label": label,
                          "direction": selectors.trend_direction(metric, rollup)})
        rows.append({"metric": metric, "grain": g, "cells": cells, "coarser": g != grain})
    team_links = [(t, "?" + urlencode({"team": t.slug, "grain": grain,
                                       "period": period.isoformat() if period else ""})) for t in teams]
    return render(request, "kpis/role_matrix.html", {
        "nav": "kpis", "role": role, "metrics": metrics, "teams": teams, "team_links": team_links,
        "rows": rows, "sees_all": sees_all, "grain": grain, "period": period, "form": form,
        "period_label": period_label(period, grain) if period else "", "grain_label": Grain(grain).label.lower(),
        "can_edit_rules": permissions.can_edit_rules(request.user, role),
        "has_retired": selectors.retired_metrics(role) if permissions.can_edit_rules(request.user, role) else [],
        "crumbs": kpi_crumbs((role.title, "")),
    })
