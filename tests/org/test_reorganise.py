"""Reorganisation: merges, splits, renames and moves keep history and refuse bad changes whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import World
from tuyengiao.org import services, tree
from tuyengiao.org.choices import SuccessionKind, UnitKind
from tuyengiao.org.models import Unit, UnitPlacement, UnitSuccession, today
from tuyengiao.org.services import NewUnit, Reorganisation, ReorganisationError, reorganise

MERGE_DAY = dt.date(2025, 7, 1)

pytestmark = pytest.mark.django_db


def _three_communes(world: World) -> list[Unit]:
    third = services.create_unit(code="T.X3", name="Đảng bộ xã Hòa Bình", kind=UnitKind.COMMUNE,
                                 parent=world.district, valid_from=dt.date(2015, 1, 1))
    services.create_unit(code="T.X3.C1", name="Chi bộ thôn Nam", kind=UnitKind.CELL, parent=third,
                         valid_from=dt.date(2015, 1, 1), member_count=17)
    return [world.commune, world.other_commune, third]


@pytest.mark.smoke
def test_it_runs_on_the_expected_database(world: World) -> None:
    import os

    expected = "sqlite" if os.environ.get("TEST_DB") == "sqlite" else "postgresql"
    assert connection.vendor == expected


@pytest.mark.smoke
def test_merging_three_communes_keeps_history_and_rolls_members_up(world: World) -> None:
    communes = _three_communes(world)
    before = {c.code: services.member_total(c, dt.date(2024, 6, 1)) for c in communes}
    [merged] = reorganise(Reorganisation(
        date=MERGE_DAY, close=communes,
        open=[NewUnit(code="T.XM1", name="Đảng bộ xã Chí Linh mới", kind=UnitKind.COMMUNE, parent=world.province)],
    ))
    assert [u.code for u in tree.children(world.district, dt.date(2024, 1, 1))] == ["T.X1", "T.X3", "T.X2"] or \
        sorted(u.code for u in tree.children(world.district, dt.date(2024, 1, 1))) == ["T.X1", "T.X2", "T.X3"]
    assert tree.children(world.district) == []
    today_codes = {u.code for u in tree.children(world.province) if u.kind == UnitKind.COMMUNE}
    assert today_codes == {"T.XM1"}
    assert services.member_total(merged) == sum(before.values()) == 30 + 25 + 40 + 17
    for commune in communes:
        commune.refresh_from_db()
        assert commune.valid_to == MERGE_DAY
        assert tree.successors(commune) == [(merged, Decimal(1))]
    kinds = set(UnitSuccession.objects.values_list("kind", flat=True))
    assert kinds == {SuccessionKind.MERGE}
    # The cells moved: today under the merged commune, in 2024 under their old communes.
    world.cell.refresh_from_db()
    assert world.cell.parent == merged
    assert world.cell.path.startswith(merged.path)
    assert tree.parent_on(world.cell, dt.date(2024, 1, 1)) == world.commune
    assert tree.ancestors(world.cell, dt.date(2024, 1, 1)) == [world.province, world.district, world.commune]


def test_a_split_shares_the_old_unit_and_needs_destinations(world: World) -> None:
    change = Reorganisation(
        date=MERGE_DAY, close=[world.commune],
        open=[NewUnit("T.XA", "Đảng bộ xã Chí Linh A", UnitKind.COMMUNE, world.district),
              NewUnit("T.XB", "Đảng bộ xã Chí Linh B", UnitKind.COMMUNE, world.district)],
    )
    with pytest.raises(ReorganisationError) as error:
        reorganise(change)
    assert "Chi bộ thôn Đông" in error.value.message
    assert not Unit.objects.filter(code__in=["T.XA", "T.XB"]).exists()
    change.moves = {"T.X1.C1": "T.XA", "T.X1.C2": "T.XB"}
    created = reorganise(change)
    assert {u.code for u in created} == {"T.XA", "T.XB"}
    shares = dict(UnitSuccession.objects.values_list("successor__code", "share"))
    assert shares == {"T.XA": Decimal("0.5"), "T.XB": Decimal("0.5")}
    assert {s.kind for s in UnitSuccession.objects.all()} == {SuccessionKind.SPLIT}
    assert services.member_total(Unit.objects.get(code="T.XA")) == 30


def test_successors_follow_chains_of_merges_and_splits(world: World) -> None:
    reorganise(Reorganisation(date=dt.date(2020, 1, 1), close=[world.commune],
                              open=[NewUnit("T.X1R", "Đảng bộ xã Chí Linh (đổi tên)", UnitKind.COMMUNE, world.district)]))
    renamed = Unit.objects.get(code="T.X1R")
    reorganise(Reorganisation(date=MERGE_DAY, close=[renamed, world.other_commune],
                              open=[NewUnit("T.XM", "Đảng bộ xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    merged = Unit.objects.get(code="T.XM")
    assert tree.successors(world.commune) == [(merged, Decimal(1))]
    assert UnitSuccession.objects.get(predecessor=world.commune).kind == SuccessionKind.RENAME
    assert {s.predecessor.code for s in tree.predecessors(merged)} == {"T.X1", "T.X1R", "T.X2"}


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda w: Reorganisation(date=MERGE_DAY, moves={"T.H1": "T.X1"}), "cycle"),
        (lambda w: Reorganisation(date=MERGE_DAY, open=[NewUnit("N1", "Chi bộ lạc chỗ", UnitKind.CELL, w.province)]),
         "cannot be placed"),
        (lambda w: Reorganisation(date=MERGE_DAY, open=[NewUnit("N1", "Xã mới", UnitKind.COMMUNE, w.cell)]),
         "cannot be placed"),
        (lambda w: Reorganisation(date=dt.date(2010, 1, 1), close=[w.commune, w.other_commune],
                                  open=[NewUnit("N1", "Xã gộp", UnitKind.COMMUNE, w.district)]), "not after"),
        (lambda w: Reorganisation(date=MERGE_DAY, close=[w.commune]), "no destination"),
        (lambda w: Reorganisation(date=today() + dt.timedelta(days=1), close=[w.commune, w.other_commune],
                                  open=[NewUnit("N1", "Xã gộp", UnitKind.COMMUNE, w.district)]), "has not come yet"),
        (lambda w: Reorganisation(date=today() + dt.timedelta(days=30), moves={"T.X1.C1": "T.X2"}),
         "has not come yet"),
    ],
    ids=["cycle", "cell-under-province", "commune-under-cell", "date-before-opening", "orphans", "merge-ahead",
         "move-ahead"],
)
def test_it_refuses_bad_changes_and_changes_nothing(world: World, build, reason: str) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    counts = (Unit.objects.count(), UnitPlacement.objects.count(), UnitSuccession.objects.count())
    with translation.override("en"), pytest.raises(ReorganisationError) as error:
        reorganise(build(world))
    assert reason in error.value.message
    assert counts == (Unit.objects.count(), UnitPlacement.objects.count(), UnitSuccession.objects.count())
    world.commune.refresh_from_db()
    assert world.commune.valid_to is None


def test_a_unit_opened_ahead_of_today_is_refused(world: World) -> None:
    """Opened ahead, a unit would stand in today's structure before its day."""
    with pytest.raises(ReorganisationError) as error:
        services.create_unit(code="N1", name="Chi bộ sắp lập", kind=UnitKind.CELL, parent=world.commune,
                             valid_from=today() + dt.timedelta(days=1))
    assert "chưa đến" in error.value.message
    assert not Unit.objects.filter(code="N1").exists()
    today_unit = services.create_unit(code="N2", name="Chi bộ mới lập", kind=UnitKind.CELL, parent=world.commune,
                                      valid_from=today())
    assert today_unit.is_open


def test_a_closed_unit_cannot_receive_units(world: World) -> None:
    reorganise(Reorganisation(date=MERGE_DAY, close=[world.other_commune], moves={"T.X2.C1": "T.X1"}))
    with pytest.raises(ReorganisationError) as error:
        reorganise(Reorganisation(date=dt.date(2026, 1, 1),
                                  open=[NewUnit("N1", "Chi bộ mới", UnitKind.CELL, world.other_commune)]))
    assert "Tân Lập" in error.value.message
    assert not Unit.objects.filter(code="N1").exists()


def test_the_refusal_is_in_vietnamese(world: World) -> None:
    with pytest.raises(ReorganisationError) as error:
        reorganise(Reorganisation(date=MERGE_DAY, close=[world.commune]))
    assert "không có nơi chuyển đến" in error.value.message


def test_tree_as_of_a_date_shows_each_structure(world: World) -> None:
    communes = _three_communes(world)
    reorganise(Reorganisation(date=MERGE_DAY, close=communes,
                              open=[NewUnit("T.XM1", "Xã gộp", UnitKind.COMMUNE, world.province)]))
    reorganise(Reorganisation(date=MERGE_DAY, close=[world.district]))
    old = tree.tree_as_of(dt.date(2024, 12, 31), root=world.province)
    new = tree.tree_as_of(dt.date(2025, 7, 1), root=world.province)
    assert [u.code for u in old[world.province.pk]] == ["T.H1"]
    assert len(old[world.district.pk]) == 3
    assert [u.code for u in new[world.province.pk]] == ["T.XM1"]
    assert sum(services.member_totals_on([world.province], dt.date(2024, 1, 1)).values()) == \
        services.member_total(world.province)
