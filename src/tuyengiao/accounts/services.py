"""Two-factor authentication with time-based codes (django-otp's TOTP devices)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from knox.settings import knox_settings

from tuyengiao.org.choices import Role

from .models import ApiToken

SESSION_FLAG = "tuyengiao_second_factor_required"


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_admin(user: Any) -> bool:
    """Staff and unit admins: the people whose accounts can change other people's data."""
    return bool(user.is_staff or user.assignments.filter(role=Role.UNIT_ADMIN).exists())


def must_set_up(user: Any) -> bool:
    return bool(settings.REQUIRE_2FA_FOR_ADMINS) and is_admin(user) and not has_second_factor(user)


@transaction.atomic
def begin_setup(user: Any) -> TOTPDevice | None:
    """A fresh secret on the user's one unconfirmed device; ``None`` while 2FA is on.

    The unconfirmed device is kept (only its key changes) so its failure count, and with it the
    wait before the next try, survives starting over: guessing stays throttled per user.
    """
    if has_second_factor(user):
        return None
    device = pending_device(user)
    if device is None:
        return TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    device.key = default_key()
    device.save(update_fields=["key"])
    return device


def pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def confirm_setup(request: HttpRequest, token: str) -> bool:
    """Confirm the pending device with a code from the app; the session counts as verified."""
    if has_second_factor(request.user):
        return False
    device = pending_device(request.user)
    if device is None or not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    request.session[SESSION_FLAG] = True
    return True


def check_code(user: Any, token: str) -> TOTPDevice | None:
    """The user's device that accepts ``token``; each failure lengthens the device's wait."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token.strip()):
            return device
    return None


def wait_seconds(user: Any) -> int:
    """How long until the user's devices accept another code (0 when they do now)."""
    waits = [0]
    for device in TOTPDevice.objects.filter(user=user):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999)))
    return max(waits)


def verify(request: HttpRequest, token: str) -> bool:
    """Check a code and mark the session as having passed its second factor."""
    device = check_code(request.user, token)
    if device is None:
        return False
    django_otp.login(request, device)
    return True


def owes_code(request: HttpRequest) -> bool:
    """Whether this logged-in session still has to give its second factor."""
    user: Any = request.user
    if not user.is_authenticated:
        return False
    flagged = request.session.get(SESSION_FLAG)
    if flagged is None:  # a session from before the flag existed: ask the database once
        flagged = has_second_factor(user)
        request.session[SESSION_FLAG] = flagged
    return bool(flagged) and not user.is_verified()


@transaction.atomic
def disable(request: HttpRequest, token: str) -> bool:
    """Remove the user's devices, only with a valid code (a stolen session cannot do it)."""
    if not verify(request, token):
        return False
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session[SESSION_FLAG] = False
    return True


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth URL as an inline SVG QR code, drawn on the server."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# --- API tokens ---------------------------------------------------------------------------


class TokenRefused(Exception):
    """Why a token is not issued, in the user's language; ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def check_may_hold_token(user: Any, *, passed_second_factor: bool, otp_token: str = "") -> None:
    """Refuse a token to an account whose second factor was not given (or must first be set up)."""
    if must_set_up(user):
        raise TokenRefused(gettext("Set up two-factor authentication first."), status=403)
    if passed_second_factor or not has_second_factor(user):
        return
    if not otp_token:
        raise TokenRefused(gettext("This account uses two-factor authentication: send the code from the app "
                                   "as otp_token."), field="otp_token")
    if check_code(user, otp_token) is None:
        raise TokenRefused(gettext("The code is wrong or has expired; wait for a new one and try again."),
                           field="otp_token")


def authenticate_for_token(request: HttpRequest, username: str, password: str) -> Any:
    """The user for these credentials, through the same backends (and django-axes throttling) as the login page."""
    from django.contrib.auth import authenticate

    if not username or not password:
        raise TokenRefused(gettext("Give a username and password, or log in first."))
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise TokenRefused(gettext("Too many failed logins; try again later."), status=403)
    if user is None:
        raise TokenRefused(gettext("Wrong username or password. Note that both are case-sensitive."))
    return user


def default_token_name(request: HttpRequest) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "").strip()
    return (agent or gettext("API client"))[:100]


@transaction.atomic
def issue_token(user: Any, name: str, read_only: bool = False) -> tuple[ApiToken, str]:
    """A new named token for ``user``; the secret is returned once and only its digest stored."""
    ttl = dt.timedelta(days=settings.API_TOKEN_DAYS) if settings.API_TOKEN_DAYS > 0 else None
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and live_tokens(user).count() >= limit:
        raise TokenRefused(gettext("You have too many API tokens; revoke some first."), status=403)
    token, secret = ApiToken.objects.create(user=user, expiry=ttl, name=name.strip()[:100], read_only=read_only)
    return token, secret


def live_tokens(user: Any) -> QuerySet[ApiToken]:
    now = timezone.now()
    return ApiToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=now))


def revoke_token(user: Any, pk: int | str) -> None:
    """Revoke one of the user's own tokens; anyone else's answers 404."""
    if not str(pk).isdigit():
        raise Http404
    token = get_object_or_404(ApiToken, pk=int(pk), user=user)
    token.delete()


def revoke_all_tokens(user: Any) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


# --- passwords of a unit's users --------------------------------------------------------------


def manageable_users(admin: Any) -> QuerySet[Any]:
    """Users whose every assignment lies within the admin's subtrees (unit admin role).

    Someone also assigned elsewhere, staff, superusers and the admin themself are left out:
    resetting their password would reach beyond the admin's own units.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from tuyengiao.org.access import Scope
    from tuyengiao.org.models import Assignment

    users = get_user_model().objects.exclude(pk=admin.pk).exclude(is_superuser=True)
    scope = Scope.of(admin)
    if scope.everything:  # a superuser
        return users.filter(assignments__isnull=False).distinct().order_by("username")
    inside = scope.q("unit", "admin")
    users = users.exclude(is_staff=True)
    outside = Assignment.objects.filter(user=OuterRef("pk")).exclude(inside)
    within = Assignment.objects.filter(user=OuterRef("pk")).filter(inside)
    return users.filter(Exists(within)).exclude(Exists(outside)).order_by("username")


def get_manageable_user(admin: Any, pk: int | str) -> Any:
    """The user if the admin may reset their password; 404 otherwise, so outsiders are not revealed."""
    return get_object_or_404(manageable_users(admin), pk=pk)
