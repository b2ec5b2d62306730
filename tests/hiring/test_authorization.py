"""Who reaches what in hiring, page by page and endpoint by endpoint, and that nothing leaks.

The opening is managed by `hiring` and interviewed by `interviewer1`; `interviewer2` interviews for another
opening only. Outside the team the candidate does not exist (404); a team member asking for more than their
part gets 403; a signed-in user in no group gets 403 everywhere; anonymous visitors are sent to sign in
(pages) or answered 401 (API).
"""
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from hiring.models import HiringEvent, Interview
from hiring.services.scorecards import RatingInput, save_draft, submit
from tests.personas import sign_in

from .factories import opening_with_panel

pytestmark = pytest.mark.django_db

WHO = ("hiring", "interviewer1", "interviewer_elsewhere", "hr", "outsider", "admin", "anonymous")
SECRETS = ("Casey Candidate", "casey@example.com")


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


def _url(template: str, world: World) -> str:
    return template.format(opening=world.opening.pk, candidate=world.candidate.pk, card=world.card.pk,
                           interview=world.interview.pk)


# ---------- Pages (GET) ----------

#        page                                       hiring int1 elsewhere hr  outsider admin anon
PAGES = [
    ("/hiring/",                                    (200, 200, 200, 200, 403, 200, 302)),
    ("/hiring/openings/new/",                       (200, 403, 403, 403, 403, 200, 302)),
    ("/hiring/openings/{opening}/",                 (200, 200, 404, 404, 404, 200, 302)),
    ("/hiring/candidates/{candidate}/",             (200, 200, 404, 404, 404, 200, 302)),
    ("/hiring/candidates/{candidate}/summary/",     (200, 403, 404, 404, 404, 200, 302)),
    ("/hiring/scorecards/{card}/",                  (200, 200, 404, 404, 404, 200, 302)),
    ("/hiring/scorecards/{card}/amend/",            (403, 200, 404, 404, 404, 403, 302)),
    ("/hiring/calibration/",                        (200, 403, 403, 403, 403, 200, 302)),
]
PAGE_CASES = [(url, who, expected) for url, outcomes in PAGES for who, expected in zip(WHO, outcomes)]


@pytest.mark.parametrize("url,who,expected", PAGE_CASES, ids=[f"{u}-{w}" for u, w, _ in PAGE_CASES])
def test_pages(client, world, url, who, expected):
    user = world.users[who]
    if user is not None:
        sign_in(client, user)
    response = client.get(_url(url, world))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/?next=")
    on_team = who in ("hiring", "interviewer1", "admin")
    if not on_team or expected != 200:
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, f"{secret!r} leaked to {who} on {url}"


# ---------- Page actions (POST) ----------

def _post_data(world, **extra):
    data = {f"rating-{d.pk}": "3" for d in world.opening.version.scorecard.all()}
    data.update(extra)
    return data


#        action, the data posted, then outcomes for: hiring int1 elsewhere hr outsider admin anon
ACTIONS = [
    ("/hiring/openings/{opening}/",      lambda w: {"name": "New Person", "email": "new@example.com"},
     (302, 403, 404, 404, 404, 302, 302)),
    ("/hiring/openings/{opening}/repin/", lambda w: {},
     (302, 403, 404, 404, 404, 302, 302)),
    ("/hiring/candidates/{candidate}/",  lambda w: {"stage_name": "Extra", "interviewer": w.users["interviewer1"].pk,
                                                    "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"},
     (302, 403, 404, 404, 404, 302, 302)),
    ("/hiring/candidates/{candidate}/summary/", lambda w: {"decision": "hire", "reason": "Strong panel"},
     (302, 403, 404, 404, 404, 302, 302)),
    ("/hiring/scorecards/{card}/amend/", lambda w: _post_data(w, reason="Second look", recommendation="strong_yes"),
     (403, 302, 404, 404, 404, 403, 302)),
    ("/hiring/scorecards/{card}/autosave/", lambda w: _post_data(w),
     (403, 200, 404, 404, 404, 403, 302)),
]
ACTION_CASES = [(url, data, who, expected) for url, data, outcomes in ACTIONS for who, expected in zip(WHO, outcomes)]


@pytest.mark.parametrize("url,data,who,expected", ACTION_CASES, ids=[f"{u}-{w}" for u, _, w, _ in ACTION_CASES])
def test_page_actions(client, world, url, data, who, expected):
    user = world.users[who]
    if user is not None:
        sign_in(client, user)
    events = HiringEvent.objects.count()
    response = client.post(_url(url, world), data(world))
    assert response.status_code == expected
    if expected in (403, 404) or who == "anonymous":
        assert HiringEvent.objects.count() == events, "a refused action left a trace"
        assert Interview.objects.filter(stage_name="Extra").count() == 0
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html


def test_a_draft_of_someone_else_cannot_be_saved_through_the_page(client, personas):
    opening, _, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    card = interview.scorecards.get()
    for user, expected in ((personas.hiring, 403), (personas.admin, 403), (personas.interviewer2, 404)):
        response = sign_in(client, user).post(f"/hiring/scorecards/{card.pk}/", {"key_takeaways": "not mine"})
        assert response.status_code == expected
    card.refresh_from_db()
    assert card.key_takeaways == ""


# ---------- API ----------

#        endpoint                                        hiring int1 elsewhere hr outsider admin anon
ENDPOINTS = [
    ("/api/v1/openings/",                                (200, 200, 200, 200, 403, 200, 401)),
    ("/api/v1/openings/{opening}/",                      (200, 200, 404, 404, 403, 200, 401)),
    ("/api/v1/candidates/",                              (200, 200, 200, 200, 403, 200, 401)),
    ("/api/v1/candidates/{candidate}/",                  (200, 200, 404, 404, 403, 200, 401)),
    ("/api/v1/candidates/{candidate}/summary/",          (200, 403, 404, 404, 403, 200, 401)),
    ("/api/v1/interviews/",                              (200, 200, 200, 200, 403, 200, 401)),
    ("/api/v1/interviews/{interview}/",                  (200, 200, 404, 404, 403, 200, 401)),
    ("/api/v1/scorecards/",                              (200, 200, 200, 200, 403, 200, 401)),
    ("/api/v1/scorecards/{card}/",                       (200, 200, 404, 404, 403, 200, 401)),
]
API_CASES = [(url, who, expected) for url, outcomes in ENDPOINTS for who, expected in zip(WHO, outcomes)]


@pytest.mark.parametrize("url,who,expected", API_CASES, ids=[f"{u}-{w}" for u, w, _ in API_CASES])
def test_api(world, url, who, expected):
    client = APIClient()
    if world.users[who] is not None:
        client.force_authenticate(world.users[who])
    response = client.get(_url(url, world))
    assert response.status_code == expected
    body = response.content.decode()
    if who not in ("hiring", "interviewer1", "admin"):
        for secret in SECRETS + ("Interviewer one's notes",):
            assert secret not in body, f"{secret!r} leaked to {who} through {url}"


#        write                                             hiring int1 elsewhere hr outsider admin anon
API_WRITES = [
    ("patch", "/api/v1/scorecards/{card}/", {"key_takeaways": "x"},      (403, 409, 404, 404, 403, 403, 401)),
    ("post", "/api/v1/scorecards/{card}/submit/", {},                    (403, 409, 404, 404, 403, 403, 401)),
]
WRITE_CASES = [(m, url, body, who, expected) for m, url, body, outcomes in API_WRITES
               for who, expected in zip(WHO, outcomes)]


@pytest.mark.parametrize("method,url,body,who,expected", WRITE_CASES,
                         ids=[f"{m}-{u}-{w}" for m, u, _, w, _ in WRITE_CASES])
def test_api_writes(world, method, url, body, who, expected):
    client = APIClient()
    if world.users[who] is not None:
        client.force_authenticate(world.users[who])
    response = getattr(client, method)(_url(url, world), body, format="json")
    assert response.status_code == expected
    world.card.refresh_from_db()
    assert world.card.key_takeaways == "Interviewer one's notes"


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
