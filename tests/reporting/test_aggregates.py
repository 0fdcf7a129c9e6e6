"""Aggregate rows kept on write equal a full recomputation and the on-read roll-up, whatever happens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.core.periods import Period
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.org.services import NewUnit, Reorganisation, ReorganisationError, reorganise
from tuyengiao.reporting import aggregates, analytics
from tuyengiao.reporting.models import Aggregate, DataElement, DataValue

pytestmark = pytest.mark.django_db

PERIODS = ["202401", "202402", "202406", "202407", "202412", "2024S1", "2024S2"]
ASKED = ["2024", "2024S2", "2024Q1", "202407"]


def write(element: DataElement, unit: Unit, period: str, value: int | None) -> None:
    """Store or clear a value and carry it into the aggregates, as the write path does."""
    current = DataValue.objects.filter(element=element, unit=unit, period=period).first()
    old = current.value if current else None
    if value is None:
        if current:
            current.delete()
    elif current:
        current.value = Decimal(value)
        current.save()
    else:
        DataValue.objects.create(element=element, unit=unit, period=period, value=Decimal(value))
    new = None if value is None else Decimal(value)
    aggregates.apply_changes([aggregates.ValueChange(element.pk, unit.pk, period, old, new)])


# Asked together: overlapping periods (a stored month counts for several), halves (each month for
# one), months (each stored period is the asked one).
ASKED_TOGETHER = [ASKED, ["2024S1", "2024S2"], ["202401", "202402", "202407"]]


def assert_exact(elements: list[DataElement]) -> None:
    assert aggregates.check() == []
    roots = list(Unit.objects.filter(parent__isnull=True))
    for root in roots:
        for structure in ("period", "current"):
            if structure == "current" and not root.is_open:
                continue
            for mode in ("self", "children", "descendants"):
                for codes in [[code] for code in ASKED] + ASKED_TOGETHER:
                    periods = [Period.parse(code) for code in codes]
                    targets = {p.code: analytics.targets(root, mode, structure, p) for p in periods}
                    asked = [targets]
                    if mode == "descendants":  # ids far apart: read by a probe per unit, not one range
                        asked.append({code: units[:1] + units[-1:] for code, units in targets.items()})
                    for wanted in asked:
                        raw = analytics._stored_on_read(elements, periods, structure, wanted)
                        kept = aggregates.read(elements, periods, wanted, structure)
                        assert kept == raw, (root.code, structure, mode, codes)


@pytest.fixture
def elements(catalogue: Catalogue) -> list[DataElement]:
    last = DataElement.objects.create(code="HCM_DANG_KY_X", name="Số đăng ký", value_type="integer",
                                      aggregation="last")
    top = DataElement.objects.create(code="DIEM_CAO_NHAT", name="Điểm cao nhất", value_type="integer",
                                     aggregation="max")
    return [catalogue.attendees, catalogue.rate, last, top]


def test_rebuild_equals_the_on_read_roll_up(world: World, elements: list[DataElement]) -> None:
    attendees, rate, last, top = elements
    for index, unit in enumerate([world.commune, world.other_commune, world.cell, world.other_cell, world.district]):
        for month, period in enumerate(PERIODS):
            DataValue.objects.create(element=attendees, unit=unit, period=period, value=Decimal(index * 10 + month))
            DataValue.objects.create(element=rate, unit=unit, period=period, value=Decimal(50 + index + month))
            if period.isdigit():  # an element is kept at one period type: no month and half-year ending together
                DataValue.objects.create(element=last, unit=unit, period=period, value=Decimal(100 * index + month))
            DataValue.objects.create(element=top, unit=unit, period=period, value=Decimal((7 * index + month) % 9))
    assert aggregates.rebuild() > 0
    assert_exact(elements)


def test_an_empty_database_has_no_rows_and_checks_clean(world: World, elements: list[DataElement]) -> None:
    assert aggregates.rebuild() == 0
    assert aggregates.check() == []


def test_a_changed_row_is_reported_by_check(world: World, elements: list[DataElement]) -> None:
    write(elements[0], world.cell, "202401", 5)
    row = Aggregate.objects.filter(unit=world.province, period="202401").first()
    assert row is not None
    Aggregate.objects.filter(unit=world.province, period="202401", structure=row.structure).update(total=99)
    mismatches = aggregates.check()
    assert [(m.unit_id, m.period) for m in mismatches] == [(world.province.pk, "202401")]


def merge_the_communes(world: World, day: dt.date) -> None:
    """Both communes merge into a new one, XM, which takes their cells."""
    reorganise(Reorganisation(
        date=day, close=[world.commune, world.other_commune],
        open=[NewUnit(code="XM", name="Xã Mới", kind=UnitKind.COMMUNE, parent=world.district)],
        moves={world.cell.code: "XM", world.other_cell.code: "XM"},
    ))


def split_the_commune(world: World) -> None:
    """The first commune splits 30/70 onto SA and SB on 1 July 2024; its cells go to SA."""
    reorganise(Reorganisation(
        date=dt.date(2024, 7, 1), close=[world.commune],
        open=[NewUnit(code=code, name=f"Xã tách {code}", kind=UnitKind.COMMUNE, parent=world.district)
              for code in ("SA", "SB")],
        successions=[(world.commune.code, "SA", Decimal("0.3")), (world.commune.code, "SB", Decimal("0.7"))],
        moves={world.cell.code: "SA", "T.X1.C2": "SA"},
    ))


def test_a_merge_carries_the_aggregates_onto_the_new_commune(world: World, elements: list[DataElement]) -> None:
    attendees = elements[0]
    write(attendees, world.commune, "202401", 30)
    write(attendees, world.cell, "202401", 4)
    write(attendees, world.other_commune, "202402", 12)
    merge_the_communes(world, dt.date(2024, 7, 1))
    new = Unit.objects.get(code="XM")
    targets = {"2024S1": [new]}
    kept = aggregates.read([attendees], [Period.parse("2024S1")], targets, "current")
    assert kept[(attendees.code, "2024S1", new.pk)] == Decimal(46)
    assert_exact(elements)


def test_a_unit_that_closed_during_the_month_counts_where_it_last_stood(
    world: World, elements: list[DataElement]
) -> None:
    """On the structure of July, communes merged on 15 July still give their July figures to their
    district and province: typed before the merge, typed after it, and through a rebuild."""
    attendees, _rate, last, top = elements
    write(attendees, world.commune, "202407", 7)
    write(attendees, world.cell, "202407", 3)  # the cell moves to the new commune: counted on 31 July
    write(last, world.commune, "202407", 11)
    write(top, world.commune, "202407", 9)
    merge_the_communes(world, dt.date(2024, 7, 15))
    write(attendees, world.other_commune, "202407", 4)  # a late figure of a commune that has closed
    write(attendees, world.commune, "202408", 50)  # after its last month: on no tree of August
    write(last, world.commune, "202408", 13)  # its latest of the quarter, counted nowhere: so is July's
    asked = [Period.parse(code) for code in ("202407", "202408", "2024Q3")]
    wanted = {"202407": [world.district, world.province], "202408": [world.province],
              "2024Q3": [world.district, world.province]}
    expected = {
        (attendees.code, "202407", world.district.pk): Decimal(14), (attendees.code, "202407", world.province.pk): 14,
        (last.code, "202407", world.district.pk): 11, (last.code, "202407", world.province.pk): 11,
        (top.code, "202407", world.district.pk): 9, (top.code, "202407", world.province.pk): 9,
        (attendees.code, "2024Q3", world.district.pk): 14, (attendees.code, "2024Q3", world.province.pk): 14,
        (top.code, "2024Q3", world.district.pk): 9, (top.code, "2024Q3", world.province.pk): 9,
    }
    for _kept_then_rebuilt in range(2):
        assert aggregates.read([attendees, last, top], asked, wanted, "period") == expected
        assert analytics._stored_on_read([attendees, last, top], asked, "period", wanted) == expected
        assert_exact(elements)
        aggregates.rebuild()


operations = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(0, 3), st.integers(0, 5), st.sampled_from(PERIODS),
                  st.one_of(st.none(), st.integers(-5, 500))),
        st.tuples(st.just("merge"), st.integers(0, 5), st.integers(0, 5), st.just(""), st.none()),
        st.tuples(st.just("split"), st.integers(0, 5), st.integers(1, 99), st.just(""), st.none()),
    ),
    min_size=1,
    max_size=12,
)


def attempt(change: Reorganisation) -> None:
    """Apply a reorganisation the generator made up, unless the tree refuses it (then nothing changed)."""
    try:
        reorganise(change)
    except ReorganisationError:
        return


def reorganise_at_random(kind: str, a: int, b: int, code: str, day: dt.date, parent: Unit) -> bool:
    """Merge two open communes or split one (share ``b``%) on ``day``; False when there is none to."""
    communes = list(Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("pk"))
    communes = [u for u in communes if u.is_open_on(day)]
    if kind == "merge" and len(communes) >= 2:
        closing = [communes[a % len(communes)], communes[(a + 1) % len(communes)]]
        attempt(Reorganisation(
            date=day, close=closing,
            open=[NewUnit(code=code, name=f"Xã hợp nhất {code}", kind=UnitKind.COMMUNE, parent=parent)],
            moves={c.code: code for u in closing for c in u.children.filter(valid_to__isnull=True)},
        ))
        return True
    if kind == "split" and communes:
        source = communes[a % len(communes)]
        share = Decimal(b) / 100
        first, second = f"{code}a", f"{code}b"
        attempt(Reorganisation(
            date=day, close=[source],
            open=[NewUnit(code=c, name=f"Xã tách {c}", kind=UnitKind.COMMUNE, parent=parent) for c in (first, second)],
            successions=[(source.code, first, share), (source.code, second, 1 - share)],
            moves={c.code: first for c in source.children.filter(valid_to__isnull=True)},
        ))
        return True
    return False


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_aggregates_stay_exact_under_random_writes_merges_and_splits(
    world: World, elements: list[DataElement], ops: list[tuple[str, int, int, str, int | None]]
) -> None:
    try:
        with transaction.atomic():
            for number, (kind, a, b, period, value) in enumerate(ops):
                day = dt.date(2024, 7, 1) + dt.timedelta(days=7 * number)
                units = list(Unit.objects.filter(kind__in=[UnitKind.COMMUNE, UnitKind.CELL]).order_by("pk"))
                if kind == "write":
                    if elements[a].aggregation == "last" and not period.isdigit():
                        period = f"2024{int(period[-1]) * 6:02d}"  # months only: see above
                    write(elements[a], units[b % len(units)], period, value)
                    continue
                reorganise_at_random(kind, a, b, f"{kind[0].upper()}{number}", day, world.district)
            assert_exact(elements)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    """Undo one example's changes so the next starts from the same world."""


def test_the_command_checks_rebuilds_and_checks_one_period(world: World, elements: list[DataElement]) -> None:
    from django.core.management import CommandError, call_command

    write(elements[0], world.cell, "202401", 5)
    write(elements[0], world.cell, "202402", 6)
    Aggregate.objects.filter(unit=world.province, period="202401").update(total=99)
    with pytest.raises(CommandError) as failed:
        call_command("rebuild_aggregates", "--check", verbosity=0)
    assert failed.value.returncode == 1
    found = sorted((m.structure, m.period) for m in aggregates.check(periods=["202401"]))
    assert found == [("c", "202401"), ("p", "202401")]
    assert aggregates.check(periods=["202402"]) == []
    call_command("rebuild_aggregates", verbosity=0)
    call_command("rebuild_aggregates", "--check", verbosity=0)
    assert Aggregate.objects.get(unit=world.province, period="202401", structure="p").total == 5


def test_a_unit_split_and_merged_back_counts_once_on_todays_structure(
    world: World, elements: list[DataElement]
) -> None:
    attendees, rate, _last, _top = elements
    write(rate, world.commune, "202401", 80)
    write(rate, world.other_commune, "202401", 50)
    write(attendees, world.commune, "202401", 30)
    split_the_commune(world)
    halves = list(Unit.objects.filter(code__in=["SA", "SB"]))
    reorganise(Reorganisation(
        date=dt.date(2024, 10, 1), close=halves,
        open=[NewUnit(code="SM", name="Xã hợp nhất lại", kind=UnitKind.COMMUNE, parent=world.district)],
        moves={c.code: "SM" for u in halves for c in u.children.filter(valid_to__isnull=True)},
    ))
    assert_exact(elements)
    kept = aggregates.read([rate, attendees], [Period.parse("2024")], {"2024": [world.district]}, "current")
    assert kept[(rate.code, "2024", world.district.pk)] == Decimal(65)  # (80 + 50) / 2: the old commune once
    assert kept[(attendees.code, "2024", world.district.pk)] == Decimal(30)


def test_a_rebuild_inside_a_transaction_leaves_its_plans_as_they_were(
    world: World, elements: list[DataElement]
) -> None:
    """A rebuild inside a longer transaction leaves the rest of it with its own plans."""
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    write(elements[0], world.cell, "202401", 5)
    names = ["enable_nestloop", "enable_mergejoin", "work_mem", "parallel_setup_cost", "jit"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '5MB'")
        before = [_setting(cursor, name) for name in names]
        aggregates.rebuild()
        assert [_setting(cursor, name) for name in names] == before
    assert Aggregate.objects.get(unit=world.province, period="202401", structure="p").total == 5


def _setting(cursor: Any, name: str) -> str:
    cursor.execute("SELECT current_setting(%s)", [name])
    return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_command_vacuums_the_rebuilt_rows(world: World, elements: list[DataElement]) -> None:
    """Rows written in bulk are read through the table's pages until a VACUUM marks them visible."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")

    def vacuums() -> int:
        with connection.cursor() as cursor:
            # the rebuilt rows are a table of their own (swapped in): its count starts at nought
            cursor.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'reporting_aggregate'")
            return int(cursor.fetchone()[0])

    for month in range(1, 13):
        write(elements[0], world.cell, f"2024{month:02d}", month)
    call_command("rebuild_aggregates", verbosity=0)
    assert vacuums() == 1
    assert aggregates.check() == []


def _aggregate_table() -> tuple[int, str | None, list[str]]:
    """The aggregate table's oid, the name of its key and the tables named like it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(CAST('reporting_aggregate' AS regclass) AS oid),"
                       " (SELECT conname FROM pg_constraint WHERE conrelid = CAST('reporting_aggregate' AS regclass)"
                       " AND contype = 'p')")
        oid, key = cursor.fetchone()
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE 'reporting_aggregate%%' AND relkind = 'r'"
                       " ORDER BY relname")
        return int(oid), key, [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_outside_a_transaction_is_built_beside_and_swapped_in(
    world: World, elements: list[DataElement]
) -> None:
    """Outside a transaction the rows are computed by two connections into a new table that then
    replaces the old one: the same rows as a rebuild in place, under the same key, and saves go on
    keeping them exact afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("built beside on PostgreSQL only")
    attendees, _rate, last, top = elements
    for month in range(1, 7):
        for index, unit in enumerate([world.cell, world.other_cell, world.commune]):
            for element in elements:
                write(element, unit, f"2024{month:02d}", 10 * index + month)
    columns = ("structure", "element_id", "period", "unit_id", "total", "plain", "count", "maximum")

    def rows() -> list[tuple[Any, ...]]:  # the maximum is kept for elements aggregated by max only
        return sorted((*row[:-1], row[-1] if row[1] == top.pk else None)
                      for row in Aggregate.objects.values_list(*columns))

    with transaction.atomic():
        in_place = aggregates.rebuild()
        expected = rows()
    old_oid, key, _tables = _aggregate_table()
    with connection.cursor() as cursor:  # left behind by a rebuild that was stopped
        cursor.execute("CREATE TABLE reporting_aggregate_next (stale integer)")

    assert aggregates.rebuild() == in_place > 0
    assert rows() == expected
    oid, new_key, tables = _aggregate_table()
    assert oid != old_oid
    assert (new_key, tables) == (key, ["reporting_aggregate"])
    with connection.cursor() as cursor:  # the shares' rows lie in the key's order, as in place
        cursor.execute("SELECT structure, element_id, period, unit_id FROM reporting_aggregate ORDER BY ctid")
        stored = cursor.fetchall()
    assert len({element for _s, element, _p, _u in stored}) > 2
    assert stored == sorted(stored)
    write(attendees, world.cell, "202401", 99)  # an upsert on the rebuilt key
    write(last, world.other_cell, "202407", 5)
    assert_exact(elements)


@pytest.mark.django_db(transaction=True)
def test_a_value_saved_during_a_rebuild_beside_waits_and_is_kept(
    world: World, elements: list[DataElement]
) -> None:
    """A save that arrives while the rows are being rebuilt beside the table waits for the swap
    and then lands in the new rows: nothing is lost and nothing deadlocks; a reader meanwhile
    does not wait."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("built beside on PostgreSQL only")
    attendees, _rate, last, _top = elements
    for month in range(1, 4):
        write(attendees, world.cell, f"2024{month:02d}", month)
        write(last, world.other_cell, f"2024{month:02d}", month)
    failures: list[BaseException] = []

    def save() -> None:
        try:
            write(attendees, world.other_cell, "202402", 40)
            write(last, world.cell, "202403", 7)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=save)

    def waiting_writers() -> int:
        with connection.cursor() as cursor:  # inside the rebuild's transaction: a fresh look each time
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                           " AND datname = current_database()")
            return int(cursor.fetchone()[0])

    def progress(message: str) -> None:
        if message == "writers wait":  # the rebuild holds its locks: the save has to wait for them
            writer.start()
            for _ in range(200):
                if waiting_writers():
                    break
                threading.Event().wait(0.025)
            assert waiting_writers() == 1
            # a reader meanwhile is answered from the rows as they were
            read: list[int] = []

            def count() -> None:
                read.append(Aggregate.objects.count())
                connections.close_all()

            reader = threading.Thread(target=count)
            reader.start()
            reader.join(timeout=10)
            assert read and read[0] > 0

    aggregates.rebuild(progress)
    writer.join(timeout=30)
    assert not writer.is_alive() and failures == []
    assert DataValue.objects.get(element=attendees, unit=world.other_cell, period="202402").value == 40
    assert_exact(elements)


def test_the_shares_of_a_rebuild_are_runs_of_consecutive_elements_of_equal_work(
    elements: list[DataElement],
) -> None:
    shares = aggregates._shares(2)
    plain, last = aggregates._element_ids()
    assert sorted(pk for share in shares for pk in share) == sorted(plain + last)
    assert len(shares) == 2 and max(shares[0]) < min(shares[1])

    values = aggregates._value_shares(plain + last)
    weight = {pk: values[pk] * (aggregates._LAST_WEIGHT if pk in last else 1) for pk in plain + last}

    def work(share: list[int]) -> float:
        return sum(weight[pk] for pk in share)

    # cut where the halves meet: they differ by at most the element at the cut
    assert abs(work(shares[0]) - work(shares[1])) <= max(weight.values())


def test_a_share_that_fails_stops_the_others_waiting_for_their_turn() -> None:
    """The second share waits for the first one's turn; the first fails before writing: the
    second is told at once instead of waiting for ever."""
    import threading

    turns = aggregates._Turns(["c", "p"], 2)
    outcome: list[str] = []

    def second() -> None:
        try:
            with turns.of(1)("c"):
                outcome.append("wrote")
        except aggregates._Broken:
            outcome.append("stopped")

    waiting = threading.Thread(target=second)
    waiting.start()
    waiting.join(timeout=0.2)
    assert waiting.is_alive() and outcome == []  # not its turn yet
    turns.fail()
    waiting.join(timeout=5)
    assert outcome == ["stopped"]


def test_shares_write_structure_by_structure_share_after_share() -> None:
    import threading

    turns = aggregates._Turns(["p", "c"], 2)
    order: list[tuple[str, int]] = []

    def share(number: int) -> None:
        for code in ("c", "p"):
            with turns.of(number)(code):
                order.append((code, number))

    threads = [threading.Thread(target=share, args=(number,)) for number in (1, 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert order == [("c", 0), ("c", 1), ("p", 0), ("p", 1)]


def _inserted_rows() -> int:
    """Aggregate rows inserted so far in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_ins FROM pg_stat_xact_user_tables"
                       " WHERE relname = %s", [Aggregate._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def test_a_reorganisation_rewrites_only_the_rows_above_the_units_it_changes(
    world: World, elements: list[DataElement]
) -> None:
    """A commune closed in July leaves alone the rows of the commune beside it, and every dated row
    of the months before; a full recomputation would have rewritten all of them."""
    if connection.vendor != "postgresql":
        pytest.skip("where rows lie and how many were written are PostgreSQL's to say")
    attendees = elements[0]
    for period in ("202401", "202402", "202403", "202407", "202408"):
        write(attendees, world.cell, period, 4)
        write(attendees, world.other_cell, period, 7)
    untouched = {(row.structure, row.period, row.unit_id): (row.total, row.count)
                 for row in Aggregate.objects.filter(
                     Q(unit=world.other_commune) | Q(structure=aggregates.DATED, period__lt="202407"))}
    ctids = _ctids(untouched)
    inserted = _inserted_rows()
    reorganise(Reorganisation(
        date=dt.date(2024, 7, 1), close=[world.commune],
        open=[NewUnit(code="XM", name="Xã Mới", kind=UnitKind.COMMUNE, parent=world.district)],
        moves={world.cell.code: "XM"},
    ))
    assert _ctids(untouched) == ctids
    new = Unit.objects.get(code="XM")
    # the only rows written anew are the new commune's: five months today, July and August dated
    assert _inserted_rows() - inserted == Aggregate.objects.filter(unit=new).count() == 7
    assert_exact(elements)
    assert Aggregate.objects.get(structure=aggregates.CURRENT, unit=new, period="202401", element=attendees).total == 4


def _ctids(keys: dict[tuple[str, str, int], Any]) -> dict[tuple[str, str, int], str]:
    """Where each row's version lies in the table: an update writes a new version elsewhere."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT structure, period, unit_id, CAST(ctid AS text) FROM {Aggregate._meta.db_table}")
        return {tuple(row[:3]): row[3] for row in cursor.fetchall() if tuple(row[:3]) in keys}


def _work_tables(statements: list[dict[str, Any]]) -> list[str]:
    return [q["sql"][:60] for q in statements if "CREATE TEMP" in q["sql"] or "CREATE UNLOGGED" in q["sql"]]


def test_a_latest_value_saved_moves_its_rows_by_the_difference(world: World, elements: list[DataElement]) -> None:
    """Saves of an element kept by ``last`` — a new latest month, an earlier month under it, the
    latest edited and then cleared, a commune's own figure beside its cells' — keep every row
    exact, and each save reads a few values instead of recomputing the element's year."""
    last = elements[2]
    steps = [
        (world.cell, "202404", 10), (world.other_cell, "202405", 3), (world.cell, "202402", 8),
        (world.cell, "202411", 12), (world.cell, "202411", 15), (world.commune, "202406", 40),
        (world.cell, "202411", None), (world.cell, "202404", None), (world.other_cell, "202412", 0),
        (world.cell, "202402", None),
    ]
    for unit, month, value in steps:
        with CaptureQueriesContext(connection) as saved:
            write(last, unit, month, value)
        assert _work_tables(saved.captured_queries) == []
        assert aggregates.check() == [], (unit.code, month, value)
    year = aggregates.read([last], [Period.parse("2024")], {"2024": [world.province]}, "period")
    assert year[(last.code, "2024", world.province.pk)] == Decimal(40)  # 0 (December) + 40 (June): the cell cleared
    assert_exact(elements)


def test_latest_values_of_units_that_landed_together_count_with_their_shares(
    world: World, elements: list[DataElement]
) -> None:
    """A commune split 30/70 onto two new ones: the late figures of the closed commune and those of
    the new ones compete by their periods' ends on today's structure (equal ends all count), and
    each save moves the rows of the units it landed on."""
    last = elements[2]
    write(last, world.commune, "202405", 100)
    split_the_commune(world)
    sa, sb = Unit.objects.get(code="SA"), Unit.objects.get(code="SB")
    steps = [
        (world.commune, "202406", 90), (sa, "202408", 20), (world.commune, "202408", 50), (sb, "202408", 35),
        (world.commune, "202408", None), (sa, "202409", 21), (sa, "202409", None), (sb, "202408", None),
        (world.commune, "202407", 60),
    ]
    for unit, month, value in steps:
        write(last, unit, month, value)
        assert aggregates.check() == [], (unit.code, month, value)
    kept = aggregates.read([last], [Period.parse("2024")], {"2024": [world.district]}, "current")
    # SA: its own August (20), later than the old commune's July; SB: the old commune's July, 60 × 0,7
    assert kept[(last.code, "2024", world.district.pk)] == Decimal(62)
    assert_exact(elements)


def test_latest_values_of_many_units_at_once_are_recomputed(world: World, elements: list[DataElement]) -> None:
    """Past the limit of units moved by difference (a figure kept for every unit), the changes of
    elements kept by ``last`` recompute their periods: exact either way."""
    many = DataElement.objects.bulk_create(
        DataElement(code=f"CUOI_KY_{n}", name=f"Số cuối kỳ {n}", value_type="integer", aggregation="last")
        for n in range(aggregates._FEW_LATEST + 1)
    )
    DataValue.objects.bulk_create(
        DataValue(element=element, unit=unit, period="202403", value=Decimal(n % 7))
        for n, element in enumerate(many) for unit in (world.cell, world.other_cell)
    )
    changes = [aggregates.ValueChange(element.pk, world.cell.pk, "202403", None, Decimal(n % 7), "last")
               for n, element in enumerate(many)]
    changes += [aggregates.ValueChange(element.pk, world.other_cell.pk, "202403", None, Decimal(n % 7), "last")
                for n, element in enumerate(many)]
    with CaptureQueriesContext(connection) as applied:
        aggregates.apply_changes(changes)
    assert _work_tables(applied.captured_queries), "recomputed, not moved pair by pair"
    assert aggregates.check() == []
    quarter = aggregates.read(many[:3], [Period.parse("2024Q1")], {"2024Q1": [world.province]}, "current")
    assert [quarter[(e.code, "2024Q1", world.province.pk)] for e in many[:3]] == [0, 2, 4]


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_units_latest_values_wait_for_each_other(
    world: World, elements: list[DataElement]
) -> None:
    """Two officers save October and November of one unit at once: the second difference starts
    from the first one's row, so the year holds November alone."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers on PostgreSQL only")
    last = elements[2]
    write(last, world.cell, "202409", 5)
    first_wrote, failures = threading.Event(), []

    def october() -> None:
        try:
            with transaction.atomic():
                write(last, world.cell, "202410", 7)
                first_wrote.set()
                threading.Event().wait(0.5)  # the other save arrives meanwhile
        except BaseException as exc:  # reported below
            failures.append(exc)
            first_wrote.set()
        finally:
            connections.close_all()

    writer = threading.Thread(target=october)
    writer.start()
    assert first_wrote.wait(10)
    write(last, world.cell, "202411", 9)
    writer.join(timeout=30)
    assert failures == []
    assert aggregates.check() == []
    year = aggregates.read([last], [Period.parse("2024")], {"2024": [world.province]}, "period")
    assert year[(last.code, "2024", world.province.pk)] == Decimal(9)


def test_a_commune_taken_into_an_open_one_brings_its_latest_values(world: World, elements: list[DataElement]) -> None:
    """One commune closes into the other, which stays open: on today's structure the open commune's
    latest values now compete with the closed one's; on the dated one, the closed commune's
    values of the month it closed in count where it last stood. Kept by difference, equal to a
    recomputation."""
    last = elements[2]
    for unit, month, value in ((world.commune, "202405", 40), (world.commune, "202409", 45),
                               (world.other_commune, "202406", 70), (world.cell, "202409", 5),
                               (world.other_cell, "202410", 6)):
        write(last, unit, month, value)
    reorganise(Reorganisation(
        date=dt.date(2024, 9, 15), close=[world.commune], successions=[(world.commune.code, world.other_commune.code,
                                                                         Decimal("1"))],
        moves={c.code: world.other_commune.code for c in world.commune.children.filter(valid_to__isnull=True)},
    ))
    assert aggregates.check() == []
    kept = aggregates.read([last], [Period.parse("2024")], {"2024": [world.district]}, "current")
    assert kept[(last.code, "2024", world.district.pk)] == Decimal(56)  # 45 (September, the later one) + 5 + 6
    write(last, world.other_commune, "202411", 72)
    assert_exact(elements)


@pytest.mark.parametrize("change", ["catalogue", "save"])
def test_an_element_given_another_aggregation_has_its_rows_recomputed(
    world: World, elements: list[DataElement], change: str
) -> None:
    """A catalogue that turns a summed element into one kept by last (or into text) changes what
    every row of it holds: the rows follow in the same transaction."""
    from tuyengiao.reporting.catalogue import import_elements

    attendees, rate, _last, top = elements
    for unit, period, value in ((world.cell, "202401", 4), (world.cell, "202402", 6), (world.other_cell, "202401", 5),
                                (world.commune, "202407", 9)):
        write(attendees, unit, period, value)
        write(top, unit, period, value * 2)
    write(rate, world.cell, "202401", 80)
    for aggregation, value_type in (("last", "integer"), ("max", "integer"), ("max", "text"), ("avg", "integer")):
        if change == "catalogue":
            import_elements(f"code,name,aggregation,value_type\n{attendees.code},{attendees.name},{aggregation},"
                            f"{value_type}\n{top.code},{top.name},sum,integer\n".encode(), "danh-muc.csv")
        else:
            for element, kind in ((attendees, aggregation), (top, "sum")):
                element.refresh_from_db()
                element.aggregation, element.value_type = kind, value_type if element == attendees else "integer"
                element.save()
        assert aggregates.check() == [], (aggregation, value_type)
    assert_exact([DataElement.objects.get(pk=element.pk) for element in elements])
