"""The hiring API: the same rules as the pages, through the same services and selectors."""
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from hiring.models import Scorecard
from hiring.selectors import weighted_score
from hiring.visibility import visible_scorecards
from hiring.services.openings import add_candidate, plan_interview
from hiring.services.scorecards import RatingInput, save_draft, submit

from .factories import interviewer, opening_with_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return client_for


@pytest.fixture
def panel(personas):
    return opening_with_panel(personas.hiring, [personas.interviewer1, personas.interviewer2])


def _card(interview) -> Scorecard:
    return interview.scorecards.get()


def _dims(opening):
    return list(opening.version.scorecard.all())


def _rate(card, by, values, recommendation="yes", flags=()):
    dims = _dims(card.interview.candidate.opening)
    save_draft(card=card, by=by, recommendation=recommendation, red_flags=list(flags),
               ratings={d.pk: RatingInput(v, "Seen" if v in (1, 4) else "") for d, v in zip(dims, values)})
    return submit(card=card, by=by)


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_openings_list_the_requesters_openings_with_their_pinned_version(api, personas, panel):
    opening, _, _ = panel
    body = api(personas.hiring).get("/api/v1/openings/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["title"] == opening.title and row["version"] == 1 and row["hiring_manager"] == "hiring"
    assert row["candidate_count"] == 1 and row["blind_mode"] == "after_submit"
    assert row["blueprint_updated_since"] is False
    assert row["url"].endswith(f"/api/v1/openings/{opening.pk}/")
    assert _ids(api(personas.interviewer1).get("/api/v1/openings/")) == [opening.pk]
    assert _ids(api(personas.hr).get("/api/v1/openings/")) == []


def test_candidates_and_interviews_of_the_team_s_openings(api, personas, panel):
    opening, candidate, interviews = panel
    body = api(personas.interviewer1).get(f"/api/v1/candidates/?opening={opening.pk}").json()
    assert [(c["name"], c["email"], c["stage"]) for c in body["results"]] == [
        ("Casey Candidate", "casey@example.com", "interviewing")]
    rows = api(personas.interviewer1).get(f"/api/v1/interviews/?candidate={candidate.pk}").json()["results"]
    assert [(r["stage_name"], r["interviewer"], r["scorecard"]) for r in rows] == [
        ("Interview 1", "interviewer1", _card(interviews[0]).pk),
        ("Interview 2", "interviewer2", _card(interviews[1]).pk)]
    assert api(personas.hiring).get("/api/v1/candidates/?opening=x").status_code == 400


@pytest.mark.parametrize("mode", ["after_submit", "never", "always"])
def test_the_scorecard_list_is_exactly_what_blind_feedback_allows(api, personas, mode):
    _, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1, personas.interviewer2],
                                                  blind_mode=mode)
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8)
    for step in ("before", "after"):
        if step == "after":
            _rate(_card(interviews[1]), personas.interviewer2, [2] * 8)
        for user in (personas.hiring, personas.interviewer1, personas.interviewer2, personas.admin):
            listed = sorted(_ids(api(user).get("/api/v1/scorecards/")))
            assert listed == sorted(c.pk for c in visible_scorecards(user, candidate=candidate)), (mode, step, user)


def test_always_mode_shows_a_candidates_cards_only_to_interviewers_of_that_candidate(api, personas):
    opening, first, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1], blind_mode="always")
    _rate(_card(interview), personas.interviewer1, [3] * 8)
    second = add_candidate(opening=opening, by=personas.hiring, name="Second", email="second@example.com")
    start = interview.starts_at
    plan_interview(candidate=second, by=personas.hiring, stage_name="Screen", interviewer=personas.interviewer2,
                   starts_at=start, ends_at=start + timedelta(hours=1))
    assert list(visible_scorecards(personas.interviewer2, candidate=first)) == []
    listed = _ids(api(personas.interviewer2).get("/api/v1/scorecards/"))
    assert _card(interview).pk not in listed and len(listed) == 1  # their own card for the second candidate
    assert api(personas.interviewer2).get(f"/api/v1/scorecards/{_card(interview).pk}/").status_code == 404


def test_patch_saves_a_draft_through_the_service(api, personas, panel):
    opening, _, interviews = panel
    card = _card(interviews[0])
    dims = _dims(opening)
    flag = opening.version.items.filter(group="red_flags").first()
    client = api(personas.interviewer1)
    response = client.patch(f"/api/v1/scorecards/{card.pk}/", {
        "ratings": [{"dimension": dims[0].pk, "rating": 4, "evidence": "Clean abstractions"},
                    {"dimension": dims[1].pk, "rating": None}],
        "red_flags": [flag.pk], "key_takeaways": "Strong coder", "recommendation": "strong_yes"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["recommendation"] == "strong_yes" and body["red_flags"] == [flag.pk]
    assert body["ratings"][0] == {"dimension": dims[0].pk, "dimension_name": "Dimension 1", "weight": "high",
                                  "rating": 4, "evidence": "Clean abstractions"}
    # Evidence is kept when a rating is sent without it.
    client.patch(f"/api/v1/scorecards/{card.pk}/", {"ratings": [{"dimension": dims[0].pk, "rating": 4}]},
                 format="json")
    assert card.ratings.get(dimension=dims[0]).evidence == "Clean abstractions"


def test_patch_errors_name_the_field(api, personas, panel):
    opening, _, interviews = panel
    card = _card(interviews[0])
    client = api(personas.interviewer1)
    response = client.patch(f"/api/v1/scorecards/{card.pk}/",
                            {"ratings": [{"dimension": _dims(opening)[0].pk, "rating": 5}]}, format="json")
    assert response.status_code == 400 and response.json()["where"] == "ratings.0.rating"
    response = client.patch(f"/api/v1/scorecards/{card.pk}/", {"red_flags": [999999]}, format="json")
    assert response.status_code == 400 and response.json()["where"] == "red_flags"
    assert "blueprint" in response.json()["detail"]
    response = client.patch(f"/api/v1/scorecards/{card.pk}/", {"ratings": [{"dimension": 999999, "rating": 3}]},
                            format="json")
    assert response.status_code == 400 and response.json()["where"] == "rating-999999"


def test_only_the_assigned_interviewer_writes_and_a_submitted_card_is_locked(api, personas, panel):
    _, _, interviews = panel
    card = _card(interviews[0])
    # Nobody else may even see interviewer1's draft: not interviewer2, not the hiring manager, not an admin.
    for user in (personas.interviewer2, personas.hiring, personas.admin):
        assert api(user).patch(f"/api/v1/scorecards/{card.pk}/", {"key_takeaways": "x"},
                               format="json").status_code == 404
        assert api(user).post(f"/api/v1/scorecards/{card.pk}/submit/").status_code == 404
    _rate(card, personas.interviewer1, [3] * 8)
    response = api(personas.hiring).patch(f"/api/v1/scorecards/{card.pk}/", {"key_takeaways": "mine"}, format="json")
    assert response.status_code == 403 and "assigned interviewer" in response.json()["detail"]
    response = api(personas.interviewer1).patch(f"/api/v1/scorecards/{card.pk}/", {"key_takeaways": "late"},
                                                format="json")
    assert response.status_code == 409 and "amendment" in response.json()["detail"]
    card.refresh_from_db()
    assert card.key_takeaways == ""


def test_submit_checks_evidence_and_the_start_time(api, personas):
    opening, _, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    card = _card(interview)
    client = api(personas.interviewer1)
    client.patch(f"/api/v1/scorecards/{card.pk}/", {"ratings": [{"dimension": _dims(opening)[0].pk, "rating": 1}]},
                 format="json")
    response = client.post(f"/api/v1/scorecards/{card.pk}/submit/")
    assert response.status_code == 400 and response.json()["where"] == "evidence"
    assert "Dimension 1" in response.json()["detail"]
    client.patch(f"/api/v1/scorecards/{card.pk}/", {"ratings": [{"dimension": _dims(opening)[0].pk, "rating": 1,
                                                                  "evidence": "Could not explain"}]}, format="json")
    response = client.post(f"/api/v1/scorecards/{card.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert client.post(f"/api/v1/scorecards/{card.pk}/submit/").status_code == 409

    _, _, (later,) = opening_with_panel(personas.hiring, [personas.interviewer2], title="Future Engineer",
                                        started_hours_ago=-5)
    response = api(personas.interviewer2).post(f"/api/v1/scorecards/{_card(later).pk}/submit/")
    assert response.status_code == 409 and "not started" in response.json()["detail"]


def test_the_summary_json_has_the_matrix_weighted_score_spread_flags_and_tally(api, personas, panel):
    opening, candidate, interviews = panel
    flag = opening.version.items.filter(group="red_flags").first()
    first, second = [4, 3, 3, None, 2, 2, 3, 3], [2, 3, None, None, 2, 4, 3, 1]
    c1 = _rate(_card(interviews[0]), personas.interviewer1, first, recommendation="strong_yes")
    c2 = _rate(_card(interviews[1]), personas.interviewer2, second, recommendation="", flags=[flag.pk])
    weights = [d.weight for d in _dims(opening)]
    response = api(personas.hiring).get(f"/api/v1/candidates/{candidate.pk}/summary/")
    assert response.status_code == 200
    body = response.json()
    assert body["weighted_score"] == weighted_score(list(zip(weights, first)) + list(zip(weights, second)))
    assert [s["interviewer"] for s in body["scorecards"]] == ["interviewer1", "interviewer2"]
    assert body["scorecards"][0]["weighted_score"] == weighted_score(list(zip(weights, first)))
    row = body["matrix"][0]
    assert row["dimension"] == "Dimension 1" and row["weight"] == "high"
    assert row["ratings"] == [{"scorecard": c1.pk, "interviewer": "interviewer1", "rating": 4},
                              {"scorecard": c2.pk, "interviewer": "interviewer2", "rating": 2}]
    assert (row["mean"], row["spread"], row["disagreement"]) == (3.0, 2, True)
    assert body["matrix"][3]["spread"] is None and body["matrix"][3]["mean"] is None
    assert body["disagreements"] == ["Dimension 1", "Dimension 6", "Dimension 8"]
    assert body["red_flags"] == [{"flag": flag.text, "raised_by": ["interviewer2"]}]
    assert body["tally"] == {"strong_yes": 1, "yes": 0, "no": 0, "strong_no": 0, "no_decision": 1}
    assert body["pending"] == 0


def test_the_summary_json_leaves_drafts_out_but_counts_them_pending(api, personas, panel):
    opening, candidate, interviews = panel
    flag = opening.version.items.filter(group="red_flags").first()
    submitted = _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, recommendation="yes")
    save_draft(card=_card(interviews[1]), by=personas.interviewer2, recommendation="strong_no", red_flags=[flag.pk],
               key_takeaways="Half-written", ratings={d.pk: RatingInput(1, "Unfinished") for d in _dims(opening)})
    for user in (personas.hiring, personas.admin):
        body = api(user).get(f"/api/v1/candidates/{candidate.pk}/summary/").json()
        assert body["weighted_score"] == 3.0 and body["disagreements"] == [] and body["red_flags"] == []
        assert [s["id"] for s in body["scorecards"]] == [submitted.pk] and body["pending"] == 1
        assert {r["scorecard"] for row in body["matrix"] for r in row["ratings"]} == {submitted.pk}
        assert body["tally"] == {"strong_yes": 0, "yes": 1, "no": 0, "strong_no": 0, "no_decision": 0}
        assert "Half-written" not in str(body) and "Unfinished" not in str(body)


def test_list_queries_do_not_grow_with_the_number_of_scorecards(api, personas, django_assert_max_num_queries):
    counts = []
    for size, title in ((2, "Api Small Engineer"), (6, "Api Large Engineer")):
        people = [interviewer(f"{title.split()[1].lower()}{i}") for i in range(size)]
        _, candidate, interviews = opening_with_panel(personas.hiring, people, title=title)
        for person, interview in zip(people, interviews):
            _rate(_card(interview), person, [3] * 8)
        client = api(personas.hiring)
        with django_assert_max_num_queries(8) as captured:
            assert client.get(f"/api/v1/scorecards/?candidate={candidate.pk}").json()["count"] == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_interview_timestamps_are_iso_8601(api, personas, panel):
    _, _, interviews = panel
    row = api(personas.hiring).get(f"/api/v1/interviews/{interviews[0].pk}/").json()
    assert row["starts_at"].startswith(interviews[0].starts_at.isoformat()[:16])
    assert interviews[0].ends_at - interviews[0].starts_at == timedelta(hours=1)
