"""hiring.visibility.visible_scorecards is the one rule for who reads which scorecard: the pages, the API, the admin
and the candidate summary agree with it exactly, for every persona, every blind mode and every step of a panel."""
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hiring.models import Scorecard, ScorecardStatus
from hiring.selectors import candidate_summary
from hiring.services.openings import add_candidate, plan_interview
from hiring.services.scorecards import RatingInput, save_draft, submit
from hiring.visibility import visible_scorecards

from .factories import interviewer, opening_with_panel

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="/hiring/scorecards/(\d+)/"')


def _rate(card, by, value):
    dims = card.interview.candidate.opening.version.scorecard.all()
    save_draft(card=card, by=by, recommendation="yes", ratings={d.pk: RatingInput(value) for d in dims})
    return submit(card=card, by=by)


def _api_ids(user, candidate) -> set[int]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/scorecards/?candidate={candidate.pk}")
    return {row["id"] for row in response.json()["results"]} if response.status_code == 200 else set()


def _page_ids(client, user, cards) -> set[int]:
    """The cards whose own page the user may open."""
    client.force_login(user)
    return {card.pk for card in cards if client.get(reverse("hiring:scorecard", args=[card.pk])).status_code == 200}


def _linked_ids(client, user, candidate) -> set[int]:
    """The cards the candidate page links to (it shows every card's status, and links the readable ones)."""
    client.force_login(user)
    response = client.get(reverse("hiring:candidate", args=[candidate.pk]))
    return {int(pk) for pk in LINK.findall(response.content.decode())} if response.status_code == 200 else set()


def _admin_ids(client, user, cards) -> set[int]:
    client.force_login(user)
    return {card.pk for card in cards
            if client.get(reverse("admin:hiring_scorecard_change", args=[card.pk])).status_code == 200}


@pytest.mark.parametrize("mode", ["after_submit", "never", "always"])
def test_pages_api_admin_and_summary_read_the_scorecards_the_one_rule_allows(client, personas, mode):
    third = interviewer("interviewer3")
    opening, candidate, interviews = opening_with_panel(
        personas.hiring, [personas.interviewer1, personas.interviewer2, third], blind_mode=mode)
    # interviewer4 interviews another candidate of the same opening: on the team, not on this panel.
    other = add_candidate(opening=opening, by=personas.hiring, name="Other", email="other@example.com")
    start = interviews[0].starts_at
    plan_interview(candidate=other, by=personas.hiring, stage_name="Screen", interviewer=interviewer("interviewer4"),
                   starts_at=start, ends_at=start + timedelta(hours=1))
    cards = [interview.scorecards.get() for interview in interviews]
    people = [personas.hiring, personas.interviewer1, personas.interviewer2, third, personas.admin, personas.hr,
              personas.outsider, other.interviews.get().interviewer]
    steps = [lambda: None,
             lambda: save_draft(card=cards[2], by=third, key_takeaways="half-way"),
             lambda: _rate(cards[0], personas.interviewer1, 3),
             lambda: _rate(cards[1], personas.interviewer2, 2)]
    seen_by_step = []
    for step in steps:
        step()
        seen = {}
        for user in people:
            rule = set(visible_scorecards(user, candidate=candidate).values_list("pk", flat=True))
            assert _api_ids(user, candidate) == rule, (mode, user.username, "API")
            assert _page_ids(client, user, cards) == rule, (mode, user.username, "scorecard pages")
            assert _linked_ids(client, user, candidate) == rule, (mode, user.username, "candidate page")
            if user.is_staff:
                assert _admin_ids(client, user, cards) == rule, (mode, user.username, "admin")
            drafts = Scorecard.objects.filter(pk__in=rule, status=ScorecardStatus.DRAFT)
            assert all(card.interviewer_id == user.pk for card in drafts), (mode, user.username, "someone's draft")
            seen[user.username] = rule
        summary = candidate_summary(candidate, user=personas.hiring)
        assert {card.pk for card in summary.cards} == {
            pk for pk in seen["hiring"] if Scorecard.objects.get(pk=pk).status == ScorecardStatus.SUBMITTED}
        seen_by_step.append(seen)
    final = seen_by_step[-1]
    submitted = {cards[0].pk, cards[1].pk}
    assert final["hiring"] == final["admin"] == submitted  # the third card is still a draft
    assert final["hr"] == final["outsider"] == final["interviewer4"] == set()
    assert final["interviewer3"] == {cards[2].pk} | ({cards[0].pk, cards[1].pk} if mode == "always" else set())
    assert final["interviewer1"] == ({cards[0].pk} if mode == "never" else submitted)
