"""python manage.py export_blueprint SLUG [--format json|yaml|markdown] [--version N]"""
from django.core.management.base import BaseCommand, CommandError

from roles.blueprint_format import FORMATS
from roles.exporting import ExportError, export_text, version_for_export


class Command(BaseCommand):
    help = "Print a role's blueprint in format v1 (JSON or YAML) or as readable Markdown."

    def add_base_argument(self, parser, *args, **kwargs):
        # --version selects a blueprint version here, so Django's "print the program version" flag gives way.
        if "--version" in args:
            return
        super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--version", type=int, default=None, dest="number",
                            help="version number (default: the published one, else the latest)")

    def handle(self, *args, slug, **options):
        try:
            version = version_for_export(slug, options["number"])
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(export_text(version, options["format"]), ending="")
