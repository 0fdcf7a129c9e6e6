"""Members move with the units that close: merged cells add up, split cells share by the shares,
moves change nothing, and the province total is the same before and after any reorganisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import World, build_world
from tuyengiao.org import services
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit, UnitPlacement, UnitSuccession
from tuyengiao.org.services import (
    NewUnit,
    Reorganisation,
    ReorganisationError,
    allocate_members,
    check_reorganisation,
    reorganise,
)

pytestmark = pytest.mark.django_db


def test_the_cell_made_by_merging_two_cells_keeps_their_members(world: World) -> None:
    before = services.member_total(world.province)
    cells = list(Unit.objects.filter(code__in=["T.X1.C1", "T.X1.C2"]))
    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=cells,
                                         open=[NewUnit("T.X1.CM", "Chi bộ thôn Đông Đoài", UnitKind.CELL,
                                                       world.commune)]))
    assert merged.member_count == 30 + 25
    assert services.member_total(world.province) == before == 95
    # History is kept: on a date before the merge the old cells still count.
    assert services.member_totals_on([world.commune], dt.date(2025, 6, 30))[world.commune.pk] == 55


def test_a_split_shares_members_by_the_shares_and_loses_none(world: World) -> None:
    reorganise(Reorganisation(
        date=dt.date(2025, 7, 1), close=[world.cell],
        open=[NewUnit("A", "Chi bộ A", UnitKind.CELL, world.commune), NewUnit("B", "Chi bộ B", UnitKind.CELL,
                                                                                world.commune),
              NewUnit("C", "Chi bộ C", UnitKind.CELL, world.commune)],
        successions=[("T.X1.C1", "A", Decimal("0.333333")), ("T.X1.C1", "B", Decimal("0.333333")),
                     ("T.X1.C1", "C", Decimal("0.333334"))],
    ))
    counts = dict(Unit.objects.filter(code__in="ABC").values_list("code", "member_count"))
    assert sum(counts.values()) == 30 and sorted(counts.values()) == [10, 10, 10]
    assert services.member_total(world.province) == 95


def test_an_existing_successor_takes_the_members_too(world: World) -> None:
    other_cell_before = world.other_cell.member_count
    reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.cell],
                              successions=[("T.X1.C1", "T.X2.C1", None)]))
    world.other_cell.refresh_from_db()
    assert world.other_cell.member_count == other_cell_before + 30
    assert services.member_total(world.province) == 95


@pytest.mark.parametrize(
    ("shares", "reason"),
    [
        ([Decimal("0.6"), Decimal("0.3")], "90%"),
        ([Decimal("0.6"), Decimal("0.6")], "120%"),
        ([Decimal("1"), Decimal("0")], "above 0%"),
    ],
)
def test_shares_must_add_up_to_a_hundred_percent(world: World, shares: list[Decimal], reason: str) -> None:
    from django.utils import translation

    change = Reorganisation(
        date=dt.date(2025, 7, 1), close=[world.cell],
        open=[NewUnit("A", "Chi bộ A", UnitKind.CELL, world.commune),
              NewUnit("B", "Chi bộ B", UnitKind.CELL, world.commune)],
        successions=[("T.X1.C1", "A", shares[0]), ("T.X1.C1", "B", shares[1])],
    )
    with translation.override("en"):
        plan = check_reorganisation(change)
        assert [tag for tag, _m in plan.problems] == ["shares"]
        assert reason in plan.messages[0]
        with pytest.raises(ReorganisationError):
            reorganise(change)
    assert not Unit.objects.filter(code__in=["A", "B"]).exists()


def test_a_closing_unit_with_members_needs_a_successor(world: World) -> None:
    from django.utils import translation

    with translation.override("en"):
        plan = check_reorganisation(Reorganisation(date=dt.date(2025, 7, 1), close=[world.cell]))
    assert ("close", "“Chi bộ thôn Đông” has 30 members and no successor to take them.") in plan.problems


def test_the_check_reports_every_reason_and_changes_nothing(world: World) -> None:
    counts = (Unit.objects.count(), UnitPlacement.objects.count(), UnitSuccession.objects.count())
    plan = check_reorganisation(Reorganisation(
        date=dt.date(2010, 1, 1), close=[world.commune],
        open=[NewUnit("T.X2", "Trùng mã", UnitKind.COMMUNE, world.cell)], moves={"T.H1": "T.X2.C1"},
    ))
    tags = {tag for tag, _m in plan.problems}
    assert {"date", "open", "moves"} <= tags
    assert len(plan.messages) >= 4
    assert counts == (Unit.objects.count(), UnitPlacement.objects.count(), UnitSuccession.objects.count())


@given(st.integers(0, 10_000), st.lists(st.integers(1, 1000), min_size=1, max_size=5))
def test_allocating_members_by_shares_is_exact(count: int, weights: list[int]) -> None:
    shares = [(str(i), Decimal(w)) for i, w in enumerate(weights)]
    result = allocate_members(count, shares)
    assert sum(result.values()) == count
    total = sum(weights)
    for code, weight in shares:
        assert abs(result[code] - Decimal(count) * weight / total) < 1


# --- any sequence of merges, splits and moves keeps the total ----------------------------------

step = st.one_of(
    st.tuples(st.just("merge"), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.just("split"), st.integers(0, 99), st.lists(st.integers(1, 99), min_size=2, max_size=3)),
    st.tuples(st.just("move"), st.integers(0, 99), st.integers(0, 99)),
)


def _apply(step: tuple[object, ...], day: dt.date, n: int) -> None:
    cells = list(Unit.objects.current().filter(kind=UnitKind.CELL).order_by("code"))
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE).order_by("code"))
    kind, a, b = step
    assert isinstance(a, int)
    first = cells[a % len(cells)]
    if kind == "merge" and len(cells) > 1:
        second = [c for c in cells if c != first][int(b) % (len(cells) - 1)]  # type: ignore[call-overload]
        reorganise(Reorganisation(date=day, close=[first, second],
                                  open=[NewUnit(f"M{n}", f"Chi bộ gộp {n}", UnitKind.CELL, first.parent)]))
    elif kind == "split":
        assert isinstance(b, list)
        total = sum(b)
        parts = [(Decimal(w) / total).quantize(Decimal("0.000001")) for w in b]
        parts[-1] = Decimal(1) - sum(parts[:-1])
        reorganise(Reorganisation(
            date=day, close=[first],
            open=[NewUnit(f"S{n}.{i}", f"Chi bộ tách {n}.{i}", UnitKind.CELL, first.parent) for i in range(len(b))],
            successions=[(first.code, f"S{n}.{i}", part) for i, part in enumerate(parts)],
        ))
    elif kind == "move":
        target = communes[int(b) % len(communes)]  # type: ignore[call-overload]
        if target.pk != first.parent_id:
            reorganise(Reorganisation(date=day, moves={first.code: target.code}))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=6))
def test_totals_are_the_same_before_and_after_any_reorganisation(db: None, steps: list[tuple[object, ...]]) -> None:
    with transaction.atomic():
        world = build_world()
        before = services.member_total(world.province)
        history = {}
        day = dt.date(2025, 1, 1)
        for n, one in enumerate(steps):
            history[day - dt.timedelta(days=1)] = services.member_total(world.province, day - dt.timedelta(days=1))
            _apply(one, day, n)
            assert services.member_total(world.province) == before, one
            day += dt.timedelta(days=10)
        # Every earlier date still shows the same total, on the tree of that date.
        for past, total in history.items():
            assert services.member_totals_on([world.province], past)[world.province.pk] == total == before
        transaction.set_rollback(True)
