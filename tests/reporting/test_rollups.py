"""Figures an app totals over whole subtrees itself (members from the tree) answer exactly what
the service gives by computing every owning unit and carrying it up, before and after a
reorganisation, on both structures and for every way of asking."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import World
from tuyengiao.core import providers
from tuyengiao.core.periods import Period
from tuyengiao.org import tree
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit, today
from tuyengiao.org.providers import MEMBERS
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise
from tuyengiao.reporting import analytics

pytestmark = pytest.mark.django_db

CARRIED = dataclasses.replace(MEMBERS, rollup=None)


def both(ou: Unit, mode: str, structure: str, periods: list[Period]) -> tuple[dict, dict]:  # type: ignore[type-arg]
    targets = analytics._targets_by_period(ou, mode, structure, periods, None)
    rolled = analytics._derived([MEMBERS], periods, structure, targets)
    carried = analytics._derived([CARRIED], periods, structure, targets)
    return rolled, carried


def test_members_rolled_up_by_the_tree_equal_members_carried_up_unit_by_unit(world: World) -> None:
    before = Period.parse("2024S1")
    reorganise(Reorganisation(
        date=dt.date(2024, 7, 1),
        close=[world.commune, world.other_commune],
        open=[NewUnit(code="T.XM", name="Đảng bộ xã Chí Linh mới", kind=UnitKind.COMMUNE, parent=world.district)],
    ))
    after = Period.of(Period.parse("2024S1").type, today())
    asked = [before, Period.parse("2024S2"), after]
    for ou in (world.province, world.district, Unit.objects.get(code="T.XM")):
        for mode in ("self", "children", "descendants"):
            for structure in ("period", "current"):
                rolled, carried = both(ou, mode, structure, asked)
                assert rolled == carried, (ou.code, mode, structure)
    assert tree.is_todays_tree(after.end) and not tree.is_todays_tree(before.end)
    total = analytics.table(analytics.values([MEMBERS.code], [after], world.province, "self", "current"))
    assert total[(MEMBERS.code, after.code, world.province.pk)] == 30 + 25 + 40


def test_member_totals_read_from_the_paths_equal_the_walk_of_the_dated_tree(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the paths are read with PostgreSQL's split_part")
    units = list(Unit.objects.current())
    day = today()
    assert tree.is_todays_tree(day)
    by_path = tree._member_totals_by_path(units, day)
    assert by_path[world.province.pk] == 95 and by_path[world.commune.pk] == 55 and by_path[world.cell.pk] == 30
    assert by_path == tree._member_totals_walked(units, day)


def test_members_of_a_split_cell_are_carried_in_its_shares(world: World) -> None:
    reorganise(Reorganisation(
        date=dt.date(2024, 7, 1),
        close=[world.cell],
        open=[NewUnit(code="T.X1.C9", name="Chi bộ thôn Đông A", kind=UnitKind.CELL, parent=world.commune),
              NewUnit(code="T.X2.C9", name="Chi bộ thôn Đông B", kind=UnitKind.CELL, parent=world.other_commune)],
        successions=[("T.X1.C1", "T.X1.C9", Decimal("0.4")), ("T.X1.C1", "T.X2.C9", Decimal("0.6"))],
    ))
    before = Period.parse("2024S1")
    for ou in (world.province, world.district, world.commune, world.other_commune):
        for mode in ("self", "children"):
            for structure in ("period", "current"):
                rolled, carried = both(ou, mode, structure, [before])
                assert rolled == carried, (ou.code, mode, structure)
    rolled, _carried = both(world.other_commune, "self", "current", [before])
    assert rolled[(MEMBERS.code, before.code, world.other_commune.pk)] == 40 + 18  # 60% of the 30


def test_a_figure_of_a_unit_that_closed_during_the_period_counts_where_it_stood_on_its_last_day(
    world: World,
) -> None:
    reorganise(Reorganisation(
        date=dt.date(2024, 7, 1),
        close=[world.district],
        open=[NewUnit(code="T.H9", name="Đảng bộ huyện Đông Sơn mới", kind=UnitKind.DISTRICT, parent=world.province)],
    ))
    held = providers.DerivedElement(code="TEST_LOP", name="Lớp đã mở", compute=lambda ids, period: {
        world.district.pk: Decimal(5)} if period.start.year == 2024 else {})
    year = Period.parse("2024")
    targets = analytics._targets_by_period(world.province, "self", "period", [year], None)
    found = analytics._derived([held], [year], "period", targets)
    assert found == {("TEST_LOP", "2024", world.province.pk): 5}
