from hiring.models import Candidate, HiringEvent, Opening


def record(*, action: str, opening: Opening, by=None, candidate: Candidate | None = None, note: str = "") -> None:
    actor = by if getattr(by, "is_authenticated", False) else None
    HiringEvent.objects.create(actor=actor, action=action, opening=opening, candidate=candidate, note=note)
