"""Read template HTML into sections of plain-text blocks.

The page is flattened into a sequence of headings, text blocks (one per <p> or
<li>) and tables, then cut into sections at the heading level that the
template's section names use (h2 in the WordPress posts). Deeper headings start
sub-sections. The section handlers never see HTML: only `TextBlock`s, whose
lines remember the emphasised lead-in ("**Python (Critical)**", "*Use:*") and
whether the author started them with a hand-typed en dash.
"""
import re
from dataclasses import dataclass, field

from bs4 import NavigableString, Tag
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

from .html_input import parse_html
from .template_text import classify, collapse, is_marker_only, strip_lead_separator, strip_marker

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_EMPHASIS = {"strong", "b", "em", "i"}
_BOLD = {"strong", "b"}
_LISTS = {"ul", "ol"}
# Not page content: a full HTML page's <head>, scripts, widgets.
_SKIPPED = {"head", "script", "style", "noscript", "template", "svg", "iframe", "button", "form", "select", "input"}
_VOID = {"hr", "img", "wbr", "video", "audio", "source", "picture"}
# Wrappers whose children are blocks of their own.
_CONTAINERS = {"html", "body", "main", "article", "section", "div", "figure", "blockquote", "header", "footer",
               "aside", "details", "dl", "center", "nav"}
# Block-level tags inside a <li> or <td>: their text starts on a new line.
_LINE_BREAKING = {"p", "div", "pre", "blockquote", "dt", "dd", "figcaption", "summary", "li", "tr", *_HEADINGS}
# Tags that end a run of loose inline content at the top level.
_BLOCK_TAGS = {*_HEADINGS, *_LISTS, *_CONTAINERS, *_SKIPPED, *_VOID, *_LINE_BREAKING, "table", "br"}
_NOT_TEXT = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
# "3) Core Responsibilities", "3. Core…", "Section 3: Core…" → "Core Responsibilities".
_NUMBERING = re.compile(r"^\s*(?:section\s+)?\d+\s*[).:–—-]?\s*", re.IGNORECASE)


@dataclass
class Line:
    text: str            # plain text, whitespace collapsed, hand-typed list marker removed
    lead: str = ""       # the emphasised text the line starts with, "" if none
    bullet: bool = False  # the author started the line with "– " (a list written inside a <p>)


@dataclass
class TextBlock:
    """One <li> or one paragraph, as lines split at <br> and at newlines in the source."""

    kind: str                    # "li" or "p"
    lines: list[Line]
    depth: int = 0               # list nesting, 0 for top-level items and paragraphs
    bold: str = ""               # the first <strong>/<b> text anywhere in the block that is not a label
    link: str = ""               # the first <a href> anywhere in the block

    @property
    def lead(self) -> str:
        return self.lines[0].lead if self.lines else ""

    @property
    def text(self) -> str:
        """All lines on one line; hand-typed markers are kept between lines as ' – '."""
        return " ".join(("– " + line.text) if line.bullet and n else line.text for n, line in enumerate(self.lines))

    @property
    def rest(self) -> str:
        """The text after the lead-in, without the punctuation that joined them."""
        if not self.lead:
            return self.text
        return " ".join(self.rest_lines)

    @property
    def rest_lines(self) -> list[str]:
        """Like `rest`, one string per line."""
        if not self.lead:
            return [line.text for line in self.lines]
        first = strip_lead_separator(self.lines[0].text[len(self.lead):].strip())
        return [text for text in [first, *(line.text for line in self.lines[1:])] if text]

    @property
    def head(self) -> str:
        """The lines before the first hand-typed '– ' line: the paragraph proper."""
        return " ".join(line.text for line in self.lines[:self._first_bullet()])

    @property
    def bullets(self) -> list[Line]:
        return self.lines[self._first_bullet():]

    def _first_bullet(self) -> int:
        return next((n for n, line in enumerate(self.lines) if line.bullet), len(self.lines))

    def as_note(self) -> str:
        return "\n".join(("– " + line.text) if line.bullet else line.text for line in self.lines)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]

    def as_notes(self) -> list[str]:
        return [" | ".join(cells) for cells in [self.header, *self.rows] if any(cells)]


@dataclass
class Heading:
    level: int
    text: str


Block = TextBlock | Table


@dataclass
class SubSection:
    heading: str                      # "" for what comes before the first sub-heading
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Section:
    heading: str                      # as written, e.g. "3) Core Responsibilities"
    key: str | None                   # the template section it is, None if unknown
    subsections: list[SubSection] = field(default_factory=lambda: [SubSection("")])


@dataclass
class Page:
    preamble: list[Block]             # blocks before the first section
    page_headings: list[str]          # headings above section level (an <h1> title)
    sections: list[Section]


# Section names, tested in this order against the heading without its number.
# More specific names come first: "Final Role Scorecard Summary" before "Role
# Summary", "Soft Skills" before "Technical Skills", "Tech Stack / Environment"
# before "Tools, Platforms".
SECTION_RULES = (
    ("notes", r"^(import )?notes?$"),
    ("summary_table", r"scorecard summary|final .*summary|summary table|executive summary"),
    ("hiring", r"hiring|interview|evaluation criteria|candidate"),
    ("ai_impact", r"\bai\b.*\bimpact\b|automation|impact of ai"),
    ("variants", r"variant"),
    ("risks", r"risk|challenge|failure mode|pitfall"),
    ("career", r"career|progression"),
    ("qualifications", r"qualification|experience|education"),
    ("decision_rights", r"decision|authority"),
    ("stakeholders", r"stakeholder|collaboration"),
    ("environment", r"tech stack|environment"),
    ("tools", r"tool|platform|software"),
    ("soft_skills", r"soft skill|behaviou?ral|interpersonal"),
    ("technical_skills", r"skill"),
    ("kpis", r"\bkpis?\b|key performance|metric"),
    ("milestones", r"goal|objective|milestone"),
    ("deliverables", r"deliverable|outputs"),
    ("activities", r"day[- ]to[- ]day|activit|routine"),
    ("responsibilities", r"responsibilit|duties|accountabilit"),
    ("mission", r"mission|purpose"),
    ("summary", r"summary|overview|about the role"),
)


# A page naming fewer template sections than this is some other page that
# happens to have a "Tools" or "Overview" heading, not a blueprint.
MIN_SECTIONS = 3


def section_key(heading: str) -> str | None:
    return classify(_NUMBERING.sub("", heading).strip(" :"), SECTION_RULES)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a WordPress title), entities decoded."""
    return collapse(parse_html(html).get_text(" "))


def read_page(html: str) -> Page | None:
    """The page cut into sections, or None when no heading names a template section."""
    events = _events(parse_html(html))
    section_level = _section_level([e for e in events if isinstance(e, Heading)])
    if section_level is None:
        return None
    page = Page(preamble=[], page_headings=[], sections=[])
    for event in events:
        if isinstance(event, Heading) and event.level == section_level:
            page.sections.append(Section(event.text, section_key(event.text)))
        elif isinstance(event, Heading) and event.level < section_level:
            page.page_headings.append(event.text)
        elif isinstance(event, Heading) and page.sections:
            page.sections[-1].subsections.append(SubSection(event.text))
        elif isinstance(event, Heading):
            page.preamble.append(TextBlock("p", [Line(event.text)]))
        elif page.sections:
            page.sections[-1].subsections[-1].blocks.append(event)
        else:
            page.preamble.append(event)
    return page


def _section_level(headings: list[Heading]) -> int | None:
    """The heading level of the template's sections.

    Sub-headings often contain section words too ("Decision-making authority"
    under Stakeholders), so it is the shallowest level that names at least
    MIN_SECTIONS different sections; failing that, the level naming the most.
    """
    keys_by_level: dict[int, set[str]] = {}
    for heading in headings:
        key = section_key(heading.text)
        if key and key != "notes":
            keys_by_level.setdefault(heading.level, set()).add(key)
    if not keys_by_level:
        return None
    for level in sorted(keys_by_level):
        if len(keys_by_level[level]) >= MIN_SECTIONS:
            return level
    return max(sorted(keys_by_level), key=lambda level: len(keys_by_level[level]))


# --- HTML → events -----------------------------------------------------------

def _events(root: Tag) -> list[Heading | Block]:
    """Headings, paragraphs, list items and tables in document order.

    Loose inline content between blocks (text or <strong> directly inside a
    <div>) is gathered into one paragraph so that none of it is lost.
    """
    events: list[Heading | Block] = []
    inline: list = []

    def flush():
        block = _text_block("p", inline)
        if block:
            events.append(block)
        inline.clear()

    for child in root.children:
        if isinstance(child, _NOT_TEXT):
            continue
        if isinstance(child, NavigableString) or child.name not in _BLOCK_TAGS:
            inline.append(child)
            continue
        flush()
        name = child.name
        if name in _HEADINGS:
            text = collapse(child.get_text(" "))
            if text:
                events.append(Heading(_HEADINGS[name], text))
        elif name in _LISTS:
            events.extend(_list_items(child, depth=0))
        elif name == "table":
            table = _table(child)
            if table:
                events.append(table)
        elif name in _CONTAINERS:
            events.extend(_events(child))
        elif name not in _SKIPPED and name not in _VOID:
            block = _text_block("p", [child])
            if block:
                events.append(block)
    flush()
    return events


def _list_items(list_tag: Tag, depth: int) -> list[TextBlock]:
    """Each <li> as a block, followed by the items of any list nested in it (one level deeper)."""
    items: list[TextBlock] = []
    for li in list_tag.find_all("li", recursive=False):
        block = _text_block("li", [li], depth=depth)
        if block:
            items.append(block)
        for nested in li.find_all(_LISTS):
            if nested.find_parent("li") is li:
                items.extend(_list_items(nested, depth + 1))
    return items


def _table(table: Tag) -> Table | None:
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    cells = [[_cell_text(cell) for cell in tr.find_all(["th", "td"], recursive=False)] for tr in rows]
    cells = [row for row in cells if any(row)]
    if not cells:
        return None
    # The header is the <thead> row or a row of <th>; without either, the first row.
    return Table(header=cells[0], rows=cells[1:])


def _cell_text(cell: Tag) -> str:
    block = _text_block("p", [cell])
    return block.text if block else ""


def _text_block(kind: str, nodes: list, depth: int = 0) -> TextBlock | None:
    """The nodes' text as lines. A <li> leaves out its nested lists (they become items of their
    own); anything else keeps them, one line per item, so that a list inside a table cell or a
    stray list inside a <p> is not lost."""
    runs: list[tuple[str, bool]] = []
    firsts: dict[str, str] = {}
    for node in nodes:
        _collect_runs(node, False, runs, firsts, keep_lists=kind != "li")
    lines = _merge_continuations(_split_lines(runs))
    if not lines:
        return None
    return TextBlock(kind, lines, depth=depth, bold=firsts.get("bold", ""), link=firsts.get("link", ""))


def _collect_runs(node, emphasised: bool, runs: list[tuple[str, bool]], firsts: dict[str, str],
                  keep_lists: bool) -> None:
    """Append (text, emphasised) runs ('\n' runs mark line breaks); note the first bold text and link."""
    if isinstance(node, _NOT_TEXT):
        return
    if isinstance(node, NavigableString):
        runs.append((str(node), emphasised))
        return
    name = node.name
    if name in _SKIPPED or (name in _LISTS and not keep_lists):
        return
    if name == "br":
        runs.append(("\n", False))
        return
    if name in ("td", "th"):
        runs.append((" ", False))      # cells of a table nested in a block stay apart
    # A bold "Role horizon:" is a label, not a name: it is skipped.
    if name in _BOLD and "bold" not in firsts and not node.get_text(strip=True).endswith(":"):
        firsts["bold"] = collapse(node.get_text(" "))
    if name == "a" and "link" not in firsts and node.get("href"):
        firsts["link"] = node["href"]
    breaks = name in _LINE_BREAKING
    if breaks:
        runs.append(("\n", False))
    for child in node.children:
        _collect_runs(child, emphasised or name in _EMPHASIS, runs, firsts, keep_lists)
    if breaks:
        runs.append(("\n", False))


def _split_lines(runs: list[tuple[str, bool]]) -> list[Line]:
    raw_lines: list[list[tuple[str, bool]]] = [[]]
    for text, emphasised in runs:
        for n, piece in enumerate(text.split("\n")):
            if n:
                raw_lines.append([])
            if piece:
                raw_lines[-1].append((piece, emphasised))
    lines = [line for line in map(_line, raw_lines) if line]
    # "–" alone on its line marks the line after it; alone at the end (a "—" table cell) it is text.
    for n in range(len(lines) - 2, -1, -1):
        if is_marker_only(lines[n].text):
            lines[n + 1].bullet = True
            del lines[n]
    return lines


def _line(runs: list[tuple[str, bool]]) -> Line | None:
    text = collapse("".join(text for text, _ in runs))
    if not text:
        return None
    bullet, text = strip_marker(text)
    lead_parts: list[str] = []
    for piece, emphasised in runs:
        if emphasised:
            lead_parts.append(piece)
        elif lead_parts or not is_marker_only(piece):
            break
    lead = collapse("".join(lead_parts))
    if not text.startswith(lead):
        lead = ""
    return Line(text, lead, bullet)


def _merge_continuations(lines: list[Line]) -> list[Line]:
    """A plain line right after a '– ' line continues it (a long item wrapped in the source)."""
    merged: list[Line] = []
    for line in lines:
        if merged and merged[-1].bullet and not line.bullet:
            merged[-1].text = f"{merged[-1].text} {line.text}"
        else:
            merged.append(line)
    return merged
