"""Parse a page of the 20-section role-blueprint template ("1) Role Summary" … "20) Final Role
Scorecard Summary") into a format-v1 document.

Sections are recognised by their heading text (number optional, names matched
loosely), not by position. Each one has a handler in a `template_*` module;
the document always has every key of format v1, empty where a section is
missing (with a warning naming it).

Nothing is silently dropped: text that fits no field — an unknown section, an
unrecognised sub-heading's items, intro sentences such as "Below
responsibilities are intentionally scoped…", the sentence around the role
horizon — goes to `notes` as {"section": heading, "text": …}. Only structure
is consumed: headings, and the bare labels that name a field ("Core mission:").
"""
import re
from dataclasses import dataclass, field

from .html_input import TemplateError
from .template_document import Collector, FORMAT
from .template_hiring import handle_hiring
from .template_reader import MIN_SECTIONS, Page, Section, TextBlock, read_page
from .template_records import (
    handle_soft_skills,
    handle_stakeholders,
    handle_technical_skills,
    handle_variants,
)
from .template_sections import (
    handle_activities,
    handle_ai_impact,
    handle_career,
    handle_decision_rights,
    handle_deliverables,
    handle_environment,
    handle_milestones,
    handle_mission,
    handle_qualifications,
    handle_responsibilities,
    handle_risks,
    handle_summary,
)
from .template_tables import handle_kpis, handle_summary_table, handle_tools
from .template_text import family_from_title, level_from_title, slugify, title_before_colon

# The template's sections in order: (key, heading used in warnings when missing, handler).
SECTIONS = (
    ("summary", "1) Role Summary", handle_summary),
    ("mission", "2) Role Mission", handle_mission),
    ("responsibilities", "3) Core Responsibilities", handle_responsibilities),
    ("activities", "4) Day-to-Day Activities", handle_activities),
    ("deliverables", "5) Key Deliverables", handle_deliverables),
    ("milestones", "6) Goals, Objectives, and Milestones", handle_milestones),
    ("kpis", "7) KPIs and Productivity Metrics", handle_kpis),
    ("technical_skills", "8) Technical Skills Required", handle_technical_skills),
    ("soft_skills", "9) Soft Skills and Behavioral Capabilities", handle_soft_skills),
    ("tools", "10) Tools, Platforms, and Software", handle_tools),
    ("environment", "11) Typical Tech Stack / Environment", handle_environment),
    ("stakeholders", "12) Stakeholders and Collaboration Map", handle_stakeholders),
    ("decision_rights", "13) Decision Rights and Scope of Authority", handle_decision_rights),
    ("qualifications", "14) Required Experience and Qualifications", handle_qualifications),
    ("career", "15) Career Path and Progression", handle_career),
    ("risks", "16) Risks, Challenges, and Failure Modes", handle_risks),
    ("variants", "17) Role Variants", handle_variants),
    ("ai_impact", "18) AI / Automation Impact on the Role", handle_ai_impact),
    ("hiring", "19) Hiring Evaluation Criteria", handle_hiring),
    ("summary_table", "20) Final Role Scorecard Summary", handle_summary_table),
)
_HANDLERS = {key: handler for key, _, handler in SECTIONS}
PREAMBLE = "Preamble"
# What the Markdown exporter writes: a note "(17) Role Variants) text" or "(Preamble) text", and
# a source line "Source: [title](url), published 2026-04-14".
_EXPORTED_NOTE = re.compile(r"^\((\d+\)[^)]*|[^()]*)\)\s+(.+)$", re.DOTALL)
_SOURCE_LINE = re.compile(r"^Source:\s*(?P<title>.*?)(?:,\s*published\s+(?P<published>\d{4}-\d{2}-\d{2}))?\.?$",
                          re.IGNORECASE)


@dataclass
class ParseResult:
    document: dict                                   # format v1, plus "notes"
    warnings: list[str] = field(default_factory=list)  # each names its section


def parse_template_html(html: str, *, title: str | None = None, source: dict | None = None) -> ParseResult:
    """Parse template HTML. `title` is the page title ("Junior Applied AI Engineer: Role Blueprint, …");
    without it the role title comes from an <h1>, else from the first bold text of the role summary."""
    if not isinstance(html, str):
        raise TemplateError("not a role blueprint: expected HTML text")
    page = read_page(html)
    _check_is_template(page)
    out = Collector()
    source = _read_preamble(page, source, out)
    _fill_role(page, title, out)
    for section in page.sections:
        if section.key is None:
            out.warn(section.heading, "not a section of the template; its text went to notes")
            for sub in section.subsections:
                out.note_subsection(section.heading, sub)
        elif section.key == "notes":
            _read_notes(section, out)
        else:
            _HANDLERS[section.key](section, out)
    found = {section.key for section in page.sections}
    for key, heading, _ in SECTIONS:
        if key not in found:
            out.warn(heading, "section missing")
    return ParseResult(_with_source(out.document, source), out.warnings)


def _read_preamble(page: Page, source: dict | None, out: Collector) -> dict | None:
    """Text before the first section goes to notes, except a linked "Source: …, published …" line,
    which is the source when none is given."""
    for block in page.preamble:
        match = _SOURCE_LINE.match(block.text) if isinstance(block, TextBlock) and block.link else None
        if match and source is None:
            title = match["title"] if match["title"] != block.link else ""
            source = {"url": block.link, "title": title, "published": match["published"] or ""}
        else:
            out.note_block(PREAMBLE, block)
    return source


def _check_is_template(page: Page | None) -> None:
    found = [s for s in page.sections if s.key not in (None, "notes")] if page else []
    if not found:
        raise TemplateError("not a role blueprint: no template sections found")
    keys = {s.key for s in found}
    if len(keys) < MIN_SECTIONS:
        names = ", ".join(repr(s.heading) for s in found)
        raise TemplateError(f"not a role blueprint: only {len(keys)} template section(s) found ({names})")


def _fill_role(page: Page, title: str | None, out: Collector) -> None:
    """Title from the page title before ':', else an <h1>, else the summary's first bold text; then
    slug, level and family derived from it."""
    role = out.document["role"]
    headings = list(page.page_headings)
    if title and title.strip():
        role["title"] = title_before_colon(title)
    elif headings:
        role["title"] = title_before_colon(headings[0])
    else:
        role["title"] = _first_bold(page, "summary")
    for heading in headings:
        if title_before_colon(heading) != role["title"]:
            out.note(PREAMBLE, heading)
    if not role["title"]:
        out.warn("1) Role Summary", "no role title found (no page title, <h1> or bold role name)")
    role["slug"] = slugify(role["title"])
    role["level"] = level_from_title(role["title"])
    role["family"] = family_from_title(role["title"])


def _first_bold(page: Page, key: str) -> str:
    for section in page.sections:
        if section.key == key:
            for sub in section.subsections:
                for block in sub.blocks:
                    if isinstance(block, TextBlock) and block.bold:
                        return block.bold
    return ""


def _read_notes(section: Section, out: Collector) -> None:
    """A "Notes" / "Import notes" section (as the Markdown exporter writes it) back into notes."""
    for sub in section.subsections:
        for block in sub.blocks:
            if isinstance(block, TextBlock) and block.kind == "li":
                text = block.as_note()
                match = _EXPORTED_NOTE.match(text)
                where, text = (match.group(1), match.group(2)) if match else ("", text)
                out.note(where, text)
            else:
                out.note_block(section.heading, block)


def _with_source(document: dict, source: dict | None) -> dict:
    """The document with "source" (url, title, published) right after "format", when one is given."""
    if not source:
        return document
    src = {key: str(source.get(key) or "") for key in ("url", "title", "published")}
    return {"format": FORMAT, "source": src, **{k: v for k, v in document.items() if k != "format"}}
