"""Import blueprint files: the one path used by the command, the /import/ page and backups."""
from dataclasses import dataclass, field

from django.db import transaction

from roles.blueprint_format import FormatError, content_hash, validate_document
from roles.importers.sources import SourceError, read_source
from roles.models import BlueprintVersion, VersionStatus

from . import versions


class ImportFailure(Exception):
    """A file could not be imported; nothing of it was written."""

    def __init__(self, file: str, where: str, message: str):
        self.file, self.where, self.message = file, where, message
        super().__init__(f"{file}: {where}: {message}" if where else f"{file}: {message}")


@dataclass
class ImportResult:
    file: str
    kind: str
    slug: str
    title: str
    action: str                      # created | new_version | updated_draft | unchanged | published
    version_number: int | None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


def section_counts(doc: dict) -> dict[str, int]:
    """Rows per section, as the preview and the command report show them."""
    hiring = doc["hiring"]
    counts = {key: len(doc[key]) for key in (
        "responsibilities", "activities", "deliverables", "milestones", "kpis", "technical_skills",
        "soft_skills", "tools", "environment", "stakeholders", "decision_rights", "qualifications",
        "risks", "variants", "ai_impact", "summary_table")}
    counts["career"] = sum(len(v) for v in doc["career"].values())
    counts["exercises"] = len(hiring["exercises"])
    counts["red_flags"] = len(hiring["red_flags"])
    counts["scorecard"] = len(hiring["scorecard"])
    return counts


class _DryRun(Exception):
    pass


def _apply(doc: dict, *, by, publish: bool, file: str, note: str) -> tuple[str, BlueprintVersion]:
    slug = doc["role"]["slug"]
    role, created = versions.get_or_create_role_locked(doc=doc)
    search_text = versions.search_text_for(doc)
    current = None if created else role.versions.exclude(status=VersionStatus.ARCHIVED).order_by("-number").first()
    digest = content_hash(doc)
    if current is not None and current.content_hash == digest:
        if publish and current.status != VersionStatus.PUBLISHED:
            # The draft's content came from wherever it was written; this file only matched it.
            note = note or f"Published on import of {file}, which has the same content as v{current.number}"
            return "published", versions.publish_version(version=current, by=by, note=note, search_text=search_text)
        return "unchanged", current
    note = note or f"Imported from {file}"
    if current is not None and current.status == VersionStatus.IN_REVIEW:
        raise FormatError("role", f"{slug} v{current.number} is in review; approve or reject it before importing "
                                  "new content")
    if current is not None and current.status == VersionStatus.DRAFT:
        version, action = versions.replace_content(version=current, doc=doc, by=by, note=note), "updated_draft"
    else:
        action = "created" if created else "new_version"
        version = versions.create_version(role=role, doc=doc, by=by, change_note=note)
    if publish:
        version = versions.publish_version(version=version, by=by, note=note, search_text=search_text)
    return action, version


def import_document(raw: dict, *, file: str = "document", kind: str = "format-v1", by=None, publish: bool = False,
                    dry_run: bool = False, warnings: list[str] | None = None, note: str = "") -> ImportResult:
    """Validate and store one document in one transaction (rolled back when dry_run)."""
    try:
        doc = validate_document(raw)
    except FormatError as exc:
        raise ImportFailure(file, exc.where, exc.message) from None
    result = ImportResult(file=file, kind=kind, slug=doc["role"]["slug"], title=doc["role"]["title"],
                          action="", version_number=None, counts=section_counts(doc),
                          warnings=list(warnings or []), notes=list(doc["notes"]), dry_run=dry_run)
    try:
        with transaction.atomic():
            action, version = _apply(doc, by=by, publish=publish, file=file, note=note)
            result.action, result.version_number = action, version.number
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except FormatError as exc:
        raise ImportFailure(file, exc.where, exc.message) from None
    return result


def import_file(name: str, data: bytes, *, by=None, publish: bool = False, dry_run: bool = False) -> ImportResult:
    """Read, validate and store one file: all of it or nothing. Raises ImportFailure."""
    try:
        source = read_source(name, data)
    except SourceError as exc:
        raise ImportFailure(name, exc.where, exc.message) from None
    return import_document(source.document, file=name, kind=source.kind, by=by, publish=publish,
                           dry_run=dry_run, warnings=source.warnings)
