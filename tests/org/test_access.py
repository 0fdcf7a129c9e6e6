"""The scope of a user: path prefixes per action, history included, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tuyengiao.org.access import can, scope_paths
from tuyengiao.org.choices import Role, UnitKind
from tuyengiao.org.models import Assignment
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

pytestmark = pytest.mark.django_db


def test_each_role_gives_its_own_actions(world: World) -> None:
    assert can(world.commune_officer, "enter", world.cell)
    assert not can(world.commune_officer, "approve", world.cell)
    assert not can(world.commune_officer, "view", world.other_cell)
    assert can(world.province_approver, "approve", world.other_cell)
    assert not can(world.province_approver, "enter", world.other_cell)
    assert scope_paths(world.member, "admin") == []


def test_an_officer_of_a_merged_unit_reaches_its_predecessors(world: World) -> None:
    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                                         open=[NewUnit("T.XM", "Xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    Assignment.objects.create(user=world.member, unit=merged, role=Role.DATA_ENTRY)
    world.other_commune.refresh_from_db()
    assert can(world.member, "enter", world.other_commune)
    assert set(scope_paths(world.member, "view") or []) >= {merged.path, world.other_commune.path}


def test_every_actions_scope_costs_three_queries(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for unit in (world.other_commune, world.district):
        Assignment.objects.create(user=world.commune_officer, unit=unit, role=Role.VIEWER)
    with django_assert_num_queries(3):
        for action in ("view", "enter", "approve", "admin", "view"):
            scope_paths(world.commune_officer, action)
