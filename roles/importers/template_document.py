"""The empty format-v1 document and the collector that section handlers write to."""
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .template_reader import Block, Section, SubSection, Table, TextBlock

FORMAT = "role-blueprint/v1"


def empty_document() -> dict:
    """Every key of format v1 (plus "notes"), empty, so that the output shape never varies."""
    return {
        "format": FORMAT,
        "role": {"title": "", "slug": "", "family": "", "level": "other", "horizon": "", "summary": "",
                 "interaction_partners": []},
        "mission": {"core": "", "strategic_importance": "", "outcomes": []},
        "responsibilities": [],
        "activities": [],
        "deliverables": [],
        "milestones": [],
        "success": {"definition": [], "high_performance": []},
        "kpis": [],
        "technical_skills": [],
        "soft_skills": [],
        "tools": [],
        "environment": [],
        "stakeholders": [],
        "decision_rights": [],
        "qualifications": [],
        "career": {"feeder_roles": [], "next_roles": [], "adjacent_paths": [], "promotion_criteria": [],
                   "evolution": []},
        "risks": [],
        "variants": [],
        "ai_impact": [],
        "hiring": {"assessment_areas": [], "exercises": [], "strong_signals": [], "weak_signals": [],
                   "red_flags": [], "scorecard": []},
        "summary_table": [],
        "notes": [],
    }


@dataclass
class Collector:
    """The document being filled, plus the warnings; every message names its section."""

    document: dict = field(default_factory=empty_document)
    warnings: list[str] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}" if where else message)

    def note(self, where: str, text: str) -> None:
        if text.strip():
            self.document["notes"].append({"section": where, "text": text.strip()})

    def note_block(self, where: str, block: Block, prefix: str = "") -> None:
        """Keep a block that fits no field: its text goes to notes, prefixed with its sub-heading if any."""
        texts = block.as_notes() if isinstance(block, Table) else [block.as_note()]
        for text in texts:
            self.note(where, f"{prefix}: {text}" if prefix else text)

    def note_subsection(self, where: str, sub: SubSection) -> None:
        if sub.heading and not sub.blocks:
            self.note(where, sub.heading)
        for block in sub.blocks:
            self.note_block(where, block, prefix=sub.heading)


def entries(sub: SubSection, out: Collector, where: str) -> list[TextBlock]:
    """The list entries of a sub-section: every <li>, and every '– ' line of a <p>.

    The rest of a paragraph (an intro such as "Success means … with:") and any
    table go to notes: they are kept, but they are not entries.
    """
    found: list[TextBlock] = []
    for block in sub.blocks:
        if isinstance(block, Table):
            out.note_block(where, block, prefix=sub.heading)
        elif block.kind == "li":
            found.append(block)
        else:
            out.note(where, block.head)
            found.extend(TextBlock("li", [line], depth=block.depth) for line in block.bullets)
    return found


def all_blocks(section: Section, out: Collector) -> list[Block]:
    """The blocks of a section that has no sub-structure (its sub-heading texts go to notes)."""
    blocks: list[Block] = []
    for sub in section.subsections:
        if sub.heading:
            out.note(section.heading, sub.heading)
        blocks.extend(sub.blocks)
    return blocks


def route(section: Section, out: Collector, key_of: Callable[[str], str | None],
          what: str) -> Iterator[tuple[str, SubSection]]:
    """Yield (key, sub-section) for each sub-heading that names a known group.

    What cannot be placed goes to notes with a warning: the items of an
    unrecognised sub-heading, and list items before the first sub-heading.
    Intro paragraphs before the first sub-heading go to notes without one.
    """
    for sub in section.subsections:
        key = key_of(sub.heading) if sub.heading else None
        if key:
            yield key, sub
            continue
        if sub.heading:
            out.warn(section.heading, f"sub-heading {sub.heading!r} is not a known {what}; its text went to notes")
        elif any(isinstance(b, Table) or b.kind == "li" or b.bullets for b in sub.blocks):
            out.warn(section.heading, f"items before the first sub-heading have no {what}; they went to notes")
        out.note_subsection(section.heading, sub)
