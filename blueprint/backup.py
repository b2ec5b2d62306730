"""Back up and restore the whole portal: `manage.py export_all DIR` and `manage.py import_all DIR`.

The backup is a folder:

    manifest.json                       what wrote it, when, and how many rows of what
    blueprints/<slug>/v<number>.json    every version of every role, in format v1 (roles.exporting)
    blueprints/<slug>/versions.json     the sidecar: what format v1 has no field for — the role's own
                                        columns, and per version its number, status, revision, notes,
                                        who created and published it and when
    data/<app>.<model>.json             every other table, with Django's JSON serializer

Ids: users and groups travel by natural key (username, group name) and permissions by (codename, app,
model), so they never clash with rows a fresh database already has. The blueprint's rows (roles, versions,
scorecard dimensions, red flags and other items, skills, tools) are rebuilt by the format-v1 importer and
get new ids, so references to them are written as natural keys of this module's own — a role by slug, a
version by (slug, number), a dimension by (slug, number, position), an item by (slug, number, section,
position) — and resolved to the new ids on restore. Every other table keeps its ids; import_all resets
the database's sequences afterwards.

import_all restores into an empty portal (no roles, no people, no openings) in one transaction: all or
nothing.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from roles.blueprint_format import validate_document
from roles.exporting import export_text
from roles.models import AuditEvent, BlueprintItem, BlueprintVersion, Role, ScorecardDimension, Skill, Tool
from roles.selectors import versions_with_content
from roles.services import versions as version_services

FORMAT = "blueprint-portal-backup"
FORMAT_VERSION = 1

# The tables written as data/<label>.json, parents before children (the order of the restore).
DATA_MODELS = [
    "auth.group",
    "auth.user",
    "accounts.apitoken",
    "roles.familyassignment",
    "roles.auditevent",
    "kpis.team",
    "kpis.person",
    "kpis.assignment",
    "kpis.metric",
    "kpis.measurement",
    "kpis.rollup",
    "kpis.rollupstate",
    "hiring.opening",
    "hiring.candidate",
    "hiring.interview",
    "hiring.hiringdecision",
    "hiring.hiringevent",
    "hiring.scorecard",
    "hiring.dimensionrating",
    "hiring.scorecardamendment",
]
# Rebuilt from the format-v1 files (the content rows of a version included).
BLUEPRINT_APP_MODELS = {"roles.role", "roles.blueprintversion", "roles.skill", "roles.tool"}
# Work in flight, not data: a restored queue claim would only hold back the portal's next rollup.
NOT_BACKED_UP = {"kpis.rollupqueue"}
# The portal's own apps: each of their models must be in DATA_MODELS or be blueprint content, so that a
# table added later cannot be left out of backups silently (checked by covered_models()).
PORTAL_APPS = ("roles", "kpis", "hiring")


class BackupError(Exception):
    pass


@dataclass
class Summary:
    roles: int = 0
    versions: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def __str__(self):
        rows = ", ".join(f"{count} {label}" for label, count in self.rows.items() if count)
        return f"{self.roles} roles, {self.versions} versions; {rows or 'no other rows'}"


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _is_blueprint_content(model) -> bool:
    """Rows that belong to a version (roles.models.content): written by the format-v1 importer."""
    fk = next((f for f in model._meta.concrete_fields
               if f.is_relation and f.related_model is BlueprintVersion and f.name == "version"), None)
    return model._meta.app_label == "roles" and fk is not None and model is not AuditEvent


def uncovered_models() -> list[str]:
    """Models of the portal's apps that a backup would leave out (must be empty)."""
    missing = []
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            label = _label(model)
            if (label not in DATA_MODELS and label not in BLUEPRINT_APP_MODELS and label not in NOT_BACKED_UP
                    and not _is_blueprint_content(model)):
                missing.append(label)
    return missing


# ---------- natural keys of the blueprint's rows ----------

class _Keys:
    """pk ↔ natural key for the rows the format-v1 importer rebuilds."""

    def __init__(self):
        roles = dict(Role.objects.values_list("pk", "slug"))
        versions = {pk: (roles[role], number)
                    for pk, role, number in BlueprintVersion.objects.values_list("pk", "role_id", "number")}
        self.forward = {
            Role: roles,
            BlueprintVersion: versions,
            ScorecardDimension: {pk: (*versions[v], position) for pk, v, position in
                                 ScorecardDimension.objects.values_list("pk", "version_id", "position")},
            BlueprintItem: {pk: (*versions[v], section, position) for pk, v, section, position in
                            BlueprintItem.objects.values_list("pk", "version_id", "section", "position")},
            Skill: dict(Skill.objects.values_list("pk", "name")),
            Tool: dict(Tool.objects.values_list("pk", "name")),
        }

    def to_key(self, model, pk):
        if pk is None:
            return None
        key = self.forward[model][pk]
        return list(key) if isinstance(key, tuple) else key

    def to_pk(self, model, key):
        if key is None:
            return None
        if not hasattr(self, "backward"):
            self.backward = {m: {v: k for k, v in mapping.items()} for m, mapping in self.forward.items()}
        try:
            return self.backward[model][tuple(key) if isinstance(key, list) else key]
        except KeyError:
            raise BackupError(f"{model._meta.label} {key!r} is referred to but not in the backup's blueprints") \
                from None


def _remapped_fields(model) -> dict[str, tuple[type, bool]]:
    """Fields of `model` that point at rebuilt blueprint rows: name → (related model, many-to-many?)."""
    targets = {Role, BlueprintVersion, ScorecardDimension, BlueprintItem, Skill, Tool}
    found = {}
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model in targets:
            found[f.name] = (f.related_model, False)
    for f in model._meta.many_to_many:
        if f.related_model in targets:
            found[f.name] = (f.related_model, True)
    return found


# ---------- export ----------

def export_all(directory: Path) -> Summary:
    """Write every row of the portal into `directory` (new or empty).

    This is an operator's full backup (a management command), not a person's export: it goes around every
    visibility rule on purpose, hiring.visibility's included, so draft scorecards, unpublished blueprint
    versions and the audit trails are in it, and the folder is as confidential as the database. Scorecards
    reach people only through hiring.visibility.visible_scorecards (pages, API, admin).
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; back up into a new folder")
    (directory / "blueprints").mkdir(parents=True, exist_ok=True)
    (directory / "data").mkdir(exist_ok=True)
    summary = Summary()
    with transaction.atomic():  # one consistent snapshot (REPEATABLE READ is not needed for a quiet portal)
        keys = _Keys()
        for role in Role.objects.order_by("slug"):
            summary.roles += 1
            folder = directory / "blueprints" / role.slug
            folder.mkdir()
            sidecar = {
                "role": {"slug": role.slug, "title": role.title, "family": role.family, "level": role.level,
                         "last_version_number": role.last_version_number, "search_text": role.search_text,
                         "created_at": _iso(role.created_at), "updated_at": _iso(role.updated_at),
                         "published_version": None},
                "versions": [],
            }
            for version in versions_with_content().filter(role=role).select_related(
                    "created_by", "published_by").order_by("number"):
                summary.versions += 1
                name = f"v{version.number}.json"
                (folder / name).write_text(export_text(version, "json"), encoding="utf-8")
                if version.pk == role.published_version_id:
                    sidecar["role"]["published_version"] = version.number
                sidecar["versions"].append({
                    "file": name, "number": version.number, "status": version.status,
                    "revision": version.revision, "change_note": version.change_note,
                    "review_comment": version.review_comment,
                    "created_by": version.created_by.get_username() if version.created_by else None,
                    "created_at": _iso(version.created_at), "updated_at": _iso(version.updated_at),
                    "published_by": version.published_by.get_username() if version.published_by else None,
                    "published_at": _iso(version.published_at),
                })
            (folder / "versions.json").write_text(json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
        for label in DATA_MODELS:
            model = apps.get_model(label)
            objects = serializers.serialize("python", model._default_manager.order_by("pk"),
                                            use_natural_foreign_keys=True, use_natural_primary_keys=True)
            remap = _remapped_fields(model)
            for obj in objects:
                for name, (target, many) in remap.items():
                    value = obj["fields"][name]
                    obj["fields"][name] = [keys.to_key(target, v) for v in value] if many \
                        else keys.to_key(target, value)
            many_to_many = [f.name for f in model._meta.many_to_many]
            for obj in objects:
                for name in many_to_many:  # databases return these in no fixed order
                    obj["fields"][name] = sorted(obj["fields"][name],
                                                 key=lambda v: json.dumps(v, sort_keys=True, default=str))
            summary.rows[label] = len(objects)
            (directory / "data" / f"{label}.json").write_text(
                json.dumps(objects, cls=ExactJSONEncoder, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "created_at": _iso(timezone.now()),
                "roles": summary.roles, "versions": summary.versions, "rows": summary.rows}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds, so a restored row would differ from the saved one (and a
    time 0.000123 s past the second would export differently after a restore); a backup keeps every digit."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt_timezone.utc)


# ---------- import ----------

def portal_is_empty() -> bool:
    from hiring.models import Opening
    from kpis.models import Person, Team

    return not (Role.objects.exists() or Team.objects.exists() or Person.objects.exists()
                or Opening.objects.exists())


def import_all(directory: Path) -> Summary:
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"{directory} has no manifest.json; is it a folder written by export_all?")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"{manifest_path}: not a {FORMAT} version {FORMAT_VERSION} manifest")
    if not portal_is_empty():
        raise BackupError("the portal already holds roles, teams, people or openings; restore into an empty "
                          "database (migrate a new one)")
    summary = Summary()
    with transaction.atomic():
        from django.contrib.auth import get_user_model

        # Users first: versions name who created and published them.
        _load(directory, "auth.group", None, summary)
        _load(directory, "auth.user", None, summary)
        users = {u.get_username(): u.pk for u in get_user_model().objects.all()}
        audit_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for folder in sorted(p for p in (directory / "blueprints").iterdir() if p.is_dir()):
            _restore_role(folder, users, summary)
        # The importer's own audit rows; the backup's audit trail replaces them.
        AuditEvent.objects.filter(pk__gt=audit_before).delete()
        keys = _Keys()
        for label in DATA_MODELS:
            if label == "kpis.measurement":
                _restore_measurements(directory, summary)
            elif label not in ("auth.group", "auth.user"):
                _load(directory, label, keys, summary)
        _reset_sequences()
    return summary


def _restore_role(folder: Path, users: dict[str, int], summary: Summary) -> None:
    sidecar = json.loads((folder / "versions.json").read_text(encoding="utf-8"))
    meta = sidecar["role"]
    role = None
    for entry in sorted(sidecar["versions"], key=lambda e: e["number"]):
        raw = json.loads((folder / entry["file"]).read_text(encoding="utf-8"))
        doc = validate_document(raw)
        if role is None:
            role, _ = version_services.get_or_create_role_locked(doc=doc)
        # create_version numbers from the role's counter: set it so the version gets its old number back.
        Role.objects.filter(pk=role.pk).update(last_version_number=entry["number"] - 1)
        version = version_services.create_version(role=role, doc=doc, by=None, change_note=entry["change_note"])
        if version.number != entry["number"]:
            raise BackupError(f"{folder.name}: v{entry['number']} came back as v{version.number}")
        BlueprintVersion.objects.filter(pk=version.pk).update(
            status=entry["status"], revision=entry["revision"], review_comment=entry["review_comment"],
            created_by_id=_user(users, entry["created_by"]), published_by_id=_user(users, entry["published_by"]),
            created_at=_when(entry["created_at"]), updated_at=_when(entry["updated_at"]) or timezone.now(),
            published_at=_when(entry["published_at"]))
        summary.versions += 1
    if role is None:
        role, _ = Role.objects.get_or_create(slug=meta["slug"], defaults={"title": meta["title"]})
    published = (BlueprintVersion.objects.get(role=role, number=meta["published_version"])
                 if meta["published_version"] else None)
    Role.objects.filter(pk=role.pk).update(
        title=meta["title"], family=meta["family"], level=meta["level"], published_version=published,
        last_version_number=meta["last_version_number"], search_text=meta["search_text"],
        created_at=_when(meta["created_at"]), updated_at=_when(meta["updated_at"]) or timezone.now())
    summary.roles += 1


def _user(users: dict[str, int], username: str | None) -> int | None:
    if username is None:
        return None
    if username not in users:
        raise BackupError(f"user {username!r} is named by a blueprint version but not in data/auth.user.json")
    return users[username]


def _load(directory: Path, label: str, keys: _Keys | None, summary: Summary) -> None:
    path = directory / "data" / f"{label}.json"
    if not path.is_file():
        summary.rows[label] = 0
        return
    objects = json.loads(path.read_text(encoding="utf-8"))
    model = apps.get_model(label)
    remap = _remapped_fields(model)
    if remap and keys is None:
        raise BackupError(f"{label} refers to blueprint rows and must be loaded after them")
    for obj in objects:
        for name, (target, many) in remap.items():
            value = obj["fields"].get(name)
            obj["fields"][name] = [keys.to_pk(target, v) for v in value] if many else keys.to_pk(target, value)
    for deserialized in serializers.deserialize("python", objects, handle_forward_references=False):
        deserialized.save()
    summary.rows[label] = len(objects)


def _restore_measurements(directory: Path, summary: Summary) -> None:
    """Measurements go through the one service that writes them (kpis.services.measurements), which
    checks every row and keeps each one's id, team, source, recorder and time."""
    from kpis.services.measurements import (
        Kept,
        MeasurementError,
        MeasurementRow,
        record_measurements,
    )

    path = directory / "data" / "kpis.measurement.json"
    objects = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    users = dict(apps.get_model("auth.user").objects.values_list("username", "pk"))
    rows = []
    for obj in objects:
        f = obj["fields"]
        recorded_by = f["recorded_by"][0] if f["recorded_by"] else None
        if recorded_by is not None and recorded_by not in users:
            raise BackupError(f"kpis.measurement {obj['pk']}: user {recorded_by!r} is not in data/auth.user.json")
        # The row's team is a person's team as resolved when it was recorded; a team row's is its subject.
        kept = Kept(id=obj["pk"], team_id=f["team"] if f["person"] is not None else None, source=f["source"],
                    recorded_by_id=users.get(recorded_by), recorded_at=_when(f["recorded_at"]))
        rows.append(MeasurementRow(metric_id=f["metric"], period=parse_date(f["period"]), value=f["value"],
                                   person_id=f["person"], team_id=None if f["person"] is not None else f["team"],
                                   note=f["note"], kept=kept))
    try:
        record_measurements(rows=rows, by=None, source=None, restored=True)
    except MeasurementError as exc:
        raise BackupError(f"{path}: {exc}") from None
    summary.rows["kpis.measurement"] = len(rows)


def _reset_sequences() -> None:
    """Rows kept their ids: move the database's id sequences past them (PostgreSQL; SQLite needs nothing)."""
    models_ = [apps.get_model(label) for label in DATA_MODELS]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


__all__ = ["BackupError", "Summary", "export_all", "import_all", "portal_is_empty", "uncovered_models"]
