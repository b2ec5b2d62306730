"""Reading an uploaded CSV file of measurements into rows of text, before anything is looked up.

Columns (a header line first; comma, semicolon or tab separated; UTF-8 or Windows-1252):
    metric  the KPI's name or key within the chosen role (or "role-slug/key")
    email   the person's e-mail        } exactly one of the two
    team    the team's slug or name    }
    date    YYYY-MM-DD, any day in the period (it is filed under the metric's week, month or quarter)
    value   a number ("82.5" or "82.5%")
    note    optional text
Other columns are ignored (and listed), so an export from the metric page uploads unchanged. Every row
carries every known column, empty when the file has no such column. kpis.resolve looks the rows up.
"""
import csv
import io
from dataclasses import dataclass, field

COLUMNS = ("metric", "email", "team", "date", "value", "note")
REQUIRED = ("metric", "date", "value")
ALIASES = {"e-mail": "email", "person": "email", "person_email": "email", "period": "date", "notes": "note",
           "comment": "note", "kpi": "metric", "team_slug": "team"}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass
class CsvTable:
    rows: list[dict[str, str]] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str | None:
    """The text of a CSV file, or None when it is not text (NUL bytes, mostly control characters)."""
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if sample and controls / len(sample) > 0.02:
        return None
    return text


def _column(name: str) -> str:
    key = (name or "").strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


def parse_csv(data: bytes) -> CsvTable:
    """The rows of an uploaded file as {column: text}, or the file's problems (then no rows)."""
    table = CsvTable()
    if len(data) > MAX_BYTES:
        table.file_errors.append(f"The file is {len(data) / 1_048_576:.1f} MB; the limit is "
                                 f"{MAX_BYTES // 1_048_576} MB. Split it into smaller files.")
        return table
    if not data.strip():
        table.file_errors.append("The file is empty. The first line must name the columns: " + ",".join(COLUMNS) + ".")
        return table
    text = _decode(data)
    if text is None:
        table.file_errors.append("This is not a text CSV file (it looks binary, e.g. a spreadsheet or an image). "
                                 "Save it as “CSV UTF-8” and upload that.")
        return table
    nul = text.find("\x00")
    if nul >= 0:  # past the sample _decode looks at: one stray byte in an otherwise text file
        table.file_errors.append(f"Line {text.count(chr(10), 0, nul) + 1:,} contains a NUL character (byte 0), "
                                 "which a text CSV never holds. Remove it, or export the file again.")
        return table
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        header = []
    columns = [_column(name) for name in header]
    known = [c for c in columns if c in COLUMNS]
    missing = [c for c in REQUIRED if c not in columns]
    if not known:
        table.file_errors.append("The first line is not a header. It must name the columns: "
                                 + ",".join(COLUMNS) + " (email or team, note optional).")
        return table
    if missing or ("email" not in columns and "team" not in columns):
        need = missing + ([] if ("email" in columns or "team" in columns) else ["email or team"])
        table.file_errors.append(f"The header misses the column{'s' if len(need) > 1 else ''} {', '.join(need)}. "
                                 "Expected: " + ",".join(COLUMNS) + ".")
        return table
    duplicated = sorted({c for c in known if columns.count(c) > 1})
    if duplicated:
        table.file_errors.append(f"The header names {', '.join(duplicated)} more than once.")
        return table
    table.ignored_columns = [name.strip() for name, c in zip(header, columns) if c not in COLUMNS and name.strip()]
    places = {c: i for i, c in enumerate(columns) if c in COLUMNS}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(table.rows) >= MAX_ROWS:
                table.file_errors.append(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
                table.rows = []
                return table
            table.rows.append({c: cells[places[c]].strip() if c in places and places[c] < len(cells) else ""
                               for c in COLUMNS})
    except csv.Error as exc:
        table.file_errors.append(f"Line {reader.line_num}: the CSV is malformed ({exc}).")
        table.rows = []
        return table
    if not table.rows:
        table.file_errors.append("The file has a header but no rows.")
    return table
