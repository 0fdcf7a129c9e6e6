"""The login page throttles repeated failures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_login_is_throttled_after_repeated_failures(world: World) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "commune_officer", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "commune_officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
