"""The one way measurements are written: `record_measurements`, by the form, the CSV upload, the API,
the demo and load-test data and the restore of a backup.

It validates every row, checks that the writer may record them all, upserts them in one transaction
or none, and asks for an incremental rollup once they are committed. Re-sending a row updates it
(unique per metric, subject and period), never doubles it. Built for ≥ 10,000 rows per call:
validation is set lookups over a handful of queries, the write is INSERT … ON CONFLICT DO UPDATE in
chunks, with no per-row query and no per-row model validation.
"""
import datetime
import math

import psycopg
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from kpis.models import Assignment, Grain, Measurement, Metric, Person, Source, Team
from kpis.services.rollups import schedule_incremental_rollup
from roles.permissions import is_admin

CHUNK = 5000
UPDATED_FIELDS = ["person", "team", "value", "note", "source", "recorded_by", "recorded_at"]
EARLIEST_YEARS = 10
_QUARTER_FIRST_MONTH = {m: 3 * ((m - 1) // 3) + 1 for m in range(1, 13)}


@dataclass(frozen=True, slots=True)
class Kept:
    """What a restored row keeps from the backup: its id, its team (a person's, as it was resolved when
    it was recorded), where it came from, who recorded it and when."""
    id: int
    team_id: int | None
    source: str
    recorded_by_id: int | None
    recorded_at: datetime.datetime


@dataclass
class MeasurementRow:
    metric_id: int
    period: datetime.date
    value: float
    person_id: int | None = None
    team_id: int | None = None
    note: str = ""
    kept: Kept | None = None  # restored rows only


@dataclass
class RowError:
    index: int  # position of the row in the input, 0-based
    field: str
    message: str


class MeasurementError(ValueError):
    """Some rows are invalid; `errors` lists every problem and nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "; ".join(f"row {e.index} {e.field}: {e.message}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the measurements: {shown}{more}")


@dataclass
class UpsertResult:
    created: int
    updated: int
    rows: int


def period_start(day: datetime.date, grain: str) -> datetime.date:
    """The first day of the week (Monday), month or quarter that `day` falls in."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    if grain == Grain.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if grain == Grain.MONTH:
        return day.replace(day=1)
    if grain == Grain.QUARTER:
        return day.replace(month=_QUARTER_FIRST_MONTH[day.month], day=1)
    raise ValueError(f"unknown grain {grain!r}")


def next_period(start: datetime.date, grain: str) -> datetime.date:
    """The first day of the period after the one starting on `start`."""
    if grain == Grain.WEEK:
        return start + datetime.timedelta(days=7)
    months = 1 if grain == Grain.MONTH else 3
    month = start.month - 1 + months
    return start.replace(year=start.year + month // 12, month=month % 12 + 1, day=1)


def record_measurements(*, rows: list[MeasurementRow], by, source: str | None,
                        earliest: datetime.date | None = None, latest: datetime.date | None = None,
                        restored: bool = False) -> UpsertResult:
    """Validate every row, insert or update all of them in one transaction, and ask for an incremental
    rollup once it commits (kpis.services.rollups.schedule_incremental_rollup: debounced).

    Raises MeasurementError listing every invalid row (nothing is written), or PermissionDenied
    unless `by` is an admin or manages every team involved (a person's team is the one their
    assignment gives them in the period). A row is refused when its date is after `latest`
    (default: the end of the period after the current one) or its whole period ends before
    `earliest` (default: ten years ago). Periods are normalised to the metric's grain.

    `restored`: the rows come from a backup (blueprint.backup.import_all, an operator's command; `by`
    and `source` are None) and each keeps what its `kept` says. The checks that were the original
    writer's (permission, date range, retired metric) are not made again; the rows are inserted
    under their own ids, into a portal that has none.
    """
    if restored:
        if by is not None or source is not None or any(row.kept is None for row in rows):
            raise ValueError("a restore is by nobody, from no source, of rows that each keep their own")
        batch = _validate(rows, earliest=None, latest=None, restored=True)
        with transaction.atomic():
            result = _write_restored(batch)
            schedule_incremental_rollup()
        return result
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    admin = bool(by is not None and is_admin(by))
    if not admin and (by is None or not by.is_authenticated or not Team.objects.filter(manager=by).exists()):
        raise PermissionDenied("Only admins and the managers of teams may record measurements.")
    batch = _validate(rows, earliest=earliest, latest=latest)
    _check_permission(batch, by=by, admin=admin)
    with transaction.atomic():
        result = _write(batch, by=by, source=source)
        schedule_incremental_rollup()
    return result


class _Preview(Exception):
    def __init__(self, result: UpsertResult):
        self.result = result


def preview_measurements(*, rows: list[MeasurementRow], by, source: str, earliest: datetime.date | None = None,
                         latest: datetime.date | None = None) -> tuple[UpsertResult | None, list[RowError]]:
    """What `record_measurements` would do, found by doing it in a transaction that is then rolled back:
    its own checks and its created/updated counts, with nothing written and nothing queued (a
    rolled-back block drops its on-commit callbacks). PermissionDenied passes through."""
    try:
        with transaction.atomic():
            raise _Preview(record_measurements(rows=rows, by=by, source=source, earliest=earliest, latest=latest))
    except _Preview as done:
        return done.result, []
    except MeasurementError as exc:
        return None, list(exc.errors)


# ---------- validation ----------

@dataclass(slots=True)
class _Valid:
    """A validated row: normalised period, resolved team and subject key."""
    metric_id: int
    period: datetime.date
    value: float
    person_id: int | None
    team_id: int | None
    note: str
    subject_key: str
    kept: Kept | None = None


def _ids(values) -> set[int]:
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)}


def _lookup(found: dict, key):
    try:
        return found.get(key)
    except TypeError:  # an unhashable id (a list from a JSON body): simply unknown
        return None


def _existing(model, ids: set[int], *fields: str) -> dict[int, tuple]:
    """{pk: (fields…)} for the ids that exist, in IN-lists small enough for every backend."""
    size = 900 if connection.vendor == "sqlite" else 20000
    ordered, found = sorted(ids), {}
    for start in range(0, len(ordered), size):
        for pk, *rest in model.objects.filter(pk__in=ordered[start:start + size]).values_list("pk", *fields):
            found[pk] = tuple(rest)
    return found


def _default_range(grain: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    try:
        earliest = today.replace(year=today.year - EARLIEST_YEARS)
    except ValueError:  # 29 February
        earliest = today.replace(year=today.year - EARLIEST_YEARS, day=28)
    after_next = next_period(next_period(period_start(today, grain), grain), grain)
    return earliest, after_next - datetime.timedelta(days=1)


def _validate(rows: list[MeasurementRow], *, earliest, latest, restored: bool = False) -> list[_Valid]:
    metrics = _existing(Metric, _ids(r.metric_id for r in rows), "grain", "active")
    people = _existing(Person, _ids(r.person_id for r in rows))
    teams = _existing(Team, _ids(r.team_id for r in rows) | _ids(r.kept.team_id for r in rows if restored))
    today = timezone.localdate()
    # Per grain: the last date allowed, and the first period start allowed (a period still reaching
    # into the range is in it).
    bounds = {}
    for grain in Grain.values:
        low, high = _default_range(grain, today)
        low, high = earliest or low, latest or high
        bounds[grain] = (low, high, period_start(low, grain))
    errors: list[RowError] = []
    valid: list[_Valid] = []
    seen: dict[tuple, int] = {}
    subjects: dict[tuple, str] = {}
    for index, row in enumerate(rows):
        problems = len(errors)
        metric_id, person_id, team_id, value, day = row.metric_id, row.person_id, row.team_id, row.value, row.period
        metric = _lookup(metrics, metric_id)
        if metric is None:
            errors.append(RowError(index, "metric", f"no metric with id {metric_id!r}"))
        elif not metric[1] and not restored:
            errors.append(RowError(index, "metric", f"metric {metric_id} is retired (not in the role's "
                                                    f"published blueprint)"))
        has_person = person_id is not None
        if has_person == (team_id is not None):
            errors.append(RowError(index, "subject", "give a person or a team, not " + (
                "both" if has_person else "neither")))
        elif has_person and _lookup(people, person_id) is None:
            errors.append(RowError(index, "person", f"no person with id {person_id!r}"))
        elif not has_person and _lookup(teams, team_id) is None:
            errors.append(RowError(index, "team", f"no team with id {team_id!r}"))
        elif restored and row.kept.team_id is not None and _lookup(teams, row.kept.team_id) is None:
            errors.append(RowError(index, "team", f"no team with id {row.kept.team_id!r}"))
        if type(value) is not float and (isinstance(value, bool) or not isinstance(value, (int, float))):
            errors.append(RowError(index, "value", f"{value!r} is not a number"))
        elif not math.isfinite(value):
            errors.append(RowError(index, "value", f"{value!r} is not a finite number"))
        if type(day) is not datetime.date:
            if isinstance(day, datetime.datetime):
                day = day.date()
            elif not isinstance(day, datetime.date):
                errors.append(RowError(index, "period", f"{day!r} is not a date"))
                continue
        if metric is None:
            continue
        grain = metric[0]
        period = period_start(day, grain)
        low, high, first = bounds[grain]
        if not restored and (day > high or period < first):
            errors.append(RowError(index, "period", f"{day.isoformat()} is outside {low.isoformat()} – "
                                                    f"{high.isoformat()}"))
        if len(errors) > problems:
            continue
        subject = (has_person, person_id if has_person else team_id)
        subject_key = subjects.get(subject)
        if subject_key is None:
            subject_key = subjects[subject] = f"person:{person_id}" if has_person else f"team:{team_id}"
        key = (metric_id, subject_key, period)
        if key in seen:
            errors.append(RowError(index, "period", f"duplicates row {seen[key]}: the same metric, subject and "
                                                    f"period ({period.isoformat()})"))
            continue
        seen[key] = index
        valid.append(_Valid(metric_id, period, float(value), person_id, team_id, row.note or "", subject_key,
                            row.kept))
    if errors:
        raise MeasurementError(errors)
    if restored:
        for row in valid:
            if row.person_id is not None:
                row.team_id = row.kept.team_id
    else:
        _resolve_teams(valid, {r.metric_id: metrics[r.metric_id][0] for r in valid})
    return valid


def _resolve_teams(valid: list[_Valid], grains: dict[int, str]) -> None:
    """Set each person row's team from the assignment covering its period (the latest-starting one
    when several overlap it); None when no assignment covers it."""
    person_ids = {v.person_id for v in valid if v.person_id is not None}
    assignments = defaultdict(list)
    size = 900 if connection.vendor == "sqlite" else 20000
    ordered = sorted(person_ids)
    for start in range(0, len(ordered), size):
        for person_id, team_id, starts, ends in (Assignment.objects.filter(person_id__in=ordered[start:start + size])
                                                 .values_list("person_id", "team_id", "starts_on", "ends_on")):
            assignments[person_id].append((starts, ends, team_id))
    for spans in assignments.values():
        spans.sort(key=lambda span: span[0], reverse=True)
    found: dict[tuple, int | None] = {}  # people have rows for several metrics of the same period
    for row in valid:
        if row.person_id is None:
            continue
        key = (row.person_id, row.period, grains[row.metric_id])
        if key not in found:
            first, end = row.period, next_period(row.period, key[2]) - datetime.timedelta(days=1)
            found[key] = next((team for starts, ends, team in assignments.get(row.person_id, ())
                               if starts <= end and (ends is None or ends >= first)), None)
        row.team_id = found[key]


def _check_permission(batch: list[_Valid], *, by, admin: bool) -> None:
    if admin:
        return
    homeless = next((r for r in batch if r.team_id is None), None)
    if homeless is not None:
        raise PermissionDenied(f"Person {homeless.person_id} has no team in the period starting "
                               f"{homeless.period.isoformat()}; only an admin may record it.")
    teams = _existing(Team, {r.team_id for r in batch}, "name", "manager_id")
    foreign = sorted(name for name, manager_id in teams.values() if manager_id != by.pk)
    if foreign:
        raise PermissionDenied(f"You do not manage the team {foreign[0]!r}"
                               + (f" (nor {len(foreign) - 1} more)" if len(foreign) > 1 else "") + ".")


# ---------- writing ----------

# PostgreSQL: a chunk travels as one array per column (a handful of parameters instead of ten per row),
# and one statement upserts and tells inserted rows from updated ones: a row the statement inserted
# has no xmax yet, a row it updated carries the statement's transaction id there.
UPSERT_POSTGRES = """
WITH written AS (
    INSERT INTO kpis_measurement (metric_id, person_id, team_id, subject_key, period, value, note, source,
                                  recorded_by_id, recorded_at)
    SELECT * FROM unnest(%(metric)b::bigint[], %(person)b::bigint[], %(team)b::bigint[], %(subject)b::varchar[],
                         %(period)b::date[], %(value)b::float8[], %(note)b::text[]),
                  LATERAL (SELECT %(source)s::varchar, %(by)s::integer, %(now)s::timestamptz) AS fixed
    ON CONFLICT (metric_id, subject_key, period) DO UPDATE SET
        person_id = EXCLUDED.person_id, team_id = EXCLUDED.team_id, value = EXCLUDED.value, note = EXCLUDED.note,
        source = EXCLUDED.source, recorded_by_id = EXCLUDED.recorded_by_id, recorded_at = EXCLUDED.recorded_at
    RETURNING xmax = 0 AS inserted
)
SELECT count(*) FILTER (WHERE NOT inserted), count(*) FROM written
"""


def _write(batch: list[_Valid], *, by, source: str) -> UpsertResult:
    now = timezone.now()
    recorded_by = by.pk if by is not None and by.is_authenticated else None
    # One key order for every writer: two batches sharing keys lock them in the same order, so
    # concurrent uploads wait for each other instead of deadlocking.
    batch = sorted(batch, key=lambda r: (r.metric_id, r.subject_key, r.period))
    write = _write_postgres if connection.vendor == "postgresql" else _write_portable
    existing = sum(write(batch[start:start + CHUNK], source=source, by=recorded_by, now=now)
                   for start in range(0, len(batch), CHUNK))
    return UpsertResult(created=len(batch) - existing, updated=existing, rows=len(batch))


def _write_postgres(chunk: list[_Valid], *, source: str, by, now) -> int:
    """Upsert one chunk; returns how many of its keys were already stored."""
    columns = dict(metric=[r.metric_id for r in chunk], person=[r.person_id for r in chunk],
                   team=[r.team_id for r in chunk], subject=[r.subject_key for r in chunk],
                   period=[r.period for r in chunk], value=[r.value for r in chunk], note=[r.note for r in chunk])
    connection.ensure_connection()
    # A plain psycopg cursor binds on the server, and the %(…)b placeholders send the arrays in binary:
    # Django's client-side binding would spell out every element as text.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(UPSERT_POSTGRES, dict(columns, source=source, by=by, now=now))
        existing, written = cursor.fetchone()
    assert written == len(chunk)
    return existing


def _write_portable(chunk: list[_Valid], *, source: str, by, now) -> int:
    """Upsert one chunk with bulk_create (SQLite); returns how many of its keys were already stored."""
    existing = _count_existing(chunk)
    Measurement.objects.bulk_create(
        [Measurement(metric_id=r.metric_id, person_id=r.person_id, team_id=r.team_id, subject_key=r.subject_key,
                     period=r.period, value=r.value, note=r.note, source=source, recorded_by_id=by, recorded_at=now)
         for r in chunk],
        update_conflicts=True, unique_fields=["metric", "subject_key", "period"], update_fields=UPDATED_FIELDS)
    return existing


def _write_restored(batch: list[_Valid]) -> UpsertResult:
    """Insert restored rows under their own ids and provenance. A plain insert: the restore writes into
    a portal without measurements, and a clash fails it whole."""
    for start in range(0, len(batch), CHUNK):
        Measurement.objects.bulk_create([
            Measurement(id=r.kept.id, metric_id=r.metric_id, person_id=r.person_id, team_id=r.team_id,
                        subject_key=r.subject_key, period=r.period, value=r.value, note=r.note, source=r.kept.source,
                        recorded_by_id=r.kept.recorded_by_id, recorded_at=r.kept.recorded_at)
            for r in batch[start:start + CHUNK]])
    return UpsertResult(created=len(batch), updated=0, rows=len(batch))


def _count_existing(chunk: list[_Valid]) -> int:
    """How many of the rows' keys are already stored: a VALUES list joined on the unique key, in pieces
    small enough for SQLite's parameter limit."""
    table, found, size = Measurement._meta.db_table, 0, 300
    with connection.cursor() as cursor:
        for start in range(0, len(chunk), size):
            part = chunk[start:start + size]
            values = ", ".join(["(%s, %s, %s)"] * len(part))
            cursor.execute(f"WITH k(metric_id, subject_key, period) AS (VALUES {values}) "
                           f"SELECT count(*) FROM {table} m JOIN k ON m.metric_id = k.metric_id "
                           f"AND m.subject_key = k.subject_key AND m.period = k.period",
                           [p for r in part for p in (r.metric_id, r.subject_key, r.period)])
            found += cursor.fetchone()[0]
    return found
