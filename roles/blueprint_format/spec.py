"""The shape of format v1 ("role-blueprint/v1"), declared once.

The validator, the row writer and the exporter all read these tables, so a field
added here is validated, stored and exported in the same change.
"""
from dataclasses import dataclass, field

from roles.models.choices import (
    Commonality,
    Importance,
    Level,
    MilestoneHorizon,
    ResponsibilityCategory,
    Section,
    SECTION_GROUPS,
    SkillTier,
    Weight,
)

FORMAT = "role-blueprint/v1"


@dataclass(frozen=True)
class Field:
    """One text field of a row: required or not, an enum or free text, a length limit."""

    name: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    default: str = ""
    max_length: int | None = None


@dataclass(frozen=True)
class RowList:
    """A top-level (or nested) list of objects, e.g. "kpis" or "hiring.scorecard"."""

    path: str
    fields: tuple[Field, ...]
    # For lists stored as BlueprintItem rows: the section and which column holds each field.
    section: str | None = None
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TextList:
    """A list of plain strings, stored as BlueprintItem rows of one section and group."""

    path: str
    section: str
    group: str = ""


def _enum(choices) -> tuple[str, ...]:
    return tuple(choices.values)


ROLE_FIELDS = (
    Field("title", required=True, max_length=200),
    Field("slug", max_length=150),
    Field("family", max_length=200),
    Field("level", choices=_enum(Level)),
    Field("horizon", max_length=200),
    Field("summary"),
)
SOURCE_FIELDS = (Field("url", max_length=500), Field("title", max_length=500), Field("published"))
MISSION_FIELDS = (Field("core"), Field("strategic_importance"))

# Typed lists, each stored in its own model (roles.models.content).
RESPONSIBILITIES = RowList("responsibilities", (
    Field("category", required=True, choices=_enum(ResponsibilityCategory)),
    Field("title", required=True),
    Field("detail"),
))
KPIS = RowList("kpis", (
    Field("name", required=True, max_length=300),
    Field("measures"), Field("rationale"), Field("target"),
    Field("frequency", max_length=100),
))
MILESTONES = RowList("milestones", (
    Field("horizon", required=True, choices=_enum(MilestoneHorizon)),
    Field("text", required=True),
))
TECHNICAL_SKILLS = RowList("technical_skills", (
    Field("tier", required=True, choices=_enum(SkillTier)),
    Field("name", required=True, max_length=300),
    Field("importance", choices=_enum(Importance), default=Importance.UNSPECIFIED),
    Field("importance_note", max_length=300),
    Field("description"), Field("use"),
))
SOFT_SKILLS = RowList("soft_skills", (
    Field("name", required=True, max_length=300),
    Field("why_it_matters"), Field("how_it_shows_up"), Field("strong_performance"),
))
TOOLS = RowList("tools", (
    Field("category", max_length=200),
    Field("name", required=True, max_length=300),
    Field("use"),
    Field("commonality", choices=_enum(Commonality), default=Commonality.COMMON),
))
SCORECARD = RowList("hiring.scorecard", (
    Field("dimension", required=True, max_length=300),
    Field("meets"), Field("strong"),
    Field("weight", choices=_enum(Weight), default=Weight.MEDIUM),
))
TYPED_LISTS = (RESPONSIBILITIES, KPIS, MILESTONES, TECHNICAL_SKILLS, SOFT_SKILLS, TOOLS, SCORECARD)


def _grouped(path, section, group_key="group", extra=()):
    groups = SECTION_GROUPS.get(section)
    return RowList(
        path,
        (Field(group_key, required=groups is not None, choices=groups, max_length=300),
         Field("text", required=True), *extra),
        section=section,
        columns={group_key: "group", "text": "text"},
    )


# Narrative lists of objects, stored as BlueprintItem rows.
ITEM_LISTS = (
    _grouped("activities", Section.ACTIVITIES, "cadence"),
    _grouped("deliverables", Section.DELIVERABLES),
    _grouped("environment", Section.ENVIRONMENT),
    RowList("stakeholders", (
        Field("group", required=True, choices=SECTION_GROUPS[Section.STAKEHOLDERS]),
        Field("name", required=True, max_length=500),
        Field("collaboration"), Field("dependency"),
    ), section=Section.STAKEHOLDERS,
        columns={"group": "group", "name": "label", "collaboration": "text", "dependency": "detail"}),
    _grouped("decision_rights", Section.DECISION_RIGHTS, "scope"),
    _grouped("qualifications", Section.QUALIFICATIONS),
    _grouped("risks", Section.RISKS),
    RowList("variants", (
        Field("dimension", required=True, max_length=300),
        Field("name", max_length=500),
        Field("text", required=True),
    ), section=Section.VARIANTS, columns={"dimension": "group", "name": "label", "text": "text"}),
    _grouped("ai_impact", Section.AI_IMPACT),
    RowList("hiring.assessment_areas", (
        Field("name", required=True, max_length=500), Field("detail"),
    ), section=Section.ASSESSMENT_AREAS, columns={"name": "label", "detail": "text"}),
    RowList("hiring.exercises", (
        Field("name", required=True, max_length=500), Field("duration"), Field("detail"),
    ), section=Section.EXERCISES, columns={"name": "label", "detail": "text", "duration": "detail"}),
    RowList("summary_table", (
        Field("category", required=True, max_length=500), Field("summary"),
    ), section=Section.SUMMARY_TABLE, columns={"category": "label", "summary": "text"}),
    RowList("notes", (
        Field("section", max_length=300), Field("text", required=True),
    ), section=Section.NOTES, columns={"section": "group", "text": "text"}),
)

# Lists of plain strings, stored as BlueprintItem rows.
TEXT_LISTS = (
    TextList("role.interaction_partners", Section.INTERACTION_PARTNERS),
    TextList("mission.outcomes", Section.MISSION_OUTCOMES),
    TextList("success.definition", Section.SUCCESS, "definition"),
    TextList("success.high_performance", Section.SUCCESS, "high_performance"),
    *(TextList(f"career.{key}", Section.CAREER, key) for key in SECTION_GROUPS[Section.CAREER]),
    *(TextList(f"hiring.{key}", Section.SIGNALS, key) for key in SECTION_GROUPS[Section.SIGNALS]),
)

# Every key a document may hold, in the order the exporter writes them.
TOP_LEVEL_KEYS = (
    "format", "source", "role", "mission", "responsibilities", "activities", "deliverables",
    "milestones", "success", "kpis", "technical_skills", "soft_skills", "tools", "environment",
    "stakeholders", "decision_rights", "qualifications", "career", "risks", "variants",
    "ai_impact", "hiring", "summary_table", "notes",
)
OBJECT_KEYS = {
    "source": ("url", "title", "published"),
    "role": ("title", "slug", "family", "level", "horizon", "summary", "interaction_partners"),
    "mission": ("core", "strategic_importance", "outcomes"),
    "success": ("definition", "high_performance"),
    "career": SECTION_GROUPS[Section.CAREER],
    "hiring": ("assessment_areas", "exercises", *SECTION_GROUPS[Section.SIGNALS], "scorecard"),
}
