"""Create, fill and publish blueprint versions."""
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from roles.blueprint_format import content_hash, write_rows
from roles.blueprint_format.rows import apply_version_fields, delete_rows
from roles.models import BlueprintVersion, Role, VersionStatus
from roles.signals import blueprint_published

from . import audit


class VersionFrozen(Exception):
    """A published or archived version was asked to change."""

    def __init__(self, version: BlueprintVersion):
        self.version = version
        super().__init__(f"{version.role.slug} v{version.number} is {version.status} and cannot change; "
                         "edit a new draft instead")


def ensure_editable(version: BlueprintVersion) -> None:
    if version.is_frozen:
        raise VersionFrozen(version)


def search_text_for(doc: dict) -> str:
    """What the catalog search looks through: title, family, skills, tools and KPI names."""
    parts = [doc["role"]["title"], doc["role"]["family"]]
    parts += [s["name"] for s in doc["technical_skills"]] + [s["name"] for s in doc["soft_skills"]]
    parts += [t["name"] for t in doc["tools"]] + [k["name"] for k in doc["kpis"]]
    return "\n".join(parts).lower()


def get_or_create_role_locked(*, doc: dict) -> tuple[Role, bool]:
    """The role for a document's slug, created if new, and locked for the rest of the transaction.

    ON CONFLICT DO NOTHING makes two imports of a new role safe without a savepoint round trip.
    """
    fields = doc["role"]
    existing = Role.objects.select_for_update().filter(slug=fields["slug"]).first()
    if existing is not None:
        return existing, False
    Role.objects.bulk_create([Role(title=fields["title"], slug=fields["slug"], family=fields["family"],
                                   level=fields["level"])], ignore_conflicts=True)
    return Role.objects.select_for_update().get(slug=fields["slug"]), True


# No savepoint: nothing expected is raised inside, and an import creates thousands of versions.
@transaction.atomic(savepoint=False)
def create_version(*, role: Role, doc: dict, by=None, change_note: str = "") -> BlueprintVersion:
    """A new draft of `role` holding the canonical document `doc`."""
    # Numbers come from a counter on the role, never from the versions left: a discarded v3 stays v3.
    Role.objects.filter(pk=role.pk).update(last_version_number=F("last_version_number") + 1)
    number = Role.objects.filter(pk=role.pk).values_list("last_version_number", flat=True).get()
    role.last_version_number = number
    version = BlueprintVersion(role=role, number=number, status=VersionStatus.DRAFT, created_by=by,
                               change_note=change_note, content_hash=content_hash(doc))
    apply_version_fields(version, doc)
    version.save()
    write_rows(version, doc)
    audit.record(action="version.created", by=by, role=role, version=version, note=change_note)
    return version


@transaction.atomic
def replace_content(*, version: BlueprintVersion, doc: dict, by=None, note: str = "") -> BlueprintVersion:
    """Swap the whole content of a draft for `doc`, bumping its revision; returns the version as saved.

    The status is read again under a row lock, whatever copy the caller holds: one loaded before the version
    was published (a shell session, a slow request) must neither write into it nor save its old status back.
    """
    version = BlueprintVersion.objects.select_for_update().select_related("role").get(pk=version.pk)
    ensure_editable(version)
    delete_rows(version)
    apply_version_fields(version, doc)
    version.content_hash = content_hash(doc)
    version.revision += 1
    version.save()
    write_rows(version, doc)
    audit.record(action="version.replaced", by=by, version=version, note=note)
    return version


@transaction.atomic
def publish_version(*, version: BlueprintVersion, by=None, note: str = "", search_text: str | None = None
                    ) -> BlueprintVersion:
    """Publish a draft: archive the role's current published version and point the role at this one.

    The role row is locked first, so two publishers of the same role run one after the other and
    exactly one version ends up published.
    """
    role = Role.objects.select_for_update().get(pk=version.role_id)
    version = BlueprintVersion.objects.select_for_update().get(pk=version.pk)
    ensure_editable(version)
    now = timezone.now()
    BlueprintVersion.objects.filter(role=role, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.ARCHIVED, updated_at=now
    )
    version.status = VersionStatus.PUBLISHED
    version.published_by = by if getattr(by, "is_authenticated", False) else None
    version.published_at = now
    version.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    role.published_version = version
    role.title, role.family, role.level = version.title, version.family, version.level
    if search_text is None:
        from roles.blueprint_format import read_document
        from roles.selectors import versions_with_content

        search_text = search_text_for(read_document(versions_with_content().get(pk=version.pk)))
    role.search_text = search_text
    role.save(update_fields=["published_version", "title", "family", "level", "search_text", "updated_at"])
    audit.record(action="version.published", by=by, role=role, version=version, note=note)
    # Inside the transaction: what receivers write (kpis' metrics) commits or rolls back with the publish.
    blueprint_published.send(sender=BlueprintVersion, version=version, by=by)
    return version
