"""What hiring adds to the portal-wide authorization matrix (tests/test_authorization_matrix.py, every page,
action and endpoint × every persona): someone else's draft cannot be saved, API lists hold nothing of other
teams, and a draft scorecard is read by its interviewer only, everywhere it could show."""
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from hiring.services.scorecards import RatingInput, save_draft, submit
from tests.personas import sign_in

from .factories import opening_with_panel

pytestmark = pytest.mark.django_db



@dataclass
class World:
    opening: object
    candidate: object
    interview: object
    card: object
    users: dict


@pytest.fixture
def world(personas):
    opening, candidate, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    card = interview.scorecards.get()
    dims = list(opening.version.scorecard.all())
    save_draft(card=card, by=personas.interviewer1, key_takeaways="Interviewer one's notes",
               ratings={d.pk: RatingInput(3) for d in dims}, recommendation="yes")
    submit(card=card, by=personas.interviewer1)
    # interviewer2 is on another opening's team (with another candidate), not on this one.
    other, elsewhere, _ = opening_with_panel(personas.hiring, [personas.interviewer2], title="Elsewhere Engineer")
    elsewhere.name, elsewhere.email = "Other Person", "other@example.com"
    elsewhere.save(update_fields=["name", "email"])
    users = {"hiring": personas.hiring, "interviewer1": personas.interviewer1,
             "interviewer_elsewhere": personas.interviewer2, "hr": personas.hr, "outsider": personas.outsider,
             "admin": personas.admin, "anonymous": None}
    return World(opening, candidate, interview, card, users)


def test_a_draft_of_someone_else_cannot_be_saved_through_the_page(client, personas):
    opening, _, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    card = interview.scorecards.get()
    for user, expected in ((personas.hiring, 403), (personas.admin, 403), (personas.interviewer2, 404)):
        response = sign_in(client, user).post(f"/hiring/scorecards/{card.pk}/", {"key_takeaways": "not mine"})
        assert response.status_code == expected
    card.refresh_from_db()
    assert card.key_takeaways == ""


# ---------- API ----------

def test_api_lists_hold_nothing_of_other_teams(world):
    client = APIClient()
    client.force_authenticate(world.users["interviewer_elsewhere"])
    for url in ("/api/v1/openings/", "/api/v1/candidates/", "/api/v1/interviews/", "/api/v1/scorecards/"):
        body = client.get(url).json()
        assert body["count"] == 1, url  # their own opening, candidate, interview, scorecard only
    client.force_authenticate(world.users["hr"])
    for url in ("/api/v1/openings/", "/api/v1/candidates/", "/api/v1/interviews/", "/api/v1/scorecards/"):
        assert client.get(url).json()["count"] == 0, url


# ---------- Drafts (issue 6: nothing leaks) ----------

DRAFT_TEXT = ("Half-formed opinion", "Unfinished evidence")


def test_a_draft_scorecard_is_read_by_its_interviewer_only(client, personas):
    """Until it is submitted a scorecard is its interviewer's alone: the hiring manager, an admin and another
    interviewer (one who has submitted, in "always" mode) get 403 on its page, 404 through the API, and find it
    in no list, summary or admin page; the plan still shows that its interviewer is due."""
    opening, candidate, (first, second) = opening_with_panel(
        personas.hiring, [personas.interviewer1, personas.interviewer2], blind_mode="always")
    dims = list(opening.version.scorecard.all())
    draft = save_draft(card=first.scorecards.get(), by=personas.interviewer1, key_takeaways=DRAFT_TEXT[0],
                       ratings={d.pk: RatingInput(1, DRAFT_TEXT[1]) for d in dims}, recommendation="strong_no")
    other = second.scorecards.get()
    save_draft(card=other, by=personas.interviewer2, ratings={d.pk: RatingInput(3) for d in dims})
    submit(card=other, by=personas.interviewer2)
    api = APIClient()

    sign_in(client, personas.interviewer1)
    assert all(text in client.get(f"/hiring/scorecards/{draft.pk}/").content.decode() for text in DRAFT_TEXT)
    api.force_authenticate(personas.interviewer1)
    assert api.get(f"/api/v1/scorecards/{draft.pk}/").json()["key_takeaways"] == DRAFT_TEXT[0]
    assert draft.pk in [c["id"] for c in api.get("/api/v1/scorecards/").json()["results"]]

    for user in (personas.hiring, personas.admin, personas.interviewer2):
        sign_in(client, user)
        api.force_authenticate(user)
        reads = {
            "page": client.get(f"/hiring/scorecards/{draft.pk}/"),
            "plan": client.get(f"/hiring/candidates/{candidate.pk}/"),
            "api": api.get(f"/api/v1/scorecards/{draft.pk}/"),
            "api list": api.get(f"/api/v1/scorecards/?candidate={candidate.pk}"),
        }
        if user != personas.interviewer2:
            reads["summary"] = client.get(f"/hiring/candidates/{candidate.pk}/summary/")
            reads["api summary"] = api.get(f"/api/v1/candidates/{candidate.pk}/summary/")
        assert reads["page"].status_code == 403, user
        assert "still a draft: only its interviewer reads it" in reads["page"].content.decode()
        assert reads["api"].status_code == 404, user
        assert [c["id"] for c in reads["api list"].json()["results"]] == [other.pk], user
        plan = reads["plan"].content.decode()
        assert f"/hiring/scorecards/{draft.pk}/" not in plan and f"/hiring/scorecards/{other.pk}/" in plan
        assert "</span>Due</span>" in plan  # who has not submitted yet is no secret, only what they wrote
        if "summary" in reads:
            assert reads["api summary"].json()["pending"] == 1 and "1 pending" in reads["summary"].content.decode()
        for where, response in reads.items():
            body = response.content.decode()
            for text in DRAFT_TEXT:
                assert text not in body, f"{text!r} leaked to {user} through the {where}"

    sign_in(client, personas.admin)  # the Django admin keeps the rule too, for superusers
    listed = client.get("/admin/hiring/scorecard/").content.decode()
    assert f"/admin/hiring/scorecard/{other.pk}/change/" in listed
    assert f"/admin/hiring/scorecard/{draft.pk}/change/" not in listed
    change = client.get(f"/admin/hiring/scorecard/{draft.pk}/change/")
    assert change.status_code == 302 and not any(text in change.content.decode() for text in DRAFT_TEXT)

    submit(card=draft, by=personas.interviewer1)
    sign_in(client, personas.hiring)
    assert DRAFT_TEXT[0] in client.get(f"/hiring/scorecards/{draft.pk}/").content.decode()
