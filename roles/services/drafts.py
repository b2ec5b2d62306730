"""Drafts: open one from the published version, save it (guarded by its revision), create and duplicate roles."""
from dataclasses import dataclass

from django.db import transaction

from roles import permissions
from roles.blueprint_format import FormatError, read_document, validate_document
from roles.blueprint_format.derive import derive_slug
from roles.models import AuditEvent, BlueprintVersion, Role, VersionStatus
from roles.selectors import open_draft, versions_with_content

from . import audit, versions


class WorkflowError(ValueError):
    """An action that the version's state does not allow, in words for the person who tried it."""


@dataclass
class DraftConflict(Exception):
    """The draft changed since the editor loaded it: nothing was saved."""

    version: BlueprintVersion
    expected_revision: int
    current_document: dict
    changed_by: list[str]

    def __str__(self):
        who = ", ".join(self.changed_by) or "someone"
        return (f"{self.version.role.slug} v{self.version.number} was saved by {who} since you opened it "
                f"(revision {self.expected_revision} → {self.version.revision}); nothing was saved")


def current_document(version: BlueprintVersion) -> dict:
    return read_document(versions_with_content().get(pk=version.pk))


def open_or_start_draft(*, role: Role, by) -> BlueprintVersion:
    """The role's open draft (or version in review); else a new draft copied from the published version."""
    permissions.require(permissions.can_edit(by, role), f"you may not edit roles of the family {role.family!r}")
    with transaction.atomic():
        role = Role.objects.select_for_update().get(pk=role.pk)
        existing = open_draft(role)
        if existing is not None:
            return existing
        source = role.published_version or role.versions.order_by("-number").first()
        if source is None:
            raise WorkflowError(f"{role.slug} has no version to start a draft from")
        doc = current_document(source)
        return versions.create_version(role=role, doc=doc, by=by, change_note="")


def save_draft(*, version: BlueprintVersion, document: dict, by, revision: int, note: str = "") -> BlueprintVersion:
    """Replace a draft's content with `document` (format v1) if nobody saved it since `revision`.

    Raises FormatError for invalid content, DraftConflict when the revision is stale, VersionFrozen
    for published and archived versions, WorkflowError for a version in review.
    """
    permissions.require(permissions.can_edit(by, version.role), "you may not edit this role")
    doc = validate_document(document)
    with transaction.atomic():
        locked = BlueprintVersion.objects.select_for_update().select_related("role").get(pk=version.pk)
        versions.ensure_editable(locked)
        if locked.status == VersionStatus.IN_REVIEW:
            raise WorkflowError(f"v{locked.number} is in review; the approver must send it back before it can "
                                "change")
        if doc["role"]["slug"] != locked.role.slug:
            raise FormatError("role.slug", f"cannot change from {locked.role.slug!r} in a draft")
        permissions.require(permissions.can_edit_family(by, doc["role"]["family"]),
                            f"you may not move the role to the family {doc['role']['family']!r}")
        if locked.revision != revision:
            since = (AuditEvent.objects.filter(version=locked, action="version.replaced").select_related("actor")
                     .order_by("-created_at")[: max(locked.revision - revision, 1)])
            raise DraftConflict(locked, revision, current_document(locked),
                                sorted({e.actor.username if e.actor else "an import" for e in since}))
        return versions.replace_content(version=locked, doc=doc, by=by, note=note)


def discard_draft(*, version: BlueprintVersion, by) -> Role:
    """Delete a draft (or a version in review). The published version is untouched."""
    permissions.require(permissions.can_edit(by, version.role), "you may not discard drafts of this role")
    with transaction.atomic():
        locked = BlueprintVersion.objects.select_for_update().select_related("role").get(pk=version.pk)
        versions.ensure_editable(locked)
        role = locked.role
        audit.record(action="version.discarded", by=by, version=locked, note=f"Discarded draft v{locked.number}")
        locked.delete()
    return role


def create_role(*, title: str, family: str, level: str, by, slug: str = "") -> Role:
    """A new role with an empty first draft."""
    doc = validate_document({"format": "role-blueprint/v1",
                             "role": {"title": title, "family": family, "level": level,
                                      "slug": slug or derive_slug(title)}})
    return _new_role(doc, by=by, note="Created from scratch")


def duplicate_role(*, source: Role, title: str, by, level: str = "", slug: str = "", family: str = "") -> Role:
    """A new role whose first draft copies `source`'s published (or latest) version. Copying an
    unpublished version is for those who may see the source's drafts."""
    if source.published_version_id is None:
        permissions.require(permissions.can_see_drafts(by, source), f"you may not copy drafts of {source.slug}")
    version = source.published_version or source.versions.order_by("-number").first()
    if version is None:
        raise WorkflowError(f"{source.slug} has no version to copy")
    doc = current_document(version)
    doc["role"].update(title=title, slug=slug or derive_slug(title), family=family or doc["role"]["family"])
    if level:
        doc["role"]["level"] = level
    doc.pop("source", None)
    doc["notes"] = []
    return _new_role(validate_document(doc), by=by, note=f"Duplicated from {source.slug} v{version.number}")


def _new_role(doc: dict, *, by, note: str) -> Role:
    role_fields = doc["role"]
    permissions.require(permissions.can_edit_family(by, role_fields["family"]),
                        f"you may not create roles in the family {role_fields['family']!r}")
    with transaction.atomic():
        if Role.objects.filter(slug=role_fields["slug"]).exists():
            raise FormatError("role.slug", f"a role with the slug {role_fields['slug']!r} already exists")
        role, _ = versions.get_or_create_role_locked(doc=doc)
        versions.create_version(role=role, doc=doc, by=by, change_note=note)
        audit.record(action="role.created", by=by, role=role, note=note)
    return role
