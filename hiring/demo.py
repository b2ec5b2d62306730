"""Demo hiring data: an opening for the seed role with a candidate and two submitted scorecards."""
from datetime import timedelta

from django.utils import timezone

from hiring.models import Opening
from hiring.services.openings import add_candidate, open_opening, plan_interview
from hiring.services.scorecards import RatingInput, save_draft, submit
from roles.models import Role

# Per interviewer: ratings in rubric order (None = no signal), recommendation, take-aways.
PANEL = {
    "interviewer1": ([3, 4, 3, 3, 2, 3, 3, 4], "yes",
                     "Solid Python and testing habits; evaluation thinking is ahead of most juniors."),
    "interviewer2": ([3, 2, 3, None, 3, 4, 3, 3], "strong_yes",
                     "Clear communicator; needs coaching on ML validation but learns fast."),
}
EVIDENCE = {4: "Showed it unprompted in the exercise, with concrete examples.",
            1: "Could not explain it when asked twice."}


def load(users: dict, *, role_slug: str = "junior-applied-ai-engineer") -> str:
    role = Role.objects.filter(slug=role_slug, published_version__isnull=False).first()
    if role is None:
        return "no published seed role; hiring demo skipped"
    if Opening.objects.filter(role=role).exists():
        return "hiring demo already loaded"
    manager = users["hiring"]
    opening = open_opening(role=role, by=manager, title=f"{role.title} — Platform team")
    candidate = add_candidate(opening=opening, by=manager, name="Jordan Rivera", email="jordan.rivera@example.com",
                              source="Referral")
    start = timezone.now() - timedelta(days=1, hours=3)
    dims = list(opening.version.scorecard.all())
    for offset, (username, (ratings, recommendation, notes)) in enumerate(PANEL.items()):
        begins = start + timedelta(hours=offset)
        interview = plan_interview(candidate=candidate, by=manager, stage_name=f"Onsite {offset + 1}",
                                   interviewer=users[username], starts_at=begins, ends_at=begins + timedelta(hours=1),
                                   focus_dimensions=dims[offset * 4:(offset + 1) * 4])
        card = interview.scorecards.get()
        save_draft(card=card, by=users[username], key_takeaways=notes, recommendation=recommendation,
                   ratings={d.pk: RatingInput(r, EVIDENCE.get(r, "")) for d, r in zip(dims, ratings)})
        submit(card=card, by=users[username])
    return f"opening “{opening.title}” with 1 candidate and {len(PANEL)} submitted scorecards"
