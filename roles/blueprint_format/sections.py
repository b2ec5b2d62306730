"""The blueprint's sections as people name them, and which document keys each one holds.

Diff, comparison and pages walk the document in this order.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class SectionInfo:
    anchor: str
    title: str
    paths: tuple[str, ...]          # document paths: "role.summary", "kpis", "hiring.scorecard" …


SECTIONS = (
    SectionInfo("summary", "1) Role summary", ("role.title", "role.family", "role.level", "role.horizon",
                                                "role.summary", "role.interaction_partners")),
    SectionInfo("mission", "2) Role mission", ("mission.core", "mission.strategic_importance", "mission.outcomes")),
    SectionInfo("responsibilities", "3) Core responsibilities", ("responsibilities",)),
    SectionInfo("activities", "4) Day-to-day activities", ("activities",)),
    SectionInfo("deliverables", "5) Key deliverables", ("deliverables",)),
    SectionInfo("milestones", "6) Goals, objectives and milestones",
                ("milestones", "success.definition", "success.high_performance")),
    SectionInfo("kpis", "7) KPIs and productivity metrics", ("kpis",)),
    SectionInfo("technical-skills", "8) Technical skills", ("technical_skills",)),
    SectionInfo("soft-skills", "9) Soft skills and behaviours", ("soft_skills",)),
    SectionInfo("tools", "10) Tools, platforms and software", ("tools",)),
    SectionInfo("environment", "11) Tech stack and environment", ("environment",)),
    SectionInfo("stakeholders", "12) Stakeholders and collaboration", ("stakeholders",)),
    SectionInfo("decision-rights", "13) Decision rights", ("decision_rights",)),
    SectionInfo("qualifications", "14) Experience and qualifications", ("qualifications",)),
    SectionInfo("career", "15) Career path", ("career.feeder_roles", "career.next_roles", "career.adjacent_paths",
                                             "career.promotion_criteria", "career.evolution")),
    SectionInfo("risks", "16) Risks and failure modes", ("risks",)),
    SectionInfo("variants", "17) Role variants", ("variants",)),
    SectionInfo("ai-impact", "18) AI and automation impact", ("ai_impact",)),
    SectionInfo("hiring", "19) Hiring evaluation", ("hiring.assessment_areas", "hiring.exercises",
                                                   "hiring.strong_signals", "hiring.weak_signals",
                                                   "hiring.red_flags", "hiring.scorecard")),
    SectionInfo("summary-table", "20) Final role scorecard summary", ("summary_table",)),
    SectionInfo("notes", "Import notes", ("notes",)),
)

# The field that names a row of each list, for matching rows across versions and for labels.
ROW_KEYS = {
    "responsibilities": "title", "kpis": "name", "technical_skills": "name", "soft_skills": "name",
    "tools": "name", "stakeholders": "name", "variants": "name", "hiring.assessment_areas": "name",
    "hiring.exercises": "name", "hiring.scorecard": "dimension", "summary_table": "category",
}


def get_path(doc: dict, path: str):
    head, _, tail = path.partition(".")
    value = doc.get(head)
    return value.get(tail) if tail and isinstance(value, dict) else value
