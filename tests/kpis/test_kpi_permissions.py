"""Who sees which team's KPI data: admins and HR every team; a people manager the teams they manage;
interviewers and outsiders nothing — on the pages, in the exports and through the API.

`make_world` and `add_rollups` are also used by the other KPI page and API tests.
"""
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.utils.text import slugify

from kpis import permissions
from kpis.models import Assignment, Metric, Person, Rollup, Scope, Team
from kpis.selectors import periods_ending
from kpis.services.measurements import MeasurementRow, record_measurements
from kpis.services.people import add_person, assign, ensure_team
from roles import permissions as role_permissions
from roles.blueprint_format.synthetic import make_document
from roles.models import Role
from roles.services.importing import import_document

from ..personas import sign_in

pytestmark = pytest.mark.django_db
LATEST = date(2026, 3, 2)  # a Monday


@dataclass
class World:
    role: Role
    team: Team
    metrics: list[Metric]
    people: list[Person]


def people_manager(username: str) -> User:
    """A people manager who is in no other group (the demo's `manager` is also an HR reader)."""
    user = User.objects.create_user(username=username, email=f"{username}@example.com", password="demo",
                                    first_name=username.capitalize())
    user.groups.set([Group.objects.get_or_create(name=role_permissions.PEOPLE_MANAGERS)[0]])
    return user


def make_world(manager, *, title: str = "Metric Engineer", team: str = "Applied AI", kpis: int = 19,
               people: int = 6, role: Role | None = None) -> World:
    """A published role with `kpis` KPIs (weekly, "between" targets), a team managed by `manager` and
    `people` people holding the role in it since last year."""
    if role is None:
        doc = make_document(title)
        doc["kpis"] = doc["kpis"][:kpis]
        import_document(doc, publish=True)
        role = Role.objects.get(slug=slugify(title))
    the_team = ensure_team(name=team, manager=manager)
    members = []
    for i in range(people):
        person = add_person(name=f"{team} Person {i + 1:02d}", email=f"{slugify(team)}-{i + 1}@example.com")
        assign(person=person, role=role, team=the_team, starts_on=date(2025, 1, 1))
        members.append(person)
    metrics = list(Metric.objects.filter(role=role, active=True).order_by("position"))
    return World(role=role, team=the_team, metrics=metrics, people=members)


def add_rollups(metric: Metric, *, scope: str, scope_id: int, values: list[float | None], grain: str = "week",
                latest: date = LATEST) -> list[Rollup]:
    """Rollup rows as the engine writes them (status from the rule, trend against the previous period)."""
    rows, previous = [], None
    for period, value in zip(periods_ending(latest, grain, len(values)), values):
        if value is None:
            previous = None
            continue
        rows.append(Rollup(metric=metric, scope=scope, scope_id=scope_id, grain=grain, period=period, count=3,
                           mean=value, min=value - 1, max=value + 1, median=value, p95=value + 0.9, latest=value,
                           on_target_share=1.0 if metric.rule.on_target(value) else 0.0,
                           status=metric.rule.status(value), trend=None if previous is None else value - previous,
                           computed_at="2026-03-03T00:00:00Z"))
        previous = value
    return Rollup.objects.bulk_create(rows)


@pytest.fixture
def world(personas):
    return make_world(personas.manager)


@pytest.fixture
def rival(world):
    """Manages another team (with its own people in the same role) and nothing else."""
    user = people_manager("rival")
    make_world(user, team="Search", role=world.role, people=2)
    return user


def test_who_sees_which_teams(personas, world, rival):
    search = Team.objects.get(slug="search")
    assert set(permissions.visible_teams(personas.admin)) == {world.team, search}
    assert set(permissions.visible_teams(personas.hr)) == {world.team, search}
    assert set(permissions.visible_teams(rival)) == {search}
    for nobody in (personas.interviewer1, personas.outsider, AnonymousUser()):
        assert not permissions.visible_teams(nobody).exists()
    assert not permissions.can_see_kpis(personas.interviewer1) and not permissions.can_see_kpis(personas.outsider)
    assert set(permissions.visible_teams(rival)) == {search}


def test_recording_is_for_admins_and_the_managers_of_teams(personas, world, rival):
    assert permissions.can_record(personas.admin) and permissions.can_record(personas.manager)
    assert permissions.can_record(rival)
    assert not permissions.can_record(personas.hr)  # HR reads every team but records for none
    assert not permissions.can_record(people_manager("no-team-yet"))
    assert set(permissions.recordable_teams(rival)) == {Team.objects.get(slug="search")}


@pytest.mark.parametrize("who", ["interviewer1", "outsider"])
def test_interviewers_and_outsiders_get_no_kpi_page(client, personas, world, who):
    metric = world.metrics[0]
    sign_in(client, getattr(personas, who))
    for url in ("/kpis/", f"/kpis/metrics/{metric.pk}/", f"/kpis/metrics/{metric.pk}/?format=csv",
                f"/kpis/roles/{world.role.slug}/", "/kpis/record/", "/kpis/upload/"):
        assert client.get(url).status_code == 403, url
    for url in ("/api/v1/metrics/", "/api/v1/measurements/", "/api/v1/rollups/"):
        assert client.get(url).status_code == 403, url


def test_the_top_bar_links_kpis_for_managers_hr_and_admins_only(client, personas, world):
    for who, shown in (("manager", True), ("hr", True), ("admin", True), ("interviewer1", False)):
        sign_in(client, getattr(personas, who))
        page = client.get("/roles/").content.decode()
        assert ('href="/kpis/"' in page) is shown, who


def test_a_manager_of_another_team_gets_none_of_this_teams_data(client, personas, world, rival):
    metric = world.metrics[0]
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[80, 81, 82])
    add_rollups(metric, scope=Scope.PERSON, scope_id=world.people[0].pk, values=[70, 71, 72])
    sign_in(client, rival)
    page = client.get(f"/kpis/?team={world.team.slug}").content.decode()
    assert "Applied AI" not in page and "Search" in page      # an unseen team in the URL is ignored
    page = client.get(f"/kpis/metrics/{metric.pk}/?team={world.team.slug}").content.decode()
    assert "Applied AI" not in page and world.people[0].email not in page
    page = client.get(f"/kpis/roles/{world.role.slug}/").content.decode()
    assert "Applied AI" not in page and "All teams" not in page
    export = client.get(f"/kpis/metrics/{metric.pk}/?team={world.team.slug}&format=csv").content.decode()
    assert world.people[0].email not in export
    rollups = client.get("/api/v1/rollups/").json()
    assert rollups["count"] == 0
    assert client.get(f"/api/v1/rollups/?scope=team&scope_id={world.team.pk}").json()["count"] == 0


def _moved_to_search(world, rival) -> tuple[Person, User]:
    """The world's first person leaves Applied AI (now managed by a people manager who is no HR reader) on
    Sunday 15 February 2026 and joins Search the next day. Six weekly rollups (19 January … 23 February:
    four weeks in Applied AI, two in Search) and three monthly ones (January, February, March)."""
    boss = people_manager("boss")
    Team.objects.filter(pk=world.team.pk).update(manager=boss)
    mover = world.people[0]
    Assignment.objects.filter(person=mover, team=world.team).update(ends_on=date(2026, 2, 15))
    assign(person=mover, role=world.role, team=Team.objects.get(slug="search"), starts_on=date(2026, 2, 16))
    metric = world.metrics[0]
    add_rollups(metric, scope=Scope.PERSON, scope_id=mover.pk, values=[71, 72, 73, 74, 75, 76],
                latest=date(2026, 2, 23))
    add_rollups(metric, scope=Scope.PERSON, scope_id=mover.pk, values=[60, 61, 62], grain="month",
                latest=date(2026, 3, 1))
    return mover, boss


def _person_rollups(client, person) -> set[tuple[str, str]]:
    body = client.get(f"/api/v1/rollups/?scope=person&scope_id={person.pk}").json()
    return {(row["grain"], row["period"]) for row in body["results"]}


def test_a_persons_rollups_follow_their_team_period_by_period(client, personas, world, rival):
    """A manager saw /api/v1/rollups/?scope=person values of the periods after the person had left their
    team (measurements were already scoped by the team of the period)."""
    mover, boss = _moved_to_search(world, rival)
    weeks = ["2026-01-19", "2026-01-26", "2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"]
    sign_in(client, boss)
    assert _person_rollups(client, mover) == ({("week", w) for w in weeks[:4]}
                                              | {("month", "2026-01-01"), ("month", "2026-02-01")})
    sign_in(client, rival)
    assert _person_rollups(client, mover) == ({("week", w) for w in weeks[4:]}
                                              | {("month", "2026-02-01"), ("month", "2026-03-01")})
    sign_in(client, personas.hr)
    assert len(_person_rollups(client, mover)) == 9


def test_measurements_and_rollups_of_a_person_share_one_rule(client, personas, world, rival):
    mover, boss = _moved_to_search(world, rival)
    metric = world.metrics[0]
    record_measurements(rows=[MeasurementRow(metric.pk, date(2026, 2, d), 70.0 + d, person_id=mover.pk)
                              for d in (9, 16)], by=personas.admin, source="api")
    for user, periods in ((boss, {"2026-02-09"}), (rival, {"2026-02-16"})):
        sign_in(client, user)
        rows = client.get(f"/api/v1/measurements/?person={mover.email}").json()["results"]
        assert {row["period"] for row in rows} == periods
        assert {p for grain, p in _person_rollups(client, mover) if grain == "week"} >= periods


def test_the_metric_page_shows_a_persons_history_only_while_in_the_team(client, personas, world, rival):
    mover, _ = _moved_to_search(world, rival)
    metric = world.metrics[0]
    sign_in(client, rival)
    page = client.get(f"/kpis/metrics/{metric.pk}/?team=search&grain=week&period=2026-02-23")
    row = next(r for r in page.context["rows"] if r.person == mover)
    assert [v for v in row.history if v is not None] == [75, 76]  # not the 71 … 74 of Applied AI's weeks


def test_hr_reads_every_team(client, personas, world, rival):
    metric = world.metrics[0]
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[80, 81, 82])
    add_rollups(metric, scope=Scope.ORGANISATION, scope_id=0, values=[79, 80, 81])
    sign_in(client, personas.hr)
    page = client.get(f"/kpis/roles/{world.role.slug}/").content.decode()
    assert "Applied AI" in page and "Search" in page and "All teams" in page
    assert client.get("/api/v1/rollups/").json()["count"] == 6
    assert client.get("/kpis/record/").status_code == 403


def test_a_manager_without_a_team_is_told_so(client):
    sign_in(client, people_manager("newbie"))
    page = client.get("/kpis/").content.decode()
    assert "You don&#x27;t manage a team yet" in page or "You don't manage a team yet" in page


def test_rules_are_corrected_by_editors_of_the_family_only(client, personas, world):
    metric = world.metrics[0]
    sign_in(client, personas.hr)
    assert client.get(f"/kpis/metrics/{metric.pk}/rule/").status_code == 403
    assert client.get(f"/kpis/roles/{world.role.slug}/rename/").status_code == 403
    sign_in(client, personas.manager)
    assert client.post(f"/kpis/metrics/{metric.pk}/rule/", {"kind": "at_least", "low": "1"}).status_code == 403
    metric.refresh_from_db()
    assert metric.rule_corrected is False



def test_the_admin_lists_kpi_data_read_only_and_edits_only_rules(client, personas, world):
    metric = world.metrics[0]
    add_rollups(metric, scope=Scope.TEAM, scope_id=world.team.pk, values=[80])
    client.force_login(personas.admin)
    for model in ("person", "assignment", "metric", "measurement", "rollup", "rollupstate", "team"):
        assert client.get(f"/admin/kpis/{model}/").status_code == 200, model
    assert client.get("/admin/kpis/measurement/add/").status_code == 403
    assert client.get("/admin/kpis/rollup/add/").status_code == 403
    assert client.get("/admin/kpis/metric/add/").status_code == 403
    response = client.post(f"/admin/kpis/metric/{metric.pk}/change/", {"rule_kind": "at_most", "rule_high": "5",
                                                                     "rule_low": "", "rule_unit": "%"})
    assert response.status_code == 302
    metric.refresh_from_db()
    assert (metric.rule_kind, metric.rule_high, metric.rule_corrected) == ("at_most", 5, True)
    response = client.post(f"/admin/kpis/metric/{metric.pk}/change/", {"rule_kind": "between", "rule_low": "",
                                                                     "rule_high": "5", "rule_unit": "%"})
    assert "This rule needs a lower bound." in response.content.decode()
