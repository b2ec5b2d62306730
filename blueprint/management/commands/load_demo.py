"""python manage.py load_demo — demo users, groups, teams, the published seed blueprint, a hiring opening.

It only ever creates what is missing, so a second run (a second `make run`) changes nothing: a user, a
team or a role that exists is left exactly as it is (groups, manager, versions, drafts, what was
published since), and the hiring and KPI demos load only into a portal that has none of their rows. It
is never run by migrations.
"""
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from hiring import demo as hiring_demo
from kpis import demo as kpis_demo
from kpis.models import Team
from roles.blueprint_format import FormatError, validate_document
from roles.importers.sources import SourceError, read_source
from roles.management.commands.import_blueprints import expand
from roles.models import FamilyAssignment, Role
from roles.services.importing import ImportFailure, import_file

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Load demo users (password 'demo'), teams and the published reference blueprint, where missing."

    def handle(self, *args, **options):
        data = yaml.safe_load((FIXTURES / "demo.yaml").read_text())
        with transaction.atomic():
            users = self._users(data["users"], data.get("family_assignments", []))
            self._teams(data["teams"], users)
        for path in expand([str(FIXTURES / "blueprints")]):
            self.stdout.write(self._blueprint(path, by=users.get("admin")))
        with transaction.atomic():
            self.stdout.write(f"hiring: {hiring_demo.load(users)}")
        with transaction.atomic():
            self.stdout.write(f"kpis: {kpis_demo.load(users)}")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(users)} users (password '{DEMO_PASSWORD}'), {len(data['teams'])} teams."))

    def _users(self, rows, assignments) -> dict[str, User]:
        """The demo users by username; groups and family rights are given to those created now only,
        so an admin's later changes to a demo user survive the next run."""
        users, created = {}, set()
        for row in rows:
            user, is_new = User.objects.get_or_create(
                username=row["username"],
                defaults={"first_name": row["first_name"], "last_name": row["last_name"],
                          "email": f"{row['username']}@example.com"},
            )
            if is_new:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = user.is_superuser = bool(row.get("superuser"))
                user.save(update_fields=["password", "is_staff", "is_superuser"])
                user.groups.set([Group.objects.get_or_create(name=name)[0] for name in row["groups"]])
                created.add(user.username)
            users[user.username] = user
        for row in assignments:
            if row["user"] in created:
                FamilyAssignment.objects.create(user=users[row["user"]], family=row["family"])
        return users

    def _teams(self, rows, users) -> None:
        for row in rows:
            Team.objects.get_or_create(
                slug=slugify(row["name"]),
                defaults={"name": row["name"], "manager": users.get(row["manager"]) if row["manager"] else None},
            )

    def _blueprint(self, path: Path, *, by) -> str:
        """Import and publish one fixture blueprint if no role has its slug yet. An existing role is
        never touched: publishing the fixture over it would undo reviewed edits without a review."""
        name = path.relative_to(settings.BASE_DIR).as_posix()  # what the audit trail names as the source
        data = path.read_bytes()
        try:
            slug = validate_document(read_source(name, data).document)["role"]["slug"]
        except (SourceError, FormatError) as exc:
            raise CommandError(f"{name}: {exc}") from None
        role = Role.objects.filter(slug=slug).select_related("published_version").first()
        if role is not None:
            published = role.published_version
            return f"blueprint {slug}: kept ({f'published v{published.number}' if published else 'the role'} exists)"
        try:
            result = import_file(name, data, by=by, publish=True)
        except ImportFailure as exc:
            raise CommandError(str(exc)) from None
        return f"blueprint {result.slug}: {result.action} (v{result.version_number})"
