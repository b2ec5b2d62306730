"""Serializers of the KPI API. Measurement and rollup lists are read-only and built by hand in
`to_representation`-style functions where DRF's per-field machinery would dominate a large page."""
from rest_framework import serializers

from common.numbers import ApiDateField, ApiIntegerField
from kpis.models import Grain, Metric, Scope, Source


class MetricSerializer(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    ref = serializers.SerializerMethodField(help_text="“role-slug/key”: how a measurement names this metric.")
    rule = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = ["id", "ref", "role", "key", "name", "measures", "target", "frequency", "grain", "active", "rule"]

    def get_ref(self, metric: Metric) -> str:
        return f"{metric.role.slug}/{metric.key}"

    def get_rule(self, metric: Metric) -> dict:
        return {"kind": metric.rule_kind, "low": metric.rule_low, "high": metric.rule_high, "unit": metric.rule_unit,
                "text": metric.rule.describe(), "corrected": metric.rule_corrected}


def measurement_data(m) -> dict:
    return {"id": m.pk, "metric": m.metric_id, "ref": f"{m.metric.role.slug}/{m.metric.key}",
            "person": m.person.email if m.person_id else None, "team": m.team.slug if m.team_id else None,
            "period": m.period.isoformat(), "value": m.value, "note": m.note, "source": m.source,
            "recorded_at": m.recorded_at.isoformat() if m.recorded_at else None}


ROLLUP_FIELDS = ("metric_id", "scope", "scope_id", "grain", "period", "count", "mean", "min", "max", "median", "p95",
                 "latest", "on_target_share", "status", "trend", "computed_at")


def rollup_data(r) -> dict:
    data = {name: getattr(r, name) for name in ROLLUP_FIELDS}
    data["metric"] = data.pop("metric_id")
    data["period"] = r.period.isoformat()
    data["computed_at"] = r.computed_at.isoformat() if r.computed_at else None
    return data


class _DateRange(serializers.Serializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two cannot be declared as attributes.
        self.fields["from"] = ApiDateField(required=False, help_text="First period, YYYY-MM-DD.")
        self.fields["to"] = ApiDateField(required=False, help_text="Last period, YYYY-MM-DD.")

    def validate(self, data):
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise serializers.ValidationError({"to": "must not be before “from”"})
        return data


class MeasurementFilterSerializer(_DateRange):
    metric = ApiIntegerField(required=False, min_value=1)
    role = serializers.SlugField(required=False)
    person = serializers.EmailField(required=False)
    team = serializers.SlugField(required=False)
    source = serializers.ChoiceField(choices=Source.choices, required=False)


class RollupFilterSerializer(_DateRange):
    metric = ApiIntegerField(required=False, min_value=1)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    scope_id = ApiIntegerField(required=False, min_value=0)
    grain = serializers.ChoiceField(choices=Grain.choices, required=False)


class MetricFilterSerializer(serializers.Serializer):
    role = serializers.SlugField(required=False)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
