"""Who may do what. Groups are created by a migration; demo users are put in them by load_demo."""
from django.contrib.auth.models import AbstractBaseUser

HR = "HR"
EDITORS = "Editors"
APPROVERS = "Approvers"
HIRING_MANAGERS = "Hiring managers"
INTERVIEWERS = "Interviewers"
PEOPLE_MANAGERS = "People managers"
ADMINS = "Admins"
ALL_GROUPS = (HR, EDITORS, APPROVERS, HIRING_MANAGERS, INTERVIEWERS, PEOPLE_MANAGERS, ADMINS)


def in_group(user: AbstractBaseUser, name: str) -> bool:
    if not user.is_authenticated:
        return False
    # Cache the user's group names on the instance: pages ask several times per request.
    names = getattr(user, "_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._group_names = names
    return name in names


def is_admin(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (user.is_superuser or in_group(user, ADMINS))


def can_import(user: AbstractBaseUser) -> bool:
    """Importing blueprints writes many roles at once: admins only."""
    return is_admin(user)
