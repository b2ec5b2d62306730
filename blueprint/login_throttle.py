"""Sign-in throttling: after repeated FAILED attempts, sign-in is refused for a while.

Only failures count (Django's `user_login_failed` signal, sent by `authenticate()` for the login
page and the admin's), so people and browser tests that sign in correctly many times are never
slowed down. Two independent limits, both kept in the cache:

- per username: LOGIN_THROTTLE_USER_LIMIT failures (default 5) within LOGIN_THROTTLE_WINDOW seconds
  (default 900) lock that username for LOGIN_THROTTLE_LOCKOUT seconds (default 900), whatever the IP;
- per client IP: LOGIN_THROTTLE_IP_LIMIT failures (default 20) within the same window lock every
  sign-in from that IP (password spraying over many usernames).

While locked, the form refuses before checking the password, so even the right password is refused
and the attempt is not counted again. A successful sign-in clears its username's failures.
The client IP is REMOTE_ADDR, or the last X-Forwarded-For hop when BLUEPRINT_BEHIND_PROXY is on.
"""
import hashlib
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.dispatch import receiver

PREFIX = "login-throttle"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def window() -> int:
    return _setting("LOGIN_THROTTLE_WINDOW", 15 * 60)


def lockout() -> int:
    return _setting("LOGIN_THROTTLE_LOCKOUT", 15 * 60)


def client_ip(request) -> str:
    if request is None:
        return ""
    if getattr(settings, "BLUEPRINT_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, value: str) -> str:
    return f"{PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _keys(username: str, ip: str) -> list[tuple[str, int]]:
    keys = []
    if username:
        keys.append((_key("user", username.strip().lower()), _setting("LOGIN_THROTTLE_USER_LIMIT", 5)))
    if ip:
        keys.append((_key("ip", ip), _setting("LOGIN_THROTTLE_IP_LIMIT", 20)))
    return keys


def _recent(key: str, now: float) -> list[float]:
    return [t for t in cache.get(key, []) if now - t < window()]


def locked_for(username: str, ip: str) -> int:
    """Seconds until sign-in is allowed again for this username or IP; 0 when it is allowed."""
    now = time.time()
    wait = 0
    for key, limit in _keys(username, ip):
        failures = _recent(key, now)
        if len(failures) >= limit:
            wait = max(wait, int(failures[-1] + lockout() - now) + 1)
    return max(wait, 0)


def record_failure(username: str, ip: str) -> None:
    now = time.time()
    for key, limit in _keys(username, ip):
        failures = _recent(key, now)[-(limit * 2):] + [now]
        cache.set(key, failures, timeout=window() + lockout())


def clear(username: str = "", ip: str = "") -> None:
    for key, _limit in _keys(username, ip):
        cache.delete(key)


@receiver(user_login_failed, dispatch_uid="blueprint.login_throttle.failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record_failure(str(credentials.get("username") or ""), client_ip(request))


@receiver(user_logged_in, dispatch_uid="blueprint.login_throttle.success")
def _on_logged_in(sender, request, user, **kwargs):
    clear(username=user.get_username())


def locked_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return (f"Too many failed sign-in attempts. Sign-in is paused for {minutes} minute{'s' if minutes != 1 else ''}; "
            "try again later, or ask a portal administrator to reset your password.")


class ThrottleMixin:
    """For an AuthenticationForm: refuse before authenticating while the username or the IP is locked."""

    throttled = False

    def clean(self):
        username = self.data.get("username", "") if hasattr(self.data, "get") else ""
        wait = locked_for(str(username), client_ip(self.request))
        if wait:
            self.throttled = True
            raise ValidationError(locked_message(wait), code="throttled")
        return super().clean()


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(auth_views.LoginView):
    """The sign-in page; a refused (throttled) attempt is answered 429 with the form and the message."""

    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
            response["Retry-After"] = str(locked_for(form.data.get("username", ""), client_ip(self.request)))
        return response
