"""`Authorization: Token <key>` against the hashed tokens of accounts.tokens (DRF's own TokenAuthentication
looks the plain key up in its table)."""
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .tokens import TokenRefused, authenticate_key


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = authenticate_key(key)
        except TokenRefused as exc:
            raise AuthenticationFailed(str(exc)) from None
        return token.user, token
