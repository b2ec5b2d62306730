"""Review: submit a draft, publish it or send it back."""
from django.db import transaction

from roles import permissions
from roles.models import BlueprintVersion, Role, VersionStatus

from . import audit, versions
from .drafts import WorkflowError


def _locked(version: BlueprintVersion) -> BlueprintVersion:
    return BlueprintVersion.objects.select_for_update().select_related("role").get(pk=version.pk)


def submit_for_review(*, version: BlueprintVersion, by, note: str) -> BlueprintVersion:
    """draft → in_review, with a change note saying what changed and why."""
    permissions.require(permissions.can_edit(by, version.role), "you may not submit drafts of this role")
    if not note.strip():
        raise WorkflowError("a change note is required: say what changed and why")
    with transaction.atomic():
        locked = _locked(version)
        versions.ensure_editable(locked)
        if locked.status != VersionStatus.DRAFT:
            raise WorkflowError(f"v{locked.number} is {locked.get_status_display().lower()}, not a draft")
        locked.status = VersionStatus.IN_REVIEW
        locked.change_note = note.strip()
        locked.review_comment = ""
        locked.save(update_fields=["status", "change_note", "review_comment", "updated_at"])
        audit.record(action="version.submitted", by=by, version=locked, note=locked.change_note)
    return locked


def send_back(*, version: BlueprintVersion, by, comment: str) -> BlueprintVersion:
    """in_review → draft, with the approver's comment for the editor."""
    permissions.require(permissions.can_review(by, version.role), "only approvers can send drafts back")
    if not comment.strip():
        raise WorkflowError("a comment is required: tell the editor what to change")
    with transaction.atomic():
        locked = _locked(version)
        if locked.status != VersionStatus.IN_REVIEW:
            raise WorkflowError(f"v{locked.number} is not in review")
        locked.status = VersionStatus.DRAFT
        locked.review_comment = comment.strip()
        locked.save(update_fields=["status", "review_comment", "updated_at"])
        audit.record(action="version.sent_back", by=by, version=locked, note=locked.review_comment)
    return locked


def approve(*, version: BlueprintVersion, by, note: str = "") -> BlueprintVersion:
    """in_review → published (the previous published version is archived in the same transaction)."""
    permissions.require(permissions.can_review(by, version.role), "only approvers can publish")
    with transaction.atomic():
        # Role first, then version: the same lock order as publish_version and the importer.
        Role.objects.select_for_update().get(pk=version.role_id)
        locked = _locked(version)
        if locked.status != VersionStatus.IN_REVIEW:
            raise WorkflowError(f"v{locked.number} is {locked.get_status_display().lower()}; only a version in "
                                "review can be published")
        return versions.publish_version(version=locked, by=by, note=note or locked.change_note)


