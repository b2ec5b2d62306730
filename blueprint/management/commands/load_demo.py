"""python manage.py load_demo — demo users, groups, teams, the published seed blueprint, a hiring opening.

Idempotent: running it again changes nothing. It is never run by migrations.
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
from roles.management.commands.import_blueprints import expand
from roles.models import FamilyAssignment
from roles.services.importing import ImportFailure, import_file

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Load demo users (password 'demo'), teams and the published reference blueprint."

    def handle(self, *args, **options):
        data = yaml.safe_load((FIXTURES / "demo.yaml").read_text())
        with transaction.atomic():
            users = self._users(data["users"])
            self._teams(data["teams"], users)
            for row in data.get("family_assignments", []):
                FamilyAssignment.objects.get_or_create(user=users[row["user"]], family=row["family"])
        admin = users.get("admin")
        for path in expand([str(FIXTURES / "blueprints")]):
            try:
                result = import_file(path.name, path.read_bytes(), by=admin, publish=True)
            except ImportFailure as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"blueprint {result.slug}: {result.action} (v{result.version_number})")
        with transaction.atomic():
            self.stdout.write(f"hiring: {hiring_demo.load(users)}")
        with transaction.atomic():
            self.stdout.write(f"kpis: {kpis_demo.load(users)}")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(users)} users (password '{DEMO_PASSWORD}'), {len(data['teams'])} teams."))

    def _users(self, rows) -> dict[str, User]:
        users = {}
        for row in rows:
            user, created = User.objects.get_or_create(
                username=row["username"],
                defaults={"first_name": row["first_name"], "last_name": row["last_name"],
                          "email": f"{row['username']}@example.com"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = user.is_superuser = bool(row.get("superuser"))
                user.save()
            user.groups.set([Group.objects.get_or_create(name=name)[0] for name in row["groups"]])
            users[user.username] = user
        return users

    def _teams(self, rows, users) -> None:
        for row in rows:
            Team.objects.update_or_create(
                slug=slugify(row["name"]),
                defaults={"name": row["name"], "manager": users.get(row["manager"]) if row["manager"] else None},
            )
