"""Handlers for the narrative sections: summary, mission and the lists grouped by sub-heading.

Each handler takes one `Section` and fills its part of the document through a
`Collector`. Sub-headings map to the format's enums by keywords, so
"Leadership responsibilities (Senior IC scope)" is still `leadership`.
"""
import re

from .template_document import Collector, all_blocks, entries, route
from .template_reader import Section, Table, TextBlock
from .template_text import classify, split_label

RESPONSIBILITY_CATEGORIES = (
    ("leadership", r"leader|people manage"),
    ("cross_functional", r"cross|stakeholder|collaborat|partner"),
    ("governance", r"governance|complian|quality|risk|security"),
    ("strategic", r"strateg"),
    ("operational", r"operation"),
    ("technical", r"technical|engineering"),
)
ACTIVITY_CADENCES = (
    ("incident", r"incident|escalation|emergenc|on[- ]call"),
    ("recurring", r"recurring|meeting|ritual|ceremon"),
    ("monthly_quarterly", r"month|quarter|annual"),
    ("weekly", r"week|sprint"),
    ("daily", r"daily|day"),
)
DECISION_SCOPES = (
    ("authority", r"authority|budget"),
    ("independent", r"independen|can decide|autonom"),
    ("management_approval", r"manage|director|executive|formal governance"),
    ("team_approval", r"team|peer|tech lead|review"),
)
QUALIFICATION_GROUPS = (
    ("leadership", r"leadership|management experience"),
    ("domain", r"domain|industry"),
    ("education", r"educat|degree"),
    ("certification", r"certif"),
    ("background", r"background|prior role|previous role"),
    ("experience", r"experience|years"),
)
CAREER_LISTS = (
    ("feeder_roles", r"feeder|into this role|come from"),
    ("promotion_criteria", r"promot"),
    ("next_roles", r"next|after this role"),
    ("adjacent_paths", r"adjacent|lateral|alternative"),
    ("evolution", r"evolv|evolution|over time"),
)
RISK_GROUPS = (
    ("anti_patterns", r"anti[- ]?pattern|avoid"),
    ("underperformance", r"underperform"),
    ("bottlenecks", r"bottleneck"),
    ("business_risks", r"business risk|ineffective"),
    ("challenges", r"challenge|difficult"),
)
AI_IMPACT_GROUPS = (
    ("new_expectations", r"expectation"),
    ("human_critical", r"human"),
    ("evolution", r"chang|evolv|future|over the next"),
    ("automatable", r"automat"),
)
SUCCESS_LISTS = (
    ("high_performance", r"high perform|excellen|exceptional|outstanding"),
    ("definition", r"success"),
)
SUMMARY_LABELS = (("horizon", r"horizon"), ("interaction_partners", r"interaction|partner|works with"))
MISSION_LABELS = (
    ("outcomes", r"outcome|result|expected"),
    ("strategic_importance", r"strateg|importan|why"),
    ("core", r"mission|purpose|core"),
)
# Where the horizon word ends: "Current (widely established …)" → "Current".
_HORIZON_END = re.compile(r"\s*[(;:,–—]|\.\s|\.$")


def handle_summary(section: Section, out: Collector) -> None:
    """Paragraphs → role.summary; the labelled "Role horizon:" / "Typical interaction partners:" lines → their fields.

    A label with nothing after it ("**Typical interaction partners:**") takes the
    list that follows it.
    """
    role = out.document["role"]
    paragraphs: list[str] = []
    waiting_for: str | None = None
    for block in all_blocks(section, out):
        if isinstance(block, Table):
            out.note_block(section.heading, block)
            continue
        label, value = split_label(block.text)
        field = classify(label, SUMMARY_LABELS) if label else None
        if block.kind == "li" and waiting_for:
            field, value = waiting_for, block.text
        waiting_for = None
        if field == "horizon" and value:
            _set_horizon(role, value, block.text, section.heading, out)
        elif field == "interaction_partners" and value:
            role["interaction_partners"].extend(split_partners(value) if block.kind == "p" else [value])
            waiting_for = field if block.kind == "li" else None
        elif field:
            waiting_for = field
        else:
            paragraphs.append(block.text)
    role["summary"] = "\n\n".join(paragraphs)


def _set_horizon(role: dict, value: str, full_text: str, where: str, out: Collector) -> None:
    """Keep the horizon word(s); the sentence around them goes to notes, whole, so nothing is lost."""
    horizon = _HORIZON_END.split(value, maxsplit=1)[0].strip()
    role["horizon"] = horizon or value
    if horizon and horizon != value.strip().rstrip("."):
        out.note(where, full_text)


def split_partners(text: str) -> list[str]:
    """'A, B, and C.' → ['A', 'B', 'C'].

    Only the last item is split at " and ", so that "Research and Development" in
    the middle of a list survives; "A and B" alone is still two partners.
    """
    parts = [p.strip() for p in text.strip().rstrip(".").split(",")]
    parts = [p for p in parts if p]
    if parts:
        last = re.sub(r"^(and|&)\s+", "", parts.pop())
        parts.extend(p.strip() for p in re.split(r"\s+(?:and|&)\s+", last) if p.strip())
    return parts


def handle_mission(section: Section, out: Collector) -> None:
    """"Core mission:", "Strategic importance:" and "Primary business outcomes expected:" paragraphs.

    Outcomes are the '– ' lines of their paragraph, or the list after it. An
    unlabelled first paragraph is the core mission; later unlabelled ones go to notes.
    """
    mission = out.document["mission"]
    waiting_for = "outcomes"
    for block in all_blocks(section, out):
        if isinstance(block, Table):
            out.note_block(section.heading, block)
            continue
        if block.kind == "li":
            _add_mission_text(mission, waiting_for, block.text)
            continue
        label, value = split_label(block.head)
        field = classify(label, MISSION_LABELS) if label else None
        if field is None:
            if not mission["core"] and not block.bullets:
                mission["core"] = block.text
            else:
                out.note_block(section.heading, block)
            continue
        bullets = [line.text for line in block.bullets]
        # A bare label ("**Primary business outcomes expected:**") takes the list after it.
        waiting_for = field if not value and not bullets else "outcomes"
        if field == "outcomes":
            mission["outcomes"].extend([value] if value else [])
            mission["outcomes"].extend(bullets)
        else:
            _add_mission_text(mission, field, " ".join([value, *bullets]).strip())


def _add_mission_text(mission: dict, field: str, text: str) -> None:
    if field == "outcomes":
        mission["outcomes"].append(text)
    else:
        mission[field] = f"{mission[field]} {text}".strip()


def handle_responsibilities(section: Section, out: Collector) -> None:
    """Items under category sub-headings; the bold lead-in is the title, the rest the detail."""
    for category, sub in route(section, out, _rules(RESPONSIBILITY_CATEGORIES), "responsibility category"):
        for entry in entries(sub, out, section.heading):
            title, detail = title_and_detail(entry)
            out.document["responsibilities"].append({"category": category, "title": title, "detail": detail})


def title_and_detail(entry: TextBlock) -> tuple[str, str]:
    """'**Contribute to MLOps practices**: model versioning…' → ('Contribute to MLOps practices',
    'model versioning…'); without a bold lead-in the whole text is the title."""
    if entry.lead:
        return entry.lead.rstrip(":").strip(), entry.rest
    return entry.text, ""


def keyed_list(target: str, key_name: str, rules: tuple[tuple[str, str], ...], what: str):
    """A handler for a list of {key_name: enum, "text": …} items grouped by sub-heading."""
    def handle(section: Section, out: Collector) -> None:
        for key, sub in route(section, out, _rules(rules), what):
            for entry in entries(sub, out, section.heading):
                out.document[target].append({key_name: key, "text": entry.text})
    return handle


def grouped_list(target: str):
    """A handler for a list of {"group": sub-heading text, "text": …} items."""
    def handle(section: Section, out: Collector) -> None:
        for sub in section.subsections:
            for entry in entries(sub, out, section.heading):
                out.document[target].append({"group": sub.heading, "text": entry.text})
    return handle


handle_activities = keyed_list("activities", "cadence", ACTIVITY_CADENCES, "cadence")
handle_decision_rights = keyed_list("decision_rights", "scope", DECISION_SCOPES, "decision scope")
handle_qualifications = keyed_list("qualifications", "group", QUALIFICATION_GROUPS, "qualification group")
handle_risks = keyed_list("risks", "group", RISK_GROUPS, "risk group")
handle_ai_impact = keyed_list("ai_impact", "group", AI_IMPACT_GROUPS, "AI impact group")
handle_deliverables = grouped_list("deliverables")
handle_environment = grouped_list("environment")


def milestone_key(heading: str) -> str | None:
    """'30-day goals' → '30d', '6-month milestones' → '6m', 'Role success definition' → 'success:definition'."""
    success = classify(heading, SUCCESS_LISTS)
    if success:
        return f"success:{success}"
    lowered = heading.lower()
    match = re.search(r"(\d+)\s*[- ]?\s*(day|month|year)", lowered)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        days = amount * {"day": 1, "month": 30, "year": 360}[unit]
        return {30: "30d", 60: "60d", 90: "90d", 180: "6m", 360: "12m"}.get(days)
    if re.search(r"first year|one year|annual", lowered):
        return "12m"
    if re.search(r"long[- ]term|beyond|multi[- ]year", lowered):
        return "long_term"
    return None


def handle_milestones(section: Section, out: Collector) -> None:
    doc = out.document
    for key, sub in route(section, out, milestone_key, "milestone horizon"):
        for entry in entries(sub, out, section.heading):
            if key.startswith("success:"):
                doc["success"][key.removeprefix("success:")].append(entry.text)
            else:
                doc["milestones"].append({"horizon": key, "text": entry.text})


def handle_career(section: Section, out: Collector) -> None:
    for key, sub in route(section, out, _rules(CAREER_LISTS), "career list"):
        out.document["career"][key].extend(entry.text for entry in entries(sub, out, section.heading))


def _rules(rules: tuple[tuple[str, str], ...]):
    return lambda heading: classify(heading, rules)
