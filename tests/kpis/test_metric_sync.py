"""Publishing syncs KPIs into metrics that outlive versions; rules can be corrected; renamed KPIs mapped."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kpis.models import Measurement, Metric, Person, Team
from kpis.services.metrics import correct_rule, grain_for, map_renamed_kpi
from roles.blueprint_format.synthetic import make_document
from roles.models import FamilyAssignment
from roles.services.importing import import_document, import_file

from ..conftest import SEED_PATH

pytestmark = pytest.mark.django_db


def _measure(metric, person, value=1.0):
    return Measurement.objects.create(metric=metric, person=person, subject_key=f"person:{person.pk}",
                                      period=datetime.date(2026, 1, 5), value=value, recorded_at=timezone.now())


def test_publishing_the_seed_creates_its_19_metrics_with_parsed_rules():
    import_file(SEED_PATH.name, SEED_PATH.read_bytes(), publish=True)
    metrics = list(Metric.objects.order_by("position"))
    assert len(metrics) == 19 and all(m.active for m in metrics)
    first = metrics[0]
    assert (first.key, first.grain, first.rule.describe()) == (
        "sprint-delivery-reliability", "week", "between 75 and 90%")
    latency = Metric.objects.get(key="latency-p95p99")
    assert (latency.rule_kind, latency.rule_high, latency.rule_unit, latency.grain) == ("at_most", 800, "ms", "week")
    assert Metric.objects.get(key="stakeholder-satisfaction-pmeng").rule_kind == "qualitative"


def test_a_new_version_keeps_metrics_and_their_history_and_retires_dropped_kpis():
    doc = make_document("Metric Engineer")
    import_document(doc, publish=True)
    metric = Metric.objects.get(key="kpi-1")
    person = Person.objects.create(name="Pat", email="pat@example.com")
    _measure(metric, person)
    doc["kpis"][0]["target"] = "At least 95% of tasks"
    doc["kpis"].pop()  # KPI 19 dropped
    import_document(doc, publish=True)
    metric.refresh_from_db()
    assert metric.measurements.count() == 1
    assert (metric.rule_kind, metric.rule_low) == ("at_least", 95)
    assert Metric.objects.get(key="kpi-19").active is False
    assert Metric.objects.filter(active=True).count() == 18


def test_a_corrected_rule_survives_syncs_until_the_target_text_changes(personas):
    FamilyAssignment.objects.create(user=personas.editor, family="Metric Engineering")
    doc = make_document("Metric Engineer")
    import_document(doc, publish=True)
    metric = Metric.objects.get(key="kpi-2")
    with pytest.raises(PermissionDenied):
        correct_rule(metric=metric, by=personas.hr, kind="at_least", low=70, high=None, unit="%")
    correct_rule(metric=metric, by=personas.editor, kind="at_least", low=70, high=None, unit="%")
    doc["kpis"][5]["name"] = "Renamed elsewhere"
    import_document(doc, publish=True)
    metric.refresh_from_db()
    assert (metric.rule_kind, metric.rule_low, metric.rule_corrected) == ("at_least", 70, True)
    doc["kpis"][1]["target"] = "Below 5%"
    import_document(doc, publish=True)
    metric.refresh_from_db()
    assert (metric.rule_kind, metric.rule_high, metric.rule_corrected) == ("at_most", 5, False)


def test_a_renamed_kpi_is_mapped_to_its_old_metric_with_its_history(personas):
    FamilyAssignment.objects.create(user=personas.editor, family="Metric Engineering")
    doc = make_document("Metric Engineer")
    import_document(doc, publish=True)
    old = Metric.objects.get(key="kpi-3")
    person = Person.objects.create(name="Pat", email="pat@example.com")
    _measure(old, person, 10)
    doc["kpis"][2]["name"] = "Delivery predictability"
    import_document(doc, publish=True)
    new = Metric.objects.get(key="delivery-predictability")
    old.refresh_from_db()
    assert old.active is False and new.active
    merged = map_renamed_kpi(old=old, new=new, by=personas.editor)
    assert (merged.pk, merged.key, merged.name, merged.active) == (old.pk, "delivery-predictability",
                                                                   "Delivery predictability", True)
    assert merged.measurements.get().value == 10
    assert not Metric.objects.filter(pk=new.pk).exists()


@pytest.mark.parametrize("frequency,grain", [
    ("Weekly", "week"), ("Daily/Weekly", "week"), ("Per sprint", "week"), ("Monthly", "month"),
    ("Weekly/Monthly", "week"), ("Quarterly", "quarter"), ("Per release", "month"), ("", "month"),
])
def test_grain_follows_the_frequency(frequency, grain):
    assert grain_for(frequency) == grain


def test_teams_are_unchanged_by_syncs():
    Team.objects.create(name="A", slug="a")
    import_document(make_document("Metric Engineer"), publish=True)
    assert Team.objects.count() == 1
