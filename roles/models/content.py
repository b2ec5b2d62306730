"""Typed content rows of a blueprint version. Each list keeps the document's order in `position`."""
from django.db import models

from .catalog import BlueprintVersion, Skill, Tool
from .choices import (
    Commonality,
    Importance,
    MilestoneHorizon,
    ResponsibilityCategory,
    Section,
    SkillTier,
    Weight,
)


class VersionRow(models.Model):
    """Base for rows that belong to one version, ordered by position (unique per version)."""

    position = models.PositiveIntegerField()

    class Meta:
        abstract = True
        ordering = ["position"]

    @classmethod
    def position_constraint(cls, name: str) -> models.UniqueConstraint:
        return models.UniqueConstraint(fields=["version", "position"], name=f"{name}_position_unique")


class Responsibility(VersionRow):
    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="responsibilities")
    category = models.CharField(max_length=20, choices=ResponsibilityCategory.choices)
    title = models.TextField()
    detail = models.TextField(blank=True, default="")

    class Meta(VersionRow.Meta):
        verbose_name_plural = "responsibilities"
        constraints = [VersionRow.position_constraint("responsibility")]


class TechnicalSkill(VersionRow):
    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="technical_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="technical_uses")
    tier = models.CharField(max_length=20, choices=SkillTier.choices)
    importance = models.CharField(max_length=20, choices=Importance.choices, default=Importance.UNSPECIFIED)
    importance_note = models.CharField(max_length=300, blank=True, default="")
    description = models.TextField(blank=True, default="")
    use = models.TextField(blank=True, default="")

    class Meta(VersionRow.Meta):
        constraints = [VersionRow.position_constraint("technicalskill")]


class SoftSkill(VersionRow):
    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="soft_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="soft_uses")
    why_it_matters = models.TextField(blank=True, default="")
    how_it_shows_up = models.TextField(blank=True, default="")
    strong_performance = models.TextField(blank=True, default="")

    class Meta(VersionRow.Meta):
        constraints = [VersionRow.position_constraint("softskill")]


class KPI(VersionRow):
    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=300)
    measures = models.TextField(blank=True, default="")
    rationale = models.TextField(blank=True, default="")
    target = models.TextField(blank=True, default="")
    frequency = models.CharField(max_length=100, blank=True, default="")

    class Meta(VersionRow.Meta):
        verbose_name = "KPI"
        constraints = [VersionRow.position_constraint("kpi")]


class Milestone(VersionRow):
    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="milestones")
    horizon = models.CharField(max_length=20, choices=MilestoneHorizon.choices)
    text = models.TextField()

    class Meta(VersionRow.Meta):
        constraints = [VersionRow.position_constraint("milestone")]


class ToolUsage(VersionRow):
    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="tools")
    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="usages")
    category = models.CharField(max_length=200, blank=True, default="")
    use = models.TextField(blank=True, default="")
    commonality = models.CharField(max_length=20, choices=Commonality.choices, default=Commonality.COMMON)

    class Meta(VersionRow.Meta):
        constraints = [VersionRow.position_constraint("toolusage")]


class ScorecardDimension(VersionRow):
    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="scorecard")
    dimension = models.CharField(max_length=300)
    meets = models.TextField(blank=True, default="")
    strong = models.TextField(blank=True, default="")
    weight = models.CharField(max_length=10, choices=Weight.choices, default=Weight.MEDIUM)

    class Meta(VersionRow.Meta):
        constraints = [VersionRow.position_constraint("scorecarddimension")]


class BlueprintItem(models.Model):
    """An ordered row of one of the narrative sections (activities, stakeholders, risks …).

    The columns are generic on purpose; `roles.blueprint_format` maps each section's
    format-v1 keys onto them (e.g. a stakeholder's name → label, collaboration → text,
    dependency → detail), so one query loads every narrative list of a version.
    """

    version = models.ForeignKey(BlueprintVersion, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=30, choices=Section.choices)
    position = models.PositiveIntegerField()
    group = models.CharField(max_length=300, blank=True, default="")
    label = models.CharField(max_length=500, blank=True, default="")
    text = models.TextField(blank=True, default="")
    detail = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "section", "position"], name="item_position_unique"),
        ]
