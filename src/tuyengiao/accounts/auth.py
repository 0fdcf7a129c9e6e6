"""API token authentication: knox tokens, remembering when each was last used."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.signals import token_expired
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

# Writing last_used on every request would turn each API read into a write; once a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        found = super().authenticate(request)
        if found is not None and found[1].read_only and request.method not in SAFE_METHODS:
            # Checked here, not in each view's permissions, so no viewset can forget it.
            raise PermissionDenied(gettext("This API token may only read."))
        return found

    def _cleanup_token(self, auth_token: Any) -> bool:
        """Refuse this token, and delete it, once it has expired.

        Knox also reads every other token of the user on every request to delete the expired
        ones: a query on each API call for rows that are refused anyway when presented and that
        the token list leaves out.
        """
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
            type(token).objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token scheme in the OpenAPI schema: ``Authorization: Token <token>``."""

    target_class = "tuyengiao.accounts.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Send "Token <token>"; obtain one at /api/auth/token/.',
        }
