from celery import shared_task

from .services.reminders import send_scorecard_reminders


@shared_task(name="hiring.send_scorecard_reminders", time_limit=300, soft_time_limit=240,
             autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def scorecard_reminders() -> int:
    """Beat runs this hourly; each overdue scorecard gets at most one e-mail a day."""
    return send_scorecard_reminders()
