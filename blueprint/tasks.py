"""A liveness task: proves that a worker is consuming from the configured broker."""
import re

from celery import shared_task
from django.conf import settings

_TOKEN = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")


@shared_task(name="blueprint.tasks.ping", ignore_result=True, soft_time_limit=20, time_limit=30)
def ping(token: str | None = None) -> str:
    """Answer "pong"; with a token, also write VAR_DIR/pings/<token>.

    The result backend is off, so the file is how a caller (the tests, an
    operator) sees that a worker really ran the task. The token is restricted
    to a plain name so a message can never choose where the file goes.
    """
    if token is not None:
        if not _TOKEN.match(token):
            raise ValueError(f"ping token must match {_TOKEN.pattern}")
        folder = settings.VAR_DIR / "pings"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / token).write_text("pong\n")
    return "pong"
