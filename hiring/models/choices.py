from django.db import models


class OpeningStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class BlindMode(models.TextChoices):
    """When an interviewer may read the other scorecards of a candidate."""

    AFTER_SUBMIT = "after_submit", "After submitting their own"
    NEVER = "never", "Never"
    ALWAYS = "always", "Always"


class CandidateStage(models.TextChoices):
    APPLIED = "applied", "Applied"
    SCREEN = "screen", "Screen"
    INTERVIEWING = "interviewing", "Interviewing"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Rating(models.IntegerChoices):
    DOES_NOT_MEET = 1, "Does not meet"
    PARTIALLY_MEETS = 2, "Partially meets"
    MEETS = 3, "Meets"
    STRONG = 4, "Strong"


class Recommendation(models.TextChoices):
    NO_DECISION = "", "No decision"
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class Decision(models.TextChoices):
    HIRE = "hire", "Hire"
    NO_HIRE = "no_hire", "No hire"
    HOLD = "hold", "Hold"
