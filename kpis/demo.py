"""Demo KPI data: people on the seed role in two teams managed by the demo user `manager`, with a year of
measurements of every measurable KPI (weekly KPIs weekly, monthly ones monthly …), then a full rollup.

Values are drawn deterministically around each KPI's target, along a course chosen per KPI and team
(steady on track, slipping, recovering, off track), so the dashboards show every status and real
trends. Service-level KPIs (error rate, latency, cost, pipeline freshness, production quality) are
recorded for the team as a whole, the others per person. Idempotent: a second load changes nothing.
"""
import random
from datetime import date, timedelta

from django.utils import timezone

from roles.models import Role

from .models import Metric, Person, Source, Team
from .selectors import shift, start_of
from .services.measurements import MeasurementRow, record_measurements
from .services.people import add_person, assign, ensure_team
from .targets import AT_LEAST, AT_MOST, BETWEEN, EQUALS, QUALITATIVE, RELATIVE

TEAMS = {
    "Applied AI": [("Ana Silva", "ana.silva"), ("Ben Okoro", "ben.okoro"), ("Chloé Martin", "chloe.martin"),
                   ("Dev Patel", "dev.patel"), ("Elif Yılmaz", "elif.yilmaz"), ("Finn Larsen", "finn.larsen")],
    "ML Platform": [("Grace Liu", "grace.liu"), ("Hamza Idris", "hamza.idris"), ("Isla Byrne", "isla.byrne"),
                    ("Jonas Weber", "jonas.weber")],
}
TEAM_LEVEL = {"error-rate-inference", "latency-p95p99", "cost-per-inference-token", "data-pipeline-freshness",
              "production-quality-proxy"}
# (where the year starts, where it ends) per KPI in blueprint order, for each team; cycled.
COURSES = {
    "Applied AI": [("on", "on"), ("risk", "on"), ("on", "risk"), ("on", "on"), ("off", "off"), ("on", "on"),
                   ("risk", "risk"), ("off", "on"), ("on", "off"), ("on", "on"), ("risk", "on")],
    "ML Platform": [("on", "risk"), ("on", "on"), ("off", "risk"), ("risk", "on"), ("on", "on"), ("off", "off"),
                    ("on", "on"), ("risk", "off")],
}
WEEKS = 52


def _cap(metric: Metric) -> float | None:
    return 100.0 if metric.rule_unit == "%" and metric.rule_kind != RELATIVE else None


def _centre(metric: Metric, mode: str) -> float:
    """A team-level value that reads as on track, at risk or off track under the metric's rule."""
    rule, margin = metric.rule, metric.rule.margin()
    kind, low, high, cap = rule.kind, rule.low, rule.high, _cap(metric)
    if kind == BETWEEN:
        return {"on": (low + high) / 2, "risk": low - 0.5 * margin, "off": low - 3 * margin}[mode]
    if kind == AT_LEAST:
        on = low + (cap - low) * 0.6 if cap is not None and low + margin > cap else low + margin
        return {"on": on, "risk": low - 0.5 * margin, "off": low - 2.5 * margin}[mode]
    if kind == AT_MOST:
        return {"on": high * 0.7, "risk": high + 0.5 * margin, "off": high + 3 * margin}[mode]
    if kind == EQUALS:
        return {"on": low, "risk": low - 0.4 * margin, "off": low - 2 * margin}[mode]
    if kind == RELATIVE and low < 0:
        return {"on": (low + high) / 2, "risk": high + 0.5 * margin, "off": high + 3 * margin}[mode]
    return {"on": (low + high) / 2, "risk": low - 0.5 * margin, "off": low - 3 * margin}[mode]


def _spread(metric: Metric) -> float:
    """Noise that keeps an on-track team mostly inside its band: a fraction of the room to the band's edges."""
    rule, on = metric.rule, _centre(metric, "on")
    room = [abs(on - edge) for edge in (rule.low, rule.high) if edge is not None and abs(on - edge) > 0]
    return max(min([rule.margin(), *room]) * 0.45, 0.05)


def _tidy(metric: Metric, value: float) -> float:
    cap = _cap(metric)
    if cap is not None:
        value = min(value, cap)
    if metric.rule_unit not in ("",) and metric.rule_kind != RELATIVE:
        value = max(value, 0.0)
    if metric.rule_unit.startswith("per ") or metric.rule_unit == "ms":
        return float(round(value))
    return round(value, 1 if abs(value) >= 1 else 2)


def _periods(metric: Metric, first: date, today: date) -> list[date]:
    period, last, periods = start_of(first, metric.grain), start_of(today, metric.grain), []
    while period <= last:
        periods.append(period)
        period = shift(period, metric.grain, 1)
    return periods


def _value(metric: Metric, course: tuple[str, str], progress: float, rng: random.Random, bias: float,
           spread: float) -> float:
    if metric.rule_kind == EQUALS:  # exactly 100 %: a period is on track only if every value hits it
        mode = course[0] if progress < 0.6 else course[1]
        hit = {"on": 0.985, "risk": 0.75, "off": 0.3}[mode]
        return metric.rule.low if rng.random() < hit else _tidy(metric, metric.rule.low - abs(rng.gauss(0, 6)))
    start, end = _centre(metric, course[0]), _centre(metric, course[1])
    centre = start + (end - start) * min(1.0, progress * 1.25)
    return _tidy(metric, centre + bias + rng.gauss(0, spread))


def load(users: dict, *, role_slug: str = "junior-applied-ai-engineer", today: date | None = None) -> str:
    role = Role.objects.filter(slug=role_slug, published_version__isnull=False).first()
    if role is None:
        return "no published seed role; KPI demo skipped"
    emails = [f"{handle}@example.com" for people in TEAMS.values() for _, handle in people]
    if Person.objects.filter(email__in=emails).exists():
        return "KPI demo already loaded"
    today = today or timezone.localdate()
    first = today - timedelta(weeks=WEEKS)
    manager, admin = users.get("manager"), users.get("admin")
    metrics = [m for m in Metric.objects.filter(role=role, active=True).order_by("position")
               if m.rule_kind != QUALITATIVE]
    rows, people_count = [], 0
    for team_name, people in TEAMS.items():
        team = Team.objects.filter(name=team_name).first() or ensure_team(name=team_name, manager=manager)
        members = []
        for name, handle in people:
            person = add_person(name=name, email=f"{handle}@example.com")
            assign(person=person, role=role, team=team, starts_on=first - timedelta(days=60))
            members.append(person)
        people_count += len(members)
        courses = COURSES[team_name]
        for index, metric in enumerate(metrics):
            course, spread = courses[index % len(courses)], _spread(metric)
            periods = _periods(metric, first, today)
            subjects = [(None, team.pk)] if metric.key in TEAM_LEVEL else [(p.pk, None) for p in members]
            for person_id, team_id in subjects:
                rng = random.Random(f"{team_name}:{metric.key}:{person_id}")
                bias = rng.gauss(0, spread * (0.3 if team_id else 0.8))
                for n, period in enumerate(periods):
                    if n < len(periods) - 1 and rng.random() < 0.04:
                        continue  # the odd missed week, as in real data
                    value = _value(metric, course, n / max(len(periods) - 1, 1), rng, bias,
                                   spread * (0.5 if team_id else 1))
                    rows.append(MeasurementRow(metric_id=metric.pk, period=period, value=value,
                                               person_id=person_id, team_id=team_id))
    result = record_measurements(rows=rows, by=admin, source=Source.DEMO)
    summary = (f"{people_count} people in {len(TEAMS)} teams, {result.created + result.updated} measurements of "
               f"{len(metrics)} KPIs over {WEEKS} weeks")
    try:
        from .services.rollups import run_rollup
    except ImportError:
        return summary + "; rollups will be computed by the next scheduled run"
    run_rollup(full=True)
    return summary + "; rollups computed"
