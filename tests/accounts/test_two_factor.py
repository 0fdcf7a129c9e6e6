"""Two-factor authentication: set up with a real TOTP code, asked after the password, required
for admins when the setting says so."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or a later step, as a clock slightly ahead would)."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def login(client: Client, username: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def set_up(client: Client) -> TOTPDevice:
    page = client.post(reverse("accounts:two_factor"), {"action": "begin"}).content.decode()
    assert "<svg" in page  # the QR code is drawn on the server
    device = TOTPDevice.objects.get()
    response = client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_after_setting_it_up_the_password_alone_is_not_enough(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute's pause after a wrong code, so a slow machine sees it too
    client = Client()
    login(client, "commune_officer")
    device = set_up(client)
    client.post(reverse("accounts:logout"))

    login(client, "commune_officer")
    page = reverse("org:unit_detail", args=[world.commune.pk])
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:verify"))
    assert client.get("/api/units/").status_code == 403
    wrong = client.post(reverse("accounts:verify"), {"token": "000000", "next": page})
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    # Straight after a wrong code even the right one waits (the device throttles guessing).
    throttled = client.post(reverse("accounts:verify"), {"token": code(device, steps_ahead=1), "next": page})
    assert throttled.status_code == 200
    assert "Nhập sai quá nhiều lần: hãy chờ" in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # as if the pause had passed
    right = client.post(reverse("accounts:verify"), {"token": code(device, steps_ahead=1), "next": page})
    assert right.status_code == 302 and right["Location"] == page
    assert client.get(page).status_code == 200


def test_a_wrong_code_does_not_turn_it_on(world: World) -> None:
    client = Client()
    login(client, "member")
    client.post(reverse("accounts:two_factor"), {"action": "begin"})
    body = client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": "123456"}).content.decode()
    assert "Mã không đúng hoặc đã hết hạn" in body
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_turning_it_off_needs_a_current_code(world: World) -> None:
    client = Client()
    login(client, "member")
    device = set_up(client)
    client.post(reverse("accounts:two_factor"), {"action": "disable", "token": "999999"})
    assert TOTPDevice.objects.filter(confirmed=True).exists()
    device.refresh_from_db()
    device.throttle_reset()
    client.post(reverse("accounts:two_factor"), {"action": "disable", "token": code(device, steps_ahead=1)})
    assert not TOTPDevice.objects.exists()


def test_admins_must_set_it_up_when_required(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REQUIRE_2FA_FOR_ADMINS = True
    admin = Client()
    login(admin, "province_admin")
    response = admin.get(reverse("org:unit_tree"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    set_up(admin)
    assert admin.get(reverse("org:unit_tree")).status_code == 200
    # Other users are not forced.
    officer = Client()
    login(officer, "commune_officer")
    assert officer.get(reverse("org:unit_tree")).status_code == 200


def test_the_next_parameter_cannot_send_users_elsewhere(world: World) -> None:
    client = Client()
    login(client, "member")
    device = set_up(client)
    client.post(reverse("accounts:logout"))
    login(client, "member")
    response = client.post(reverse("accounts:verify"), {"token": code(device, 1), "next": "https://example.org/"})
    assert response["Location"] == reverse("home")


def test_a_session_that_owes_its_code_cannot_enrol_a_new_device(world: World) -> None:
    client = Client()
    login(client, "member")
    set_up(client)
    client.post(reverse("accounts:logout"))
    login(client, "member")  # the password alone: the code is still owed
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:verify"))
    begun = client.post(reverse("accounts:two_factor"), {"action": "begin"})
    assert begun.status_code == 302 and begun["Location"].startswith(reverse("accounts:verify"))
    assert client.post(reverse("accounts:two_factor"), {"action": "disable", "token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=world.member).count() == 1
    # Only the code form and logout answer.
    assert client.get(reverse("accounts:verify")).status_code == 200
    assert client.get(reverse("accounts:api_tokens")).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_starting_the_set_up_over_keeps_the_wait_after_a_wrong_code(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    client = Client()
    login(client, "member")
    client.post(reverse("accounts:two_factor"), {"action": "begin"})
    client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": "000000"})
    client.post(reverse("accounts:two_factor"), {"action": "begin"})  # a fresh secret, same wait
    device = TOTPDevice.objects.get(user=world.member)
    client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": code(device)})
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_a_verified_session_cannot_add_a_second_device_without_turning_off(world: World) -> None:
    client = Client()
    login(client, "member")
    set_up(client)
    client.post(reverse("accounts:two_factor"), {"action": "begin"})
    assert TOTPDevice.objects.filter(user=world.member).count() == 1
