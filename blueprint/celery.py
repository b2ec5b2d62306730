"""The Celery application. Configuration comes from Django settings (CELERY_*)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blueprint.settings")

app = Celery("blueprint")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def longest_hold(task) -> int:
    """Seconds a task may keep its message unacknowledged: its hard time limit, plus the countdown before its
    last automatic retry, while the worker holds the retried message (Celery's autoretry and its defaults)."""
    limit = task.time_limit or app.conf.task_time_limit or 0
    if not getattr(task, "autoretry_for", ()) or not task.max_retries:
        return limit
    backoff = int(getattr(task, "retry_backoff", False))
    if not backoff:
        return limit + task.default_retry_delay
    return limit + min(backoff * 2 ** (task.max_retries - 1), getattr(task, "retry_backoff_max", 600))


def check_task_limits(**kwargs) -> list:
    """A system check (manage.py check, migrate): every task of the portal lets go of its message before Redis
    hands it to another worker (settings.BROKER_VISIBILITY_TIMEOUT), or a task still running would run twice."""
    from django.apps import apps
    from django.conf import settings
    from django.core.checks import Error

    app.loader.autodiscover_tasks([config.name for config in apps.get_app_configs()])
    errors = []
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue
        hold = longest_hold(task)
        if hold >= settings.BROKER_VISIBILITY_TIMEOUT:
            errors.append(Error(
                f"{name} may hold its message {hold} s (time limit and retry countdown), not less than "
                f"CELERY_BROKER_VISIBILITY_TIMEOUT ({settings.BROKER_VISIBILITY_TIMEOUT} s): Redis would hand it "
                "to a second worker while it runs.",
                hint="Raise CELERY_BROKER_VISIBILITY_TIMEOUT, or lower CELERY_TASK_TIME_LIMIT.", id="blueprint.E001"))
    return errors
