"""Handlers for sections whose items span several list entries.

A record starts at an entry with an emphasised lead-in ("**Python (Critical)**",
"**Product Management**", "**Startup/small company**"); the entries after it
fill it. WordPress flattens nested lists, so "after it" is decided like this:

- an entry labelled with one of the record's field names ("*Use:* …",
  "Collaboration: …") fills that field of the open record;
- an unlabelled entry without a lead-in joins the open record when that record
  was only a heading (its lead-in had nothing after it) or when the entry is
  nested deeper than the record's first entry (Markdown keeps the nesting);
- anything else starts a new record.
"""
from dataclasses import dataclass, field

from .template_document import Collector, all_blocks, entries, route
from .template_reader import Section, SubSection, Table, TextBlock
from .template_text import classify, has_importance, split_importance, split_label, unwrap_parentheses

SKILL_TIERS = (
    ("emerging", r"emerging|future|trend"),
    ("advanced", r"advanced|expert|differentiat"),
    ("good_to_have", r"good|nice|preferred|bonus|plus"),
    ("must_have", r"must|required|core|essential|critical"),
)
TECHNICAL_SKILL_FIELDS = (
    ("description", r"^(description|what it is|definition)$"),
    ("use", r"^(typical )?(use|uses|usage|used for|application|applications|how it is used)$"),
)
# Field labels match whole, so that a skill named "Strong communication:" is not a field.
SOFT_SKILL_FIELDS = (
    ("why_it_matters", r"^(why( it matters)?|why this matters|importance)$"),
    ("strong_performance", r"^(strong( performance)?|what strong (performance )?looks like|what great looks like"
                           r"|exceptional performance|excellence)$"),
    ("how_it_shows_up", r"^(how it shows up|on the job|in practice|shows up as|observable behaviou?rs?"
                        r"|behaviou?rs?|in action)$"),
)
STAKEHOLDER_GROUPS = (
    ("decision_authority", r"decision"),
    ("escalation", r"escalat"),
    ("upstream", r"upstream|inputs|dependencies"),
    ("downstream", r"downstream|consumers|outputs"),
    ("peer", r"peer"),
    ("external", r"external|vendor|customer|partner"),
    ("internal", r"internal|stakeholder"),
)
STAKEHOLDER_FIELDS = (
    ("collaboration", r"^collaborat|^interaction|^works? with"),
    ("dependency", r"^dependen|^depends"),
)


@dataclass
class Record:
    head: TextBlock
    fields: list[tuple[str | None, str]] = field(default_factory=list)   # (field or None if unlabelled, text)

    @property
    def is_heading(self) -> bool:
        """The record's first entry was only a lead-in, so the entries after it belong to it."""
        return bool(self.head.lead) and not self.head.rest

    def values(self, name: str | None) -> list[str]:
        return [text for key, text in self.fields if key == name]


def gather(items: list[TextBlock], field_rules, where: str, out: Collector, starts_record=lambda entry: False
           ) -> list[Record]:
    """Group entries into records (see the module docstring). A labelled field before any record goes to notes."""
    records: list[Record] = []
    for entry in items:
        label, value = _label(entry)
        field_name = classify(label, field_rules) if label else None
        current = records[-1] if records else None
        if field_name and current:
            current.fields.append((field_name, value))
        elif field_name:
            out.warn(where, f"{label!r} line comes before any item it could describe; it went to notes")
            out.note(where, entry.text)
        elif current and not entry.lead and not starts_record(entry) and (
                current.is_heading or entry.depth > current.head.depth):
            current.fields.append((None, entry.text))
        else:
            records.append(Record(entry))
    return records


def _label(entry: TextBlock) -> tuple[str, str]:
    """The entry's label: an emphasised 'Label:' lead-in, or a short plain-text 'Label:' prefix."""
    if entry.lead.endswith(":") or (entry.lead and entry.lines[0].text[len(entry.lead):].lstrip().startswith(":")):
        return entry.lead.rstrip(":").strip(), entry.rest
    if not entry.lead:
        return split_label(entry.text)
    return "", entry.text


def _join(texts: list[str], separator: str = " ") -> str:
    return separator.join(t for t in texts if t)


def handle_technical_skills(section: Section, out: Collector) -> None:
    """Skills by tier; "Name (Importance note)" heads a skill, "Description:" / "Use:" lines fill it.

    Text after the bold name, such as "(PyTorch most common; TensorFlow
    context-specific)", is the description when the skill has no Description
    line, and is added to the importance note otherwise.
    """
    for tier, sub in route(section, out, lambda h: classify(h, SKILL_TIERS), "skill tier"):
        items = entries(sub, out, section.heading)
        for record in gather(items, TECHNICAL_SKILL_FIELDS, section.heading, out,
                             starts_record=lambda entry: has_importance(entry.text)):
            out.document["technical_skills"].append(_technical_skill(tier, record))


def _technical_skill(tier: str, record: Record) -> dict:
    head = record.head
    if head.lead:
        name, importance, note, after = split_importance(head.lead.rstrip(":"))
        after = _join([after, head.rest])
    else:
        name, importance, note, after = split_importance(head.text)
    description = _join([*record.values("description"), *record.values(None)])
    extra = unwrap_parentheses(after)
    if extra and not description:
        description = extra
    elif extra:
        note = _join([note, extra], "; ")
    return {"tier": tier, "name": name, "importance": importance, "importance_note": note,
            "description": description, "use": _join(record.values("use"))}


def handle_soft_skills(section: Section, out: Collector) -> None:
    """Skills with "Why it matters" / "How it shows up" / "Strong performance" lines (label synonyms accepted).

    Unlabelled lines under a skill, and text after its bold name, describe how
    it shows up.
    """
    items = entries(SubSection("", all_blocks(section, out)), out, section.heading)
    for record in gather(items, SOFT_SKILL_FIELDS, section.heading, out):
        name, after = _name_and_after(record.head)
        out.document["soft_skills"].append({
            "name": name,
            "why_it_matters": _join(record.values("why_it_matters")),
            "how_it_shows_up": _join([after, *record.values("how_it_shows_up"), *record.values(None)]),
            "strong_performance": _join(record.values("strong_performance")),
        })


def handle_stakeholders(section: Section, out: Collector) -> None:
    """A bold name opens a stakeholder that "Collaboration:" / "Dependency:" lines fill; an unlabelled
    line joins its collaboration. Without bold names each entry is a stakeholder of its own, and a
    "Label: text" entry (an escalation point) is name and collaboration."""
    for group, sub in route(section, out, lambda h: classify(h, STAKEHOLDER_GROUPS), "stakeholder group"):
        for record in gather(entries(sub, out, section.heading), STAKEHOLDER_FIELDS, section.heading, out):
            name, after = _name_and_after(record.head)
            out.document["stakeholders"].append({
                "group": group,
                "name": name,
                "collaboration": _join([after, *record.values("collaboration"), *record.values(None)]),
                "dependency": _join(record.values("dependency")),
            })


def handle_variants(section: Section, out: Collector) -> None:
    """Variants by dimension (the sub-heading); a bold lead-in names a variant and the lines under it are its text.

    Entries without a bold lead-in are variants without a name; the text is
    required by the format, so a name with no text becomes the text.
    """
    for sub in section.subsections:
        if not sub.heading:
            _variants_intro(section, sub, out)
            continue
        for record in gather(entries(sub, out, section.heading), (), section.heading, out):
            name, after = _name_and_after(record.head, separator="\n")
            text = _join([after, *record.values(None)], "\n")
            if not text:
                name, text = "", name
            out.document["variants"].append({"dimension": sub.heading, "name": name, "text": text})


def _variants_intro(section: Section, sub: SubSection, out: Collector) -> None:
    if any(isinstance(b, Table) or b.kind == "li" or b.bullets for b in sub.blocks):
        out.warn(section.heading, "items before the first sub-heading have no dimension; they went to notes")
    out.note_subsection(section.heading, sub)


def _name_and_after(head: TextBlock, separator: str = " ") -> tuple[str, str]:
    """'**Technical risk:** Tech Lead' → ('Technical risk', 'Tech Lead'); an unlabelled entry is all name."""
    if head.lead:
        return head.lead.rstrip(":").strip(), separator.join(head.rest_lines)
    label, value = split_label(head.text)
    if label and value:
        return label, value
    return head.text, ""
