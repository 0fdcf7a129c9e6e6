"""Completeness and timeliness: how many reports are due, sent, on time and approved under a unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from tuyengiao.core.periods import Period
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
    late: list[Unit]
    due: dt.date


def completeness(dataset: DataSet, unit: Unit, period: Period | str) -> CompletenessReport:
    """Expected, submitted, on-time and approved reports under a unit (tree of the period end).

    Four queries whatever the size: the dated tree (2), the submissions (1), nothing per unit.
    """
    from tuyengiao.org.services import tree_as_of

    period = dataset.period(period) if isinstance(period, str) else period
    day = min(period.end, unit.last_day())
    tree = tree_as_of(day, root=unit)
    subs = {
        s.unit_id: s
        for s in Submission.objects.filter(dataset=dataset, period=period.code).only(
            "unit_id", "status", "submitted_at"
        )
    }
    due = dataset.due_date(period)
    late: list[Unit] = []

    memo: dict[int, Completeness] = {}

    def walk(node: Unit) -> Completeness:
        stats = Completeness(node)
        kids = tree.get(node.pk, [])
        stats.has_children = bool(kids)
        if dataset.reports(node):
            stats.expected += 1
            sub = subs.get(node.pk)
            stats.status = sub.status if sub else Status.DRAFT
            if sub and sub.status in (Status.SUBMITTED, Status.APPROVED):
                stats.submitted += 1
                if sub.submitted_at and timezone.localdate(sub.submitted_at) <= due:
                    stats.on_time += 1
                if sub.status == Status.APPROVED:
                    stats.approved += 1
            elif today() > due:
                late.append(node)
        for kid in kids:
            sub_stats = walk(kid)
            stats.expected += sub_stats.expected
            stats.submitted += sub_stats.submitted
            stats.on_time += sub_stats.on_time
            stats.approved += sub_stats.approved
        memo[node.pk] = stats
        return stats

    root = walk(unit)
    child_stats = [memo[kid.pk] for kid in tree.get(unit.pk, [])]
    late_sorted = sorted(late, key=lambda u: u.path)
    from tuyengiao.core.text import vn_sorted

    return CompletenessReport(
        dataset, period, root, vn_sorted(child_stats, key=lambda c: c.unit.name), late_sorted, due
    )


