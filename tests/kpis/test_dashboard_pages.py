"""The manager's dashboard, a metric's history page, the HR matrix and the rule pages: what they show,
their empty states, and query counts that do not grow with the number of metrics or people."""
import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Measurement, Metric, Scope, Source
from kpis.services.people import ensure_team
from roles.models import FamilyAssignment

from ..personas import sign_in
from .test_kpi_permissions import LATEST, add_rollups, make_world, people_manager

pytestmark = pytest.mark.django_db
MAX_DASHBOARD_QUERIES = 7   # session, user, teams, roles, metrics, periods with data, rollups
MAX_METRIC_QUERIES = 8      # session, user, metric, teams, periods, history, people, their rollups
MAX_MATRIX_QUERIES = 7      # session, user, role, metrics, teams, periods with data, rollups


@pytest.fixture
def world(personas):
    return make_world(personas.manager)


def _tile_statuses(html: str) -> list[str]:
    return [chunk.split('"', 1)[0] for chunk in html.split('class="kpi-tile kpi-tile--')[1:]]


def test_dashboard_shows_a_tile_per_metric_with_status_value_target_sparkline_and_trend(client, personas, world):
    on, risk, off = world.metrics[:3]            # targets "60–90%", "61–91%", "62–92%" (between)
    add_rollups(on, scope=Scope.TEAM, scope_id=world.team.pk, values=[70, 72, 75])
    add_rollups(risk, scope=Scope.TEAM, scope_id=world.team.pk, values=[65, 60, 59])
    add_rollups(off, scope=Scope.TEAM, scope_id=world.team.pk, values=[25, 30, 35])
    sign_in(client, personas.manager)
    response = client.get("/kpis/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Applied AI" in html and "Metric Engineer" in html
    assert "2 Mar 2026" in html                                   # the latest period with data is the default
    statuses = _tile_statuses(html)
    assert statuses[:3] == ["on_track", "at_risk", "off_track"] and set(statuses[3:]) == {"no_data"}
    assert len(statuses) == 19
    for word in ("On track", "At risk", "Off track", "No data"):   # never colour alone: the word is there
        assert word in html
    assert "75%" in html and "between 60 and 90%" in html
    assert html.count('class="kpi-chart kpi-chart--spark') == 19
    assert "+3%" in html and "no change in status against the target" in html   # 72 → 75, inside the band
    assert "−1%" in html and "worse than the previous period" in html           # 60 → 59, away from it
    assert "+5%" in html and "better than the previous period" in html          # 30 → 35, towards it
    assert f'/kpis/metrics/{on.pk}/?team=applied-ai&amp;grain=week&amp;period=2026-03-02' in html


def test_the_status_filter_keeps_blueprint_order_and_shows_only_that_status(client, personas, world):
    for metric, value in zip(world.metrics[:4], (30, 75, 31, 80)):
        add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[value])
    sign_in(client, personas.manager)
    html = client.get("/kpis/?status=off_track").content.decode()
    assert _tile_statuses(html) == ["off_track", "off_track"]
    assert html.index(world.metrics[0].name + "<") < html.index(world.metrics[2].name + "<")
    html = client.get("/kpis/?status=at_risk").content.decode()
    assert _tile_statuses(html) == [] and "No KPI has this status" in html


def test_an_earlier_period_and_a_coarser_grain_can_be_chosen(client, personas, world):
    metric = world.metrics[0]
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[50, 70])
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[66], grain="month", latest=date(2026, 3, 1))
    sign_in(client, personas.manager)
    html = client.get("/kpis/?period=2026-02-23").content.decode()
    assert "23 Feb 2026" in html and "50%" in html and _tile_statuses(html)[0] == "off_track"
    html = client.get("/kpis/?grain=month").content.decode()
    assert "Mar 2026" in html and "66%" in html


def test_empty_states_say_what_to_do_next(client, personas):
    ensure_team(name="Applied AI", manager=personas.manager)
    sign_in(client, personas.manager)
    html = client.get("/kpis/").content.decode()
    assert "No one is assigned to Applied AI yet" in html
    make_world(personas.manager)
    html = client.get("/kpis/").content.decode()
    assert "No measurements for Applied AI yet — add some or upload a CSV" in html
    assert 'href="/kpis/upload/"' in html and 'href="/kpis/record/"' in html
    assert set(_tile_statuses(html)) == {"no_data"}


def _dashboard_queries(client, user, team_slug: str) -> int:
    sign_in(client, user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/kpis/?team={team_slug}").status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_metrics_or_people(client, personas, django_assert_max_num_queries):
    small = make_world(personas.manager, title="Small Engineer", team="Small", kpis=5, people=2)
    large = make_world(personas.manager, title="Large Engineer", team="Large", kpis=19, people=12)
    for w in (small, large):
        for metric in w.metrics:
            add_rollups(metric, scope=Scope.TEAM, scope_id=w.team.pk, values=[60 + i for i in range(14)])
            for person in w.people:
                add_rollups(metric, scope=Scope.PERSON, scope_id=person.pk, values=[70, 71])
    assert _dashboard_queries(client, personas.manager, "small") == _dashboard_queries(client, personas.manager,
                                                                                        "large")
    with django_assert_max_num_queries(MAX_DASHBOARD_QUERIES):
        client.get("/kpis/?team=large")


def test_metric_page_shows_history_with_band_people_and_rule(client, personas, world):
    metric = world.metrics[0]
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[55, 65, 75, 85])
    add_rollups(metric, scope=Scope.ORGANISATION, scope_id=0, values=[70, 70, 71, 72])
    for person, value in zip(world.people[:3], (95, 75, 50)):
        add_rollups(metric, scope=Scope.PERSON, scope_id=person.pk, values=[value - 2, value])
    sign_in(client, personas.manager)
    html = client.get(f"/kpis/metrics/{metric.pk}/").content.decode()
    chart = html[html.index('<svg class="kpi-chart kpi-chart--history'):]
    chart = chart[:chart.index("</svg>") + 6]
    root = ET.fromstring(chart)
    band = next(e for e in root.iter() if "kpi-chart__band" in (e.get("class") or ""))
    assert (band.get("data-low"), band.get("data-high")) == ("60", "90")
    assert "Week starting" in chart and "Mean (percent)" in chart
    assert "All teams" in html                                 # the manager is also an HR reader here
    assert "between 60 and 90%" in html and metric.target in html
    rows = html[html.index('<table class="table kpi-people">'):]
    for person in world.people:                                # everybody in the team, with or without data
        assert person.name in rows
    assert rows.count("kpi-status--on_track") == 1 and rows.count("kpi-status--at_risk") == 1
    assert rows.count("kpi-status--off_track") == 1 and rows.count("kpi-status--no_data") == 3
    assert "Correct the rule" not in html                      # managers do not edit blueprints


def test_metric_page_query_count_does_not_grow_with_people(client, personas, django_assert_max_num_queries):
    small = make_world(personas.manager, title="Small Engineer", team="Small", kpis=5, people=2)
    large = make_world(personas.manager, title="Large Engineer", team="Large", kpis=5, people=12)
    counts = []
    for w in (small, large):
        metric = w.metrics[0]
        add_rollups(metric, scope=Scope.TEAM, scope_id=w.team.pk, values=list(range(60, 90)))
        for person in w.people:
            add_rollups(metric, scope=Scope.PERSON, scope_id=person.pk, values=list(range(60, 72)))
        sign_in(client, personas.manager)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/kpis/metrics/{metric.pk}/?team={w.team.slug}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(MAX_METRIC_QUERIES):
        client.get(f"/kpis/metrics/{large.metrics[0].pk}/?team=large")


def test_metric_csv_export_is_the_upload_format_scoped_to_the_team(client, personas, world):
    metric = world.metrics[0]
    other = make_world(people_manager("rival"), team="Search", role=world.role, people=1)
    for person, value in ((world.people[0], 81.5), (world.people[1], 70), (other.people[0], 99)):
        Measurement.objects.create(metric=metric, person=person, team=world.team if person in world.people
                                   else other.team, subject_key=f"person:{person.pk}", period=LATEST,
                                   value=value, note="=HYPERLINK(\"x\")" if value == 70 else "",
                                   source=Source.FORM, recorded_at="2026-03-03T10:00:00Z")
    sign_in(client, personas.manager)
    response = client.get(f"/kpis/metrics/{metric.pk}/?team=applied-ai&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["metric", "email", "team", "date", "value", "note", "source", "recorded_at"]
    assert [r[1] for r in rows[1:]] == [world.people[0].email, world.people[1].email]
    assert rows[1][:5] == [metric.key, world.people[0].email, "", "2026-03-02", "81.5"]
    assert rows[2][5] == "'=HYPERLINK(\"x\")"                  # a formula stays text in a spreadsheet


def test_hr_matrix_shows_metrics_by_teams_with_status_badges(client, personas, world):
    other = make_world(people_manager("rival"), team="Search", role=world.role, people=2)
    first, second = world.metrics[:2]
    add_rollups(first, scope=Scope.TEAM, scope_id=world.team.pk, values=[75])
    add_rollups(first, scope=Scope.TEAM, scope_id=other.team.pk, values=[20])
    add_rollups(first, scope=Scope.ORGANISATION, scope_id=0, values=[55])
    add_rollups(second, scope=Scope.TEAM, scope_id=other.team.pk, values=[58])
    sign_in(client, personas.hr)
    response = client.get(f"/kpis/roles/{world.role.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index('<table class="table kpi-matrix">'):]
    header = body[:body.index("</thead>")]
    assert header.index("Applied AI") < header.index("Search") < header.index("All teams")
    first_row = body[body.index(first.name + "</a>"):body.index(second.name + "</a>")]
    assert [c.split('"')[0].split()[0] for c in first_row.split("kpi-matrix__cell kpi-matrix__cell--")[1:]] == [
        "on_track", "off_track", "at_risk"]
    assert body.count("kpi-matrix__cell--") == 19 * 3


def test_hr_matrix_query_count_does_not_grow_with_metrics(client, personas, django_assert_max_num_queries):
    counts = []
    for title, kpis in (("Small Engineer", 5), ("Large Engineer", 19)):
        w = make_world(personas.manager, title=title, team=title.replace("Engineer", "Team"), kpis=kpis, people=2)
        for metric in w.metrics:
            add_rollups(metric, scope=Scope.TEAM, scope_id=w.team.pk, values=[70, 71])
        sign_in(client, personas.hr)
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/kpis/roles/{w.role.slug}/")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(MAX_MATRIX_QUERIES):
        client.get("/kpis/roles/large-engineer/")


def test_an_editor_corrects_a_parsed_rule_and_sees_what_the_parser_read(client, personas, world):
    FamilyAssignment.objects.create(user=personas.editor, family=world.role.family)
    metric = world.metrics[0]
    sign_in(client, personas.editor)
    page = client.get(f"/kpis/metrics/{metric.pk}/rule/").content.decode()
    assert metric.target in page and "between 60 and 90%" in page
    response = client.post(f"/kpis/metrics/{metric.pk}/rule/", {"kind": "between", "low": "95", "high": "90",
                                                                  "unit": "%"})
    assert "upper bound must not be below" in response.content.decode()
    response = client.post(f"/kpis/metrics/{metric.pk}/rule/", {"kind": "at_least", "low": "70", "unit": "%",
                                                                  "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == f"/kpis/roles/{world.role.slug}/"
    metric.refresh_from_db()
    assert (metric.rule_kind, metric.rule_low, metric.rule_corrected) == ("at_least", 70, True)
    # Old periods get their statuses under the new rule: tests/kpis/test_rule_changes.py.
    assert metric.rule_changed_at is not None


def test_an_editor_maps_a_renamed_kpi_onto_its_retired_metric(client, personas, world):
    FamilyAssignment.objects.create(user=personas.editor, family=world.role.family)
    old = world.metrics[2]
    Measurement.objects.create(metric=old, person=world.people[0], team=world.team,
                               subject_key=f"person:{world.people[0].pk}", period=LATEST, value=70,
                               recorded_at="2026-03-03T10:00:00Z")
    old.active = False
    old.save(update_fields=["active"])
    new = Metric.objects.create(role=world.role, key="delivery-predictability", name="Delivery predictability",
                                target="70–90%", rule_kind="between", rule_low=70, rule_high=90, rule_unit="%")
    sign_in(client, personas.editor)
    page = client.get(f"/kpis/roles/{world.role.slug}/rename/").content.decode()
    assert old.name in page and "Delivery predictability" in page
    response = client.post(f"/kpis/roles/{world.role.slug}/rename/", {"old": old.pk, "new": new.pk})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.name == "Delivery predictability" and old.active and old.measurements.count() == 1
    assert not Metric.objects.filter(pk=new.pk).exists()


def test_the_demo_gives_the_manager_a_year_of_data_with_every_status(client, personas):
    from kpis import demo
    from roles.services.importing import import_file

    from ..conftest import SEED_PATH

    import_file(SEED_PATH.name, SEED_PATH.read_bytes(), publish=True)
    ensure_team(name="Applied AI", manager=personas.manager)
    summary = demo.load({"manager": personas.manager, "admin": personas.admin})
    assert "10 people in 2 teams" in summary and "rollups computed" in summary
    assert demo.load({"manager": personas.manager, "admin": personas.admin}) == "KPI demo already loaded"
    weekly = Metric.objects.get(key="sprint-delivery-reliability")
    applied = weekly.measurements.filter(team__slug="applied-ai")
    assert applied.values("person").distinct().count() == 6
    assert applied.values("period").distinct().count() >= 50          # a year of weeks
    sign_in(client, personas.manager)
    statuses = set(_tile_statuses(client.get("/kpis/").content.decode()))
    assert {"on_track", "at_risk", "off_track", "qualitative"} <= statuses
