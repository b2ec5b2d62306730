"""People and teams, the metrics their roles define, measurements, and the rollups Celery computes."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from .targets import KINDS, TargetRule


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Person(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="person")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """A person holds a role in a team from one date to another (open-ended when `ends_on` is empty)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey("roles.Role", on_delete=models.PROTECT, related_name="assignments")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                              name="assignment_ends_after_it_starts")]


class Grain(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class Metric(models.Model):
    """The stable identity of a KPI of a role. Publishing a version syncs its KPIs into metrics, so
    measurements outlive versions."""

    role = models.ForeignKey("roles.Role", on_delete=models.CASCADE, related_name="metrics")
    key = models.SlugField(max_length=150)
    name = models.CharField(max_length=300)
    measures = models.TextField(blank=True, default="")
    target = models.TextField(blank=True, default="")
    frequency = models.CharField(max_length=100, blank=True, default="")
    grain = models.CharField(max_length=10, choices=Grain.choices, default=Grain.WEEK,
                             help_text="The period a measurement covers, from the KPI's frequency.")
    rule_kind = models.CharField(max_length=20, choices=[(k, k.replace("_", " ")) for k in KINDS],
                                 default="qualitative")
    rule_low = models.FloatField(null=True, blank=True)
    rule_high = models.FloatField(null=True, blank=True)
    rule_unit = models.CharField(max_length=30, blank=True, default="")
    rule_corrected = models.BooleanField(default=False, help_text="A person corrected the parsed rule; "
                                                                   "syncs keep it unless the target text changes.")
    active = models.BooleanField(default=True, help_text="In the role's published version.")
    synced_version = models.ForeignKey("roles.BlueprintVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    position = models.PositiveIntegerField(default=0)
    rule_changed_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the rule, grain or identity last changed: the next incremental rollup recomputes "
                  "every period of the metric.")

    class Meta:
        ordering = ["role", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["role", "key"], name="metric_key_unique_per_role")]

    def __str__(self):
        return self.name

    @property
    def rule(self) -> TargetRule:
        return TargetRule(self.rule_kind, self.rule_low, self.rule_high, self.rule_unit)


class Source(models.TextChoices):
    FORM = "form", "Form"
    CSV = "csv", "CSV upload"
    API = "api", "API"
    DEMO = "demo", "Demo data"


class Measurement(models.Model):
    """One value of a metric for a person or a team in a period; unique per (metric, subject, period)."""

    # Written tens of thousands of rows a second: no index of its own for metric (the unique key and
    # the (metric, period) index start with it) nor for recorded_by (only read when a user is deleted).
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="measurements", db_index=False)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="measurements")
    # For a person: their team during the period (from their assignment); for a team: that team.
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="measurements")
    subject_key = models.CharField(max_length=40, help_text="“person:12” or “team:3”: one key for the upsert.")
    period = models.DateField(help_text="First day of the metric's period (week starts Monday).")
    value = models.FloatField()
    note = models.TextField(blank=True, default="")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False)
    recorded_at = models.DateTimeField(db_index=True, help_text="Set on every write; the rollup watermark.")

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "subject_key", "period"], name="one_measurement_per_period"),
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(team__isnull=False),
                                   name="measurement_has_a_subject"),
        ]
        indexes = [models.Index(fields=["metric", "period"])]


class Scope(models.TextChoices):
    PERSON = "person", "Person"
    TEAM = "team", "Team"
    ROLE = "role", "Role"
    ORGANISATION = "org", "Organisation"


class Status(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    NO_DATA = "no_data", "No data"
    QUALITATIVE = "qualitative", "Qualitative"


class Rollup(models.Model):
    """Statistics of a metric for one scope and period. Recomputed by Celery; never edited by hand."""

    # Derived data written a million rows at a time: no database-level FK check (it was ~40 % of a
    # full rollup's insert time; Django still cascades deletes) and no single-column index (the
    # unique constraint starts with metric).
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="rollups", db_constraint=False,
                               db_index=False)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    scope_id = models.BigIntegerField(help_text="Person, team or role id; 0 for the organisation.")
    grain = models.CharField(max_length=10, choices=Grain.choices)
    period = models.DateField()
    count = models.PositiveIntegerField()
    mean = models.FloatField(null=True)
    min = models.FloatField(null=True)
    max = models.FloatField(null=True)
    median = models.FloatField(null=True)
    p95 = models.FloatField(null=True)
    latest = models.FloatField(null=True)
    on_target_share = models.FloatField(null=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    trend = models.FloatField(null=True, help_text="Mean minus the previous period's mean.")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["metric", "scope", "scope_id", "grain", "period"]
        # Group first: the unique index also finds the stored rows of the groups an incremental run
        # recomputes (metric, grain, period), so the table carries two indexes besides its key.
        constraints = [models.UniqueConstraint(fields=["metric", "grain", "period", "scope", "scope_id"],
                                               name="one_rollup_per_group_and_scope")]
        indexes = [models.Index(fields=["scope", "scope_id", "grain", "period"])]


class RollupState(models.Model):
    """The rollup watermark: measurements recorded after it have not been rolled up yet."""

    name = models.CharField(max_length=50, unique=True, default="default")
    watermark = models.DateTimeField(null=True, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)


class RollupQueue(models.Model):
    """At most one incremental rollup waits in the queue: a writer claims `queued_at` (a conditional
    UPDATE) before sending one, and that run clears it when it starts. A table apart from RollupState,
    whose row a run keeps locked for its whole transaction: claiming must never wait for a run."""

    name = models.CharField(max_length=50, unique=True, default="default")
    queued_at = models.DateTimeField(null=True, blank=True)
