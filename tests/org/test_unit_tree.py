"""The tree page and the home page: the user's own units, on any date, after merges too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db



def test_it_requires_login(world: World) -> None:
    response = client_for(None).get(reverse("org:unit_tree"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_officer_of_a_merged_commune_sees_what_it_was_made_of(world: World) -> None:
    import datetime as dt

    from tuyengiao.org.choices import Role, UnitKind
    from tuyengiao.org.models import Assignment
    from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                                         open=[NewUnit("T.XM", "Đảng bộ xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    officer = world.cell_secretary
    Assignment.objects.create(user=officer, unit=merged, role=Role.VIEWER)
    client = client_for(officer)
    old = client.get(reverse("org:unit_tree"), {"on": "2024-01-01"}).content.decode()
    assert "Đảng bộ xã Chí Linh" in old and "Đảng bộ xã Tân Lập" in old and "Hợp Nhất" not in old
    new = client.get(reverse("org:unit_tree")).content.decode()
    assert "Đảng bộ xã Hợp Nhất" in new
    # The history of the predecessors is theirs to read.
    assert client.get(reverse("org:unit_detail", args=[world.other_commune.pk])).status_code == 200


def test_home_opens_the_officers_own_unit_even_after_a_merge(world: World) -> None:
    import datetime as dt

    from tuyengiao.org.choices import Role, UnitKind
    from tuyengiao.org.models import Assignment
    from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

    response = client_for(world.commune_officer).get("/")
    assert response["Location"] == reverse("org:unit_detail", args=[world.commune.pk])
    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                                         open=[NewUnit("T.XM", "Xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    Assignment.objects.create(user=world.member, unit=merged, role=Role.DATA_ENTRY)
    Assignment.objects.filter(user=world.member).exclude(unit=merged).delete()
    response = client_for(world.member).get("/")
    assert response["Location"] == reverse("org:unit_detail", args=[merged.pk])
