"""API tokens: only after both factors, named, listed and revoked by their owner, expiring, and
ended by a password change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.accounts.test_two_factor import code, login, set_up
from tests.conftest import PASSWORD, World
from tuyengiao.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def member_with_device(world: World):  # type: ignore[no-untyped-def]
    browser = Client()
    login(browser, "member")
    device = set_up(browser)
    return browser, device


def test_the_password_alone_gets_no_token_once_2fa_is_on(world: World) -> None:
    _browser, device = member_with_device(world)
    refused = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD})
    assert refused.status_code == 400
    assert "otp_token" in refused.json()
    assert not ApiToken.objects.exists()
    wrong = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "otp_token": "000000"})
    assert wrong.status_code == 400 and not ApiToken.objects.exists()
    device.refresh_from_db()
    device.throttle_reset()
    right = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "otp_token": code(device, 1),
                                         "name": "Lan's laptop"})
    assert right.status_code == 200, right.content
    assert right.json()["name"] == "Lan's laptop"
    assert with_token(right.json()["token"]).get("/api/units/").status_code == 200


def test_guessing_the_code_for_a_token_is_throttled(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    _browser, device = member_with_device(world)
    APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "otp_token": "000000"})
    # Straight after a wrong code, even the right one is refused.
    again = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "otp_token": code(device, 1)})
    assert again.status_code == 400 and not ApiToken.objects.exists()


def test_a_session_that_owes_its_code_gets_no_token(world: World) -> None:
    browser, _device = member_with_device(world)
    browser.post(reverse("accounts:logout"))
    login(browser, "member")  # password given, code not yet
    response = browser.post(TOKEN_URL, {"name": "sneaky"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    page = browser.post(reverse("accounts:api_tokens"), {"action": "create", "name": "sneaky"})
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:verify"))
    assert not ApiToken.objects.exists()


def test_a_verified_session_gets_a_named_expiring_token(world: World) -> None:
    browser, _device = member_with_device(world)  # set-up leaves the session verified
    response = browser.post(TOKEN_URL, {"name": "Điện thoại"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    token = ApiToken.objects.get()
    assert token.name == "Điện thoại" and token.user == world.member
    assert body["token"] not in (token.digest, token.token_key)  # only the digest is stored
    days = (token.expiry - timezone.now()).total_seconds() / 86400
    assert 29.9 < days <= 30
    assert with_token(body["token"]).get("/api/units/").status_code == 200


def test_a_token_cannot_mint_another(world: World) -> None:
    secret = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD}).json()["token"]
    response = with_token(secret).post(TOKEN_URL, {"name": "copy"})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 1


def test_tokens_expire(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_TOKEN_DAYS = 7
    secret = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD}).json()["token"]
    token = ApiToken.objects.get()
    assert abs((token.expiry - timezone.now()) - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    ApiToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert with_token(secret).get("/api/units/").status_code in (401, 403)
    assert not ApiToken.objects.exists()  # an expired token presented is deleted


def test_a_request_reads_only_its_own_token(world: World) -> None:
    """Other tokens of the same user are not read on every request (expired ones are refused when
    presented), so an API call costs the same however many tokens its owner has."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    secret = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "name": "a"}).json()["token"]
    for name in ("b", "c"):
        APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "name": name})
    ApiToken.objects.exclude(name="a").update(expiry=timezone.now() - dt.timedelta(seconds=1))
    client = with_token(secret)
    assert client.get("/api/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/").status_code == 200
    token_table = ApiToken._meta.db_table
    assert sum(token_table in q["sql"] for q in queries.captured_queries) == 1


def test_a_password_change_revokes_every_token(world: World) -> None:
    first = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "name": "a"}).json()["token"]
    APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "name": "b"})
    other = APIClient().post(TOKEN_URL, {"username": "commune_officer", "password": PASSWORD}).json()["token"]
    world.member.set_password("Mot-mat-khau-moi-2025")
    world.member.save()
    assert not ApiToken.objects.filter(user=world.member).exists()
    assert with_token(first).get("/api/units/").status_code in (401, 403)
    assert with_token(other).get("/api/units/").status_code == 200
    # Saving the user without touching the password keeps tokens.
    again = APIClient().post(TOKEN_URL, {"username": "member", "password": "Mot-mat-khau-moi-2025"}).json()["token"]
    world.member.first_name = "Lan"
    world.member.save()
    assert with_token(again).get("/api/units/").status_code == 200


def test_owners_list_and_revoke_their_own_tokens_only(world: World) -> None:
    mine = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "name": "phone"}).json()
    APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "name": "laptop"})
    theirs = APIClient().post(TOKEN_URL, {"username": "commune_officer", "password": PASSWORD, "name": "x"}).json()
    client = with_token(mine["token"])
    listed = client.get("/api/auth/tokens/").json()
    assert sorted(t["name"] for t in listed) == ["laptop", "phone"]
    assert all("token" not in t and "digest" not in t for t in listed)
    assert client.delete(f"/api/auth/tokens/{theirs['id']}/").status_code == 404
    assert with_token(theirs["token"]).get("/api/units/").status_code == 200
    laptop = next(t for t in listed if t["name"] == "laptop")
    assert client.delete(f"/api/auth/tokens/{laptop['id']}/").status_code == 204
    assert [t["name"] for t in client.get("/api/auth/tokens/").json()] == ["phone"]
    # Revoking the token in use logs the client out.
    assert client.delete(f"/api/auth/tokens/{mine['id']}/").status_code == 204
    assert client.get("/api/units/").status_code in (401, 403)


def test_the_tokens_page_creates_lists_and_revokes(world: World) -> None:
    browser = Client()
    login(browser, "member")
    page = browser.post(reverse("accounts:api_tokens"), {"action": "create", "name": "Máy tính bảng"})
    body = page.content.decode()
    token = ApiToken.objects.get()
    secret = body.split('data-testid="new-token">')[1].split("<")[0]
    assert with_token(secret).get("/api/units/").status_code == 200
    assert "Máy tính bảng" in body and "chỉ hiện một lần" in body
    other = APIClient().post(TOKEN_URL, {"username": "commune_officer", "password": PASSWORD}).json()
    assert browser.post(reverse("accounts:api_tokens"), {"action": "revoke", "token_id": other["id"]}).status_code == 404
    browser.post(reverse("accounts:api_tokens"), {"action": "revoke", "token_id": token.pk})
    assert not ApiToken.objects.filter(user=world.member).exists()


def test_admins_who_must_set_up_2fa_get_no_token(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REQUIRE_2FA_FOR_ADMINS = True
    response = APIClient().post(TOKEN_URL, {"username": "province_admin", "password": PASSWORD})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_token_login_is_throttled_like_the_web_login(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        APIClient().post(TOKEN_URL, {"username": "member", "password": "wrong"})
    locked = APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert not ApiToken.objects.exists()


def test_the_schema_describes_the_token_endpoints(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    post = schema["paths"]["/api/auth/token/"]["post"]
    fields = schema["components"]["schemas"][post["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]]["properties"]
    assert {"username", "password", "otp_token", "name"} <= set(fields)
    issued = post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert "token" in schema["components"]["schemas"][issued]["properties"]
    assert "get" in schema["paths"]["/api/auth/tokens/"]
    assert "delete" in schema["paths"]["/api/auth/tokens/{id}/"]
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_staff_see_tokens_in_the_admin_but_not_their_secrets(world: World) -> None:
    APIClient().post(TOKEN_URL, {"username": "member", "password": PASSWORD, "name": "phone"})
    staff = Client()
    from django.contrib.auth.models import User

    User.objects.create_superuser("root", password=PASSWORD)
    staff.force_login(User.objects.get(username="root"))
    index = staff.get("/admin/").content.decode()
    assert "/admin/accounts/apitoken/" in index and "/admin/knox/" not in index
    listing = staff.get("/admin/accounts/apitoken/").content.decode()
    assert "phone" in listing and ApiToken.objects.get().digest not in listing


def test_a_read_only_token_reads_but_cannot_write(world: World) -> None:
    body = APIClient().post(TOKEN_URL, {"username": "province_admin", "password": PASSWORD, "name": "dashboard",
                                        "read_only": True}).json()
    assert body["read_only"] is True
    client = with_token(body["token"])
    assert client.get("/api/units/").status_code == 200
    merge = {"date": "2025-07-01", "close": ["T.X1", "T.X2"],
             "open": [{"code": "T.XM", "name": "Đảng bộ xã Hợp Nhất", "kind": "commune", "parent": "T"}]}
    refused = client.post("/api/reorganisations/", merge, format="json")
    assert refused.status_code == 403 and "chỉ được đọc" in refused.json()["detail"]
    from tuyengiao.org.models import Unit

    assert not Unit.objects.filter(code="T.XM").exists()
    # A full token of the same user writes.
    full = with_token(APIClient().post(TOKEN_URL, {"username": "province_admin", "password": PASSWORD}).json()["token"])
    assert full.post("/api/reorganisations/", merge, format="json").status_code == 201
