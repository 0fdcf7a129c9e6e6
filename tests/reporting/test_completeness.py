"""Completeness counted in SQL gives the answers of a walk over every unit in Python."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit, today
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise
from tuyengiao.org.tree import tree_as_of
from tuyengiao.reporting import report_counts
from tuyengiao.reporting.completeness import completeness
from tuyengiao.reporting.models import DataSet, Status, Submission

pytestmark = pytest.mark.django_db

MAY = "202405"


def walk_reference(dataset: DataSet, unit: Unit, period_code: str) -> tuple[Any, list[Any], list[str]]:
    """Every unit of the dated tree visited in Python: the way completeness was counted before."""
    period = dataset.period(period_code)
    day = min(period.end, unit.last_day())
    tree = tree_as_of(day, root=unit)
    subs = {s.unit_id: s for s in Submission.objects.filter(dataset=dataset, period=period.code)}
    due = dataset.due_date(period)
    late: list[str] = []
    memo: dict[int, list[Any]] = {}

    def walk(node: Unit) -> list[Any]:
        stats: list[Any] = [node.pk, 0, 0, 0, 0, None, bool(tree.get(node.pk))]
        if dataset.reports(node):
            stats[1] += 1
            sub = subs.get(node.pk)
            stats[5] = sub.status if sub else Status.DRAFT
            if sub and sub.status in (Status.SUBMITTED, Status.APPROVED):
                stats[2] += 1
                if sub.submitted_at and timezone.localdate(sub.submitted_at) <= due:
                    stats[3] += 1
                if sub.status == Status.APPROVED:
                    stats[4] += 1
            elif today() > due:
                late.append(node.code)
        for kid in tree.get(node.pk, []):
            below = walk(kid)
            for i in range(1, 5):
                stats[i] += below[i]
        memo[node.pk] = stats
        return stats

    root = walk(unit)
    children = sorted((memo[kid.pk] for kid in tree.get(unit.pk, [])), key=lambda s: s[0])
    return root, children, sorted(late)


def answer(dataset: DataSet, unit: Unit, period_code: str) -> tuple[Any, list[Any], list[str]]:
    report = completeness(dataset, unit, period_code)
    assert report.late_count == len(report.late)

    def row(c: Any) -> list[Any]:
        return [c.unit.pk, c.expected, c.submitted, c.on_time, c.approved, c.status, c.has_children]

    return row(report.root), sorted((row(c) for c in report.children), key=lambda s: s[0]), sorted(
        u.code for u in report.late
    )


STATES = st.sampled_from([None, Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.RETURNED])


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(STATES, st.integers(-3, 20)), min_size=6, max_size=6), st.booleans())
def test_sql_counts_equal_the_walk_over_every_unit(
    world: World, catalogue: Catalogue, states: list[tuple[str | None, int]], merged: bool
) -> None:
    units = [world.province, world.district, world.commune, world.other_commune, world.cell, world.other_cell]
    Submission.objects.all().delete()
    for dataset in (catalogue.monthly, catalogue.half):
        period = dataset.period(MAY if dataset.period_type == "month" else "2024S1")
        due = dataset.due_date(period)
        for unit, (status, days) in zip(units, states, strict=True):
            if status is None:
                continue
            sent = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=days), dt.time(23, 30)))
            Submission.objects.create(dataset=dataset, unit=unit, period=period.code, status=status,
                                      submitted_at=sent if status != Status.DRAFT else None)
    report_counts.rebuild()  # written past the approval steps, as a bulk load would
    if merged and not Unit.objects.filter(code="T.XM").exists():
        reorganise(Reorganisation(
            date=dt.date(2024, 5, 10), close=[world.commune, world.other_commune],
            open=[NewUnit(code="T.XM", name="Xã Hợp Nhất", kind=UnitKind.COMMUNE, parent=world.district)],
            moves={world.cell.code: "T.XM", world.other_cell.code: "T.XM"},
        ))
    for dataset, code in ((catalogue.monthly, MAY), (catalogue.monthly, "202403"), (catalogue.half, "2024S1")):
        for unit in (world.province, world.district, world.commune):
            assert answer(dataset, unit, code) == walk_reference(dataset, unit, code), (dataset.code, unit.code, code)


def test_a_long_late_list_names_the_first_units_in_tree_order_and_counts_them_all(
    world: World, catalogue: Catalogue
) -> None:
    dataset = catalogue.monthly
    everyone = completeness(dataset, world.province, MAY)
    assert everyone.late_count >= 2, "the fixture's cells have not sent May"
    first = completeness(dataset, world.province, MAY, late_shown=1)
    assert first.late_count == everyone.late_count
    assert [u.code for u in first.late] == [everyone.late[0].code]
    assert everyone.late == sorted(everyone.late, key=lambda u: u.path)


def test_whether_a_unit_sent_its_report_is_read_from_the_key_alone(world: World, catalogue: Catalogue) -> None:
    """On PostgreSQL the submission key carries the status, so the probe per possibly late unit
    never visits the table; the key still refuses a second report of the same unit and period."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("a covering key is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indnkeyatts, i.indnatts, i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE c.relname = 'unique_submission'"
        )
        assert cursor.fetchone() == (3, 4, True)
    Submission.objects.create(dataset=catalogue.monthly, unit=world.commune, period=MAY, status=Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(dataset=catalogue.monthly, unit=world.commune, period=MAY, status=Status.SUBMITTED)
