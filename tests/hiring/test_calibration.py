"""Calibration figures on a constructed panel: leniency, decision agreement and per-dimension spread."""
from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.models import Scorecard
from hiring.selectors import calibration
from hiring.services.openings import add_candidate, plan_interview
from hiring.services.scorecards import RatingInput, record_decision, save_draft, submit

from .factories import interviewer, opening_with_panel

pytestmark = pytest.mark.django_db


def test_calibration_on_a_constructed_panel(personas):
    panel = [interviewer("ivy"), interviewer("jon"), interviewer("kim")]
    opening, first, _ = opening_with_panel(personas.hiring, [], title="Calibrated Engineer")
    second = add_candidate(opening=opening, by=personas.hiring, name="Blake", email="blake@example.com")
    start = timezone.now() - timedelta(hours=3)
    dims = list(opening.version.scorecard.all())
    plan = {  # candidate → (decision, {interviewer: (rating for every dimension, recommendation)})
        first: ("hire", {"ivy": (4, "strong_yes"), "jon": (3, "yes"), "kim": (2, "no")}),
        second: ("no_hire", {"ivy": (3, "yes"), "jon": (3, "no"), "kim": (3, "strong_no")}),
    }
    for candidate, (decision, ratings) in plan.items():
        for person in panel:
            interview = plan_interview(candidate=candidate, by=personas.hiring, stage_name="Panel", interviewer=person,
                                       starts_at=start, ends_at=start + timedelta(hours=1))
            rating, recommendation = ratings[person.username]
            card = interview.scorecards.get()
            save_draft(card=card, by=person, recommendation=recommendation,
                       ratings={d.pk: RatingInput(rating, "evidence") for d in dims})
            submit(card=card, by=person)
        record_decision(candidate=candidate, by=personas.hiring, decision=decision, reason="panel")

    people, dimensions = calibration(Scorecard.objects.filter(interview__candidate__opening=opening))
    by_name = {p.username: p for p in people}
    # ivy: +1.5 on every dimension of the first candidate (4 vs others' 2.5), 0 on the second.
    assert by_name["ivy"].offsets["Dimension 1"] == 0.75 and by_name["ivy"].mean_offset == 0.75
    assert (by_name["ivy"].tendency, by_name["jon"].tendency, by_name["kim"].tendency) == (
        "lenient", "balanced", "severe")
    assert by_name["kim"].mean_offset == -0.75 and by_name["jon"].mean_offset == 0.0
    assert [(p.username, p.submitted, p.matched_decisions, p.decided) for p in people] == [
        ("ivy", 2, 1, 2), ("jon", 2, 2, 2), ("kim", 2, 1, 2)]
    assert len(dimensions) == 8
    assert {(d.mean_spread, d.candidates) for d in dimensions} == {(1.0, 2)}


def test_drafts_do_not_count_in_calibration(personas):
    """A draft is its interviewer's alone: it neither makes them a calibrated interviewer nor moves the panel."""
    ivy, jon, kim = interviewer("ivy"), interviewer("jon"), interviewer("kim")
    opening, _, (first, second, third) = opening_with_panel(personas.hiring, [ivy, jon, kim],
                                                            title="Calibrated Engineer")
    dims = list(opening.version.scorecard.all())
    for person, interview in ((ivy, first), (jon, second)):
        card = interview.scorecards.get()
        save_draft(card=card, by=person, recommendation="yes", ratings={d.pk: RatingInput(3) for d in dims})
        submit(card=card, by=person)
    save_draft(card=third.scorecards.get(), by=kim, recommendation="strong_no",
               ratings={d.pk: RatingInput(1, "evidence") for d in dims})

    people, dimensions = calibration(Scorecard.objects.filter(interview__candidate__opening=opening))
    assert [(p.username, p.submitted, p.mean_offset, p.tendency) for p in people] == [
        ("ivy", 1, 0.0, "balanced"), ("jon", 1, 0.0, "balanced")]
    assert {(d.mean_spread, d.candidates) for d in dimensions} == {(0.0, 1)}
