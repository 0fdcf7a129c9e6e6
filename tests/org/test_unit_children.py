"""The HTMX fragment of one node's children, for expanding the tree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db



def test_it_requires_login(world: World) -> None:
    response = client_for(None).get(reverse("org:unit_children", args=[world.commune.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_requires_the_unit_in_scope(world: World) -> None:
    client = client_for(world.commune_officer)
    assert client.get(reverse("org:unit_children", args=[world.commune.pk])).status_code == 200
    assert client.get(reverse("org:unit_children", args=[world.other_commune.pk])).status_code == 404
