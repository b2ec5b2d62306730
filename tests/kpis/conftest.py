import pytest


@pytest.fixture
def tasks_run_in_process(settings):
    """Tasks sent through blueprint.queueing run at once, in this process (Celery's eager mode): the
    real claim, the real task and the real run, without a broker, inside the test's transaction.
    Through the Django setting the Celery app reads (app.conf.task_always_eager would not override it)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
