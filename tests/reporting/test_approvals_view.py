"""The approvals page of a unit's subtree: who may open it, and where its trail leads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


def url(catalogue: Catalogue, unit) -> str:  # type: ignore[no-untyped-def]
    return reverse("reporting:approvals", args=[catalogue.monthly.pk, unit.pk, "202405"])


def test_it_requires_login(world: World, catalogue: Catalogue) -> None:
    assert client_for(None).get(url(catalogue, world.commune)).status_code == 302


def test_it_requires_the_unit_in_scope(world: World, catalogue: Catalogue) -> None:
    assert client_for(world.other_commune_officer).get(url(catalogue, world.commune)).status_code == 404


def test_its_trail_links_only_to_units_the_user_may_open(world: World, catalogue: Catalogue) -> None:
    page = client_for(world.commune_officer).get(url(catalogue, world.commune))
    assert page.status_code == 200
    crumbs = page.content.decode().split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert world.province.name in crumbs and world.district.name in crumbs
    assert "<a " not in crumbs
    page = client_for(world.province_approver).get(url(catalogue, world.commune))
    crumbs = page.content.decode().split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert url(catalogue, world.province) in crumbs and url(catalogue, world.district) in crumbs
