import pytest


@pytest.fixture
def started():
    """started(thing) keeps anything with a stop() method (a private Redis or PostgreSQL, a web server,
    a Celery process) and stops them all at teardown, last first, whatever the test did."""
    things = []

    def register(thing):
        things.append(thing)
        return thing

    yield register
    for thing in reversed(things):
        thing.stop()
