"""The scope of a user: path prefixes per action, history included, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import Role, UnitKind
from tuyengiao.org.models import Assignment
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

pytestmark = pytest.mark.django_db


def test_each_role_gives_its_own_actions(world: World) -> None:
    assert Scope.of(world.commune_officer).allows(world.cell, "enter")
    assert not Scope.of(world.commune_officer).allows(world.cell, "approve")
    assert not Scope.of(world.commune_officer).allows(world.other_cell, "view")
    assert Scope.of(world.province_approver).allows(world.other_cell, "approve")
    assert not Scope.of(world.province_approver).allows(world.other_cell, "enter")
    assert Scope.of(world.member).prefixes("admin") == ()


def test_an_officer_of_a_merged_unit_reaches_its_predecessors(world: World) -> None:
    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                                         open=[NewUnit("T.XM", "Xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    Assignment.objects.create(user=world.member, unit=merged, role=Role.DATA_ENTRY)
    world.other_commune.refresh_from_db()
    assert Scope.of(world.member).allows(world.other_commune, "enter")
    assert set(Scope.of(world.member).prefixes("view")) >= {merged.path, world.other_commune.path}


def test_every_actions_scope_costs_one_query(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for unit in (world.other_commune, world.district):
        Assignment.objects.create(user=world.commune_officer, unit=unit, role=Role.VIEWER)
    with django_assert_num_queries(1):
        for action in ("view", "enter", "approve", "admin", "view"):
            Scope.of(world.commune_officer).prefixes(action)
