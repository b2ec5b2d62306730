"""Openings pin a published blueprint version; candidates are interviewed against its scorecard."""
from django.conf import settings
from django.db import models

from .choices import BlindMode, CandidateStage, Decision, OpeningStatus


class Opening(models.Model):
    """A requisition for a role. Its scorecard comes from the version pinned when it was opened."""

    role = models.ForeignKey("roles.Role", on_delete=models.PROTECT, related_name="openings")
    version = models.ForeignKey("roles.BlueprintVersion", on_delete=models.PROTECT, related_name="openings")
    title = models.CharField(max_length=200)
    hiring_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       related_name="managed_openings")
    status = models.CharField(max_length=20, choices=OpeningStatus.choices, default=OpeningStatus.OPEN)
    blind_mode = models.CharField(max_length=20, choices=BlindMode.choices, default=BlindMode.AFTER_SUBMIT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class Candidate(models.Model):
    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    source = models.CharField(max_length=100, blank=True, default="")
    stage = models.CharField(max_length=20, choices=CandidateStage.choices, default=CandidateStage.APPLIED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["opening", "email"], name="candidate_email_unique_per_opening")]

    def __str__(self):
        return self.name


class Interview(models.Model):
    """One interviewer's slot with a candidate, covering some of the pinned scorecard's dimensions."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="interviews")
    stage_name = models.CharField(max_length=100)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interviews")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    focus_dimensions = models.ManyToManyField("roles.ScorecardDimension", blank=True, related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="interview_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.stage_name} with {self.candidate}"


class HiringDecision(models.Model):
    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="decision")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)


class HiringEvent(models.Model):
    """The hiring audit trail: who did what, when, with which note."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=60, db_index=True)
    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="events")
    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
