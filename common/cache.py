"""A Redis cache that an unreachable Redis turns into a cache that keeps nothing, instead of a 500.

Django's RedisCache raises when Redis is down or hangs, and the cache is read on every page (the
role page's fragments, the login throttle, DRF's throttles). With this backend a call that cannot
reach Redis answers as an empty cache that stores nothing would: `get` gives the default, `add`
and `touch` give False, `set` keeps nothing, `incr` raises ValueError (no such key). A warning is
logged, and for RETRY_AFTER seconds this process does not try Redis again, so a Redis that hangs
costs one socket timeout (CACHE_SOCKET_TIMEOUT) per interval, not one per cache call.
"""
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

OUTAGE = (ConnectionError, TimeoutError)
RETRY_AFTER = 5.0
logger = logging.getLogger(__name__)


class FailSoftRedisCache(RedisCache):
    _down_until = 0.0  # monotonic time; per instance, and Django keeps one instance per thread

    def _reach(self, operation, *args, **kwargs) -> tuple[bool, object]:
        """(True, what Redis answered), or (False, None) when it cannot be reached now."""
        if time.monotonic() < self._down_until:
            return False, None
        try:
            return True, operation(*args, **kwargs)
        except OUTAGE as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            logger.warning("cache unreachable, pages are served without it for %gs: %s: %s", RETRY_AFTER,
                           exc.__class__.__name__, exc)
            return False, None

    def get(self, key, default=None, version=None):
        ok, value = self._reach(super().get, key, default, version)
        return value if ok else default

    def get_many(self, keys, version=None):
        ok, values = self._reach(super().get_many, keys, version)
        return values if ok else {}

    def has_key(self, key, version=None):
        ok, found = self._reach(super().has_key, key, version)
        return found if ok else False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        ok, added = self._reach(super().add, key, value, timeout, version)
        return added if ok else False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._reach(super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        ok, failed = self._reach(super().set_many, data, timeout, version)
        return failed if ok else list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        ok, touched = self._reach(super().touch, key, timeout, version)
        return touched if ok else False

    def delete(self, key, version=None):
        ok, deleted = self._reach(super().delete, key, version)
        return deleted if ok else False

    def delete_many(self, keys, version=None):
        self._reach(super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        ok, value = self._reach(super().incr, key, delta, version)
        if not ok:
            raise ValueError(f"Key '{key}' not found: the cache is unreachable")
        return value

    def clear(self):
        ok, cleared = self._reach(super().clear)
        return cleared if ok else False
