"""Searching units: inside the user's subtree, whatever the diacritics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db



def test_it_requires_login(world: World) -> None:
    response = client_for(None).get(reverse("org:unit_search"), {"q": "chi bo"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_search_stays_inside_the_users_subtree(world: World) -> None:
    client = client_for(world.other_commune_officer)
    response = client.get(reverse("org:unit_search"), {"q": "chi bo"})
    assert "Chi bộ thôn Bắc" in response.content.decode()
    assert "Chi bộ thôn Đông" not in response.content.decode()


def test_search_ignores_diacritics(world: World) -> None:
    client = client_for(world.province_admin)
    body = client.get(reverse("org:unit_search"), {"q": "CHI LINH"}).content.decode()
    assert "Đảng bộ xã Chí Linh" in body
    assert "Tân Lập" not in body
