"""The unit page: the subtree's units open, others answer 404; names escaped; a bounded query count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.org.test_unit_import import _upload
from tests.support.personas import client_for
from tuyengiao.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_it_requires_the_unit_in_scope(world: World) -> None:
    client = client_for(world.commune_officer)
    assert client.get(reverse("org:unit_detail", args=[world.commune.pk])).status_code == 200
    assert client.get(reverse("org:unit_detail", args=[world.cell.pk])).status_code == 200
    assert client.get(reverse("org:unit_detail", args=[world.other_commune.pk])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[world.other_cell.pk])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[world.province.pk])).status_code == 404


def test_it_requires_login(client: Client, world: World) -> None:
    response = client.get(reverse("org:unit_detail", args=[world.commune.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_province_admin_sees_everything_below(world: World) -> None:
    client = client_for(world.province_admin)
    for unit in (world.province, world.other_commune, world.other_cell):
        assert client.get(reverse("org:unit_detail", args=[unit.pk])).status_code == 200


def test_the_unit_page_renders_in_a_bounded_number_of_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.province_admin)
    with django_assert_max_num_queries(25):
        client.get(reverse("org:unit_detail", args=[world.commune.pk]))


def test_html_in_names_is_escaped_on_the_page(world: World) -> None:
    client = client_for(world.province_admin)
    _upload(client, world.province,
            "code,name,kind,parent_code,valid_from\nX.H,<script>alert(1)</script>Chi bộ,chi bộ,T.X2,01/01/2024\n")
    unit = Unit.objects.get(code="X.H")
    body = client.get(reverse("org:unit_detail", args=[unit.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
