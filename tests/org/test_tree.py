"""The tree queries: each walk is one recursive query and agrees with a plain walk over the rows.

Marked ``smoke`` so that the same tests run on SQLite as well as PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import World
from tuyengiao.org import tree
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit, UnitPlacement, UnitSuccession, open_on_q, today
from tuyengiao.org.services import NewUnit, Reorganisation, create_unit, reorganise

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

BEFORE = dt.date(2024, 6, 1)
MERGE_DAY = dt.date(2025, 7, 1)
SPLIT_DAY = dt.date(2025, 9, 1)


def predecessor_ids(unit_ids: list[int]) -> dict[int, set[int]]:
    """For each unit, every unit that became it, read through the tree's succession walk
    (``tree.history_cte``, which the scope joins to a person's assignments)."""
    from tuyengiao.core.sql import column, table

    marks = ", ".join(["%s"] * len(unit_ids))
    origins = f"SELECT {column(Unit, 'id')} AS id FROM {table(Unit)} WHERE {column(Unit, 'id')} IN ({marks})"
    found: dict[int, set[int]] = {u: set() for u in unit_ids}
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE {tree.history_cte(origins)} SELECT origin, id FROM back", unit_ids)
        for origin, pred in cursor.fetchall():
            if pred != origin:
                found[origin].add(pred)
    return found


def _plain_children(day: dt.date) -> dict[int, list[int]]:
    """parent -> children on a date, read row by row (the reference the queries must match)."""
    out: dict[int, list[int]] = defaultdict(list)
    for p in UnitPlacement.objects.filter(open_on_q(day), open_on_q(day, "unit__")):
        if p.parent_id:
            out[p.parent_id].append(p.unit_id)
    return out


def _plain_descendants(unit_id: int, day: dt.date) -> set[int]:
    kids = _plain_children(day)
    found: set[int] = set()
    frontier = [unit_id]
    while frontier:
        frontier = [c for pid in frontier for c in kids.get(pid, [])]
        found.update(frontier)
    return found


@pytest.fixture
def history(world: World) -> World:
    """Chí Linh and Tân Lập merge into Hợp Nhất (under the province) on 1 July 2025; on
    1 September Hợp Nhất's first cell splits 60/40."""
    third = create_unit(code="T.X3", name="Xã Hòa Bình", kind=UnitKind.COMMUNE, parent=world.district,
                        valid_from=dt.date(2015, 1, 1))
    create_unit(code="T.X3.C1", name="Chi bộ thôn Nam", kind=UnitKind.CELL, parent=third,
                valid_from=dt.date(2015, 1, 1), member_count=17)
    reorganise(Reorganisation(date=MERGE_DAY, close=[world.commune, world.other_commune],
                              open=[NewUnit("T.XM", "Xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    world.cell.refresh_from_db()
    reorganise(Reorganisation(
        date=SPLIT_DAY, close=[world.cell],
        open=[NewUnit("T.XM.A", "Chi bộ Đông A", UnitKind.CELL, "T.XM"),
              NewUnit("T.XM.B", "Chi bộ Đông B", UnitKind.CELL, "T.XM")],
        successions=[("T.X1.C1", "T.XM.A", Decimal("0.6")), ("T.X1.C1", "T.XM.B", Decimal("0.4"))],
    ))
    for unit in (world.province, world.district, world.commune, world.other_commune, world.cell):
        unit.refresh_from_db()
    return world


def _codes(units: list[Unit]) -> list[str]:
    return [u.code for u in units]


@pytest.mark.parametrize("day", [BEFORE, MERGE_DAY, SPLIT_DAY, None])
def test_descendants_are_the_units_under_on_that_date(history: World, day: dt.date | None) -> None:
    for unit in Unit.objects.all():
        found = tree.descendants(unit, day)
        assert {u.pk for u in found} == _plain_descendants(unit.pk, day or today())
        assert [u.tree_level for u in found] == sorted(u.tree_level for u in found)  # nearest first


def test_descendants_by_level_and_with_the_unit_itself(history: World) -> None:
    w = history
    assert set(_codes(tree.descendants(w.province, BEFORE, level=1))) == {"T.H1"}
    assert set(_codes(tree.descendants(w.province, BEFORE, level=2))) == {"T.X1", "T.X2", "T.X3"}
    assert set(_codes(tree.descendants(w.province, BEFORE, level=3))) == {"T.X1.C1", "T.X1.C2", "T.X2.C1",
                                                                         "T.X3.C1"}
    today = tree.descendants(w.province, include_self=True)
    assert today[0] == w.province and today[0].tree_level == 0
    assert {"T.XM", "T.XM.A", "T.XM.B", "T.X1.C2", "T.X2.C1"} <= set(_codes(today))
    assert "T.X1.C1" not in _codes(today)
    # A closed unit has no subtree after it closed, and all of it before.
    assert tree.descendants(w.commune) == []
    assert set(_codes(tree.descendants(w.commune, BEFORE))) == {"T.X1.C1", "T.X1.C2"}


def test_ancestors_follow_the_tree_of_the_date(history: World) -> None:
    w = history
    cell_b = Unit.objects.get(code="T.X2.C1")
    assert tree.ancestors(cell_b, BEFORE) == [w.province, w.district, w.other_commune]
    assert _codes(tree.ancestors(cell_b)) == ["T", "T.XM"]
    # A closed unit is shown where it stood on its last day.
    assert tree.ancestors(w.cell) == [w.province, Unit.objects.get(code="T.XM")]
    assert tree.ancestors(w.province) == []


def test_children_and_the_tree_of_a_date(history: World) -> None:
    w = history
    assert set(_codes(tree.children(w.district, BEFORE))) == {"T.X1", "T.X2", "T.X3"}
    assert _codes(tree.children(w.district)) == ["T.X3"]
    for day in (BEFORE, MERGE_DAY, SPLIT_DAY):
        whole = tree.tree_as_of(day)
        plain = _plain_children(day)
        assert {pid: {u.pk for u in kids} for pid, kids in whole.items() if pid} == \
            {pid: set(kids) for pid, kids in plain.items()}
        assert [u.pk for u in whole[None]] == [w.province.pk]
        sub = tree.tree_as_of(day, root=w.district)
        assert {u.pk for kids in sub.values() for u in kids} == _plain_descendants(w.district.pk, day)
        assert all(u.pk in sub for kids in list(sub.values()) for u in kids)  # every unit has an entry


def test_successors_follow_chains_with_their_shares(history: World) -> None:
    w = history
    merged = Unit.objects.get(code="T.XM")
    a, b = Unit.objects.get(code="T.XM.A"), Unit.objects.get(code="T.XM.B")
    assert sorted(tree.successors(w.cell), key=lambda x: x[0].code) == [(a, Decimal("0.6")), (b, Decimal("0.4"))]
    assert tree.successors(w.commune) == [(merged, Decimal(1))]
    assert tree.successors(merged) == [(merged, Decimal(1))]
    shares = tree.successor_shares([w.cell.pk, w.commune.pk, merged.pk])
    assert shares[w.cell.pk] == {a.pk: Decimal("0.6"), b.pk: Decimal("0.4")}
    assert shares[merged.pk] == {merged.pk: Decimal(1)}


def test_predecessors_go_back_through_every_chain(history: World) -> None:
    w = history
    a = Unit.objects.get(code="T.XM.A")
    merged = Unit.objects.get(code="T.XM")
    assert {(s.predecessor.code, s.successor.code) for s in tree.predecessors(a)} == {("T.X1.C1", "T.XM.A")}
    assert {s.predecessor.code for s in tree.predecessors(merged)} == {"T.X1", "T.X2"}
    dates = [s.date for s in tree.predecessors(merged)]
    assert dates == sorted(dates, reverse=True)
    ids = predecessor_ids([a.pk, merged.pk, w.district.pk])
    assert ids == {a.pk: {w.cell.pk}, merged.pk: {w.commune.pk, w.other_commune.pk}, w.district.pk: set()}


def test_member_totals_of_a_past_date_count_the_tree_of_that_date(history: World) -> None:
    w = history
    rows = dict(Unit.objects.values_list("pk", "member_count"))
    for day in (BEFORE, MERGE_DAY, SPLIT_DAY):
        totals = tree.member_totals_on(list(Unit.objects.all()), day)
        for unit in Unit.objects.all():
            own = rows[unit.pk] if unit.is_open_on(day) else 0
            assert totals[unit.pk] == own + sum(rows[d] for d in _plain_descendants(unit.pk, day))
    assert tree.member_totals_on([w.province], BEFORE) == {w.province.pk: 30 + 25 + 40 + 17}


def test_each_walk_is_one_query(history: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    w = history
    merged = Unit.objects.get(code="T.XM")
    calls = [
        lambda: tree.descendants(w.province, BEFORE),
        lambda: tree.ancestors(w.cell, BEFORE),
        lambda: tree.children(w.district, BEFORE),
        lambda: tree.tree_as_of(BEFORE),
        lambda: tree.tree_as_of(BEFORE, root=w.province),
        lambda: tree.successors(w.cell),
        lambda: tree.successor_shares([w.cell.pk, w.commune.pk]),
        lambda: tree.predecessors(merged),
        lambda: list(Unit.objects.filter(pk__in=tree.subtree_ids(w.district, BEFORE))),
    ]
    for call in calls:
        with django_assert_num_queries(1):
            call()
    # on PostgreSQL totals first read the tree's version (kept totals) and when the tree last
    # changed (on today's tree the paths answer)
    for day in (BEFORE, today()):
        with django_assert_num_queries(3 if connection.vendor == "postgresql" else 1):
            tree.member_totals_on([w.province, w.district], day)


def test_the_queries_name_tables_through_the_models() -> None:
    source = inspect.getsource(tree)
    for model in (Unit, UnitPlacement, UnitSuccession):
        assert model._meta.db_table not in source


def test_a_long_chain_of_history_is_walked_whole(world: World) -> None:
    """Forty renames in a row: one query still finds the first unit and the last."""
    current = world.cell
    for year in range(40):
        [current] = reorganise(Reorganisation(
            date=dt.date(2016 + year // 12, 1 + year % 12, 1), close=[current],
            open=[NewUnit(f"R{year}", f"Chi bộ đổi tên {year}", UnitKind.CELL, world.commune)],
        ))
    assert tree.successors(world.cell) == [(current, Decimal(1))]
    assert world.cell.pk in predecessor_ids([current.pk])[current.pk]
    assert current.member_count == 30


@pytest.mark.django_db(transaction=True)
def test_figures_of_the_tree_are_kept_until_the_tree_changes(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the tree's version is kept by PostgreSQL triggers")
    from django.test.utils import CaptureQueriesContext

    from tuyengiao.reporting.models import DataValue

    first = tree.version()
    assert first is not None
    totals = tree.member_totals_on([world.province], today())
    with CaptureQueriesContext(connection) as again:
        assert tree.member_totals_on([world.province], today()) == totals
    assert len(again.captured_queries) == 1  # the version only
    # writes elsewhere leave the tree's version alone
    DataValue.objects.all().delete()
    assert tree.version() == first
    # any change of the tree, by any path, makes a new version and a fresh answer
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_unit SET member_count = member_count + 7 WHERE id = %s", [world.cell.pk])
    assert tree.version() not in (None, first)
    assert tree.member_totals_on([world.province], today())[world.province.pk] == totals[world.province.pk] + 7
    # inside a transaction that changed the tree, nothing is kept or read from the kept answers
    from django.db import transaction

    with transaction.atomic():
        Unit.objects.filter(pk=world.cell.pk).update(member_count=0)
        assert tree.version() is None
        assert tree.member_totals_on([world.province], today())[world.province.pk] < totals[world.province.pk]
        transaction.set_rollback(True)
    assert tree.member_totals_on([world.province], today())[world.province.pk] == totals[world.province.pk] + 7
