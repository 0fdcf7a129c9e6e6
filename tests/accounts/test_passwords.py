"""Passwords: users change their own with Django's validators; a unit admin sets a new one only
for users assigned within their subtree, anyone else answers 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, World, make_user
from tuyengiao.org.choices import Role
from tuyengiao.org.models import Assignment

pytestmark = pytest.mark.django_db
NEW = "Hoa-sen-no-2025"


def logged_in(username: str) -> Client:
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_a_user_changes_their_password_and_their_tokens_end(world: World) -> None:
    token = APIClient().post("/api/auth/token/", {"username": "member", "password": PASSWORD}).json()["token"]
    other_session = logged_in("member")
    client = logged_in("member")
    page = client.get(reverse("accounts:password_change"))
    assert "Mật khẩu cũ" in page.content.decode()
    weak = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and "quá phổ biến" in weak.content.decode()
    done = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_change_done")
    assert client.get(reverse("org:unit_tree")).status_code == 200  # this session stays
    assert other_session.get(reverse("org:unit_tree")).status_code == 302  # the others log out
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/units/").status_code in (401, 403)


def test_a_unit_admin_sets_a_password_within_their_subtree(world: World) -> None:
    commune_admin = make_user("commune_admin", world.commune, Role.UNIT_ADMIN)
    both = make_user("both_communes", world.cell, Role.VIEWER)
    Assignment.objects.create(user=both, unit=world.other_cell, role=Role.VIEWER)
    client = logged_in("commune_admin")
    listed = client.get(reverse("accounts:unit_users")).content.decode()
    assert "commune_officer" in listed and "cell_secretary" in listed and "member" in listed
    assert "other_commune_officer" not in listed and "both_communes" not in listed and "province_admin" not in listed

    url = reverse("accounts:set_user_password", args=[world.member.pk])
    short = client.post(url, {"new_password1": "abc", "new_password2": "abc"})
    assert short.status_code == 200 and "quá ngắn" in short.content.decode()
    assert client.post(url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    assert User.objects.get(pk=world.member.pk).check_password(NEW)

    for outsider in (world.other_commune_officer, both, world.province_admin, commune_admin):
        out = reverse("accounts:set_user_password", args=[outsider.pk])
        assert client.get(out).status_code == 404
        assert client.post(out, {"new_password1": NEW, "new_password2": NEW}).status_code == 404
        assert User.objects.get(pk=outsider.pk).check_password(PASSWORD)


def test_users_who_administer_nothing_cannot_reset_passwords(world: World) -> None:
    client = logged_in("commune_officer")
    assert client.get(reverse("accounts:unit_users")).status_code == 403
    assert client.get(reverse("accounts:set_user_password", args=[world.cell_secretary.pk])).status_code == 404


def test_the_province_admin_reaches_every_user_of_the_province(world: World) -> None:
    client = logged_in("province_admin")
    listed = client.get(reverse("accounts:unit_users")).content.decode()
    assert "other_commune_officer" in listed and "province_approver" in listed
    staff = make_user("staff_person", world.commune, Role.VIEWER)
    staff.is_staff = True
    staff.save()
    assert client.get(reverse("accounts:set_user_password", args=[staff.pk])).status_code == 404
