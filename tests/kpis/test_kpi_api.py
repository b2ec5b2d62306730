"""/api/v1/metrics/, /api/v1/measurements/ (bulk upsert, all or nothing) and /api/v1/rollups/, scoped to
the requester."""
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kpis.models import Measurement, Scope, Source
from kpis.selectors import start_of

from .test_kpi_permissions import LATEST, add_rollups, make_world, people_manager

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
BULK_ROWS = 10_000
BULK_SECONDS = 20  # generous for a slow CI machine; the engine's bulk upsert does it in a fraction


@pytest.fixture
def world(personas):
    return make_world(personas.manager)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _row(world, i: int = 0, **changes) -> dict:
    row = {"metric": world.metrics[0].pk, "person": world.people[i % len(world.people)].email,
           "period": TODAY.isoformat(), "value": 70 + i, "note": ""}
    row.update(changes)
    return row


# ---------- metrics ----------

def test_metrics_are_listed_with_their_rules_and_filtered_by_role(personas, world):
    other = make_world(personas.manager, title="Other Engineer", team="Other", kpis=2, people=1)
    data = api(personas.manager).get(f"/api/v1/metrics/?role={world.role.slug}").json()
    assert data["count"] == 19
    first = data["results"][0]
    assert first["ref"] == f"{world.role.slug}/kpi-1" and first["grain"] == "week"
    assert first["rule"] == {"kind": "between", "low": 60.0, "high": 90.0, "unit": "%",
                             "text": "between 60 and 90%", "corrected": False}
    assert api(personas.hr).get("/api/v1/metrics/").json()["count"] == 19 + len(other.metrics)


def test_the_api_needs_a_signed_in_kpi_reader(personas, world):
    assert APIClient().get("/api/v1/metrics/").status_code == 401
    assert api(personas.interviewer1).post("/api/v1/measurements/", [_row(world)]).status_code == 403
    assert api(personas.hr).post("/api/v1/measurements/", [_row(world)]).status_code == 403
    assert not Measurement.objects.exists()


# ---------- bulk upsert ----------

def test_ten_thousand_rows_are_upserted_in_one_request(personas, world, django_capture_on_commit_callbacks):
    rows = []
    for metric in world.metrics:
        for person in world.people:
            for week in range(BULK_ROWS // (len(world.metrics) * len(world.people)) + 1):
                rows.append({"metric": f"{world.role.slug}/{metric.key}", "person": person.email,
                             "date": (TODAY - timedelta(weeks=week)).isoformat(), "value": week % 100})
    rows = rows[:BULK_ROWS]
    client = api(personas.manager)
    with django_capture_on_commit_callbacks() as callbacks:
        started = time.perf_counter()
        response = client.post("/api/v1/measurements/", rows, format="json")
        elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": BULK_ROWS, "updated": 0}
    assert Measurement.objects.filter(source=Source.API).count() == BULK_ROWS
    assert elapsed < BULK_SECONDS
    assert len(callbacks) == 1  # the rollup is asked for once the write commits: kpis.services.rollups
    # Sending them again updates, never doubles.
    for row in rows:
        row["value"] += 1
    response = client.post("/api/v1/measurements/", {"rows": rows}, format="json")
    assert response.status_code == 200 and response.json() == {"created": 0, "updated": BULK_ROWS}
    assert Measurement.objects.count() == BULK_ROWS


def test_team_rows_and_metric_ids_are_accepted(personas, world):
    response = api(personas.manager).post("/api/v1/measurements/", [
        {"metric": world.metrics[1].pk, "team": "applied-ai", "period": TODAY.isoformat(), "value": 12.5}])
    assert response.status_code == 201
    m = Measurement.objects.get()
    assert (m.team, m.person, m.period, m.value) == (world.team, None, start_of(TODAY, "week"), 12.5)


BAD = {
    "non-number": ({"value": "lots"}, "value", "“lots” is not a number"),
    "boolean value": ({"value": True}, "value", "is not a number"),
    "missing value": ({"value": None}, "value", "is missing"),
    "unknown metric id": ({"metric": 999999}, "metric", "no metric with the id 999999"),
    "unknown metric ref": ({"metric": "nope/kpi-1"}, "metric", "no metric “nope/kpi-1”"),
    "unknown person": ({"person": "ghost@example.com"}, "person", "no person with the e-mail"),
    "unknown team": ({"person": None, "team": "ghosts"}, "team", "no team “ghosts”"),
    "bad date": ({"period": "2026-02-30"}, "period", "is not a date"),
    "future date": ({"period": (TODAY + timedelta(days=9)).isoformat()}, "period", "is in the future"),
    "date too old": ({"period": "2001-01-01"}, "period", "more than 5 years ago"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_one_bad_row_fails_the_request_with_its_index_and_nothing_is_written(personas, world, case):
    changes, field, message = BAD[case]
    rows = [_row(world, i) for i in range(3)]
    rows.insert(2, _row(world, 3, **changes))
    response = api(personas.manager).post("/api/v1/measurements/", rows, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "1 row cannot be recorded; nothing was written"
    [error] = body["errors"]
    assert (error["index"], error["field"]) == (2, field) and message in error["message"]
    assert not Measurement.objects.exists()


def test_a_duplicate_row_fails_the_request(personas, world):
    rows = [_row(world, 0), _row(world, 1), _row(world, 0, value=99)]
    body = api(personas.manager).post("/api/v1/measurements/", rows, format="json").json()
    assert body["errors"] == [{"index": 2, "field": "period",
                               "message": "duplicates row 0: the same metric and person in the same week"}]
    assert not Measurement.objects.exists()


def test_malformed_bodies_are_refused_in_words(personas, world):
    client = api(personas.manager)
    assert client.post("/api/v1/measurements/", {"rows": "x"}, format="json").status_code == 400
    assert client.post("/api/v1/measurements/", [], format="json").json()["detail"].startswith("the list of rows")
    body = client.post("/api/v1/measurements/", [_row(world), 5], format="json").json()
    assert body["errors"] == [{"index": 1, "field": "row", "message": "must be a JSON object"}]
    response = client.generic("POST", "/api/v1/measurements/", b"[{", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    assert not Measurement.objects.exists()


def test_a_manager_cannot_write_for_another_team(personas, world):
    rival = people_manager("rival")
    make_world(rival, team="Search", role=world.role, people=1)
    client = api(rival)
    body = client.post("/api/v1/measurements/", [_row(world, 0)], format="json").json()
    assert body["errors"][0]["field"] == "person"
    body = client.post("/api/v1/measurements/", [_row(world, 0, person=None, team="applied-ai")], format="json").json()
    assert body["errors"][0]["message"] == "you do not manage Applied AI"
    assert not Measurement.objects.exists()


# ---------- reads ----------

def test_measurements_are_listed_for_the_requesters_teams_only(personas, world):
    rival = people_manager("rival")
    search = make_world(rival, team="Search", role=world.role, people=1)
    api(personas.manager).post("/api/v1/measurements/", [_row(world, i) for i in range(3)], format="json")
    api(rival).post("/api/v1/measurements/", [_row(search, 0)], format="json")
    assert api(rival).get("/api/v1/measurements/").json()["count"] == 1
    assert api(personas.hr).get("/api/v1/measurements/").json()["count"] == 4
    data = api(personas.hr).get(f"/api/v1/measurements/?team=applied-ai&person={world.people[1].email}").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert (row["person"], row["value"], row["ref"]) == (world.people[1].email, 71.0, f"{world.role.slug}/kpi-1")
    page = api(personas.hr).get("/api/v1/measurements/?page_size=2").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert api(personas.hr).get(f"/api/v1/measurements/?from={TODAY + timedelta(days=1)}").json()["count"] == 0
    assert api(personas.hr).get("/api/v1/measurements/?from=yesterday").status_code == 400


def test_rollups_filter_by_metric_scope_grain_and_dates(personas, world):
    metric = world.metrics[0]
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[60, 70, 80])
    add_rollups(metric, scope=Scope.PERSON, scope_id=world.people[0].pk, values=[65, 75])
    add_rollups(metric, scope=Scope.ROLE, scope_id=world.role.pk, values=[61])
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[72], grain="month",
                latest=LATEST.replace(day=1))
    client = api(personas.hr)
    data = client.get(f"/api/v1/rollups/?metric={metric.pk}&scope=team&scope_id={world.team.pk}&grain=week"
                      f"&from={LATEST - timedelta(weeks=1)}&to={LATEST}").json()
    assert [(r["period"], r["mean"], r["status"]) for r in data["results"]] == [
        ((LATEST - timedelta(weeks=1)).isoformat(), 70.0, "on_track"), (LATEST.isoformat(), 80.0, "on_track")]
    assert data["results"][1]["trend"] == 10.0
    assert client.get("/api/v1/rollups/?scope=role").json()["count"] == 1
    assert client.get("/api/v1/rollups/?scope=galaxy").status_code == 400
    assert client.get("/api/v1/rollups/?from=2026-03-02&to=2026-01-01").status_code == 400
    # A manager-only user sees their team and its people, not the role-wide figures.
    rival = people_manager("rival2")
    world.team.manager = rival
    world.team.save(update_fields=["manager"])
    scopes = {r["scope"] for r in api(rival).get("/api/v1/rollups/?page_size=100").json()["results"]}
    assert scopes == {"team", "person"}
