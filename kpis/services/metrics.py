"""Keep metrics in step with published blueprints, and let people correct parsed rules or map renamed KPIs.

Whatever calls them (the publish workflow, the pages, the admin, the API, a shell), a service that
changes a metric's rule, grain or identity stamps `rule_changed_at` and asks for an incremental
rollup, which recomputes the status of every period of the metric under its new rule."""
import re

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from kpis.models import Grain, Measurement, Metric
from kpis.services.rollups import schedule_incremental_rollup
from kpis.targets import KINDS, parse_target
from roles import permissions
from roles.models import BlueprintVersion

_GRAINS = ((r"\bquarter", Grain.QUARTER), (r"\bmonth", Grain.MONTH), (r"\b(week|daily|day|sprint)", Grain.WEEK))


SYNCED_FIELDS = ["name", "measures", "frequency", "target", "grain", "position", "active", "synced_version",
                 "rule_kind", "rule_low", "rule_high", "rule_unit", "rule_corrected", "rule_changed_at"]


def grain_for(frequency: str) -> str:
    """The finest period the frequency names first ("Daily/Weekly" → week); per release/change → month."""
    text = frequency.lower()
    found = [(m.start(), grain) for pattern, grain in _GRAINS for m in [re.search(pattern, text)] if m]
    return min(found)[1] if found else Grain.MONTH


def metric_key(name: str) -> str:
    return slugify(name)[:150] or "kpi"


def _statuses_follow(metric: Metric) -> tuple:
    """What a rollup's statuses and groups depend on: the rule's kind and bounds, and the grain."""
    return metric.rule_kind, metric.rule_low, metric.rule_high, metric.grain


def _apply_rule(metric: Metric, target: str) -> None:
    rule = parse_target(target)
    metric.rule_kind, metric.rule_low, metric.rule_high, metric.rule_unit = rule.kind, rule.low, rule.high, rule.unit


@transaction.atomic
def sync_metrics(*, version: BlueprintVersion) -> list[Metric]:
    """Create or update the role's metrics from a published version's KPIs; retire the ones it dropped.

    Measurements hang off metrics, so a new version keeps the history of every KPI it still has.
    A rule a person corrected is kept while the target text stays the same. A metric whose rule or
    grain changed has its statuses recomputed by the next incremental rollup, asked for here.
    """
    existing = {m.key: m for m in Metric.objects.select_for_update().filter(role_id=version.role_id)}
    seen, created, updated = set(), [], []
    now, rules_changed = timezone.now(), False
    for position, kpi in enumerate(version.kpis.all()):
        key = metric_key(kpi.name)
        if key in seen:
            key = f"{key}-{position}"
        seen.add(key)
        metric = existing.get(key) or Metric(role_id=version.role_id, key=key)
        before = _statuses_follow(metric)
        target_changed = metric.pk is None or metric.target != kpi.target
        metric.name, metric.measures, metric.frequency = kpi.name, kpi.measures, kpi.frequency
        metric.target, metric.grain, metric.position = kpi.target, grain_for(kpi.frequency), position
        metric.active, metric.synced_version = True, version
        if target_changed or not metric.rule_corrected:
            _apply_rule(metric, kpi.target)
            metric.rule_corrected = False
        if metric.pk is not None and _statuses_follow(metric) != before:
            metric.rule_changed_at, rules_changed = now, True
        (updated if metric.pk else created).append(metric)
    Metric.objects.bulk_create(created)
    Metric.objects.bulk_update(updated, SYNCED_FIELDS)
    retired = [m.pk for key, m in existing.items() if key not in seen and m.active]
    if retired:
        Metric.objects.filter(pk__in=retired).update(active=False)
    if rules_changed:
        schedule_incremental_rollup()
    return created + updated


def correct_rule(*, metric: Metric, by, kind: str, low: float | None, high: float | None, unit: str) -> Metric:
    """A person overrides the parsed rule of a metric (editors of the role's family, admins); the
    statuses of all its periods are recomputed under the new rule by the next incremental rollup."""
    from django.core.exceptions import ValidationError

    permissions.require(permissions.can_edit_family(by, metric.role.family), "you may not change this metric")
    errors = {}
    if kind not in KINDS:
        errors["kind"] = f"{kind!r} is not one of {', '.join(KINDS)}"
    if kind in ("at_least", "between", "equals", "relative") and low is None:
        errors["low"] = "this rule needs a lower bound"
    if kind in ("at_most", "between", "relative") and high is None:
        errors["high"] = "this rule needs an upper bound"
    if low is not None and high is not None and low > high:
        errors["high"] = "the upper bound must not be below the lower bound"
    if errors:
        raise ValidationError(errors)
    metric.rule_kind, metric.rule_low, metric.rule_high, metric.rule_unit = kind, low, high, unit.strip()[:30]
    metric.rule_corrected = True
    fields = ["rule_kind", "rule_low", "rule_high", "rule_unit", "rule_corrected"]
    with transaction.atomic():
        # Compared with the stored row: a caller (the admin's form) may have set the fields on `metric` already.
        stored = Metric.objects.select_for_update().get(pk=metric.pk)
        if _statuses_follow(metric) != _statuses_follow(stored):
            metric.rule_changed_at = timezone.now()
            fields.append("rule_changed_at")
            schedule_incremental_rollup()
        metric.save(update_fields=fields)
    return metric


@transaction.atomic
def map_renamed_kpi(*, old: Metric, new: Metric, by) -> Metric:
    """A KPI was renamed: keep the old metric (and its history) under the new name.

    The new metric's measurements move over (they win where both have a value for the same
    subject and period), and the new metric is removed with its rollups. The old metric takes the
    new one's rule and grain: all its periods are recomputed by the next incremental rollup.
    """
    permissions.require(permissions.can_edit_family(by, old.role.family), "you may not change these metrics")
    if old.role_id != new.role_id or old.pk == new.pk:
        from django.core.exceptions import ValidationError

        raise ValidationError("map a metric to another metric of the same role")
    clashes = Measurement.objects.filter(metric=new).values_list("subject_key", "period")
    for subject_key, period in clashes:
        Measurement.objects.filter(metric=old, subject_key=subject_key, period=period).delete()
    Measurement.objects.filter(metric=new).update(metric=old)
    fields = ("key", "name", "measures", "target", "frequency", "grain", "rule_kind", "rule_low", "rule_high",
              "rule_unit", "rule_corrected", "active", "synced_version", "position")
    values = {f: getattr(new, f) for f in fields}
    new.delete()
    for field, value in values.items():
        setattr(old, field, value)
    old.rule_changed_at = timezone.now()
    old.save()
    schedule_incremental_rollup()
    return old
