"""People, their teams and roles: the small writes the admin, the demo and the tests share."""
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from common.text import single_line
from kpis.models import Assignment, Person, Team
from roles.models import Role


def ensure_team(*, name: str, manager=None) -> Team:
    """The team of this name (created when missing); its manager is set when one is given."""
    name = single_line(name, field="name")
    team, created = Team.objects.get_or_create(slug=slugify(name)[:150], defaults={"name": name, "manager": manager})
    if not created and manager is not None and team.manager_id != manager.pk:
        team.manager = manager
        team.save(update_fields=["manager"])
    return team


def add_person(*, name: str, email: str, user=None) -> Person:
    """The person with this e-mail (compared case-insensitively), created when missing."""
    email = single_line(email, field="email").lower()
    person = Person.objects.filter(email__iexact=email).first()
    if person is not None:
        return person
    person = Person(name=single_line(name, field="name"), email=email, user=user)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def assign(*, person: Person, role: Role, team: Team, starts_on: date, ends_on: date | None = None) -> Assignment:
    """Put a person in a role and team from `starts_on`. An overlapping assignment to the same role and
    team is the same assignment, not a second one."""
    overlapping = (Assignment.objects.select_for_update().filter(person=person, role=role, team=team)
                   .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)))
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    existing = overlapping.first()
    if existing is not None:
        return existing
    assignment = Assignment(person=person, role=role, team=team, starts_on=starts_on, ends_on=ends_on)
    assignment.full_clean()
    assignment.save()
    return assignment
