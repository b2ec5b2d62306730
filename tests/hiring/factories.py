"""Openings with a panel, built through the hiring services."""
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from hiring.services.openings import add_candidate, open_opening, plan_interview
from roles.permissions import INTERVIEWERS

from ..roles.factories import published_role


def interviewer(username: str) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.com", password="demo")
    user.groups.add(Group.objects.get_or_create(name=INTERVIEWERS)[0])
    return user


def opening_with_panel(hiring_manager, interviewers, *, title="Hiring Engineer", blind_mode="after_submit",
                       started_hours_ago=2):
    """A published role, an opening for it, one candidate, and one past interview per interviewer."""
    role = published_role(title)
    opening = open_opening(role=role, by=hiring_manager, blind_mode=blind_mode)
    candidate = add_candidate(opening=opening, by=hiring_manager, name="Casey Candidate", email="casey@example.com",
                              source="Referral")
    start = timezone.now() - timedelta(hours=started_hours_ago)
    interviews = [plan_interview(candidate=candidate, by=hiring_manager, stage_name=f"Interview {i + 1}",
                                 interviewer=person, starts_at=start, ends_at=start + timedelta(hours=1))
                  for i, person in enumerate(interviewers)]
    return opening, candidate, interviews
