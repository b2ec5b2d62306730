"""A change of a metric's rule, grain or identity recomputes the statuses of every period it affects,
whatever made it: publishing a version whose target changed, correcting the rule on its page, in the
Django admin or from a shell, mapping a renamed KPI onto its old metric. The services stamp the metric
and ask for the incremental rollup (sent on commit; here it runs eagerly, in process); the run
recomputes every group of the metric, the periods no new measurement touched included.
"""
import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kpis.models import Assignment, Measurement, Metric, Person, Rollup, Team
from kpis.services.measurements import MeasurementRow, record_measurements
from kpis.services.metrics import correct_rule, map_renamed_kpi
from kpis.services.rollups import run_rollup
from roles.blueprint_format.synthetic import make_document
from roles.models import FamilyAssignment, Role
from roles.services.importing import import_document

from ..personas import sign_in
from .test_rollups import assert_matches, expected, stored

pytestmark = pytest.mark.django_db
WEEKS = [datetime.date(2025, 1, 6) + datetime.timedelta(weeks=w) for w in range(26)]  # half a year of Mondays
LATENCY = "latency-p95p99"


def _publish(doc: dict) -> None:
    import_document(doc, publish=True)


def _statuses(metric: Metric) -> set[str]:
    return set(Rollup.objects.filter(metric=metric).values_list("status", flat=True))


def latency_document(target: str = "≤ 15% of requests") -> dict:
    doc = make_document("Latency Engineer", family="Serving")
    doc["kpis"] = doc["kpis"][:2]
    doc["kpis"][0].update(name="Latency (p95/p99)", target=target, frequency="Weekly")
    return doc


def load_history(admin) -> SimpleNamespace:
    """A published role whose KPI "Latency (p95/p99)" targets ≤ 15 %, two people measured every week for
    half a year between 11 and 14 (on track under ≤ 15 %, not under ≤ 10 %), recorded a month ago and
    rolled up since: no measurement is new to the next run."""
    doc = latency_document()
    _publish(doc)
    role = Role.objects.get(slug="latency-engineer")
    metric = Metric.objects.get(role=role, key=LATENCY)
    team = Team.objects.create(name="Serving", slug="serving")
    people = [Person.objects.create(name=n, email=f"{n}@example.com") for n in ("ivy", "jon")]
    for person in people:
        Assignment.objects.create(person=person, role=role, team=team, starts_on=datetime.date(2024, 1, 1))
    record_measurements(rows=[MeasurementRow(metric.pk, week, 11.0 + (w + n) % 4, person_id=person.pk)
                              for w, week in enumerate(WEEKS) for n, person in enumerate(people)],
                        by=admin, source="api")
    Measurement.objects.update(recorded_at=timezone.now() - datetime.timedelta(days=30))
    run_rollup(full=True)
    assert _statuses(metric) == {"on_track"}
    return SimpleNamespace(doc=doc, role=role, metric=metric, team=team, people=people, admin=admin)


@pytest.fixture
def history(personas):
    return load_history(personas.admin)


def assert_tightened(metric: Metric) -> None:
    """Every period of the metric now follows ≤ 10 %, and every rollup is what a fresh computation gives."""
    metric.refresh_from_db()
    assert (metric.rule_kind, metric.rule_high) == ("at_most", 10)
    assert "on_track" not in _statuses(metric)
    assert {(k[3], k[4]) for k in stored() if k[0] == metric.pk} >= {("week", w) for w in WEEKS}
    assert_matches(stored(), expected())


def test_publishing_a_tightened_target_recomputes_the_status_of_every_earlier_period(
        history, django_capture_on_commit_callbacks, tasks_run_in_process):
    history.doc["kpis"][0]["target"] = "≤ 10% of requests"
    with django_capture_on_commit_callbacks(execute=True):
        _publish(history.doc)
    assert_tightened(history.metric)


def test_correcting_a_rule_in_the_admin_recomputes_the_status_of_every_period(
        client, history, django_capture_on_commit_callbacks, tasks_run_in_process):
    sign_in(client, history.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/kpis/metric/{history.metric.pk}/change/",
                               {"rule_kind": "at_most", "rule_low": "", "rule_high": "10", "rule_unit": "%",
                                "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_tightened(history.metric)


def test_correcting_a_rule_on_its_page_recomputes_the_status_of_every_period(
        client, history, personas, django_capture_on_commit_callbacks, tasks_run_in_process):
    FamilyAssignment.objects.create(user=personas.editor, family="Serving")
    sign_in(client, personas.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/kpis/metrics/{history.metric.pk}/rule/",
                               {"kind": "at_most", "low": "", "high": "10", "unit": "%"})
    assert response.status_code == 302
    assert_tightened(history.metric)


def test_a_rule_corrected_from_a_shell_is_recomputed_by_the_next_scheduled_run(history):
    correct_rule(metric=history.metric, by=history.admin, kind="at_most", low=None, high=10, unit="%")
    assert _statuses(history.metric) == {"on_track"}  # nothing ran yet (the test's transaction never commits)
    report = run_rollup()  # what beat sends every few minutes
    assert not report.full and report.periods >= len(WEEKS)
    assert_tightened(history.metric)


def test_a_rule_change_is_recomputed_once_not_by_every_run_after(history, settings):
    settings.KPI_ROLLUP_GRACE_SECONDS = 0
    correct_rule(metric=history.metric, by=history.admin, kind="at_most", low=None, high=10, unit="%")
    assert run_rollup().periods >= len(WEEKS)
    # No measurement came in, so the watermark stayed where it was: the previous run bounds the change.
    assert run_rollup().periods == 0


def test_a_new_target_text_with_the_same_rule_recomputes_nothing(history, django_capture_on_commit_callbacks):
    history.doc["kpis"][0]["target"] = "at most 15% of requests"
    with django_capture_on_commit_callbacks(execute=False):
        _publish(history.doc)
    history.metric.refresh_from_db()
    assert history.metric.target == "at most 15% of requests" and history.metric.rule_changed_at is None


def test_a_coarser_grain_replaces_the_weekly_rollups(history, django_capture_on_commit_callbacks,
                                                     tasks_run_in_process):
    history.doc["kpis"][0]["frequency"] = "Monthly"
    with django_capture_on_commit_callbacks(execute=True):
        _publish(history.doc)
    assert not Rollup.objects.filter(metric=history.metric, grain="week").exists()
    assert Rollup.objects.filter(metric=history.metric, grain="month").count() > 0
    assert_matches(stored(), expected())


def test_mapping_a_renamed_kpi_recomputes_its_history_under_the_new_rule(
        history, django_capture_on_commit_callbacks, tasks_run_in_process):
    history.doc["kpis"][0].update(name="Latency p95", target="≤ 10% of requests")
    _publish(history.doc)
    new = Metric.objects.get(role=history.role, key="latency-p95")
    later = [WEEKS[-1] + datetime.timedelta(weeks=w) for w in (1, 2)]
    record_measurements(rows=[MeasurementRow(new.pk, week, 12.0, person_id=history.people[0].pk) for week in later],
                        by=history.admin, source="api")
    run_rollup()
    assert Rollup.objects.filter(metric=new).exists() and _statuses(history.metric) == {"on_track"}

    with django_capture_on_commit_callbacks(execute=True):
        map_renamed_kpi(old=history.metric, new=new, by=history.admin)
    assert not Rollup.objects.filter(metric_id=new.pk).exists()
    assert Measurement.objects.filter(metric=history.metric).count() == 2 * len(WEEKS) + 2
    assert_tightened(history.metric)
