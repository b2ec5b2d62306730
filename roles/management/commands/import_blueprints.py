"""python manage.py import_blueprints PATH [PATH ...] [--dry-run] [--publish]"""
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from roles.services.importing import ImportFailure, ImportResult, import_file


def expand(paths: list[str]) -> list[Path]:
    """Files named, and every file inside the directories named (hidden files skipped)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{raw}: no such file or directory")
    return files


def describe(result: ImportResult) -> str:
    shown = {k: v for k, v in result.counts.items() if v}
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in shown.items()) or "no rows"
    verb = {"created": "created", "new_version": "new version", "updated_draft": "updated draft",
            "unchanged": "unchanged", "published": "published"}[result.action]
    prefix = "would be " if result.dry_run and result.changed else ""
    return f"{result.slug} v{result.version_number}: {prefix}{verb} ({result.kind}; {counts})"


class Command(BaseCommand):
    help = "Import role blueprints (format v1 JSON/YAML, WordPress post JSON, HTML or Markdown of the template)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or directories")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
        parser.add_argument("--publish", action="store_true", help="publish the imported versions")
        parser.add_argument("--by", default=None, help="username recorded in the audit trail")
        parser.add_argument("--quiet-report", action="store_true", help="print failures and the total only")

    def handle(self, *args, **options):
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"--by: no user named {options['by']!r}")
        files = expand(options["paths"])
        if not files:
            raise CommandError("no files to import")
        started = time.perf_counter()
        failures, results = [], []
        progress = tqdm(files, unit="file", file=self.stderr._out, disable=len(files) < 2 or options["verbosity"] == 0)
        for path in progress:
            try:
                if path.stat().st_size > settings.BLUEPRINT_MAX_UPLOAD_BYTES:
                    limit = settings.BLUEPRINT_MAX_UPLOAD_BYTES / 1_048_576
                    raise ImportFailure(str(path), "file", f"is {path.stat().st_size / 1_048_576:.1f} MB; "
                                                           f"the limit is {limit:.0f} MB")
                result = import_file(str(path), path.read_bytes(), by=by, publish=options["publish"],
                                     dry_run=options["dry_run"])
            except ImportFailure as exc:
                failures.append(exc)
                progress.write(self.style.ERROR(f"✗ {exc}"), file=self.stderr._out)
                continue
            results.append(result)
            if not options["quiet_report"]:
                progress.write(f"✓ {path}: {describe(result)}", file=self.stdout._out)
                for warning in result.warnings:
                    progress.write(f"    warning: {warning}", file=self.stdout._out)
                for note in result.notes:
                    where = f"[{note['section']}] " if note["section"] else ""
                    progress.write(f"    kept as note: {where}{note['text'][:120]}", file=self.stdout._out)
        elapsed = time.perf_counter() - started
        changed = sum(1 for r in results if r.changed)
        summary = (f"{len(results)} imported ({changed} changed, {len(results) - changed} unchanged), "
                   f"{len(failures)} failed, in {elapsed:.1f} s" + (" — dry run, nothing written" if options["dry_run"] else ""))
        self.stdout.write(summary)
        if failures:
            raise CommandError(f"{len(failures)} of {len(files)} files failed; each failed file left the database "
                               "unchanged")
