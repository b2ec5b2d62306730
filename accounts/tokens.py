"""Create, check and revoke API tokens: the one place that knows how a key is made and stored.

A key is "bp_" and 43 random URL-safe characters; the database keeps its SHA-256 digest (a lookup by
digest is as fast as by key, and a leaked table or backup gives no usable key). Every token expires
(API_TOKEN_TTL_DAYS after it is created) and can be revoked by its owner at once.
"""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.text import single_line

from .models import ApiToken

KEY_PREFIX = "bp_"
SHOWN_PREFIX = 9          # "bp_" and six characters
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often, not on every request


class TokenRefused(Exception):
    """A key that authenticates nobody, in words for the caller."""


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user, name: str, now=None) -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which nothing keeps: show it to the user now or never."""
    now = now or timezone.now()
    name = single_line(name, field="name")
    if not name:
        raise ValidationError({"name": "give the token a name, e.g. what uses it"})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], digest=digest_of(key), prefix=key[:SHOWN_PREFIX],
                                    created_at=now, expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS))
    return token, key


def revoke_token(*, token: ApiToken, by, now=None) -> ApiToken:
    """Revoke the token from the next request on. Only its owner revokes it here (admins delete users)."""
    if token.user_id != by.pk:
        raise PermissionDenied("only the owner of a token may revoke it")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now or timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def authenticate_key(key: str, *, now=None) -> ApiToken:
    """The live token of this key, its user loaded; TokenRefused saying why not."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
    if token is None:
        raise TokenRefused("Invalid token.")
    if token.revoked_at is not None:
        raise TokenRefused(f"This token was revoked on {token.revoked_at:%Y-%m-%d %H:%M} UTC; create a new one "
                           "on your API tokens page.")
    if token.expires_at <= now:
        raise TokenRefused(f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC; create a new one on "
                           "your API tokens page.")
    if not token.user.is_active:
        raise TokenRefused("User inactive or deleted.")
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
