"""What the requester may see through the API, decided by roles.permissions.

Drafts and versions in review exist only for those who may see them (editors of the role's family,
approvers, admins): to everybody else they answer 404, exactly like a version that does not exist.
"""
from django.core.cache import cache
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from roles import permissions
from roles.models import BlueprintVersion, Role, VersionStatus
from roles.services.drafts import current_document

FROZEN = (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)
DOCUMENT_TIMEOUT = 30 * 24 * 3600


class PortalMember(BasePermission):
    """Signed in and in one of the portal's groups; a signed-in user in no group gets 403 everywhere."""

    message = "the API is for members of the portal's groups; ask an admin to add you to one"

    def has_permission(self, request, view):
        return permissions.can_read(request.user)


def visible_role(user, slug: str) -> Role:
    """The role, if it has a published version or `user` may see its drafts (else 404)."""
    role = Role.objects.filter(slug=slug).first()
    if role is None or not permissions.can_see_role(user, role):
        raise NotFound(f"no role with the slug {slug!r}")
    return role


def visible_versions(user, role: Role) -> QuerySet[BlueprintVersion]:
    versions = role.versions.all()
    return versions if permissions.can_see_drafts(user, role) else versions.filter(status__in=FROZEN)


def visible_version(user, pk: int) -> BlueprintVersion:
    """The version with its role, if `user` may see it (else 404)."""
    version = BlueprintVersion.objects.select_related("role").filter(pk=pk).first()
    if version is None or not (version.is_frozen or permissions.can_see_drafts(user, version.role)):
        raise NotFound(f"no version with the id {pk}")
    return version


def document_of(version: BlueprintVersion) -> dict:
    """The version's format-v1 document. Published and archived versions never change, so theirs is cached
    (the slug is part of the key because the document carries it and an admin may rename a role)."""
    if not version.is_frozen:
        return current_document(version)
    key = f"roles-api:document:{version.pk}:{version.role.slug}"
    document = cache.get(key)
    if document is None:
        document = current_document(version)
        cache.set(key, document, DOCUMENT_TIMEOUT)
    return document
