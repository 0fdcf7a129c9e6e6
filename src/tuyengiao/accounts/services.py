"""Two-factor authentication with time-based codes (django-otp's TOTP devices)."""

from __future__ import annotations

from typing import Any

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuyengiao.org.choices import Role

SESSION_FLAG = "tuyengiao_second_factor_required"


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_admin(user: Any) -> bool:
    """Staff and unit admins: the people whose accounts can change other people's data."""
    return bool(user.is_staff or user.assignments.filter(role=Role.UNIT_ADMIN).exists())


def must_set_up(user: Any) -> bool:
    return bool(settings.REQUIRE_2FA_FOR_ADMINS) and is_admin(user) and not has_second_factor(user)


@transaction.atomic
def begin_setup(user: Any) -> TOTPDevice:
    """A new, unconfirmed device; an earlier unconfirmed one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)


def pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def confirm_setup(request: HttpRequest, token: str) -> bool:
    """Confirm the pending device with a code from the app; the session counts as verified."""
    device = pending_device(request.user)
    if device is None or not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    request.session[SESSION_FLAG] = True
    return True


def verify(request: HttpRequest, token: str) -> bool:
    """Check a code against the user's devices (each device throttles repeated failures)."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token.strip()):
            django_otp.login(request, device)
            return True
    return False


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
