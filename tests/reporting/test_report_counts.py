"""The report counts kept on every status change answer completeness exactly as counting on read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.periods import Period
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit, today
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise
from tuyengiao.reporting import approval, completeness, report_counts, services
from tuyengiao.reporting.models import DataSet, ReportCount, Status, Submission

pytestmark = pytest.mark.django_db

PAST = "202403"
MERGED_ON = dt.date(2024, 3, 20)
OPERATIONS = ["submit", "withdraw", "approve", "return", "unlock", "reorganise"]


def this_month() -> str:
    """Its reports are sent on time and nobody is late yet."""
    return Period.of("month", today()).code


def targets(world: World, catalogue: Catalogue) -> list[tuple[DataSet, Unit]]:
    cells = DataSet.objects.get(code="BC_CHI_BO")
    others = list(Unit.objects.filter(kind=UnitKind.CELL).exclude(pk=world.cell.pk).order_by("code"))
    return [(catalogue.monthly, world.district), (catalogue.monthly, world.commune),
            (catalogue.monthly, world.other_commune), (cells, world.cell), *((cells, c) for c in others)]


def same_answers(world: World, datasets: list[DataSet], periods: list[str]) -> int:
    """Compare the kept answer with the one counted on read; how many came from the kept counts."""
    kept = 0
    for dataset in datasets:
        for code in periods:
            for unit in Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE]):
                period = dataset.period(code)
                for shown in (completeness.LATE_SHOWN, 1) if unit.kind == UnitKind.PROVINCE else (1,):
                    fast = completeness._from_kept(dataset, unit, period, shown)
                    slow = completeness.counted_on_read(dataset, unit, period, shown)
                    if fast is not None:
                        kept += 1
                        assert fast == slow, (dataset.code, unit.code, code, shown)
                    assert completeness.completeness(dataset, unit, code, shown) == slow
    return kept


def act(world: World, dataset: DataSet, unit: Unit, code: str, operation: str) -> None:
    sub = Submission.objects.filter(dataset=dataset, unit=unit, period=code).first()
    try:
        if operation == "submit":
            approval.submit(world.province_admin, dataset, unit, code)
        elif operation == "reorganise":
            if Unit.objects.filter(code="T.XM").exists():
                return
            reorganise(Reorganisation(
                date=MERGED_ON, close=[world.commune, world.other_commune],
                open=[NewUnit(code="T.XM", name="Xã Hợp Nhất", kind=UnitKind.COMMUNE, parent=world.district)],
                moves={c.code: "T.XM" for c in Unit.objects.filter(kind=UnitKind.CELL)},
            ))
        elif sub is None:
            return
        elif operation == "withdraw":
            approval.withdraw(world.province_admin, sub)
        elif operation == "approve":
            approval.approve(world.province_approver, sub)
        elif operation == "return":
            approval.return_(world.province_approver, sub, "Kiểm tra lại")
        else:
            approval.unlock(world.province_approver, sub)
    except UserError:
        pass  # a refused step changes nothing, counts included


STEPS = st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 5), st.booleans()), min_size=1, max_size=12)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, at_once=st.booleans())
def test_random_report_steps_keep_the_counts_equal_to_a_recount(
    world: World, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, int, bool]],
    at_once: bool,
) -> None:
    # both ways of finding the late units: in tree order at once, or under the units missing reports
    monkeypatch.setattr(completeness, "_SCAN_AT_ONCE", 10**9 if at_once else 0)
    for unit in (world.province, world.district, world.commune, world.other_commune, world.cell, world.other_cell):
        unit.refresh_from_db()  # a reorganisation of an earlier example changed them, then rolled back
    with transaction.atomic():
        periods = [PAST, this_month()]
        pairs = targets(world, catalogue)
        for _dataset, unit in pairs:
            for code in periods:
                services.save_value(world.province_admin, catalogue.sessions, unit, code, "3", None)
        for operation, which, later in steps:
            dataset, unit = pairs[which % len(pairs)]
            unit.refresh_from_db()
            act(world, dataset, unit, periods[later], operation)
            assert report_counts.check() == [], (operation, unit.code)
        kept = same_answers(world, sorted({d for d, _u in pairs}, key=lambda d: d.pk), periods)
        assert kept > 0, "the kept counts answered nothing"
        transaction.set_rollback(True)


def test_counts_move_with_each_step_and_a_recount_finds_drift(world: World, catalogue: Catalogue) -> None:
    code = this_month()
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, code, "3", None)
    sub = approval.submit(world.commune_officer, catalogue.monthly, world.commune, code)
    rows = ReportCount.objects.filter(dataset=catalogue.monthly, period=code)
    assert sorted(rows.values_list("unit__code", "kind", "sent", "on_time", "approved")) == [
        ("T", "commune", 1, 1, 0), ("T.H1", "commune", 1, 1, 0)]
    approval.approve(world.province_approver, sub)
    assert set(rows.values_list("approved", flat=True)) == {1}
    report = completeness.completeness(catalogue.monthly, world.district, code)
    assert (report.root.expected, report.root.submitted, report.root.on_time, report.root.approved) == (3, 1, 1, 1)
    # a report written past the approval steps is not counted until a rebuild
    Submission.objects.create(dataset=catalogue.monthly, unit=world.other_commune, period=code,
                              status=Status.SUBMITTED, submitted_at=sub.submitted_at)
    assert sorted((m.unit_id, m.stored, m.expected) for m in report_counts.check()) == sorted([
        (world.province.pk, (1, 1, 1), (2, 2, 1)), (world.district.pk, (1, 1, 1), (2, 2, 1))])
    assert report_counts.rebuild() == 2
    assert report_counts.check() == []
    assert completeness.completeness(catalogue.monthly, world.district, code).root.submitted == 2


def test_a_changed_due_date_counts_on_read_until_rebuilt(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, PAST, "3", None)
    approval.submit(world.commune_officer, catalogue.monthly, world.commune, PAST)
    period = catalogue.monthly.period(PAST)
    assert completeness._from_kept(catalogue.monthly, world.district, period, 200) is not None
    catalogue.monthly.due_days = 10_000  # sent long after the period, yet on time now
    catalogue.monthly.save()
    assert completeness._from_kept(catalogue.monthly, world.district, period, 200) is None
    assert completeness.completeness(catalogue.monthly, world.district, PAST).root.on_time == 1
    report_counts.rebuild()
    kept = completeness._from_kept(catalogue.monthly, world.district, period, 200)
    assert kept is not None and kept.root.on_time == 1


def test_an_earlier_tree_is_counted_on_read(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, PAST, "3", None)
    approval.submit(world.commune_officer, catalogue.monthly, world.commune, PAST)
    reorganise(Reorganisation(
        date=dt.date(2024, 6, 1), close=[world.commune, world.other_commune],
        open=[NewUnit(code="T.XM", name="Xã Hợp Nhất", kind=UnitKind.COMMUNE, parent=world.district)],
        moves={c.code: "T.XM" for c in Unit.objects.filter(kind=UnitKind.CELL)},
    ))
    period = catalogue.monthly.period(PAST)
    assert completeness._from_kept(catalogue.monthly, world.district, period, 200) is None
    answer = completeness.completeness(catalogue.monthly, world.district, PAST)
    assert answer == completeness.counted_on_read(catalogue.monthly, world.district, PAST)
    assert (answer.root.expected, answer.root.submitted) == (3, 1)
    assert report_counts.check() == []


@pytest.mark.parametrize("at_once", [True, False])
def test_late_units_bunched_at_the_end_are_found_in_tree_order(
    world: World, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, at_once: bool
) -> None:
    from tuyengiao.org.services import create_unit

    cells = DataSet.objects.get(code="BC_CHI_BO")
    made = [create_unit(code=f"T.X1.N{n:02d}", name=f"Chi bộ {n}", kind=UnitKind.CELL, parent=world.commune,
                        valid_from=dt.date(2020, 1, 1)) for n in range(40)]
    everyone = sorted([*Unit.objects.filter(kind=UnitKind.CELL, valid_to__isnull=True)], key=lambda u: u.path)
    assert len(everyone) == len(made) + 3
    for unit in everyone[:-4]:  # all but the last four in tree order sent, after the due date
        Submission.objects.create(dataset=cells, unit=unit, period=PAST, status=Status.SUBMITTED,
                                  submitted_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    report_counts.rebuild()
    # the first guess of how far to read in tree order is too short, and is read further
    monkeypatch.setattr(completeness, "_SCAN_SLACK", 0)
    monkeypatch.setattr(completeness, "_SCAN_AT_ONCE", 10**9 if at_once else 0)
    period = cells.period(PAST)
    for unit in (world.province, world.commune):
        for shown in (1, 3, 200):
            fast = completeness._from_kept(cells, unit, period, shown)
            assert fast is not None
            assert fast == completeness.counted_on_read(cells, unit, period, shown)
            late = [u.pk for u in everyone[-4:] if u.path.startswith(unit.path)]
            assert [u.pk for u in fast.late] == late[:shown] and fast.late_count == len(late)
