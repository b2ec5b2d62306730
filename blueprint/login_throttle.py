"""Sign-in throttling: after repeated FAILED attempts, sign-in is refused for a while.

Two independent limits, counted in the cache that every web process shares (CACHE_URL):

- per account: LOGIN_THROTTLE_USER_LIMIT failures (default 5) within LOGIN_THROTTLE_WINDOW seconds
  (default 900) lock that username for LOGIN_THROTTLE_LOCKOUT seconds (default 900), whatever the IP;
- per client IP: LOGIN_THROTTLE_IP_LIMIT failures (default 20) within the same window lock every
  sign-in from that IP (password spraying over many usernames).

An attempt takes its place in both counts BEFORE its password is checked, atomically (cache `add`,
then `incr`, the window being the count's timeout); one that finds a count full is refused without
checking the password, so however many requests arrive at once on however many processes, at most
LIMIT passwords are tried per window. A failure keeps its places, and the one that took the last
place locks; a success gives its places back and clears its account's count, so people who sign in
correctly are never slowed down. The account is the username as typed, NFKC-normalised, casefolded
and stripped ("Admin", "admin" and full-width "ａｄｍｉｎ" are one), hashed into the key. The client
IP is REMOTE_ADDR, or the last X-Forwarded-For hop when BLUEPRINT_BEHIND_PROXY is on.

When the cache keeps nothing (an unreachable Redis, see common/cache.py), attempts are allowed and
a warning is logged: the throttle must not lock everyone out of the portal.

Not django-axes: it applies one failure limit to every lockout parameter (a username and an IP
cannot have 5 and 20) and checks the limit before the password but counts after it, so concurrent
guesses all get through.
"""
import hashlib
import logging
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

PREFIX = "login-throttle"
logger = logging.getLogger(__name__)


class Locked(Exception):
    """Sign-in is refused for this account or address for `seconds` more."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = max(int(seconds), 1)


def normalise(username: str) -> str:
    """The account a typed username counts against."""
    return unicodedata.normalize("NFKC", username).casefold().strip()


def client_ip(request) -> str:
    if request is None:
        return ""
    if settings.BLUEPRINT_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class Count:
    """One limit: the failures of an account or of an address, and the lock they lead to."""

    key: str
    limit: int
    per_account: bool

    @property
    def lock_key(self) -> str:
        return f"{self.key}:locked"


def _counts(username: str, ip: str) -> list[Count]:
    counts = []
    account = normalise(username)
    if account:
        counts.append(Count(f"{PREFIX}:user:{hashlib.sha256(account.encode()).hexdigest()[:32]}",
                            settings.LOGIN_THROTTLE_USER_LIMIT, per_account=True))
    if ip:
        counts.append(Count(f"{PREFIX}:ip:{hashlib.sha256(ip.encode()).hexdigest()[:32]}",
                            settings.LOGIN_THROTTLE_IP_LIMIT, per_account=False))
    return counts


def _take_place(key: str) -> int | None:
    """Add one to a count, atomically; its number, or None when the cache keeps nothing."""
    if cache.add(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW):
        return 1
    try:
        number = cache.incr(key)
    except ValueError:  # gone since add(): the cache is unreachable (or the window ended just then)
        logger.warning("sign-in attempt not counted: the cache did not keep the count")
        return None
    if number <= 1:  # Redis's INCR started a count that expired under it afresh, without a timeout
        cache.touch(key, timeout=settings.LOGIN_THROTTLE_WINDOW)
    return number


def _give_place_back(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # the window ended meanwhile: nothing to give back
        pass


@dataclass
class Attempt:
    """A sign-in attempt holding a place in each count until its password is known good or bad."""

    places: list[tuple[Count, int]] = field(default_factory=list)

    def failed(self) -> None:
        """The password was wrong: keep the places; the attempt that took a count's last one locks it."""
        for count, number in self.places:
            if number >= count.limit:
                cache.set(count.lock_key, time.time() + settings.LOGIN_THROTTLE_LOCKOUT,
                          timeout=settings.LOGIN_THROTTLE_LOCKOUT)
                # The full count lives as long as the lock: an attempt that looked for the lock just
                # before it was set still finds no place. After the lockout, a fresh window.
                cache.touch(count.key, timeout=settings.LOGIN_THROTTLE_LOCKOUT)

    def succeeded(self) -> None:
        """Signed in: the account's failures are forgotten, the address's place is given back."""
        for count, _number in self.places:
            if count.per_account:
                cache.delete(count.key)
            else:
                _give_place_back(count.key)


def begin(username: str, ip: str) -> Attempt:
    """Take a place for an attempt to sign in as `username` from `ip`; raises Locked when refused."""
    counts = _counts(username, ip)
    now = time.time()
    locks = cache.get_many([count.lock_key for count in counts])
    if locks:
        raise Locked(max(locks.values()) - now)
    attempt = Attempt()
    for count in counts:
        number = _take_place(count.key)
        if number is None:
            continue
        attempt.places.append((count, number))
        if number > count.limit:  # the count is full: attempts in flight hold the last places
            for taken, _number in attempt.places:
                _give_place_back(taken.key)
            raise Locked(settings.LOGIN_THROTTLE_LOCKOUT)
    return attempt


def locked_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return (f"Too many failed sign-in attempts. Sign-in is paused for {minutes} minute{'s' if minutes != 1 else ''}; "
            "try again later, or ask a portal administrator to reset your password.")


class ThrottleMixin:
    """For an AuthenticationForm: take a place before the password is checked, refuse while locked."""

    throttled_for = 0  # seconds, when this attempt was refused

    def clean(self):
        username = str(self.data.get("username") or "")
        if not username or not self.data.get("password"):
            return super().clean()  # no password is checked: nothing to count
        try:
            attempt = begin(username, client_ip(self.request))
        except Locked as locked:
            self.throttled_for = locked.seconds
            raise ValidationError(locked_message(locked.seconds), code="throttled") from None
        try:
            cleaned = super().clean()
        except ValidationError:
            attempt.failed()
            raise
        attempt.succeeded()
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(auth_views.LoginView):
    """The sign-in page; a refused (throttled) attempt is answered 429 with the form and the message."""

    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled_for:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled_for)
        return response
