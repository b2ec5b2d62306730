import pytest


@pytest.fixture
def tasks_run_in_process():
    """Tasks sent through blueprint.queueing run at once, in this process (Celery's eager mode): the
    real claim, the real task and the real run, without a broker, inside the test's transaction."""
    from blueprint.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
