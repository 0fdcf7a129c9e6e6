"""Ask for the second factor after the password, before any page or session API call.

A session that still owes its code reaches the code form and logout, nothing else: not the
set-up page (where a fresh device could replace the one it owes a code for), not the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import services


@receiver(user_logged_in)
def remember_second_factor(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """Decide once at login whether this session still owes a code (no query on later requests)."""
    if request is not None and hasattr(request, "session"):
        request.session[services.SESSION_FLAG] = services.has_second_factor(user)


@receiver(user_logged_out)
def forget_second_factor(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(services.SESSION_FLAG, None)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def notice_password_change(sender: type, instance: object, update_fields: object = None, **kwargs: object) -> None:
    """Compare the stored hash with the one being saved: whatever the path, a new password is seen."""
    pk = getattr(instance, "pk", None)
    if pk is None or (update_fields is not None and "password" not in update_fields):  # type: ignore[operator]
        return
    old = sender._default_manager.filter(pk=pk).values_list("password", flat=True).first()  # type: ignore[attr-defined]
    instance._tuyengiao_password_changed = old is not None and old != getattr(instance, "password", None)  # type: ignore[attr-defined]


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_password_change(sender: type, instance: object, **kwargs: object) -> None:
    """A changed password ends every API token (sessions end through Django's session hash)."""
    if getattr(instance, "_tuyengiao_password_changed", False):
        instance._tuyengiao_password_changed = False  # type: ignore[attr-defined]
        services.revoke_all_tokens(instance)


def _paths(*names: str) -> tuple[str, ...]:
    return (settings.STATIC_URL, reverse("accounts:logout"), *(reverse(name) for name in names))


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if services.owes_code(request):
                if not request.path.startswith(_paths("accounts:verify")):
                    return self._refuse(request, "accounts:verify", _("Enter the code from your authenticator app."))
            elif services.must_set_up(user) and not request.path.startswith(_paths("accounts:two_factor")):
                return self._refuse(request, "accounts:two_factor", _("Set up two-factor authentication first."))
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, url_name: str, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
