"""Seed the scratch database: the demo world, an O*NET-sized catalog, a team per virtual user with a
year of weekly measurements, an opening whose panel is the virtual users, and their API tokens.

Everything is written through the portal's own services (the importer, the people and measurement
services, the hiring services, the rollup), as bench_import and load_demo do.
"""
import io
import json
import math
import random
import time
from datetime import timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from hiring.models import Opening
from hiring.services.openings import add_candidate, open_opening, plan_interview
from kpis.models import Metric, Source
from kpis.services.measurements import MeasurementRow, record_measurements
from kpis.services.people import add_person, assign, ensure_team
from kpis.services.rollups import run_rollup
from kpis.targets import QUALITATIVE
from roles.blueprint_format.synthetic import make_document
from roles.models import FamilyAssignment, Role
from roles.permissions import HR, INTERVIEWERS, PEOPLE_MANAGERS
from roles.services.importing import import_file

ROLE_PREFIX = "load-role-"
USER_PREFIX = "load-user-"
TEAM_PREFIX = "Load team "
# Everybody signs in with the demo's password, stored as one PBKDF2 hash (a hash costs ~0.5 s of CPU).
PASSWORD = "demo"
SEED_ROLE = "junior-applied-ai-engineer"
OPENING_TITLE = "Load test opening"
WEEKS = 52
PANEL = 4  # interviewers per candidate
CHUNK = 20_000

# Titles like O*NET's: a level, a specialty and a function, in about twenty families.
LEVELS = (("Junior", "junior"), ("", "mid"), ("Senior", "senior"), ("Staff", "staff"), ("Principal", "principal"),
          ("Lead", "lead"))
SPECIALTIES = {
    "Software Engineering": ("Backend", "Frontend", "Mobile", "Platform"),
    "Data & Analytics": ("Data", "Analytics", "Business Intelligence"),
    "Machine Learning": ("Machine Learning", "Applied AI", "Computer Vision"),
    "Infrastructure": ("Cloud", "Site Reliability", "Network"),
    "Security": ("Security", "Identity", "Compliance"),
    "Finance": ("Financial", "Payroll", "Tax", "Treasury"),
    "Healthcare": ("Clinical", "Nursing", "Pharmacy", "Radiology"),
    "Sales": ("Enterprise Sales", "Inside Sales", "Channel"),
    "Marketing": ("Growth", "Content", "Brand", "Product Marketing"),
    "Operations": ("Supply Chain", "Logistics", "Procurement", "Facilities"),
    "People": ("Recruiting", "People Operations", "Learning"),
    "Legal": ("Legal", "Contracts", "Privacy"),
    "Customer": ("Customer Success", "Support", "Onboarding"),
    "Design": ("Product Design", "UX Research", "Visual Design"),
    "Manufacturing": ("Quality", "Process", "Production"),
    "Education": ("Curriculum", "Instructional", "Training"),
    "Research": ("Research", "Lab", "Biostatistics"),
    "Construction": ("Construction", "Civil", "Electrical"),
    "Hospitality": ("Hotel", "Food Service", "Events"),
    "Public Sector": ("Policy", "Grants", "Emergency Management"),
}
FUNCTIONS = ("Engineer", "Analyst", "Manager", "Specialist", "Coordinator", "Scientist", "Consultant", "Technician",
             "Administrator", "Architect")
# Catalog searches: single words and pairs that match a few roles up to a few hundred.
SEARCH_TERMS = ("engineer", "analyst", "senior data", "clinical", "manager", "supply chain", "security",
                "python", "principal", "design", "lead cloud", "kubernetes", "sales specialist", "research")


def role_title(i: int) -> tuple[str, str, str]:
    """(title, family, level) of catalog role i: every combination appears before any repeats."""
    families = list(SPECIALTIES.items())
    family, specialties = families[i % len(families)]
    specialty = specialties[(i // len(families)) % len(specialties)]
    function = FUNCTIONS[(i // (len(families) * 4)) % len(FUNCTIONS)]
    prefix, level = LEVELS[(i // (len(families) * 4 * len(FUNCTIONS))) % len(LEVELS)]
    title = " ".join(part for part in (prefix, specialty, function) if part)
    return title, family, level


class Seeder:
    def __init__(self, *, roles: int, users: int, people_per_team: int, out, verbose: bool = True):
        self.roles, self.users, self.people_per_team = roles, users, people_per_team
        self.out, self.verbose = out, verbose
        self.hashed = make_password(PASSWORD)

    def run(self) -> dict:
        """Seed everything; returns what was seeded (the scratch database's marker)."""
        self._step("migrate", lambda: call_command("migrate", verbosity=0))
        demo_users = self._step("demo world (load_demo)", self._demo)
        admin = demo_users["admin"]
        self._step(f"{self.roles} catalog roles", lambda: self._catalog(admin))
        users = self._step(f"{self.users} virtual users and tokens", self._users)
        teams = self._step(f"{self.users} teams of {self.people_per_team}", lambda: self._teams(users))
        count = self._step("a year of weekly measurements", lambda: self._measurements(teams, admin))
        self._step("full KPI rollup", lambda: run_rollup(full=True))
        self._step("opening with the virtual users as interviewers", lambda: self._opening(demo_users, users))
        return {"roles": self.roles, "users": self.users, "people_per_team": self.people_per_team,
                "measurements": count, "seeded_on": timezone.localdate().isoformat()}

    def _step(self, what: str, action):
        clock = time.perf_counter()
        result = action()
        self.out.write(f"# seed: {what} in {time.perf_counter() - clock:.1f} s")
        return result

    # ---------- the demo world ----------

    def _demo(self) -> dict[str, User]:
        """load_demo, with its users created first as load_demo would (it would hash their password once each,
        and it leaves users that exist as they are)."""
        demo = yaml.safe_load((Path(settings.BASE_DIR) / "fixtures" / "demo.yaml").read_text())
        rows = demo["users"]
        for row in rows:
            user, created = User.objects.get_or_create(username=row["username"], defaults={
                "first_name": row["first_name"], "last_name": row["last_name"], "password": self.hashed,
                "email": f"{row['username']}@example.com",
                "is_staff": bool(row.get("superuser")), "is_superuser": bool(row.get("superuser"))})
            if created:
                user.groups.set([Group.objects.get_or_create(name=name)[0] for name in row["groups"]])
                for assignment in demo.get("family_assignments", []):
                    if assignment["user"] == user.username:
                        FamilyAssignment.objects.create(user=user, family=assignment["family"])
        call_command("load_demo", stdout=io.StringIO())
        return {user.username: user for user in User.objects.filter(username__in=[r["username"] for r in rows])}

    # ---------- the catalog ----------

    def _catalog(self, admin) -> None:
        for i in tqdm(range(self.roles), unit="role", disable=not self.verbose):
            title, family, level = role_title(i)
            doc = make_document(title, slug=f"{ROLE_PREFIX}{i:04d}", family=family, level=level, seed=i)
            import_file(f"{ROLE_PREFIX}{i:04d}.json", json.dumps(doc).encode(), by=admin, publish=True)

    # ---------- virtual users, their teams and measurements ----------

    def _users(self) -> list[User]:
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in (HR, INTERVIEWERS, PEOPLE_MANAGERS)}
        users = []
        with transaction.atomic():
            for i in range(self.users):
                user, _ = User.objects.get_or_create(username=f"{USER_PREFIX}{i:03d}", defaults={
                    "first_name": "Load", "last_name": f"User {i:03d}", "password": self.hashed,
                    "email": f"{USER_PREFIX}{i:03d}@example.com"})
                # Every other one also reads as HR: all teams, and the organisation-wide figures.
                names = [INTERVIEWERS, PEOPLE_MANAGERS] + ([HR] if i % 2 == 0 else [])
                user.groups.set([groups[name] for name in names])
                users.append(user)
        return users

    def _teams(self, users: list[User]) -> list[tuple]:
        """(team, role, people) per virtual user, who manages the team."""
        catalog = list(Role.objects.filter(slug__startswith=ROLE_PREFIX).order_by("slug"))
        starts_on = timezone.localdate() - timedelta(weeks=WEEKS, days=60)
        teams = []
        with transaction.atomic():
            for i, user in enumerate(users):
                team = ensure_team(name=f"{TEAM_PREFIX}{i:03d}", manager=user)
                role = catalog[(i * 7) % len(catalog)]
                people = []
                for j in range(self.people_per_team):
                    person = add_person(name=f"Load Person {i:03d}-{j}", email=f"load-{i:03d}-{j}@example.com")
                    assign(person=person, role=role, team=team, starts_on=starts_on)
                    people.append(person)
                teams.append((team, role, people))
        return teams

    def _measurements(self, teams: list[tuple], admin) -> int:
        """Every measurable KPI of each team's role, for each of its people, every week for a year: values
        wandering around the target band, so the dashboards show every status."""
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        weeks = [monday - timedelta(weeks=w) for w in range(WEEKS)]
        rows, written = [], 0
        for team, role, people in teams:
            metrics = [m for m in Metric.objects.filter(role=role, active=True).order_by("position")
                       if m.rule_kind != QUALITATIVE]
            for metric in metrics:
                low, high = metric.rule_low, metric.rule_high
                centre = ((low or 0) + (high if high is not None else (low or 0) + 20)) / 2
                spread = max(abs((high or centre * 1.2) - (low or centre * 0.8)) / 2, 1.0)
                for person in people:
                    rng = random.Random(f"{team.pk}:{metric.pk}:{person.pk}")
                    drift = rng.uniform(-1.5, 1.5) * spread
                    for n, week in enumerate(weeks):
                        value = centre + drift * n / WEEKS + rng.gauss(0, spread / 2)
                        if metric.rule_unit == "%":
                            value = min(max(value, 0.0), 100.0)
                        rows.append(MeasurementRow(metric_id=metric.pk, period=week, value=round(value, 1),
                                                   person_id=person.pk))
            if len(rows) >= CHUNK:
                written += self._write(rows, admin)
                rows = []
        return written + (self._write(rows, admin) if rows else 0)

    @staticmethod
    def _write(rows: list[MeasurementRow], admin) -> int:
        result = record_measurements(rows=rows, by=admin, source=Source.DEMO)
        return result.created + result.updated

    # ---------- hiring ----------

    def _opening(self, demo_users: dict[str, User], users: list[User]) -> None:
        """One opening for the seed role; each candidate meets a panel of PANEL virtual users, each of
        whom has a draft scorecard to autosave."""
        manager = demo_users["hiring"]
        role = Role.objects.get(slug=SEED_ROLE)
        opening = Opening.objects.filter(title=OPENING_TITLE).first() or open_opening(
            role=role, by=manager, title=OPENING_TITLE)
        dims = list(opening.version.scorecard.all())
        start = timezone.now() - timedelta(days=2)
        candidate = None
        for i, user in enumerate(users):
            if i % PANEL == 0:
                n = i // PANEL
                candidate = add_candidate(opening=opening, by=manager, name=f"Load Candidate {n:03d}",
                                          email=f"load-candidate-{n:03d}@example.com", source="Load test")
            begins = start + timedelta(hours=i % PANEL)
            per = math.ceil(len(dims) / PANEL)
            plan_interview(candidate=candidate, by=manager, stage_name=f"Onsite {i % PANEL + 1}", interviewer=user,
                           starts_at=begins, ends_at=begins + timedelta(hours=1),
                           focus_dimensions=dims[(i % PANEL) * per:(i % PANEL + 1) * per])
