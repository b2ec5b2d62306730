"""Sign-in throttling on two web processes that share one Redis cache, as production runs it.

Two gunicorn servers (one sync worker each, the production password hasher) share a private
redis-server as CACHE_URL. Two browsers guess one account's password at the same time, one on each
server, typing its name as "Boss", "boss", "ＢＯＳＳ" (full width) or " boss ": exactly
LOGIN_THROTTLE_USER_LIMIT guesses are checked, every other attempt is refused with a 429, on
both servers.
"""
import threading

import pytest

from .processes import PrivateRedis, WebServer, database_for_subprocesses
from ..test_celery_embedded import project_env

SPELLINGS = ("Boss", "boss", "ＢＯＳＳ", " boss ")
WRONG = "Please enter a correct username and password"
LIMIT = 5


def guess(web: WebServer, username: str):
    page = web.post_form("/accounts/login/", {"username": username, "password": "not-the-password"}, cookies={})
    if page.status == 429:
        return "refused", page
    assert page.status == 200 and WRONG in page.text, (page.status, page.text[:500])
    return "checked", page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_check_exactly_the_limit_of_guesses_whatever_the_spelling(tmp_path, started):
    redis = started(PrivateRedis(tmp_path))
    env = project_env(tmp_path, CACHE_URL=redis.url, LOGIN_THROTTLE_USER_LIMIT=str(LIMIT),
                      **database_for_subprocesses(tmp_path))
    nodes = [started(WebServer(env, tmp_path, name=f"web-{n}")) for n in (1, 2)]
    outcomes, start = [], threading.Barrier(len(nodes))

    def browser(web: WebServer, offset: int):
        start.wait()
        for n in range(8):
            outcomes.append(guess(web, SPELLINGS[(n + offset) % len(SPELLINGS)])[0])

    threads = [threading.Thread(target=browser, args=(web, i)) for i, web in enumerate(nodes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert len(outcomes) == 16
    assert outcomes.count("checked") == LIMIT, outcomes
    for web in nodes:
        for spelling in SPELLINGS:
            verdict, page = guess(web, spelling)
            assert verdict == "refused" and "Too many failed sign-in attempts" in page.text
            assert 0 < int(page.headers["retry-after"]) <= 15 * 60
