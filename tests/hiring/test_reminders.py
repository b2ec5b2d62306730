"""Scorecard reminders: one e-mail a day to each interviewer whose scorecard is still a draft 24 hours after
the interview ended, never after submission; and the Celery beat task that runs them."""
from datetime import timedelta

import pytest
from django.core import mail

from hiring.models import Candidate, Scorecard
from hiring.services.reminders import send_scorecard_reminders
from hiring.services.scorecards import submit
from hiring.tasks import scorecard_reminders

from .factories import opening_with_panel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://portal.example.com"


@pytest.fixture
def panel(personas):
    """interviewer1 and interviewer2 each interviewed Casey; the interviews ended one hour after they began."""
    opening, candidate, interviews = opening_with_panel(personas.hiring, [personas.interviewer1, personas.interviewer2],
                                                        started_hours_ago=2)
    return candidate, interviews, interviews[0].ends_at


def test_not_before_24_hours_after_the_interview_ended(panel):
    _, _, ended = panel
    assert send_scorecard_reminders(now=ended + timedelta(hours=23, minutes=59)) == 0
    assert mail.outbox == []


def test_a_draft_24_hours_after_the_interview_gets_exactly_one_email_naming_the_candidate_and_linking_the_card(
        panel, personas):
    candidate, interviews, ended = panel
    assert send_scorecard_reminders(now=ended + timedelta(hours=24)) == 2
    assert len(mail.outbox) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    message = by_recipient[personas.interviewer1.email]
    card = interviews[0].scorecards.get()
    assert candidate.name in message.subject and "Interview 1" in message.subject
    assert candidate.name in message.body
    assert f"https://portal.example.com/hiring/scorecards/{card.pk}/" in message.body
    assert message.to == [personas.interviewer1.email]


def test_running_again_within_24_hours_sends_nothing_and_a_day_later_sends_again(panel):
    _, _, ended = panel
    first = ended + timedelta(hours=25)
    assert send_scorecard_reminders(now=first) == 2
    assert send_scorecard_reminders(now=first + timedelta(minutes=5)) == 0
    assert send_scorecard_reminders(now=first + timedelta(hours=23, minutes=59)) == 0
    assert len(mail.outbox) == 2
    assert send_scorecard_reminders(now=first + timedelta(hours=24)) == 2
    assert len(mail.outbox) == 4


def test_never_after_submission(panel, personas):
    _, interviews, ended = panel
    submit(card=interviews[0].scorecards.get(), by=personas.interviewer1)
    assert send_scorecard_reminders(now=ended + timedelta(hours=24)) == 1
    assert [m.to for m in mail.outbox] == [[personas.interviewer2.email]]
    submit(card=interviews[1].scorecards.get(), by=personas.interviewer2)
    assert send_scorecard_reminders(now=ended + timedelta(days=3)) == 0
    assert len(mail.outbox) == 1


def test_the_celery_task_runs_the_reminders(personas):
    # The real task function, run eagerly: it uses the clock, so the interview ended more than a day ago.
    opening_with_panel(personas.hiring, [personas.interviewer1], started_hours_ago=30)
    result = scorecard_reminders.apply()
    assert result.successful() and result.get() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [personas.interviewer1.email]
    assert scorecard_reminders.apply().get() == 0  # once a day
    assert scorecard_reminders.name == "hiring.send_scorecard_reminders"


def test_the_beat_schedule_runs_the_task_hourly():
    """Created by hiring's migration, so a fresh database has it."""
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="hiring.send_scorecard_reminders")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "hours")


def test_a_bad_name_fails_its_own_email_only_and_is_tried_again(panel, personas, caplog):
    """A candidate name with a line break (stored before names were checked) raised BadHeaderError and
    stopped every reminder run, so later overdue cards were never reminded."""
    candidate, interviews, ended = panel
    later, _, _ = opening_with_panel(personas.hiring, [personas.interviewer1], title="Later Engineer",
                                     started_hours_ago=2)
    bad = Candidate.objects.filter(pk=candidate.pk)
    bad.update(name="Casey\nBcc: everyone@example.com")  # past the service, as old rows are
    now = ended + timedelta(hours=25)

    assert send_scorecard_reminders(now=now) == 1
    assert [m.subject for m in mail.outbox] == [f"Scorecard due: {later.candidates.get().name} (Interview 1)"]
    failed = [card.pk for interview in interviews for card in interview.scorecards.all()]
    logged = [r for r in caplog.records if r.name == "hiring.services.reminders" and r.levelname == "ERROR"]
    assert sorted(r.args[0] for r in logged) == sorted(failed)
    assert not Scorecard.objects.filter(pk__in=failed, last_reminded_at__isnull=False).exists()

    bad.update(name="Casey Quill")  # fixed: the next run reminds the cards that failed
    assert send_scorecard_reminders(now=now + timedelta(minutes=5)) == 2
