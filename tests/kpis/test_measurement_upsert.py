"""The bulk measurement engine: re-sending upserts (never a twin), every bad input is refused with
its row and field and nothing written, only admins and the teams' managers may write, and
10,000 rows go in one call without per-row queries."""
import datetime
import math

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from kpis.models import Assignment, Measurement, Metric, Person, Source, Team
from kpis.services.measurements import (MeasurementError, MeasurementRow, UpsertResult, period_start,
                                        record_measurements)
from roles.models import Role

pytestmark = pytest.mark.django_db
WEDNESDAY = datetime.date(2025, 3, 5)
MONDAY = datetime.date(2025, 3, 3)


@pytest.fixture
def world(personas):
    role = Role.objects.create(title="Upsert Engineer", slug="upsert-engineer", family="Upserting")
    weekly = Metric.objects.create(role=role, key="weekly", name="Weekly", grain="week", rule_kind="at_least",
                                   rule_low=80)
    monthly = Metric.objects.create(role=role, key="monthly", name="Monthly", grain="month", rule_kind="at_most",
                                    rule_high=5)
    retired = Metric.objects.create(role=role, key="retired", name="Retired", grain="week", active=False)
    mine = Team.objects.create(name="Mine", slug="mine", manager=personas.manager)
    other = Team.objects.create(name="Other", slug="other")
    ada = Person.objects.create(name="Ada", email="ada@example.com")
    bob = Person.objects.create(name="Bob", email="bob@example.com")
    loner = Person.objects.create(name="Lone", email="lone@example.com")
    # Ada moves from Mine to Other on 1 April 2025.
    Assignment.objects.create(person=ada, role=role, team=mine, starts_on=datetime.date(2024, 1, 1),
                              ends_on=datetime.date(2025, 3, 31))
    Assignment.objects.create(person=ada, role=role, team=other, starts_on=datetime.date(2025, 4, 1))
    Assignment.objects.create(person=bob, role=role, team=mine, starts_on=datetime.date(2024, 1, 1))
    return type("World", (), dict(role=role, weekly=weekly, monthly=monthly, retired=retired, mine=mine,
                                  other=other, ada=ada, bob=bob, loner=loner, personas=personas))


def _row(world, **kwargs) -> MeasurementRow:
    values = dict(metric_id=world.weekly.pk, period=WEDNESDAY, value=81.5, person_id=world.bob.pk)
    values.update(kwargs)
    return MeasurementRow(**values)


def test_periods_start_on_monday_the_first_of_the_month_or_the_quarter():
    assert period_start(datetime.date(2025, 3, 9), "week") == MONDAY
    assert period_start(MONDAY, "week") == MONDAY
    assert period_start(datetime.date(2025, 3, 31), "month") == datetime.date(2025, 3, 1)
    assert period_start(datetime.date(2025, 6, 30), "quarter") == datetime.date(2025, 4, 1)
    assert period_start(datetime.date(2025, 12, 31), "quarter") == datetime.date(2025, 10, 1)


def test_sending_a_row_again_updates_it_and_never_makes_a_twin(world):
    admin = world.personas.admin
    first = record_measurements(rows=[_row(world, value=70), _row(world, person_id=world.ada.pk)], by=admin,
                                source=Source.API)
    assert first == UpsertResult(created=2, updated=0, rows=2)
    stamped = Measurement.objects.get(person=world.bob).recorded_at

    # Another day of the same week is the same period: an update, with the new value, note and source.
    again = record_measurements(rows=[_row(world, period=MONDAY, value=90, note="fixed")], by=world.personas.manager,
                                source=Source.CSV)
    assert again == UpsertResult(created=0, updated=1, rows=1)
    stored = Measurement.objects.get(person=world.bob)
    assert Measurement.objects.count() == 2
    assert (stored.period, stored.value, stored.note, stored.source) == (MONDAY, 90, "fixed", "csv")
    assert stored.subject_key == f"person:{world.bob.pk}" and stored.recorded_by == world.personas.manager
    assert stored.recorded_at > stamped


def test_a_person_is_counted_in_the_team_of_their_assignment_in_that_period(world):
    record_measurements(rows=[_row(world, person_id=world.ada.pk, period=datetime.date(2025, 4, 2)),
                         _row(world, person_id=world.ada.pk, period=datetime.date(2025, 4, 9)),
                         _row(world, person_id=world.ada.pk, period=datetime.date(2025, 3, 26)),
                         _row(world, metric_id=world.monthly.pk, person_id=None, team_id=world.mine.pk, value=3)],
                        by=world.personas.admin, source=Source.FORM)
    teams = dict(Measurement.objects.values_list("period", "team_id"))
    # Both assignments overlap the week of Monday 31 March: the later one (Other) wins, as it does in
    # the week of 7 April; a team is its own team.
    assert teams == {datetime.date(2025, 3, 24): world.mine.pk, datetime.date(2025, 3, 31): world.other.pk,
                     datetime.date(2025, 4, 7): world.other.pk, datetime.date(2025, 3, 1): world.mine.pk}
    team_row = Measurement.objects.get(team=world.mine, person=None)
    assert team_row.subject_key == f"team:{world.mine.pk}"


BAD_ROWS = [
    ("unknown metric", dict(metric_id=999_999), "metric"),
    ("retired metric", "retired", "metric"),
    ("neither subject", dict(person_id=None), "subject"),
    ("both subjects", "both", "subject"),
    ("unknown person", dict(person_id=999_999), "person"),
    ("unknown team", dict(person_id=None, team_id=999_999), "team"),
    ("not a number", dict(value="12"), "value"),
    ("NaN", dict(value=math.nan), "value"),
    ("infinity", dict(value=-math.inf), "value"),
    ("not a date", dict(period="2025-03-05"), "period"),
    ("before earliest", dict(period=datetime.date(2014, 1, 1)), "period"),
    ("after latest", dict(period=datetime.date(2099, 1, 1)), "period"),
]


@pytest.mark.parametrize("label, change, field", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_every_bad_input_is_refused_with_its_row_and_field_and_nothing_is_written(world, label, change, field):
    if change == "retired":
        change = dict(metric_id=world.retired.pk)
    elif change == "both":
        change = dict(team_id=world.mine.pk)
    good = _row(world, period=datetime.date(2025, 2, 5))
    with pytest.raises(MeasurementError) as caught:
        record_measurements(rows=[good, _row(world, **change)], by=world.personas.admin, source=Source.API)
    assert [(e.index, e.field) for e in caught.value.errors] == [(1, field)]
    assert "row 1 " + field in str(caught.value)
    assert Measurement.objects.count() == 0


def test_a_duplicate_in_the_batch_is_refused_after_normalising_the_period(world):
    rows = [_row(world, period=MONDAY), _row(world, person_id=world.ada.pk), _row(world, period=WEDNESDAY)]
    with pytest.raises(MeasurementError) as caught:
        record_measurements(rows=rows, by=world.personas.admin, source=Source.CSV)
    (error,) = caught.value.errors
    assert (error.index, error.field) == (2, "period") and "row 0" in error.message
    assert Measurement.objects.count() == 0


def test_every_bad_row_is_reported_at_once_and_the_message_lists_the_first_few(world):
    rows = [_row(world, value=math.nan) for _ in range(8)] + [_row(world, person_id=None)]
    with pytest.raises(MeasurementError) as caught:
        record_measurements(rows=rows, by=world.personas.admin, source=Source.API)
    assert [e.index for e in caught.value.errors] == list(range(9))
    assert "9 problems" in str(caught.value) and "(and 4 more)" in str(caught.value)


def test_the_date_range_is_the_callers_or_ten_years_back_to_the_end_of_the_next_period(world):
    admin = world.personas.admin
    with pytest.raises(MeasurementError):
        record_measurements(rows=[_row(world)], by=admin, source=Source.API, earliest=datetime.date(2025, 3, 10),
                            latest=datetime.date(2025, 12, 31))
    # A period that still reaches into the range is in it.
    record_measurements(rows=[_row(world, period=datetime.date(2025, 3, 9))], by=admin, source=Source.API,
                        earliest=datetime.date(2025, 3, 7), latest=datetime.date(2025, 12, 31))
    today = datetime.date.today()
    next_week = period_start(today, "week") + datetime.timedelta(days=13)
    record_measurements(rows=[_row(world, period=next_week)], by=admin, source=Source.API)
    with pytest.raises(MeasurementError):
        record_measurements(rows=[_row(world, period=next_week + datetime.timedelta(days=1))], by=admin, source=Source.API)


def test_only_admins_and_the_managers_of_every_team_involved_may_write(world):
    personas = world.personas
    with pytest.raises(PermissionDenied):
        record_measurements(rows=[_row(world)], by=personas.outsider, source=Source.API)
    # Ada was in Other in April: the manager of Mine may not record it, and nothing is written.
    april = _row(world, person_id=world.ada.pk, period=datetime.date(2025, 4, 9))
    with pytest.raises(PermissionDenied, match="Other"):
        record_measurements(rows=[_row(world), april], by=personas.manager, source=Source.API)
    with pytest.raises(PermissionDenied, match="Other"):
        record_measurements(rows=[_row(world, person_id=None, team_id=world.other.pk)], by=personas.manager,
                            source=Source.API)
    with pytest.raises(PermissionDenied, match="no team"):
        record_measurements(rows=[_row(world, person_id=world.loner.pk)], by=personas.manager, source=Source.API)
    assert Measurement.objects.count() == 0

    assert record_measurements(rows=[_row(world), _row(world, person_id=None, team_id=world.mine.pk)],
                               by=personas.manager, source=Source.API).created == 2
    assert record_measurements(rows=[april, _row(world, person_id=world.loner.pk)], by=personas.admin,
                               source=Source.API).created == 2
    assert Measurement.objects.get(person=world.loner).team_id is None


def test_ten_thousand_rows_go_in_one_call_without_a_query_per_row(world, django_assert_max_num_queries):
    people = Person.objects.bulk_create([Person(name=f"P{i}", email=f"p{i}@example.com") for i in range(500)])
    Assignment.objects.bulk_create([Assignment(person=p, role=world.role, team=world.mine,
                                               starts_on=datetime.date(2024, 1, 1)) for p in people])
    weeks = [datetime.date(2025, 1, 6) + datetime.timedelta(weeks=w) for w in range(20)]
    rows = [MeasurementRow(metric_id=world.weekly.pk, period=week, value=float(i), person_id=person.pk)
            for i, (person, week) in enumerate((p, w) for p in people for w in weeks)]
    assert len(rows) == 10_000
    # Chunks, not rows: SQLite's parameter limit makes its chunks smaller.
    limit = 250 if connection.vendor == "sqlite" else 25
    with django_assert_max_num_queries(limit):
        result = record_measurements(rows=rows, by=world.personas.manager, source=Source.API)
    assert result == UpsertResult(created=10_000, updated=0, rows=10_000)
    rows[0].value = -1.0
    assert record_measurements(rows=rows, by=world.personas.manager, source=Source.API).updated == 10_000
    assert Measurement.objects.count() == 10_000
    assert Measurement.objects.get(person=people[0], period=weeks[0]).value == -1.0
