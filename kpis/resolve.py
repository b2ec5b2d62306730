"""Rows from outside (a CSV upload, a JSON list from the API, one row from the form) resolved into
measurements: metrics by id, by "role-slug/key-or-name" or by key or name within a role, people by
e-mail, teams by slug or name.

All three resolve their rows here, so they answer the same problems in the same words, row by row
(`RowError(index, field, message)`: the row and the column): a value that is not a number, an
unknown metric, an unknown person or team, a missing or malformed date, a date out of range, the
same metric, subject and period twice. kpis.services.measurements.record_measurements then writes
them, checking again.
"""
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from common.text import ascii_digits
from kpis import permissions as kpi_permissions
from kpis.csv_parse import CsvTable
from kpis.models import Assignment, Metric, Person, Team
from kpis.services.measurements import MeasurementRow, RowError, next_period, period_start
from roles import permissions

MAX_NOTE = 2000
EARLIEST_YEARS = 5
LOOKUP_CHUNK = 2000


def date_range(today: date | None = None) -> tuple[date, date]:
    """Measurements may be dated from five years ago up to today."""
    today = today or timezone.localdate()
    try:
        earliest = today.replace(year=today.year - EARLIEST_YEARS)
    except ValueError:  # 29 February
        earliest = today.replace(year=today.year - EARLIEST_YEARS, day=28)
    return earliest, today


@dataclass
class ParsedRow:
    """One input row, resolved as far as it goes, for the preview table."""

    index: int
    raw: dict
    metric: Metric | None = None
    person: Person | None = None
    team: Team | None = None
    day: date | None = None
    period: date | None = None
    value: float | None = None
    note: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def line(self) -> int:
        """The line in a CSV file (the header is line 1)."""
        return self.index + 2

    @property
    def ok(self) -> bool:
        return not self.errors

    def measurement(self) -> MeasurementRow:
        return MeasurementRow(metric_id=self.metric.pk, period=self.period, value=self.value,
                              person_id=self.person.pk if self.person else None,
                              team_id=self.team.pk if self.team and not self.person else None, note=self.note)


@dataclass
class Parsed:
    rows: list[ParsedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return [e for row in self.rows for e in row.errors]

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.error_rows

    def measurements(self) -> list[MeasurementRow]:
        return [row.measurement() for row in self.rows]


# ---------- resolving rows (CSV, API, form) ----------

def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _loose(name: str) -> str:
    """A name with case, spacing and punctuation ironed out: "Cycle time (PR open→merge)" → cycle-time-pr-open-merge."""
    return slugify(re.sub(r"[\W_]+", " ", name))


def parse_number(raw) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw or "").strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
        text = text.removesuffix("%")
        if not text.isascii():  # float() reads "１２" and "١٢"
            return None
        try:
            value = float(text)
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def parse_day(raw) -> date | None:
    """YYYY-MM-DD (a time after it is ignored); anything else is None."""
    text = str(raw or "").strip()
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class Resolver:
    """Looks up the metrics, people and teams of many rows in a handful of queries, then checks each row.

    People are found only among those `by` may record for (admins: everyone; managers: people with an
    assignment in a team they manage), so an e-mail from another team reads as unknown and reveals nothing.
    """

    def __init__(self, *, by, role=None, today: date | None = None, row_word: str = "row"):
        self.by, self.role = by, role
        self.earliest, self.latest = date_range(today)
        self.row_word = row_word
        self.is_admin = permissions.is_admin(by)
        self.metrics_by_id: dict[int, Metric] = {}
        self.metrics_by_role: dict[str, dict[str, Metric]] = {}   # role slug → key, name or loose name → metric
        self.people: dict[str, Person] = {}
        self.spans: dict[int, list[tuple]] = {}                  # person id → [(starts, ends, team id)], latest first
        self.teams: dict[str, Team] = {}
        self.recordable: set[int] = set()

    # -- lookups, one query per kind --

    def _load(self, raw_rows: list[dict]) -> None:
        ids, slugs = set(), set()
        for raw in raw_rows:
            ref = raw.get("metric")
            if isinstance(ref, int) and not isinstance(ref, bool):
                ids.add(ref)
            elif isinstance(ref, str) and ascii_digits(ref.strip()) and self.role is None:
                ids.add(int(ref.strip()))
            elif isinstance(ref, str) and "/" in ref:
                slugs.add(ref.strip().partition("/")[0].strip().lower())
        condition = Q(pk__in=ids) | Q(role__slug__in=slugs)
        if self.role is not None:
            condition |= Q(role=self.role)
        for metric in Metric.objects.filter(condition).select_related("role").order_by("role_id", "position", "pk"):
            self.metrics_by_id[metric.pk] = metric
            names = self.metrics_by_role.setdefault(metric.role.slug.lower(), {})
            for name in (metric.key.lower(), metric.name.strip().lower(), _loose(metric.name)):
                names.setdefault(name, metric)

        emails = sorted({str(raw.get("email") or "").strip().lower() for raw in raw_rows} - {""})
        people = Person.objects.annotate(email_lower=Lower("email"))
        if not self.is_admin:
            people = people.filter(pk__in=Assignment.objects.filter(
                team__in=kpi_permissions.recordable_teams(self.by)).values("person"))
        for chunk in _chunks(emails):
            for person in people.filter(email_lower__in=chunk):
                self.people[person.email_lower] = person
        if not self.is_admin:
            ids = sorted(p.pk for p in self.people.values())
            for chunk in _chunks(ids):
                for person_id, team_id, starts, ends in (Assignment.objects.filter(person_id__in=chunk)
                                                         .values_list("person_id", "team_id", "starts_on", "ends_on")):
                    self.spans.setdefault(person_id, []).append((starts, ends, team_id))
            for spans in self.spans.values():
                spans.sort(key=lambda span: span[0], reverse=True)

        if any(str(raw.get("team") or "").strip() for raw in raw_rows):
            for team in Team.objects.all():
                self.teams.setdefault(team.slug.lower(), team)
                self.teams.setdefault(team.name.strip().lower(), team)
        self.recordable = set(kpi_permissions.recordable_teams(self.by).values_list("pk", flat=True))

    def _named(self, slug: str, name: str) -> Metric | None:
        """The KPI of the role `slug` with this key or name; names also match when only spacing, case or
        punctuation differ."""
        names = self.metrics_by_role.get(slug.strip().lower(), {})
        return names.get(name.strip().lower()) or names.get(_loose(name) or "-")

    def _metric(self, ref) -> tuple[Metric | None, str]:
        if ref is None or (isinstance(ref, str) and not ref.strip()):
            return None, "is missing"
        if isinstance(ref, bool) or not isinstance(ref, (int, str)):
            return None, "must be a metric id or “role-slug/key”"
        if isinstance(ref, int) or (ascii_digits(ref.strip()) and self.role is None):
            metric = self.metrics_by_id.get(int(ref))
            return metric, "" if metric else f"no metric with the id {int(ref)}"
        text = ref.strip()
        # Only the first slash can end a role's slug: KPI names have slashes of their own ("Latency (p95/p99)").
        slug, slash, rest = text.partition("/")
        metric = self._named(slug, rest) if slash else None
        if metric is None and self.role is not None:
            metric = self._named(self.role.slug, text)
            return metric, "" if metric else f"“{text}” is not a KPI of {self.role.title} (use its name or key)"
        if metric is not None:
            return metric, ""
        if slash and slug.strip().lower() in self.metrics_by_role:
            title = next(iter(self.metrics_by_role[slug.strip().lower()].values())).role.title
            return None, f"“{rest.strip()}” is not a KPI of {title} (after “{slug.strip()}/” give its key or name)"
        return None, f"no metric “{text}”: give its id, or the role's slug, “/” and the KPI's key or name"

    def resolve_all(self, raw_rows: list[dict]) -> list[ParsedRow]:
        self._load(raw_rows)
        seen: dict[tuple, int] = {}
        rows = []
        for index, raw in enumerate(raw_rows):
            row = self.resolve(index, raw)
            if row.metric and row.period and (row.person or row.team):
                key = (row.metric.pk, f"person:{row.person.pk}" if row.person else f"team:{row.team.pk}", row.period)
                if key in seen:
                    first = seen[key]
                    where = f"{self.row_word} {first + 2 if self.row_word == 'line' else first}"
                    row.errors.append(RowError(index, "date", f"duplicates {where}: the same metric and "
                                                              f"{'person' if row.person else 'team'} in the same "
                                                              f"{row.metric.grain}"))
                else:
                    seen[key] = index
            rows.append(row)
        return rows

    def resolve(self, index: int, raw: dict) -> ParsedRow:
        row = ParsedRow(index=index, raw=raw)

        def err(field_: str, message: str) -> None:
            row.errors.append(RowError(index, field_, message))

        row.metric, problem = self._metric(raw.get("metric"))
        if row.metric is None:
            err("metric", problem)
        elif not row.metric.active:
            err("metric", f"“{row.metric.name}” is retired (no longer in the published blueprint)")
            row.metric = None

        email = str(raw.get("email") or "").strip()
        team_ref = str(raw.get("team") or "").strip()
        if email and team_ref:
            err("email", "give a person's e-mail or a team, not both")
        elif email:
            row.person = self.people.get(email.lower())
            if row.person is None:
                err("email", f"no person with the e-mail “{email}” in the teams you record for")
        elif team_ref:
            row.team = self.teams.get(team_ref.lower())
            if row.team is None:
                err("team", f"no team “{team_ref}” (use its slug, e.g. applied-ai)")
            elif row.team.pk not in self.recordable:
                err("team", f"you do not manage {row.team.name}")
                row.team = None
        else:
            err("email", "needs a person's e-mail or a team")

        raw_day = raw.get("date") if raw.get("date") not in (None, "") else raw.get("period")
        if raw_day in (None, ""):
            err("date", "is missing (use YYYY-MM-DD)")
        else:
            row.day = parse_day(raw_day)
            if row.day is None:
                err("date", f"“{raw_day}” is not a date (use YYYY-MM-DD)")
            elif row.day > self.latest:
                err("date", f"{row.day:%Y-%m-%d} is in the future")
                row.day = None
            elif row.day < self.earliest:
                err("date", f"{row.day:%Y-%m-%d} is more than {EARLIEST_YEARS} years ago")
                row.day = None
        if row.day and row.metric:
            row.period = period_start(row.day, row.metric.grain)
            if row.person and not self.is_admin:
                self._check_team_in_period(row)

        raw_value = raw.get("value")
        if raw_value is None or (isinstance(raw_value, str) and not raw_value.strip()):
            err("value", "is missing")
        else:
            row.value = parse_number(raw_value)
            if row.value is None:
                err("value", f"“{raw_value}” is not a number")

        note = raw.get("note")
        row.note = "" if note is None else str(note).strip()
        if len(row.note) > MAX_NOTE:
            err("note", f"is {len(row.note):,} characters long; at most {MAX_NOTE:,}")
        return row


    def _check_team_in_period(self, row: ParsedRow) -> None:
        """A manager records for a person only in a period when the person is in one of their teams (the
        team of the latest-starting assignment that covers the period, as the engine decides it)."""
        first, grain = row.period, row.metric.grain
        end = next_period(first, grain) - timedelta(days=1)
        team_id = next((team for starts, ends, team in self.spans.get(row.person.pk, ())
                        if starts <= end and (ends is None or ends >= first)), None)
        if team_id not in self.recordable:
            words = {"week": f"the week of {first.day} {first:%b %Y}", "month": f"{first:%B %Y}",
                     "quarter": f"Q{(first.month - 1) // 3 + 1} {first.year}"}[grain]
            row.errors.append(RowError(row.index, "email", f"{row.person.name} was not in a team you manage in "
                                                           f"{words}"))


def resolve_rows(raw_rows: list[dict], *, by, role=None, today: date | None = None) -> list[ParsedRow]:
    """Resolve JSON-like rows (the API, the form): ids or role-slug/key, e-mail or team slug, date, value."""
    return Resolver(by=by, role=role, today=today).resolve_all(raw_rows)


def resolve_csv(table: CsvTable, *, by, role, today: date | None = None) -> Parsed:
    """An uploaded file's rows (kpis.csv_parse.parse_csv), resolved for the preview and the confirm."""
    parsed = Parsed(file_errors=list(table.file_errors), ignored_columns=list(table.ignored_columns))
    if table.rows and not table.file_errors:
        parsed.rows = Resolver(by=by, role=role, today=today, row_word="line").resolve_all(table.rows)
    return parsed
