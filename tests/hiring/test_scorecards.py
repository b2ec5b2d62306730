"""Scorecards: pinning, scoring arithmetic, blind feedback, amendments, decisions and who may do what."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hiring.models import HiringEvent, ScorecardStatus
from hiring.selectors import candidate_summary, weighted_score
from hiring.visibility import visible_scorecards
from hiring.services.openings import HiringError, blueprint_updated_since, open_opening, plan_interview, repin
from hiring.services.scorecards import RatingInput, amend, record_decision, save_draft, submit
from roles.blueprint_format.synthetic import make_document
from roles.services.importing import import_document

from .factories import opening_with_panel

pytestmark = pytest.mark.django_db


def _card(interview):
    return interview.scorecards.get()


def _dims(opening):
    return list(opening.version.scorecard.all())


def _rate(card, by, values, recommendation="yes", evidence="Seen in the exercise"):
    """values: one rating (or None) per dimension, in rubric order."""
    dims = list(card.interview.candidate.opening.version.scorecard.all())
    ratings = {d.pk: RatingInput(v, evidence if v in (1, 4) else "") for d, v in zip(dims, values)}
    save_draft(card=card, by=by, ratings=ratings, recommendation=recommendation)
    return submit(card=card, by=by)


def test_an_opening_pins_the_published_version_and_a_later_publish_does_not_change_it(personas):
    opening, candidate, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    pinned = opening.version
    assert pinned.status == "published" and len(_dims(opening)) == 8
    doc = make_document("Hiring Engineer")
    doc["hiring"]["scorecard"][0]["dimension"] = "Renamed dimension"
    import_document(doc, publish=True)
    opening.refresh_from_db()
    assert opening.version == pinned and blueprint_updated_since(opening)
    assert [r.dimension.dimension for r in _card(interview).ratings.all()][0] == "Dimension 1"

    save_draft(card=_card(interview), by=personas.interviewer1,
               ratings={_dims(opening)[1].pk: RatingInput(3)})
    opening = repin(opening=opening, by=personas.hiring)
    assert opening.version.number == 2 and not blueprint_updated_since(opening)
    ratings = {r.dimension.dimension: r.rating for r in _card(interview).ratings.select_related("dimension")}
    assert ratings["Renamed dimension"] is None and ratings["Dimension 2"] == 3  # carried over by name


def test_repinning_is_refused_once_a_scorecard_is_submitted(personas):
    opening, _, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    _rate(_card(interview), personas.interviewer1, [3] * 8)
    doc = make_document("Hiring Engineer")
    doc["kpis"][0]["target"] = "new"
    import_document(doc, publish=True)
    with pytest.raises(HiringError, match="a scorecard has been submitted"):
        repin(opening=opening, by=personas.hiring)


def test_weighted_score_counts_high_3_medium_2_low_1_and_skips_no_signal():
    assert weighted_score([("high", 4), ("medium", 2), ("low", None)]) == round((12 + 4) / 5, 2)
    assert weighted_score([("low", None)]) is None
    assert weighted_score([("high", 3), ("low", 3)]) == 3.0


def test_candidate_summary_matrix_spread_disagreement_flags_and_tally(personas):
    opening, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1,
                                                                          personas.interviewer2])
    # Rubric weights in the synthetic blueprint cycle high, medium, low.
    _rate(_card(interviews[0]), personas.interviewer1, [4, 3, 3, None, 2, 2, 3, 3], recommendation="strong_yes")
    card2 = _card(interviews[1])
    red_flag = candidate.opening.version.items.filter(group="red_flags").first()
    save_draft(card=card2, by=personas.interviewer2, red_flags=[red_flag.pk])
    _rate(card2, personas.interviewer2, [2, 3, None, None, 2, 4, 3, 1], recommendation="no")
    summary = candidate_summary(candidate, user=personas.hiring)
    weights = [d.weight for d in _dims(opening)]
    pairs = [(w, r) for w, r in zip(weights, [4, 3, 3, None, 2, 2, 3, 3])]
    pairs += [(w, r) for w, r in zip(weights, [2, 3, None, None, 2, 4, 3, 1])]
    expected = sum({"high": 3, "medium": 2, "low": 1}[w] * r for w, r in pairs if r is not None) / sum(
        {"high": 3, "medium": 2, "low": 1}[w] for w, r in pairs if r is not None)
    assert summary.weighted_score == round(expected, 2)
    spreads = [row.spread for row in summary.rows]
    assert spreads == [2, 0, 0, None, 0, 2, 0, 2]
    assert summary.disagreements == ["Dimension 1", "Dimension 6", "Dimension 8"]
    assert summary.red_flags == [(red_flag.text, ["interviewer2"])]
    assert summary.tally == {"strong_yes": 1, "yes": 0, "no": 1, "strong_no": 0, "": 0}
    assert summary.rows[3].mean is None and summary.rows[0].mean == 3.0


def test_ties_and_an_empty_recommendation_count_as_no_decision(personas):
    opening, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1,
                                                                          personas.interviewer2])
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, recommendation="yes")
    _rate(_card(interviews[1]), personas.interviewer2, [3] * 8, recommendation="")
    summary = candidate_summary(candidate, user=personas.hiring)
    assert summary.weighted_score == 3.0 and summary.tally[""] == 1 and summary.tally["yes"] == 1
    assert all(not row.disagreement for row in summary.rows)


@pytest.mark.parametrize("mode,before,after", [
    ("after_submit", {"own"}, {"own", "other"}),
    ("never", {"own"}, {"own"}),
    ("always", {"own", "other"}, {"own", "other"}),
])
def test_blind_feedback_modes(personas, mode, before, after):
    opening, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1,
                                                                          personas.interviewer2], blind_mode=mode)
    _rate(_card(interviews[0]), personas.interviewer1, [3] * 8)
    mine = _card(interviews[1])

    def seen():
        return {"own" if c.interviewer == personas.interviewer2 else "other"
                for c in visible_scorecards(personas.interviewer2, candidate=candidate)}
    assert seen() == before
    assert visible_scorecards(personas.hiring, candidate=candidate).count() == 1  # the submitted one, whatever the mode
    _rate(mine, personas.interviewer2, [2] * 8)
    assert seen() == after
    assert visible_scorecards(personas.hiring, candidate=candidate).count() == 2
    assert visible_scorecards(personas.outsider, candidate=candidate).count() == 0


@pytest.mark.parametrize("mode", ["after_submit", "never", "always"])
def test_a_draft_shows_to_its_interviewer_only_in_every_mode(personas, mode):
    opening, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1,
                                                                          personas.interviewer2], blind_mode=mode)
    draft = save_draft(card=_card(interviews[0]), by=personas.interviewer1, key_takeaways="draft notes")
    _rate(_card(interviews[1]), personas.interviewer2, [3] * 8)
    assert draft in visible_scorecards(personas.interviewer1, candidate=candidate)
    for user in (personas.interviewer2, personas.hiring, personas.admin):
        cards = list(visible_scorecards(user, candidate=candidate))
        assert draft not in cards and all(c.status == ScorecardStatus.SUBMITTED for c in cards), (mode, user)


def test_the_hiring_manager_reads_their_own_draft_when_they_interview_too(personas):
    opening, candidate, (own, other) = opening_with_panel(personas.hiring, [personas.hiring, personas.interviewer1])
    draft = save_draft(card=_card(own), by=personas.hiring, key_takeaways="my notes")
    assert list(visible_scorecards(personas.hiring, candidate=candidate)) == [draft]  # interviewer1's draft is theirs
    _rate(_card(other), personas.interviewer1, [3] * 8)
    assert set(visible_scorecards(personas.hiring, candidate=candidate)) == {draft, _card(other)}
    assert list(visible_scorecards(personas.admin, candidate=candidate)) == [_card(other)]


def test_the_candidate_summary_leaves_drafts_out(personas):
    opening, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1,
                                                                          personas.interviewer2])
    submitted = _rate(_card(interviews[0]), personas.interviewer1, [3] * 8, recommendation="yes")
    red_flag = opening.version.items.filter(group="red_flags").first()
    save_draft(card=_card(interviews[1]), by=personas.interviewer2, red_flags=[red_flag.pk], recommendation="no",
               ratings={d.pk: RatingInput(1, "evidence") for d in _dims(opening)})
    summary = candidate_summary(candidate, user=personas.hiring)
    assert summary.cards == [submitted] and summary.pending == 1
    assert summary.weighted_score == 3.0 and summary.disagreements == [] and summary.red_flags == []
    assert {row.spread for row in summary.rows} == {0}
    assert summary.tally == {"strong_yes": 0, "yes": 1, "no": 0, "strong_no": 0, "": 0}


def test_submission_rules_evidence_start_time_and_locking(personas):
    opening, candidate, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    card = _card(interview)
    dims = _dims(opening)
    save_draft(card=card, by=personas.interviewer1, ratings={dims[0].pk: RatingInput(4, "")})
    with pytest.raises(ValidationError, match="need an evidence note: Dimension 1"):
        submit(card=card, by=personas.interviewer1)
    with pytest.raises(HiringError, match="has not started yet"):
        submit(card=card, by=personas.interviewer1, now=interview.starts_at - timedelta(minutes=1))
    save_draft(card=card, by=personas.interviewer1, ratings={dims[0].pk: RatingInput(4, "Clean abstractions")})
    card = submit(card=card, by=personas.interviewer1)
    assert card.status == "submitted"
    with pytest.raises(HiringError, match="amendment"):
        save_draft(card=card, by=personas.interviewer1, key_takeaways="sneaky edit")


def test_amendments_keep_the_reason_and_what_changed(personas):
    opening, candidate, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    card = _rate(_card(interview), personas.interviewer1, [3] * 8, recommendation="yes")
    dims = _dims(opening)
    with pytest.raises(ValidationError, match="say why"):
        amend(card=card, by=personas.interviewer1, reason=" ", recommendation="strong_yes")
    amendment = amend(card=card, by=personas.interviewer1, reason="Reviewed the take-home again",
                      ratings={dims[1].pk: RatingInput(4, "Excellent tests")}, recommendation="strong_yes")
    assert amendment.changes.splitlines() == ["Recommendation: Yes → Strong yes", "Dimension 2: 3 → 4"]
    assert card.amendments.count() == 1
    assert HiringEvent.objects.filter(action="scorecard.amended", note="Reviewed the take-home again").exists()


def test_authorization_rules(personas):
    opening, candidate, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    card = _card(interview)
    for outsider in (personas.interviewer2, personas.hr, personas.outsider, personas.hiring):
        with pytest.raises(PermissionDenied):
            save_draft(card=card, by=outsider, key_takeaways="not mine")
    with pytest.raises(PermissionDenied):
        open_opening(role=opening.role, by=personas.interviewer1)
    with pytest.raises(PermissionDenied):
        plan_interview(candidate=candidate, by=personas.interviewer1, stage_name="x", interviewer=personas.interviewer2,
                       starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        record_decision(candidate=candidate, by=personas.interviewer1, decision="hire", reason="I liked them")


def test_a_decision_is_recorded_with_its_reason_and_audited(personas):
    opening, candidate, (interview,) = opening_with_panel(personas.hiring, [personas.interviewer1])
    with pytest.raises(ValidationError):
        record_decision(candidate=candidate, by=personas.hiring, decision="maybe", reason="")
    record_decision(candidate=candidate, by=personas.hiring, decision="hold", reason="Waiting on references")
    record_decision(candidate=candidate, by=personas.hiring, decision="hire", reason="Strong panel")
    candidate.refresh_from_db()
    assert (candidate.decision.decision, candidate.stage) == ("hire", "decided")
    assert list(HiringEvent.objects.filter(candidate=candidate, action__startswith="decision.")
                .order_by("id").values_list("action", "note")) == [
        ("decision.hold", "Waiting on references"), ("decision.hire", "Strong panel")]
