"""Ask for the second factor after the password, before any page or session API call."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import services

OPEN_PATHS = ("/static/", "/accounts/logout/", "/accounts/login/", "/accounts/2fa/")


@receiver(user_logged_in)
def remember_second_factor(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """Decide once at login whether this session still owes a code (no query on later requests)."""
    if request is not None and hasattr(request, "session"):
        request.session[services.SESSION_FLAG] = services.has_second_factor(user)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(OPEN_PATHS):
            owes_code = request.session.get(services.SESSION_FLAG) and not user.is_verified()
            if owes_code:
                return self._refuse(request, "accounts:verify", _("Enter the code from your authenticator app."))
            if services.must_set_up(user):
                return self._refuse(request, "accounts:two_factor", _("Set up two-factor authentication first."))
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, url_name: str, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
