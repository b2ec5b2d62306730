"""An interviewer's scorecard: one rating row per dimension of the opening's pinned version."""
from django.conf import settings
from django.db import models

from .choices import Rating, Recommendation, ScorecardStatus


class Scorecard(models.Model):
    interview = models.ForeignKey("hiring.Interview", on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards")
    status = models.CharField(max_length=20, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True, default="")
    key_takeaways = models.TextField(blank=True, default="")
    # Red flags of the pinned version that the interviewer ticked (BlueprintItem rows of group red_flags).
    red_flags = models.ManyToManyField("roles.BlueprintItem", blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "interviewer"], name="one_scorecard_per_interviewer"),
        ]

    def __str__(self):
        return f"Scorecard of {self.interviewer} for {self.interview}"


class DimensionRating(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.ForeignKey("roles.ScorecardDimension", on_delete=models.PROTECT, related_name="+")
    # Null means "no signal": the interview said nothing about this dimension.
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    evidence = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["dimension__position"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "dimension"], name="one_rating_per_dimension"),
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=4),
                                   name="rating_between_1_and_4"),
        ]


class ScorecardAmendment(models.Model):
    """A change to a submitted scorecard, with the reason and what it changed."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="amendments")
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    changes = models.TextField(help_text="What changed, one line per field: “Python engineering: 3 → 4”.")

    class Meta:
        ordering = ["amended_at", "id"]
