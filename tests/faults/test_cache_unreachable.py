"""Redis as the shared cache (CACHE_URL) unreachable under the running portal.

The sign-in page, sign-in itself, the role page and the API keep answering, quickly: the cache
(common.cache.FailSoftRedisCache) serves as one that keeps nothing and logs a warning, the login
throttle lets attempts through uncounted, the role page is drawn afresh on every request. Once
Redis is back, the cache is used again. The portal runs under gunicorn against a private
redis-server that the test kills, freezes and restarts; the backend is also tested on its own
against a stopped and a frozen Redis.
"""
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.tokens import issue_token
from common.cache import RETRY_AFTER, FailSoftRedisCache
from roles.blueprint_format.synthetic import make_document
from roles.services.importing import import_document

from ..test_celery_embedded import project_env
from .processes import PrivateRedis, WebServer, database_for_subprocesses, wait_until

QUICK = 3.0  # seconds a request may take while the cache is down or hung (one socket timeout is 1 s)
SIGN_IN = QUICK + 3.0  # a sign-in also runs the production password hasher (about a second here)
WRONG = "Please enter a correct username and password"


class Portal:
    """The portal under gunicorn with a private Redis as its cache; HR's password and API token."""

    def __init__(self, tmp_path, started, personas):
        self.redis = started(PrivateRedis(tmp_path))
        self.role = import_document(make_document("Harbor Pilot"), file="harbor.json", publish=True)
        # Gunicorn runs the production hashers, not the tests' MD5: a password it can check.
        personas.hr.password = PBKDF2PasswordHasher().encode("right password", "saltsalt", iterations=1000)
        personas.hr.save(update_fields=["password"])
        self.hr_session = {}
        self.token = issue_token(user=personas.hr, name="fault test")[1]
        env = project_env(tmp_path, CACHE_URL=self.redis.url, **database_for_subprocesses(tmp_path))
        self.web = started(WebServer(env, tmp_path))
        for path in ("/accounts/login/", f"/roles/{self.role.slug}/"):  # gunicorn loads the portal lazily
            self.web.get(path)

    def sign_in(self, password: str):
        return self.web.post_form("/accounts/login/", {"username": "hr", "password": password}, cookies={})

    def every_page_answers(self) -> None:
        login = self.web.get("/accounts/login/")
        assert login.status == 200 and login.seconds < QUICK
        wrong = self.sign_in("wrong")
        assert wrong.status == 200 and WRONG in wrong.text and wrong.seconds < SIGN_IN
        right = self.sign_in("right password")
        assert right.status == 302 and right.cookies.get("sessionid") and right.seconds < SIGN_IN
        self.hr_session = {"sessionid": right.cookies["sessionid"]}
        for _ in range(2):
            page = self.web.get(f"/roles/{self.role.slug}/", cookies=self.hr_session)
            assert page.status == 200 and "Harbor Pilot" in page.text and 'id="kpis"' in page.text
            assert page.seconds < QUICK
        catalog = self.web.get("/roles/", cookies=self.hr_session)
        assert catalog.status == 200 and catalog.seconds < QUICK
        api = self.web.get("/api/v1/roles/", headers={"Authorization": f"Token {self.token}"})
        assert api.status == 200 and self.role.slug in api.text and api.seconds < QUICK  # DRF throttles read the cache


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_cache_down_sign_in_and_pages_work_and_the_cache_is_used_again_once_back(
        tmp_path, started, personas):
    portal = Portal(tmp_path, started, personas)
    portal.every_page_answers()
    import redis

    stored = redis.Redis(port=portal.redis.port)
    assert stored.keys("*role-body*"), "with Redis up, the role page is cached there"

    portal.redis.kill()
    portal.every_page_answers()
    for _ in range(8):  # more failures than the limit: while nothing is counted, nobody is locked out
        assert portal.sign_in("wrong").status == 200
    assert portal.sign_in("right password").status == 302
    assert "cache unreachable" in portal.web.log and "Traceback" not in portal.web.log

    portal.redis.start()  # empty, on the same port
    stored = redis.Redis(port=portal.redis.port)
    wait_until(lambda: portal.web.get(f"/roles/{portal.role.slug}/", cookies=portal.hr_session).status == 200
               and stored.keys("*role-body*"), "role page cached in the restarted Redis", timeout=RETRY_AFTER + 10)
    for _ in range(5):
        portal.sign_in("wrong")
    assert portal.sign_in("right password").status == 429  # counted again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hung_cache_holds_requests_for_a_second_not_for_ever(tmp_path, started, personas):
    portal = Portal(tmp_path, started, personas)
    portal.every_page_answers()  # pooled connections to Redis now exist
    portal.redis.freeze()
    try:
        portal.every_page_answers()
    finally:
        portal.redis.thaw()
    assert "cache unreachable" in portal.web.log and "TimeoutError" in portal.web.log


# ---------- the backend on its own ----------

def fail_soft(url: str) -> FailSoftRedisCache:
    return FailSoftRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})


def test_a_stopped_redis_is_an_empty_cache_that_keeps_nothing(tmp_path, started, caplog):
    redis = started(PrivateRedis(tmp_path))
    cache = fail_soft(redis.url)
    cache.set("kept", 1)
    assert cache.get("kept") == 1 and cache.incr("kept") == 2
    redis.kill()
    started_at = time.monotonic()
    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept"]) == {} and cache.has_key("kept") is False
    assert cache.add("new", 1) is False and cache.touch("kept") is False and cache.delete("kept") is False
    assert cache.set("other", 1) is None and cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete_many(["a"]) is None and cache.clear() is False
    with pytest.raises(ValueError):
        cache.incr("kept")
    with pytest.raises(ValueError):
        cache.decr("kept")
    assert time.monotonic() - started_at < QUICK
    assert "cache unreachable" in caplog.text and "ConnectionError" in caplog.text


def test_a_frozen_redis_costs_one_timeout_then_is_skipped_for_a_while(tmp_path, started):
    redis = started(PrivateRedis(tmp_path))
    cache = fail_soft(redis.url)
    cache.set("kept", 1)
    redis.freeze()
    try:
        first = time.monotonic()
        assert cache.get("kept") is None
        assert 0.9 < time.monotonic() - first < QUICK  # one socket timeout
        then = time.monotonic()
        for _ in range(20):
            assert cache.get("kept") is None
        assert time.monotonic() - then < 0.5  # not tried again within RETRY_AFTER
    finally:
        redis.thaw()
