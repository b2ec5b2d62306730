"""Enumerations of format v1, shared by the models, the validator and the pages."""
from django.db import models


class Level(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    STAFF = "staff", "Staff"
    PRINCIPAL = "principal", "Principal"
    LEAD = "lead", "Lead"
    MANAGER = "manager", "Manager"
    DIRECTOR = "director", "Director"
    OTHER = "other", "Other"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class ResponsibilityCategory(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    TECHNICAL = "technical", "Technical"
    CROSS_FUNCTIONAL = "cross_functional", "Cross-functional"
    GOVERNANCE = "governance", "Governance, compliance and quality"
    LEADERSHIP = "leadership", "Leadership"


class SkillTier(models.TextChoices):
    MUST_HAVE = "must_have", "Must-have"
    GOOD_TO_HAVE = "good_to_have", "Good-to-have"
    ADVANCED = "advanced", "Advanced / differentiating"
    EMERGING = "emerging", "Emerging"


class Importance(models.TextChoices):
    CRITICAL = "critical", "Critical"
    IMPORTANT = "important", "Important"
    OPTIONAL = "optional", "Optional"
    UNSPECIFIED = "unspecified", "Unspecified"


class MilestoneHorizon(models.TextChoices):
    D30 = "30d", "30 days"
    D60 = "60d", "60 days"
    D90 = "90d", "90 days"
    M6 = "6m", "6 months"
    M12 = "12m", "12 months"
    LONG_TERM = "long_term", "Long term"


class Commonality(models.TextChoices):
    COMMON = "common", "Common"
    OPTIONAL = "optional", "Optional"
    CONTEXT_SPECIFIC = "context_specific", "Context-specific"


class Weight(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Section(models.TextChoices):
    """Sections stored as ordered items (BlueprintItem), with the groups each one allows."""

    INTERACTION_PARTNERS = "interaction_partners", "Interaction partners"
    MISSION_OUTCOMES = "mission_outcomes", "Business outcomes"
    ACTIVITIES = "activities", "Day-to-day activities"
    DELIVERABLES = "deliverables", "Key deliverables"
    SUCCESS = "success", "Success"
    ENVIRONMENT = "environment", "Tech stack and environment"
    STAKEHOLDERS = "stakeholders", "Stakeholders"
    DECISION_RIGHTS = "decision_rights", "Decision rights"
    QUALIFICATIONS = "qualifications", "Experience and qualifications"
    CAREER = "career", "Career path"
    RISKS = "risks", "Risks and failure modes"
    VARIANTS = "variants", "Role variants"
    AI_IMPACT = "ai_impact", "AI and automation impact"
    ASSESSMENT_AREAS = "assessment_areas", "What to assess"
    EXERCISES = "exercises", "Exercises"
    SIGNALS = "signals", "Candidate signals"
    SUMMARY_TABLE = "summary_table", "Summary"
    NOTES = "notes", "Import notes"


# Closed vocabularies of the item sections' groups; sections absent here take free text.
SECTION_GROUPS: dict[str, tuple[str, ...]] = {
    Section.ACTIVITIES: ("daily", "weekly", "monthly_quarterly", "recurring", "incident"),
    Section.SUCCESS: ("definition", "high_performance"),
    Section.STAKEHOLDERS: (
        "internal", "external", "peer", "upstream", "downstream", "decision_authority", "escalation",
    ),
    Section.DECISION_RIGHTS: ("independent", "team_approval", "management_approval", "authority"),
    Section.QUALIFICATIONS: ("experience", "education", "certification", "background", "domain", "leadership"),
    Section.CAREER: ("feeder_roles", "next_roles", "adjacent_paths", "promotion_criteria", "evolution"),
    Section.RISKS: ("challenges", "bottlenecks", "anti_patterns", "underperformance", "business_risks"),
    Section.AI_IMPACT: ("automatable", "human_critical", "evolution", "new_expectations"),
    Section.SIGNALS: ("strong_signals", "weak_signals", "red_flags"),
}
