"""Completeness and timeliness: how many reports are due, sent, on time and approved under a unit.

Counted in the database: the tree of the period's end (the materialised paths when it is today's,
a recursive walk of the dated placements otherwise) tags every unit with the child of the asked
unit it lies under, and one grouped statement counts the reports expected (units of
the kinds that report the data set), sent, sent on time and approved per child. Python sees
one row per child, never the tens of thousands of units below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tuyengiao.core.periods import Period
from tuyengiao.org import tree as org_tree
from tuyengiao.org.models import Unit, today

from .models import DataSet, Status, Submission


@dataclass
class Completeness:
    unit: Unit
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    approved: int = 0
    status: str | None = None  # the unit's own report, when it reports
    has_children: bool = False

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.submitted * 100) / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> Decimal | None:
        return Decimal(self.on_time * 100) / self.expected if self.expected else None

    @property
    def approved_rate(self) -> Decimal | None:
        return Decimal(self.approved * 100) / self.expected if self.expected else None


@dataclass
class CompletenessReport:
    dataset: DataSet
    period: Period
    root: Completeness
    children: list[Completeness]
    late: list[Unit]  # the first ``LATE_SHOWN`` by place in the tree
    due: dt.date
    late_count: int = 0


# Named on a page or in one answer; beyond it the count says how many more (a national report
# at the deadline would otherwise load tens of thousands of units).
LATE_SHOWN = 200


def _reporting(dataset: DataSet) -> tuple[str, list[Any]]:
    """The join to each unit's report, and the kinds that report the data set."""
    kinds = list(dataset.unit_kinds or []) or [""]
    s = connection.ops.quote_name(Submission._meta.db_table)
    sql = f" LEFT JOIN {s} s ON s.unit_id = sub.id AND s.dataset_id = %s AND s.period = %s"
    return sql, kinds


def completeness(
    dataset: DataSet, unit: Unit, period: Period | str, late_shown: int = LATE_SHOWN
) -> CompletenessReport:
    """Expected, submitted, on-time and approved reports under a unit (tree of the period end).

    Three statements whatever the size: the counts per child, the children, the first
    ``late_shown`` late units (``late_count`` says how many there are).
    """
    period = dataset.period(period) if isinstance(period, str) else period
    day = min(period.end, unit.last_day())
    due = dataset.due_date(period)
    cutoff = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))
    with_sql, params = org_tree.branches_sql(unit, day)
    joins, kinds = _reporting(dataset)
    kind_in = ", ".join(["%s"] * len(kinds))
    reports = f"sub.kind IN ({kind_in})"
    sent = f"{reports} AND s.status IN (%s, %s)"
    sent_params = [*kinds, Status.SUBMITTED, Status.APPROVED]
    sql = (
        f"{with_sql} SELECT sub.branch, COUNT(*) FILTER (WHERE {reports}), COUNT(*) FILTER (WHERE {sent}),"
        f" COUNT(*) FILTER (WHERE {sent} AND s.submitted_at < %s),"
        f" COUNT(*) FILTER (WHERE {reports} AND s.status = %s),"
        " COUNT(*) FILTER (WHERE sub.lvl >= 2), MAX(CASE WHEN sub.lvl <= 1 THEN s.status END)"
        f" FROM sub{joins} GROUP BY sub.branch"
    )
    args = [*params, *kinds, *sent_params, *sent_params, cutoff, *kinds, Status.APPROVED,
            dataset.pk, period.code]
    counts: dict[int | None, tuple[int, int, int, int, int, str | None]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        for branch, *row in cursor.fetchall():
            counts[branch] = (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0),
                              int(row[4] or 0), row[5])
    root = Completeness(unit)
    if dataset.reports(unit):
        root.status = (counts.get(None) or (0, 0, 0, 0, 0, None))[5] or Status.DRAFT
    children: list[Completeness] = []
    for child in org_tree.children(unit, day):
        expected, submitted, on_time, approved, deeper, status = counts.get(child.pk, (0, 0, 0, 0, 0, None))
        stats = Completeness(child, expected, submitted, on_time, approved, has_children=deeper > 0)
        if dataset.reports(child):
            stats.status = status or Status.DRAFT
        children.append(stats)
    for expected, submitted, on_time, approved, _deeper, _status in counts.values():
        root.expected += expected
        root.submitted += submitted
        root.on_time += on_time
        root.approved += approved
    root.has_children = bool(children)
    late: list[Unit] = []
    late_count = 0
    if today() > due:
        late_sql = (
            f"{with_sql} SELECT sub.id FROM sub{joins} WHERE {reports}"
            " AND (s.status IS NULL OR s.status NOT IN (%s, %s))"
        )
        late_qs = Unit.objects.filter(
            pk__in=RawSQL(late_sql, [*params, dataset.pk, period.code, *kinds, Status.SUBMITTED,  # noqa: S611
                                     Status.APPROVED])
        )
        late_count = root.expected - root.submitted
        late = list(late_qs.order_by("path")[:late_shown]) if late_count else []
    from tuyengiao.core.text import vn_sorted

    return CompletenessReport(dataset, period, root, vn_sorted(children, key=lambda c: c.unit.name), late, due,
                              late_count)
