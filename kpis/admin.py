"""The KPI admin: teams, people and assignments are edited here; metrics only in their rules, through
kpis.services.metrics.correct_rule (the rest comes from the published blueprint, so metrics are neither added
nor deleted here); measurements, rollups and the rollup watermark are view only (measurements are written
through the services, rollups by Celery)."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from common.text import LineField
from common.admin_base import ViewOnlyAdmin

from .models import Assignment, Measurement, Metric, Person, Rollup, RollupQueue, RollupState, Team
from .services.metrics import correct_rule

RULE_FIELDS = ("rule_kind", "rule_low", "rule_high", "rule_unit")


class TeamForm(forms.ModelForm):
    name = LineField(max_length=200)


class PersonForm(forms.ModelForm):
    name = LineField(max_length=200)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = ["name", "manager"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["manager"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["role", "team", "starts_on", "ends_on"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["name", "email", "user"]
    search_fields = ["name", "email"]
    raw_id_fields = ["user"]
    inlines = [AssignmentInline]
    list_select_related = ["user"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "team", "starts_on", "ends_on"]
    list_filter = ["team", "role"]
    search_fields = ["person__name", "person__email"]
    raw_id_fields = ["person"]
    list_select_related = ["person", "role", "team"]


class MetricForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = list(RULE_FIELDS)

    def clean(self):
        data = super().clean()
        kind, low, high = data.get("rule_kind"), data.get("rule_low"), data.get("rule_high")
        if kind in ("at_least", "between", "equals", "relative") and low is None:
            self.add_error("rule_low", "This rule needs a lower bound.")
        if kind in ("at_most", "between", "relative") and high is None:
            self.add_error("rule_high", "This rule needs an upper bound.")
        if low is not None and high is not None and low > high:
            self.add_error("rule_high", "The upper bound must not be below the lower bound.")
        return data


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    form = MetricForm
    list_display = ["name", "role", "grain", "rule_text", "rule_corrected", "active"]
    list_filter = ["active", "grain", "rule_kind", "rule_corrected", "role"]
    search_fields = ["name", "key", "role__title"]
    list_select_related = ["role"]
    readonly_fields = ["role", "key", "name", "measures", "target", "frequency", "grain", "rule_corrected", "active",
                       "synced_version", "position"]
    fieldsets = [
        (None, {"fields": ["role", "key", "name", "measures", "frequency", "grain", "active", "synced_version",
                           "position"]}),
        ("Target and rule", {"fields": ["target", *RULE_FIELDS, "rule_corrected"],
                             "description": "The rule was parsed from the target text; correcting it here marks it "
                                            "corrected, and syncs keep it until the target text changes."}),
    ]

    def has_add_permission(self, request):
        return False  # metrics come from published blueprints

    def has_delete_permission(self, request, obj=None):
        return False  # publishing creates and retires metrics; a deleted one would lose its corrected rule

    @admin.display(description="rule")
    def rule_text(self, metric: Metric) -> str:
        return metric.rule.describe()

    def save_model(self, request, obj, form, change):
        if any(name in form.changed_data for name in RULE_FIELDS):
            try:
                correct_rule(metric=obj, by=request.user, kind=obj.rule_kind, low=obj.rule_low, high=obj.rule_high,
                             unit=obj.rule_unit or "")
            except ValidationError as exc:  # the form's clean already checks the same; keep the service's word
                self.message_user(request, "; ".join(exc.messages), level="error")


@admin.register(Measurement)
class MeasurementAdmin(ViewOnlyAdmin):
    list_display = ["metric", "person", "team", "period", "value", "source", "recorded_by", "recorded_at"]
    list_filter = ["source", "metric__role", "team", "metric__grain"]
    search_fields = ["person__name", "person__email", "metric__name", "note"]
    date_hierarchy = "period"
    list_select_related = ["metric", "person", "team", "recorded_by"]
    show_full_result_count = False


@admin.register(Rollup)
class RollupAdmin(ViewOnlyAdmin):
    list_display = ["metric", "scope", "scope_id", "grain", "period", "count", "mean", "status", "trend",
                    "computed_at"]
    list_filter = ["scope", "grain", "status", "metric__role"]
    search_fields = ["metric__name"]
    date_hierarchy = "period"
    list_select_related = ["metric"]
    show_full_result_count = False


@admin.register(RollupState)
class RollupStateAdmin(ViewOnlyAdmin):
    list_display = ["name", "watermark", "last_run_at", "last_full_at"]


@admin.register(RollupQueue)
class RollupQueueAdmin(ViewOnlyAdmin):
    """Whether an incremental rollup asked for by a write is waiting in the queue (and since when)."""

    list_display = ["name", "queued_at"]
