"""In a real browser: interviewer 1 fills and submits a scorecard; interviewer 2 cannot read it until they have
submitted theirs, then can; the hiring manager sees the summary with the right weighted score and decides."""
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from hiring.models import HiringDecision, Scorecard
from hiring.selectors import WEIGHT_VALUES
from hiring.services.openings import add_candidate, open_opening, plan_interview
from roles.models import Role
from roles.services.importing import import_document
from tests.personas import make_personas

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = settings.BASE_DIR / "fixtures" / "blueprints" / "junior-applied-ai-engineer.json"
CANDIDATE = "Jordan Rivera"
# Ratings in rubric order (None: "no signal"), evidence for the 1s and 4s, recommendation, take-aways.
FIRST = ([3, 4, 3, 3, 2, 3, 3, 4], "yes", "Solid Python and testing habits; evaluation thinking ahead of most juniors.")
SECOND = ([3, 2, 3, None, 3, 4, 3, 1], "strong_yes", "Clear communicator; needs coaching on validation.")
EVIDENCE = {4: "Showed it unprompted in the exercise, with concrete examples.", 1: "Could not explain it when asked."}


@pytest.fixture
def hiring_world():
    people = make_personas(password="demo")
    import_document(json.loads(SEED.read_text()), file=SEED.name, by=people.admin, publish=True)
    role = Role.objects.get(slug="junior-applied-ai-engineer")
    opening = open_opening(role=role, by=people.hiring, title=f"{role.title} — Platform team")
    candidate = add_candidate(opening=opening, by=people.hiring, name=CANDIDATE, email="jordan.rivera@example.com",
                              source="Referral")
    dims = list(opening.version.scorecard.all())
    start = timezone.now() - timedelta(hours=3)
    cards = []
    for i, person in enumerate((people.interviewer1, people.interviewer2)):
        interview = plan_interview(candidate=candidate, by=people.hiring, stage_name=f"Onsite {i + 1}",
                                   interviewer=person, starts_at=start + timedelta(hours=i),
                                   ends_at=start + timedelta(hours=i + 1), focus_dimensions=dims[i * 4:(i + 1) * 4])
        cards.append(interview.scorecards.get())
    return people, opening, candidate, dims, cards


def fill_scorecard(page, dims, ratings, recommendation, takeaways, *, red_flag: str = ""):
    """Rate every dimension like a person: focus rows, then the collapsed others, evidence where required."""
    others = page.locator("details.dim-group")
    if others.count() and not others.get_attribute("open"):
        others.locator("summary").click()
    for dim, rating in zip(dims, ratings):
        row = page.locator(f"#dim-{dim.pk}")
        row.locator(f".rating-option--{'none' if rating is None else rating}").click()
        if rating in EVIDENCE:
            assert "is-evidence-required" in row.get_attribute("class")  # the rule shows as soon as 1 or 4 is picked
            row.locator("textarea").fill(EVIDENCE[rating])
    if red_flag:
        page.locator(".flag", has_text=red_flag).click()
    page.get_by_role("textbox", name="Key take-aways").fill(takeaways)
    page.locator(f".reco-option--{recommendation}").click()


def settle(page):
    """Wait until the draft's autosave has run after the last keystroke or click (it waits 1.5 s for a pause)."""
    page.wait_for_timeout(1700)
    page.wait_for_function("() => !document.querySelector('form.htmx-request')")
    page.locator("#autosave-status").get_by_text("Draft saved at").wait_for()


def test_two_interviewers_blind_feedback_and_the_managers_decision(hiring_world, new_page, sign_in_as, screenshot):
    people, opening, candidate, dims, (card1, card2) = hiring_world
    red_flag = opening.version.items.filter(group="red_flags").order_by("position").first().text

    # Interviewer 1 finds their scorecard from the top bar, fills it (the draft autosaves) and submits it.
    one = sign_in_as(new_page(), "interviewer1")
    one.locator("nav.topnav").get_by_role("link", name="Hiring").click()
    one.get_by_role("link", name=opening.title).click()
    one.get_by_role("link", name="Fill in your scorecard").click()
    one.wait_for_url(f"**/hiring/scorecards/{card1.pk}/")
    assert one.locator("details.dim-group").get_attribute("open") is None  # the others start collapsed
    fill_scorecard(one, dims, *FIRST, red_flag=red_flag)
    settle(one)
    card1.refresh_from_db()
    assert card1.status == "draft" and card1.key_takeaways == FIRST[2]  # saved as they typed
    screenshot(one, "hiring-scorecard-desktop", full_page=True)
    one.get_by_role("button", name="Submit scorecard").click()
    one.get_by_text("Scorecard submitted.").wait_for()
    assert "Amend…" in one.inner_text(".sc-head")
    card1.refresh_from_db()
    assert card1.status == "submitted"
    assert [r.rating for r in card1.ratings.order_by("dimension__position")] == FIRST[0]

    # Interviewer 2 cannot see it before submitting theirs …
    two = sign_in_as(new_page(), "interviewer2")
    two.goto(f"/hiring/scorecards/{card2.pk}/")
    note = two.locator("[data-others-note]")
    assert "You’ll see the other 1 scorecard after you submit yours." in note.inner_text()
    assert FIRST[2] not in two.content()
    response = two.goto(f"/hiring/scorecards/{card1.pk}/")
    assert response.status == 403 and FIRST[2] not in two.content()
    two.goto(f"/hiring/scorecards/{card2.pk}/")

    phone = sign_in_as(new_page(viewport=PHONE), "interviewer2")
    phone.goto(f"/hiring/scorecards/{card2.pk}/")
    screenshot(phone, "hiring-scorecard-phone")
    phone.locator(f"#dim-{dims[4].pk}").scroll_into_view_if_needed()
    screenshot(phone, "hiring-scorecard-phone-rating")

    # … a 1 without evidence is refused next to the field, then the card goes through …
    fill_scorecard(two, dims, *SECOND)
    two.locator(f"#dim-{dims[7].pk} textarea").fill("")
    settle(two)
    two.get_by_role("button", name="Submit scorecard").click()
    error = two.locator(f"#dim-{dims[7].pk} .field__error")
    assert "A rating of 1 (Does not meet) needs an evidence note" in error.inner_text()
    screenshot(two, "hiring-scorecard-evidence-error")
    two.locator(f"#dim-{dims[7].pk} textarea").fill(EVIDENCE[1])
    two.get_by_role("button", name="Submit scorecard").click()  # at once: the pending autosave is dropped
    two.get_by_text("Scorecard submitted.").wait_for()

    # … and then reads interviewer 1's.
    others = two.locator("section.others")
    assert "Interviewer1" in others.inner_text() and FIRST[2] in others.inner_text()
    assert "after you submit yours" not in two.content()
    screenshot(two, "hiring-scorecard-submitted-desktop", full_page=True)

    # The hiring manager sees the summary with the weighted score of the ratings entered above.
    weights = [WEIGHT_VALUES[d.weight] for d in dims]
    rated = [(w, r) for ratings in (FIRST[0], SECOND[0]) for w, r in zip(weights, ratings) if r is not None]
    expected = round(sum(w * r for w, r in rated) / sum(w for w, _ in rated), 2)
    manager = sign_in_as(new_page(), "hiring")
    manager.goto(f"/hiring/openings/{opening.pk}/")
    screenshot(manager, "hiring-opening-desktop")
    manager.get_by_role("link", name=CANDIDATE).click()
    screenshot(manager, "hiring-candidate-desktop")
    manager.get_by_role("link", name="Panel summary and decision").click()
    manager.wait_for_url(f"**/hiring/candidates/{candidate.pk}/summary/")
    assert manager.inner_text("[data-weighted-score]").split("/")[0].strip() == f"{expected:.2f}"
    assert "raised by Interviewer1" in manager.inner_text("section.card:has(#flags-title)")  # who raised the red flag
    matrix = manager.locator("table.matrix")
    assert matrix.locator("tbody tr").count() == len(dims)
    assert matrix.locator(".matrix__row--disagree").count() == sum(
        1 for a, b in zip(FIRST[0], SECOND[0]) if a is not None and b is not None and abs(a - b) >= 2)
    screenshot(manager, "hiring-summary-desktop", full_page=True)

    manager.locator(".decision-option--hire").click()
    manager.get_by_label("Reason").fill("Strong panel; coaching plan for ML validation agreed.")
    manager.get_by_role("button", name="Record decision").click()
    manager.get_by_text(f"Decision recorded for {CANDIDATE}: Hire.").wait_for()
    assert "Strong panel; coaching plan" in manager.inner_text("#decision")
    decision = HiringDecision.objects.get(candidate=candidate)
    assert (decision.decision, decision.decided_by) == ("hire", people.hiring)

    summary_phone = sign_in_as(new_page(viewport=PHONE), "hiring")
    summary_phone.goto(f"/hiring/candidates/{candidate.pk}/summary/")
    screenshot(summary_phone, "hiring-summary-phone")
    summary_phone.locator("#matrix-title").scroll_into_view_if_needed()
    screenshot(summary_phone, "hiring-summary-phone-matrix")

    manager.goto("/hiring/calibration/")
    screenshot(manager, "hiring-calibration-desktop", full_page=True)
    assert re.search(r"Interviewer1: [+−]\d\.\d\d", manager.content())
    assert Scorecard.objects.filter(status="submitted").count() == 2

    # The other pages, looked at: the openings list, a new requisition, planning an interview on a phone.
    manager.goto("/hiring/")
    screenshot(manager, "hiring-openings-desktop")
    manager.get_by_role("link", name="Open a requisition").click()
    screenshot(manager, "hiring-opening-new-desktop")
    summary_phone.goto(f"/hiring/candidates/{candidate.pk}/")
    summary_phone.get_by_text("Plan an interview").click()
    screenshot(summary_phone, "hiring-candidate-phone", full_page=True)

    # Interviewer 1 amends their submitted card with a reason; the change is in its history.
    one.get_by_role("link", name="Amend…").click()
    one.locator(".reco-option--strong_yes").click()
    one.get_by_label("Reason for the amendment").fill("Reviewed the take-home again.")
    screenshot(one, "hiring-amend-desktop")
    one.get_by_role("button", name="Record amendment").click()
    one.get_by_text("Amendment recorded").wait_for()
    assert "Recommendation: Yes → Strong yes" in one.inner_text("#history-title + .history")
