"""python manage.py import_all DIR — restore a backup written by export_all into an empty portal."""
from django.core.management.base import BaseCommand, CommandError

from blueprint.backup import BackupError, import_all


class Command(BaseCommand):
    help = "Restore a backup written by export_all (into a migrated, empty database; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A folder written by export_all.")

    def handle(self, *args, directory, **options):
        try:
            summary = import_all(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {summary} from {directory}"))
