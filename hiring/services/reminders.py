"""E-mail interviewers whose scorecards are still open a day after the interview ended."""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hiring.models import Scorecard, ScorecardStatus

logger = logging.getLogger(__name__)
OVERDUE_AFTER = timedelta(hours=24)
REMIND_EVERY = timedelta(hours=24)


def due_reminders(now):
    """Draft scorecards whose interview ended 24 h ago or more, not reminded in the last 24 h."""
    return (Scorecard.objects.filter(status=ScorecardStatus.DRAFT, interview__ends_at__lte=now - OVERDUE_AFTER)
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMIND_EVERY))
            .exclude(interviewer__email=""))


def send_scorecard_reminders(*, now=None) -> int:
    """Send one e-mail per overdue scorecard; safe to run often and from two workers at once.

    Each e-mail is sent on its own: one that fails (a header the mail library refuses, an SMTP error) is
    logged with its card, leaves that card unmarked so that the next run tries it again, and does not
    stop the others. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for card_id in list(due_reminders(now).values_list("pk", flat=True)):
        try:
            sent += _remind(card_id, now)
        except Exception:  # noqa: BLE001 - whatever one message does, the others still go out
            logger.exception("scorecard reminder for card %s not sent; it is tried again at the next run", card_id)
    return sent


def _remind(card_id: int, now) -> int:
    with transaction.atomic():
        # Claim the card with a conditional update: a concurrent run that claimed it first wins. A failure
        # to send rolls the claim back.
        claimed = due_reminders(now).filter(pk=card_id).update(last_reminded_at=now)
        if not claimed:
            return 0
        card = Scorecard.objects.select_related("interviewer", "interview__candidate__opening").get(pk=card_id)
        interview = card.interview
        base = settings.PORTAL_BASE_URL
        path = reverse("hiring:scorecard", kwargs={"pk": card.pk})
        send_mail(
            subject=f"Scorecard due: {interview.candidate.name} ({interview.stage_name})",
            message=(f"Hello {card.interviewer.get_short_name() or card.interviewer.get_username()},\n\n"
                     f"Your interview with {interview.candidate.name} for {interview.candidate.opening.title} "
                     f"ended on {timezone.localtime(interview.ends_at):%d %b %Y at %H:%M}. Your scorecard is "
                     f"still open; please fill it in while the interview is fresh:\n\n{base}{path}\n"),
            from_email=None, recipient_list=[card.interviewer.email],
        )
    return 1
