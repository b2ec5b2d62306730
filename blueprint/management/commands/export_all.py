"""python manage.py export_all DIR — back up the whole portal into a new folder (see blueprint.backup)."""
from django.core.management.base import BaseCommand, CommandError

from blueprint.backup import BackupError, export_all, uncovered_models


class Command(BaseCommand):
    help = "Back up every role (all versions, format v1 + a sidecar) and every other table into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A new or empty folder.")

    def handle(self, *args, directory, **options):
        missing = uncovered_models()
        if missing:
            raise CommandError(f"blueprint.backup does not know these tables yet: {', '.join(missing)}")
        try:
            summary = export_all(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up {summary} into {directory}"))
