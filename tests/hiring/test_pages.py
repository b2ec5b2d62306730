"""The hiring pages: openings, candidates, the scorecard (draft, autosave, submit, amend, blind feedback), the
panel summary with its decision, calibration — and their query counts, locked for a panel of 2 and of 6."""
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from hiring.models import Candidate, HiringEvent, Interview, Opening, Scorecard
from hiring.selectors import weighted_score
from hiring.services.openings import add_candidate, plan_interview
from hiring.services.scorecards import RatingInput, record_decision, save_draft, submit
from roles.blueprint_format.synthetic import make_document
from roles.services.importing import import_document
from tests.personas import sign_in
from tests.roles.factories import published_role

from .factories import interviewer, opening_with_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(personas):
    """An after-submit opening with a candidate interviewed by interviewer1 and interviewer2."""
    return opening_with_panel(personas.hiring, [personas.interviewer1, personas.interviewer2])


def _card(interview) -> Scorecard:
    return interview.scorecards.get()


def _dims(opening):
    return list(opening.version.scorecard.all())


def _rate(card, by, values, recommendation="yes", takeaways="", flags=()):
    dims = _dims(card.interview.candidate.opening)
    save_draft(card=card, by=by, recommendation=recommendation, key_takeaways=takeaways, red_flags=list(flags),
               ratings={d.pk: RatingInput(v, "Seen in the exercise" if v in (1, 4) else "")
                        for d, v in zip(dims, values)})
    return submit(card=card, by=by)


def _post_data(card, values, recommendation="yes", evidence=None, action="save", **extra):
    """The scorecard form as a browser posts it: values in rubric order, None for no signal."""
    data = {"action": action, "recommendation": recommendation, "key_takeaways": extra.pop("key_takeaways", "")}
    for i, (dim, value) in enumerate(zip(_dims(card.interview.candidate.opening), values)):
        data[f"rating-{dim.pk}"] = "none" if value is None else str(value)
        data[f"evidence-{dim.pk}"] = (evidence or {}).get(i, "")
    data.update(extra)
    return data


def _publish_again():
    """Publish v2 of the panel's role (an unchanged document would be a no-op import)."""
    doc = make_document("Hiring Engineer")
    doc["kpis"][0]["target"] = "a new target"
    import_document(doc, publish=True)


def _html(response) -> str:
    return response.content.decode()


# ---------- Openings ----------

def test_openings_page_lists_the_users_openings_with_their_pinned_version(client, personas, panel):
    opening, _, _ = panel
    html = _html(sign_in(client, personas.hiring).get("/hiring/"))
    assert opening.title in html and f"v{opening.version.number}" in html
    assert "1 opening" in html and "Open a requisition" in html
    row = re.search(r'<td data-label="Candidates" class="num">(\d+)</td>', html)
    assert row and row.group(1) == "1"

    html = _html(sign_in(client, personas.interviewer1).get("/hiring/"))
    assert opening.title in html and "Open a requisition" not in html

    html = _html(sign_in(client, personas.hr).get("/hiring/"))
    assert opening.title not in html and "You are not on any hiring team yet" in html


def test_opening_a_requisition_pins_the_roles_published_version(client, personas):
    role = published_role("Pinned Engineer")
    sign_in(client, personas.hiring)
    assert "Choose a role" in _html(client.get("/hiring/openings/new/"))
    response = client.post("/hiring/openings/new/", {"role": role.pk, "title": "", "blind_mode": "never"})
    opening = Opening.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hiring/openings/{opening.pk}/"
    assert (opening.version_id, opening.title, opening.blind_mode) == (role.published_version_id, role.title, "never")
    html = _html(client.get(response["Location"]))
    assert f"pinned to v{opening.version.number}" in html and "No candidates yet" in html


def test_opening_form_errors_are_next_to_the_field(client, personas):
    sign_in(client, personas.hiring)
    response = client.post("/hiring/openings/new/", {"role": "", "blind_mode": "sometimes"})
    html = _html(response)
    assert response.status_code == 200 and not Opening.objects.exists()
    assert "Please correct the problems below." in html
    assert html.count('class="field__error"') == 2


def test_a_later_publish_shows_the_banner_with_the_diff_link_and_repinning_moves_the_opening(client, personas, panel):
    opening, _, interviews = panel
    _publish_again()
    sign_in(client, personas.hiring)
    html = _html(client.get(f"/hiring/openings/{opening.pk}/"))
    assert "Blueprint updated since." in html
    assert f'href="/roles/{opening.role.slug}/diff/1/2/"' in html and "See what changed" in html
    assert "Re-pin to v2" in html

    response = client.post(f"/hiring/openings/{opening.pk}/repin/")
    assert response.status_code == 302
    opening.refresh_from_db()
    assert opening.version.number == 2
    html = _html(client.get(f"/hiring/openings/{opening.pk}/"))
    assert "Re-pinned from v1 to v2" in html and "Blueprint updated since." not in html


def test_repinning_is_offered_only_while_no_scorecard_is_submitted(client, personas, panel):
    opening, _, interviews = panel
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8)
    _publish_again()
    html = _html(sign_in(client, personas.hiring).get(f"/hiring/openings/{opening.pk}/"))
    assert "Blueprint updated since." in html and "Re-pin to v2" not in html
    assert "A scorecard has been submitted, so the rubric stays at v1" in html
    response = client.post(f"/hiring/openings/{opening.pk}/repin/", follow=True)
    assert "a scorecard has been submitted" in _html(response).lower()
    opening.refresh_from_db()
    assert opening.version.number == 1


def test_the_interviewers_see_the_banner_but_no_repin_button(client, personas, panel):
    opening, _, _ = panel
    _publish_again()
    html = _html(sign_in(client, personas.interviewer1).get(f"/hiring/openings/{opening.pk}/"))
    assert "Blueprint updated since." in html and "Re-pin" not in html
    assert client.post(f"/hiring/openings/{opening.pk}/repin/").status_code == 403


def test_candidates_table_counts_interviews_and_scorecards_and_shows_scores_to_the_manager(client, personas, panel):
    opening, candidate, interviews = panel
    _rate(_card(interviews[0]), personas.interviewer1, [4, 3, 3, None, 2, 2, 3, 3])
    expected = weighted_score([(d.weight, r) for d, r in zip(_dims(opening), [4, 3, 3, None, 2, 2, 3, 3])])
    html = _html(sign_in(client, personas.hiring).get(f"/hiring/openings/{opening.pk}/"))
    assert "Casey Candidate" in html and "casey@example.com" in html
    assert '<td data-label="Interviews done" class="num">2 / 2</td>' in html
    assert '<td data-label="Scorecards in" class="num">1 / 2</td>' in html
    assert f"{expected:.2f}" in html and "Not decided" in html

    html = _html(sign_in(client, personas.interviewer2).get(f"/hiring/openings/{opening.pk}/"))
    assert "Casey Candidate" in html and ">Weighted score</th>" not in html and f"{expected:.2f}" not in html
    assert "Fill in your scorecard" in html


def test_the_manager_adds_a_candidate_and_errors_stay_next_to_the_field(client, personas, panel):
    opening, _, _ = panel
    sign_in(client, personas.hiring)
    response = client.post(f"/hiring/openings/{opening.pk}/", {"name": "Robin Reyes", "email": "not-an-email"})
    assert response.status_code == 200 and 'value="Robin Reyes"' in _html(response)
    assert "Enter a valid email address." in _html(response)
    response = client.post(f"/hiring/openings/{opening.pk}/", {"name": "Robin Reyes", "email": "robin@example.com",
                                                                "source": "Job board"})
    robin = Candidate.objects.get(name="Robin Reyes")
    assert response["Location"] == f"/hiring/candidates/{robin.pk}/"
    assert HiringEvent.objects.filter(action="candidate.added", candidate=robin, actor=personas.hiring).exists()
    duplicate = client.post(f"/hiring/openings/{opening.pk}/", {"name": "Robin again", "email": "ROBIN@example.com"})
    assert duplicate.status_code == 200 and Candidate.objects.filter(opening=opening).count() == 2
    assert "already exists" in _html(duplicate)
    assert sign_in(client, personas.interviewer1).post(
        f"/hiring/openings/{opening.pk}/", {"name": "X", "email": "x@example.com"}).status_code == 403


# ---------- Candidate and interview plan ----------

def test_the_manager_plans_an_interview_with_focus_dimensions(client, personas, panel):
    opening, candidate, _ = panel
    dims = _dims(opening)
    sign_in(client, personas.hiring)
    html = _html(client.get(f"/hiring/candidates/{candidate.pk}/"))
    assert "Plan an interview" in html and 'type="datetime-local"' in html
    assert all(d.dimension in html for d in dims)
    interviewers = re.search(r'<select name="interviewer".*?</select>', html, re.S).group(0)
    assert "Interviewer1 (interviewer1)" in interviewers and "(hr)" not in interviewers  # Interviewers group
    response = client.post(f"/hiring/candidates/{candidate.pk}/", {
        "stage_name": "Take-home review", "interviewer": personas.interviewer1.pk,
        "starts_at": "2030-05-02T10:00", "ends_at": "2030-05-02T11:00",
        "focus_dimensions": [dims[0].pk, dims[2].pk]})
    assert response.status_code == 302
    interview = Interview.objects.get(stage_name="Take-home review")
    assert list(interview.focus_dimensions.all()) == [dims[0], dims[2]]
    assert interview.scorecards.get().ratings.count() == 8
    html = _html(client.get(f"/hiring/candidates/{candidate.pk}/"))
    assert "Take-home review" in html and "Thu 2 May 2030" in html and "10:00–11:00" in html


def test_an_interview_that_ends_before_it_starts_is_refused_next_to_the_end_time(client, personas, panel):
    opening, candidate, _ = panel
    sign_in(client, personas.hiring)
    response = client.post(f"/hiring/candidates/{candidate.pk}/", {
        "stage_name": "Backwards", "interviewer": personas.interviewer2.pk,
        "starts_at": "2030-05-02T10:00", "ends_at": "2030-05-02T09:00"})
    html = _html(response)
    assert response.status_code == 200 and not Interview.objects.filter(stage_name="Backwards").exists()
    assert 'id="id_ends_at_error">The interview must end after it starts</p>' in html
    assert 'value="Backwards"' in html


def test_the_candidate_page_links_each_interviewer_to_their_own_scorecard_only(client, personas, panel):
    _, candidate, interviews = panel
    html = _html(sign_in(client, personas.interviewer1).get(f"/hiring/candidates/{candidate.pk}/"))
    assert f'/hiring/scorecards/{_card(interviews[0]).pk}/' in html
    assert f'/hiring/scorecards/{_card(interviews[1]).pk}/' not in html  # blind until they submit
    assert "Plan an interview" not in html and "Panel summary" not in html


# ---------- Scorecard ----------

def test_the_scorecard_shows_focus_dimensions_first_with_anchors_and_the_rest_collapsed(client, personas, focused):
    card, dims = focused
    html = _html(sign_in(client, personas.interviewer1).get(f"/hiring/scorecards/{card.pk}/"))
    focus_at = html.index(f'id="dim-{dims[2].pk}"')
    details_at = html.index('<details class="dim-group"')
    assert focus_at < details_at < html.index(f'id="dim-{dims[0].pk}"')
    assert "Your focus dimensions" in html and "Other dimensions" in html
    assert "Meets looks like" in html and "Strong looks like" in html
    assert html.count('name="rating-') == 8 * 5  # 1–4 and no signal per dimension
    for label in ("Does not meet", "Partially meets", "Meets", "Strong", "No signal"):
        assert f'<span class="rating-option__label">{label}</span>' in html
    assert "Evidence is required for a rating of 1 (Does not meet) or 4 (Strong)." in html
    assert "Red flag 1 for Hiring Engineer" in html
    for label in ("Strong no", "No", "Yes", "Strong yes", "No decision"):
        assert f'<span class="reco-option__box">{label}</span>' in html
    assert 'hx-post="/hiring/scorecards/%d/autosave/"' % card.pk in html
    assert "<script>" not in html


@pytest.fixture
def focused(personas):
    """interviewer1's card on an interview focused on dimensions 3 and 6."""
    opening, candidate, _ = opening_with_panel(personas.hiring, [])
    dims = _dims(opening)
    start = timezone.now() - timedelta(hours=2)
    interview = plan_interview(candidate=candidate, by=personas.hiring, stage_name="Focused",
                               interviewer=personas.interviewer1, starts_at=start, ends_at=start + timedelta(hours=1),
                               focus_dimensions=[dims[2], dims[5]])
    return _card(interview), dims


def test_saving_a_draft_keeps_everything_and_submit_without_evidence_is_refused_next_to_the_field(
        client, personas, panel):
    _, _, interviews = panel
    card = _card(interviews[0])
    dims = _dims(card.interview.candidate.opening)
    sign_in(client, personas.interviewer1)
    values = [4, 3, 3, None, 2, 1, 3, 3]
    response = client.post(f"/hiring/scorecards/{card.pk}/",
                           _post_data(card, values, evidence={5: "Could not explain it"}, key_takeaways="Good"))
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == "draft" and card.key_takeaways == "Good"
    assert [r.rating for r in card.ratings.all()] == values

    response = client.post(f"/hiring/scorecards/{card.pk}/", _post_data(
        card, values, evidence={5: "Could not explain it"}, action="submit", key_takeaways="Good, edited"))
    html = _html(response)
    assert response.status_code == 400
    assert (f'id="id_evidence-{dims[0].pk}_error">A rating of 4 (Strong) needs an evidence note' in html)
    assert f'id="id_evidence-{dims[5].pk}_error"' not in html  # rated 1 with evidence: fine
    assert "Good, edited" in html  # nothing typed is lost
    card.refresh_from_db()
    assert card.status == "draft" and card.key_takeaways == "Good, edited"  # the draft part was saved

    response = client.post(f"/hiring/scorecards/{card.pk}/", _post_data(
        card, values, evidence={0: "Clean abstractions", 5: "Could not explain it"}, action="submit"))
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == "submitted" and card.submitted_at is not None
    html = _html(client.get(f"/hiring/scorecards/{card.pk}/"))
    assert "Submitted" in html and "Amend…" in html and 'name="rating-' not in html
    assert "Clean abstractions" in html

    # Locked: a further POST changes nothing.
    client.post(f"/hiring/scorecards/{card.pk}/", _post_data(card, [1] * 8, action="save"))
    card.refresh_from_db()
    assert [r.rating for r in card.ratings.all()] == values


def test_submitting_before_the_interview_starts_is_refused(client, personas):
    opening, candidate, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1],
                                                          started_hours_ago=-24)
    card = _card(interview)
    sign_in(client, personas.interviewer1)
    html = _html(client.get(f"/hiring/scorecards/{card.pk}/"))
    assert "You can submit once the interview has started" in html
    response = client.post(f"/hiring/scorecards/{card.pk}/", _post_data(card, [3] * 8, action="submit"))
    assert response.status_code == 400 and "has not started yet" in _html(response)
    card.refresh_from_db()
    assert card.status == "draft"


def test_autosave_saves_the_draft_and_answers_a_status_line(client, personas, panel):
    _, _, interviews = panel
    card = _card(interviews[0])
    sign_in(client, personas.interviewer1)
    response = client.post(f"/hiring/scorecards/{card.pk}/autosave/",
                           _post_data(card, [3, None, None, None, None, None, None, 2], key_takeaways="typing…"),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Draft saved at" in _html(response)
    card.refresh_from_db()
    assert card.key_takeaways == "typing…" and card.ratings.first().rating == 3
    other = _card(interviews[1])
    assert client.post(f"/hiring/scorecards/{other.pk}/autosave/", _post_data(other, [3] * 8)).status_code == 403


def test_blind_feedback_after_submit_hides_others_until_the_interviewer_submits(client, personas, panel):
    _, _, interviews = panel
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, takeaways="Secret opinion of interviewer one")
    mine = _card(interviews[1])
    sign_in(client, personas.interviewer2)
    html = _html(client.get(f"/hiring/scorecards/{mine.pk}/"))
    assert "You’ll see the other 1 scorecard after you submit yours." in html
    assert "Secret opinion of interviewer one" not in html
    assert client.get(f"/hiring/scorecards/{_card(interviews[0]).pk}/").status_code == 403

    _rate(mine, personas.interviewer2, [2] * 8)
    html = _html(client.get(f"/hiring/scorecards/{mine.pk}/"))
    assert "Secret opinion of interviewer one" in html and "after you submit yours" not in html
    assert client.get(f"/hiring/scorecards/{_card(interviews[0]).pk}/").status_code == 200


def test_blind_feedback_never_keeps_others_hidden_and_says_so(client, personas):
    _, _, interviews = opening_with_panel(personas.hiring, [personas.interviewer1, personas.interviewer2],
                                          blind_mode="never")
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, takeaways="Hidden for ever")
    _rate(_card(interviews[1]), personas.interviewer2, [3] * 8)
    html = _html(sign_in(client, personas.interviewer2).get(f"/hiring/scorecards/{_card(interviews[1]).pk}/"))
    assert "the other 1 scorecard stay with the hiring manager" in html and "Hidden for ever" not in html


def test_blind_feedback_always_shows_submitted_cards_but_never_drafts(client, personas):
    _, _, interviews = opening_with_panel(personas.hiring, [personas.interviewer1, personas.interviewer2],
                                          blind_mode="always")
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, takeaways="Shown at once")
    html = _html(sign_in(client, personas.interviewer2).get(f"/hiring/scorecards/{_card(interviews[1]).pk}/"))
    assert "Shown at once" in html
    save_draft(card=_card(interviews[1]), by=personas.interviewer2, key_takeaways="My unfinished draft")
    html = _html(sign_in(client, personas.interviewer1).get(f"/hiring/scorecards/{_card(interviews[0]).pk}/"))
    assert "My unfinished draft" not in html and "1 other interviewer has not submitted yet" in html


def test_amending_needs_a_reason_and_lands_in_the_history(client, personas, panel):
    _, _, interviews = panel
    card = _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, recommendation="yes")
    sign_in(client, personas.interviewer1)
    html = _html(client.get(f"/hiring/scorecards/{card.pk}/amend/"))
    assert "Reason for the amendment" in html
    assert len(re.findall(r'<input type="radio" name="rating-\d+" value="3"[^>]* checked>', html)) == 8

    response = client.post(f"/hiring/scorecards/{card.pk}/amend/",
                           _post_data(card, [3] * 8, recommendation="strong_yes", reason=""))
    assert response.status_code == 400 and "Say why the submitted scorecard changes." in _html(response)
    response = client.post(f"/hiring/scorecards/{card.pk}/amend/",
                           _post_data(card, [3] * 8, recommendation="yes", reason="No change really"))
    assert response.status_code == 400 and "The amendment changes nothing" in _html(response)
    response = client.post(f"/hiring/scorecards/{card.pk}/amend/", _post_data(
        card, [3, 4, 3, 3, 3, 3, 3, 3], recommendation="strong_yes", reason="Reviewed the take-home again",
        evidence={1: "Excellent tests"}))
    assert response.status_code == 302
    html = _html(client.get(f"/hiring/scorecards/{card.pk}/"))
    assert "Amendment history" in html and "“Reviewed the take-home again”" in html
    assert "<li>Recommendation: Yes → Strong yes</li>" in html and "<li>Dimension 2: 3 → 4</li>" in html
    assert sign_in(client, personas.hiring).get(f"/hiring/scorecards/{card.pk}/amend/").status_code == 403


def test_the_manager_reads_submitted_scorecards_and_sees_who_is_still_drafting(client, personas, panel):
    _, candidate, interviews = panel
    submitted = _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, takeaways="Finished thoughts")
    draft = save_draft(card=_card(interviews[1]), by=personas.interviewer2, key_takeaways="Half-written")
    sign_in(client, personas.hiring)
    html = _html(client.get(f"/hiring/scorecards/{submitted.pk}/"))
    assert "Finished thoughts" in html and 'name="rating-' not in html
    response = client.get(f"/hiring/scorecards/{draft.pk}/")
    assert response.status_code == 403 and "Half-written" not in _html(response)
    assert "This scorecard is still a draft: only its interviewer reads it until they submit it." in _html(response)
    response = client.post(f"/hiring/scorecards/{draft.pk}/", _post_data(draft, [3] * 8))
    assert response.status_code == 403
    # The interview plan names who has not submitted, without a way into their draft.
    html = _html(client.get(f"/hiring/candidates/{candidate.pk}/"))
    assert f"/hiring/scorecards/{submitted.pk}/" in html and f"/hiring/scorecards/{draft.pk}/" not in html
    assert "Interviewer2" in html and "</span>Due</span>" in html


# ---------- Summary ----------

def test_the_summary_shows_the_matrix_weighted_score_disagreements_flags_and_tally(client, personas, panel):
    opening, candidate, interviews = panel
    flag = opening.version.items.filter(group="red_flags").first()
    first, second = [4, 3, 3, None, 2, 2, 3, 3], [2, 3, None, None, 2, 4, 3, 1]
    _rate(_card(interviews[0]), personas.interviewer1, first, recommendation="strong_yes")
    _rate(_card(interviews[1]), personas.interviewer2, second, recommendation="no", flags=[flag.pk])
    weights = [d.weight for d in _dims(opening)]
    expected = weighted_score(list(zip(weights, first)) + list(zip(weights, second)))
    response = sign_in(client, personas.hiring).get(f"/hiring/candidates/{candidate.pk}/summary/")
    html = _html(response)
    assert response.status_code == 200
    assert re.search(r'data-weighted-score><span class="score-big score-big--\d">' + re.escape(f"{expected:.2f}"), html)
    assert html.count("⚠ 2 apart") == 3
    assert "raised by Interviewer2" in html and flag.text in html
    assert '<svg class="chart chart--tally"' in html and "Strong yes: 1" in html and "No: 1" in html
    assert html.count('class="rating rating--none"') >= 3  # no signal, in grey, with its words
    assert "None pending" in html


def test_the_summary_counts_submitted_scorecards_only(client, personas, panel):
    """A draft, however far it is filled in, is not in the score, the spread, the flags or the tally: only in
    the number pending."""
    opening, candidate, interviews = panel
    flag = opening.version.items.filter(group="red_flags").first()
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, recommendation="yes")
    draft = _card(interviews[1])
    save_draft(card=draft, by=personas.interviewer2, recommendation="strong_no", key_takeaways="Half-written",
               red_flags=[flag.pk], ratings={d.pk: RatingInput(1, "Unfinished evidence") for d in _dims(opening)})
    html = _html(sign_in(client, personas.hiring).get(f"/hiring/candidates/{candidate.pk}/summary/"))
    assert re.search(r'data-weighted-score><span class="score-big score-big--3">3\.00<', html)
    assert "⚠" not in html and "raised by" not in html and "Strong no: 1" not in html and "Yes: 1" in html
    assert '<p class="stat__value">1<span class="stat__unit">submitted</span>' in html and "1 pending" in html
    assert f"/hiring/scorecards/{draft.pk}/" not in html
    assert "Half-written" not in html and "Unfinished evidence" not in html


def test_the_manager_records_a_decision_with_a_reason_and_sees_the_history(client, personas, panel):
    _, candidate, interviews = panel
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8)
    sign_in(client, personas.hiring)
    url = f"/hiring/candidates/{candidate.pk}/summary/"
    assert "1 scorecard still pending" in _html(client.get(url))
    response = client.post(url, {"decision": "hire", "reason": ""})
    assert response.status_code == 400 and "Give the reason for the decision." in _html(response)
    assert client.post(url, {"decision": "hold", "reason": "Waiting on references"}).status_code == 302
    assert client.post(url, {"decision": "hire", "reason": "Strong panel"}).status_code == 302
    html = _html(client.get(url))
    assert html.index("“Strong panel”") < html.index("“Waiting on references”")  # newest first
    candidate.refresh_from_db()
    assert (candidate.decision.decision, candidate.stage) == ("hire", "decided")


def test_the_summary_is_for_the_manager_only(client, personas, panel):
    _, candidate, _ = panel
    assert sign_in(client, personas.interviewer1).get(f"/hiring/candidates/{candidate.pk}/summary/").status_code == 403
    assert sign_in(client, personas.interviewer1).post(
        f"/hiring/candidates/{candidate.pk}/summary/", {"decision": "hire", "reason": "me"}).status_code == 403
    assert not HiringEvent.objects.filter(action__startswith="decision.").exists()


# ---------- Calibration ----------

def test_calibration_shows_each_interviewers_offset_tendency_and_agreement(client, personas):
    people = [interviewer("ivy"), interviewer("jon"), interviewer("kim")]
    opening, first, _ = opening_with_panel(personas.hiring, [], title="Calibrated Engineer")
    second = add_candidate(opening=opening, by=personas.hiring, name="Blake", email="blake@example.com")
    start = timezone.now() - timedelta(hours=3)
    plan = {first: ("hire", {"ivy": (4, "strong_yes"), "jon": (3, "yes"), "kim": (2, "no")}),
            second: ("no_hire", {"ivy": (3, "yes"), "jon": (3, "no"), "kim": (3, "strong_no")})}
    for candidate, (decision, ratings) in plan.items():
        for person in people:
            interview = plan_interview(candidate=candidate, by=personas.hiring, stage_name="Panel",
                                       interviewer=person, starts_at=start, ends_at=start + timedelta(hours=1))
            rating, recommendation = ratings[person.username]
            _rate(_card(interview), person, [rating] * 8, recommendation=recommendation)
        record_decision(candidate=candidate, by=personas.hiring, decision=decision, reason="panel")
    html = _html(sign_in(client, personas.hiring).get("/hiring/calibration/"))
    assert '<svg class="chart chart--diverging"' in html and '<svg class="chart chart--spread"' in html
    rows = re.findall(r'<th scope="row">(\w+)</th>\s*<td data-label="Scorecards submitted" class="num">(\d)</td>\s*'
                      r'<td data-label="Mean offset" class="num">([^<]+)</td>\s*<td data-label="Tendency">'
                      r'<span class="tendency tendency--(\w+)">', html)
    assert rows == [("ivy", "2", "+0.75", "lenient"), ("jon", "2", "0.00", "balanced"),
                    ("kim", "2", "−0.75", "severe")]
    assert "1 of 2 <span class=\"muted\">(50%)</span>" in html and "2 of 2" in html
    assert "ivy: +0.75 lenient" in html  # the chart says it in words too


def test_calibration_is_for_hiring_managers_and_has_an_empty_state(client, personas):
    html = _html(sign_in(client, personas.hiring).get("/hiring/calibration/"))
    assert "No submitted scorecards to calibrate yet" in html
    assert sign_in(client, personas.interviewer1).get("/hiring/calibration/").status_code == 403


def test_calibration_filters_by_opening_and_covers_only_the_managers_openings(client, personas, panel):
    opening, _, interviews = panel
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8)
    _rate(_card(interviews[1]), personas.interviewer2, [2] * 8)
    other_manager = interviewer("olga")
    other_manager.groups.add(*personas.hiring.groups.all())
    sign_in(client, personas.hiring)
    html = _html(client.get(f"/hiring/calibration/?opening={opening.pk}"))
    assert "Interviewer1: +1.00 lenient" in html and "Interviewer2: −1.00 severe" in html
    html = _html(sign_in(client, other_manager).get("/hiring/calibration/"))
    assert "No submitted scorecards to calibrate yet" in html and opening.title not in html


# ---------- Navigation ----------

def test_the_hiring_link_shows_for_hiring_groups_and_hiring_teams_only(client, personas, panel):
    link = 'href="/hiring/"'
    assert link in _html(sign_in(client, personas.hiring).get("/roles/"))
    assert link in _html(sign_in(client, personas.interviewer2).get("/roles/"))
    assert link not in _html(sign_in(client, personas.hr).get("/roles/"))
    assert sign_in(client, personas.outsider).get("/hiring/").status_code == 403
    # Someone in no group whom a hiring manager put on a panel reaches hiring, with the link.
    _, candidate, _ = panel
    start = timezone.now()
    plan_interview(candidate=candidate, by=personas.hiring, stage_name="Guest panel", interviewer=personas.outsider,
                   starts_at=start, ends_at=start + timedelta(hours=1))
    cache.clear()  # the team flag of users outside the groups is cached for a minute
    html = _html(sign_in(client, personas.outsider).get("/hiring/"))
    assert link in html and candidate.opening.title in html


# ---------- Query counts (a panel of 2 and of 6) ----------

def _submitted_panel(hiring_manager, size: int, title: str):
    people = [interviewer(f"{title.split()[0].lower()}{i}") for i in range(size)]
    opening, candidate, interviews = opening_with_panel(hiring_manager, people, title=title)
    flag = opening.version.items.filter(group="red_flags").first()
    for i, (person, interview) in enumerate(zip(people, interviews)):
        _rate(_card(interview), person, [(i + j) % 4 + 1 for j in range(8)], flags=[flag.pk] if i % 2 else [])
    return people, candidate, interviews


def _measure(client, user, url, django_assert_max_num_queries, limit):
    sign_in(client, user)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# session, user, card, blind check, cards + ratings + flags, focus, amendments, red flags, others
SCORECARD_QUERIES = 11
# session, user, candidate, cards + ratings + flags, dimensions, decision history
SUMMARY_QUERIES = 8


def test_scorecard_and_summary_queries_do_not_grow_with_the_panel(client, personas, django_assert_max_num_queries):
    counts = {}
    for size, title in ((2, "Small Panel Engineer"), (6, "Large Panel Engineer")):
        people, candidate, interviews = _submitted_panel(personas.hiring, size, title)
        counts[size] = (
            _measure(client, people[0], f"/hiring/scorecards/{_card(interviews[0]).pk}/",
                     django_assert_max_num_queries, SCORECARD_QUERIES),
            _measure(client, personas.hiring, f"/hiring/candidates/{candidate.pk}/summary/",
                     django_assert_max_num_queries, SUMMARY_QUERIES),
        )
    assert counts[2] == counts[6], counts
    print(f"queries for a panel of 6: scorecard page {counts[6][0]}, summary page {counts[6][1]}")
