"""Handlers for the table sections: KPIs, tools, the hiring scorecard and the final summary.

Columns are found by their header text, not by position, so a reordered or
extra column is read correctly; an unknown column's cells go to notes.
"""
from .template_document import Collector, all_blocks
from .template_reader import Section, Table
from .template_text import classify

# (field, header keywords), in the order headers are tested against them.
KPI_COLUMNS = (
    ("name", r"metric|kpi|name|indicator"),
    ("frequency", r"frequen|cadence|how often"),
    ("target", r"target|benchmark|goal"),
    ("rationale", r"why|matter|rationale|purpose"),
    ("measures", r"measure|what it|definition|description"),
)
TOOL_COLUMNS = (
    ("commonality", r"common|adoption|prevalen"),
    ("category", r"categor|type|area"),
    ("name", r"tool|platform|name|product|technology"),
    ("use", r"use|purpose|description"),
)
SCORECARD_COLUMNS = (
    ("weight", r"weight|priority"),
    ("meets", r"meets|meet|expected|baseline"),
    ("strong", r"strong|exceed|excellent"),
    ("dimension", r"dimension|competenc|area|criteri|skill"),
)
SUMMARY_COLUMNS = (
    ("category", r"categor|area|item|aspect|topic"),
    ("summary", r"summary|detail|description|content"),
)
COMMONALITY_VALUES = (
    ("context_specific", r"context|situational|depend"),
    ("optional", r"optional|nice|sometimes|less common"),
    ("common", r"common|standard|typical"),
)
WEIGHT_VALUES = (("high", r"high|critical"), ("low", r"low|light"), ("medium", r"medium|moderate|mid|normal"))


def table_rows(table: Table, columns: tuple[tuple[str, str], ...], name_field: str, where: str,
               out: Collector) -> tuple[list[dict[str, str]], list[str]]:
    """The table's rows as {field: cell}, and the fields no header matched.

    When no header matches `name_field` (the one that names a row), the first
    unmatched column is taken for it. A row without a name goes to notes whole.
    """
    by_index: dict[int, str] = {}
    for index, header in enumerate(table.header):
        free = tuple((f, pattern) for f, pattern in columns if f not in by_index.values())
        field = classify(header, free)
        if field:
            by_index[index] = field
    if name_field not in by_index.values():
        width = max(len(table.header), *(len(row) for row in table.rows)) if table.rows else len(table.header)
        first_free = next((i for i in range(width) if i not in by_index), None)
        if first_free is not None:
            by_index[first_free] = name_field
    for index, header in enumerate(table.header):
        if index not in by_index:
            out.warn(where, f"table column {header!r} is not a known column; its cells went to notes")

    rows = []
    for cells in table.rows:
        row = {field: "" for field, _ in columns}
        extras = []
        for index, cell in enumerate(cells):
            if index in by_index:
                row[by_index[index]] = cell
            elif cell:
                header = table.header[index] if index < len(table.header) else f"column {index + 1}"
                extras.append(f"{header}: {cell}")
        if not row[name_field]:
            out.note(where, " | ".join(cells))
            continue
        for extra in extras:
            out.note(where, f"{row[name_field]} — {extra}")
        rows.append(row)
    missing = [field for field, _ in columns if field not in by_index.values()]
    return rows, missing


def _tables(section: Section, out: Collector) -> list[Table]:
    """The section's tables; its paragraphs and lists (intro, "Notes: …") go to notes."""
    tables = []
    for block in all_blocks(section, out):
        if isinstance(block, Table):
            tables.append(block)
        else:
            out.note_block(section.heading, block)
    if not tables:
        out.warn(section.heading, "no table found")
    return tables


def _warn_missing(section: Section, out: Collector, missing: list[str]) -> None:
    for field in missing:
        out.warn(section.heading, f"table has no {field!r} column; left empty")


def handle_kpis(section: Section, out: Collector) -> None:
    for table in _tables(section, out):
        rows, missing = table_rows(table, KPI_COLUMNS, "name", section.heading, out)
        _warn_missing(section, out, missing)
        out.document["kpis"].extend(
            {"name": r["name"], "measures": r["measures"], "rationale": r["rationale"], "target": r["target"],
             "frequency": r["frequency"]}
            for r in rows
        )


def handle_tools(section: Section, out: Collector) -> None:
    for table in _tables(section, out):
        rows, missing = table_rows(table, TOOL_COLUMNS, "name", section.heading, out)
        _warn_missing(section, out, [f for f in missing if f != "commonality"])
        for r in rows:
            commonality = enum_cell(r["commonality"], COMMONALITY_VALUES, "common", f"tool {r['name']!r} commonality",
                                    section.heading, out)
            out.document["tools"].append(
                {"category": r["category"], "name": r["name"], "use": r["use"], "commonality": commonality})
        if "commonality" in missing:
            out.warn(section.heading,
                     f"table has no Commonality column; commonality set to common for {len(rows)} tools")


def handle_summary_table(section: Section, out: Collector) -> None:
    for table in _tables(section, out):
        rows, missing = table_rows(table, SUMMARY_COLUMNS, "category", section.heading, out)
        _warn_missing(section, out, missing)
        out.document["summary_table"].extend({"category": r["category"], "summary": r["summary"]} for r in rows)


def scorecard_rows(table: Table, where: str, out: Collector) -> list[dict]:
    """Scorecard dimensions; without a Weight column every weight is medium, and a warning says so."""
    rows, missing = table_rows(table, SCORECARD_COLUMNS, "dimension", where, out)
    for field in missing:
        if field != "weight":
            out.warn(where, f"scorecard has no {field!r} column; left empty")
    if "weight" in missing:
        out.warn(where, f"scorecard has no Weight column; weight set to medium for {len(rows)} dimensions")
    return [
        {"dimension": r["dimension"], "meets": r["meets"], "strong": r["strong"],
         "weight": enum_cell(r["weight"], WEIGHT_VALUES, "medium", f"scorecard {r['dimension']!r} weight", where, out)}
        for r in rows
    ]


def enum_cell(value: str, values: tuple[tuple[str, str], ...], default: str, what: str, where: str,
              out: Collector) -> str:
    """The enum a cell names; an empty cell is the default, an unknown one too, with a warning and a note."""
    if not value:
        return default
    key = classify(value, values)
    if key:
        return key
    out.warn(where, f"{what} {value!r} is not recognised; set to {default}")
    out.note(where, f"{what}: {value}")
    return default
