"""Who may do what, in one place. Services call these before writing; views and the API use them to
decide what to show. Groups are created by a migration; load_demo puts the demo users in them.

- HR readers (and every user in a portal group) read published role pages.
- Editors edit drafts of roles in the families assigned to them (FamilyAssignment).
- Approvers review, publish or send back drafts of any family.
- Admins (group "Admins" or superusers) do everything.
- A signed-in user in no group sees nothing.
- A role exists for a member only if it has a published version or they may see its drafts: every
  role-scoped page answers 404 for any other role, exactly as for an unknown slug (`visible_role`).
"""
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from roles.models import Role

HR = "HR"
EDITORS = "Editors"
APPROVERS = "Approvers"
HIRING_MANAGERS = "Hiring managers"
INTERVIEWERS = "Interviewers"
PEOPLE_MANAGERS = "People managers"
ADMINS = "Admins"
ALL_GROUPS = (HR, EDITORS, APPROVERS, HIRING_MANAGERS, INTERVIEWERS, PEOPLE_MANAGERS, ADMINS)


def _group_names(user) -> set[str]:
    # Cached on the instance: a page asks several times per request.
    names = getattr(user, "_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._group_names = names
    return names


def in_group(user: AbstractBaseUser, name: str) -> bool:
    return user.is_authenticated and name in _group_names(user)


def is_admin(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (user.is_superuser or in_group(user, ADMINS))


def can_read(user: AbstractBaseUser) -> bool:
    """Published role pages, the catalog and exports of published versions."""
    return is_admin(user) or (user.is_authenticated and bool(_group_names(user) & set(ALL_GROUPS)))


def edit_families(user: AbstractBaseUser) -> set[str]:
    families = getattr(user, "_edit_families", None)
    if families is None:
        families = set(user.family_assignments.values_list("family", flat=True)) if user.is_authenticated else set()
        user._edit_families = families
    return families


def can_edit_family(user: AbstractBaseUser, family: str) -> bool:
    return is_admin(user) or (in_group(user, EDITORS) and family in edit_families(user))


def can_edit(user: AbstractBaseUser, role) -> bool:
    return can_edit_family(user, role.family)


def can_review(user: AbstractBaseUser, role=None) -> bool:
    return is_admin(user) or in_group(user, APPROVERS)


def can_see_drafts(user: AbstractBaseUser, role) -> bool:
    """Drafts, versions in review and the history page."""
    return can_edit(user, role) or can_review(user, role)


def can_see_role(user: AbstractBaseUser, role) -> bool:
    """The role's pages exist for `user`: a member, and the role is published or they may see its drafts."""
    return can_read(user) and (role.published_version_id is not None or can_see_drafts(user, role))


def visible_role(user: AbstractBaseUser, slug: str, queryset: QuerySet[Role] | None = None) -> Role:
    """The role of a role-scoped URL. Users outside the portal's groups get 403 whatever the slug, so the
    answer tells them nothing about which roles exist; for a member, a role they may not see is 404 like
    an unknown slug (a 403 naming its family would tell a draft-only role exists)."""
    require(can_read(user), "Role pages are for members of the portal's groups.")
    role = (queryset if queryset is not None else Role.objects.all()).filter(slug=slug).first()
    if role is None or not can_see_role(user, role):
        raise Http404(f"No role {slug!r}")
    return role


def can_import(user: AbstractBaseUser) -> bool:
    """Importing blueprints writes many roles at once: admins only."""
    return is_admin(user)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
