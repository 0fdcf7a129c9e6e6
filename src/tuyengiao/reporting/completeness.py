"""Completeness and timeliness: how many reports are due, sent, on time and approved under a unit.

On today's tree (PostgreSQL) the answer is read from what is kept: the reports sent, on time and
approved below each unit (``report_counts``, moved with every status change) and the units of
each kind below each unit (counted once per version of the tree). Python reads a row per child,
never the tens of thousands of units below; the late units are found by walking in tree order
or, when few are late, only under the units that miss a report below them.

Otherwise (an earlier tree, a unit closed before the period's end, a due date changed since the
reports were counted) it is counted on read: the tree of the period's end (the materialised paths
when it is today's, a recursive walk of the dated placements otherwise) tags every unit with the
child of the asked unit it lies under, and one grouped statement counts the reports expected
(units of the kinds that report the data set), sent, sent on time and approved per child.
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

from . import report_counts
from .models import DataSet, ReportCount, ReportCountBasis, Status, Submission
from .report_counts import SENT


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
    """Expected, submitted, on-time and approved reports under a unit (tree of the period end),
    with the first ``late_shown`` late units by place in the tree (``late_count`` says how many)."""
    period = dataset.period(period) if isinstance(period, str) else period
    kept = _from_kept(dataset, unit, period, late_shown)
    return kept if kept is not None else counted_on_read(dataset, unit, period, late_shown)


def counted_on_read(
    dataset: DataSet, unit: Unit, period: Period | str, late_shown: int = LATE_SHOWN
) -> CompletenessReport:
    """The same answer counted from the units and their reports: three statements whatever the
    size (the counts per child, the children, the late units)."""
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
    return _report(dataset, period, root, children, late, due, late_count)


def _report(dataset: DataSet, period: Period, root: Completeness, children: list[Completeness], late: list[Unit],
            due: dt.date, late_count: int) -> CompletenessReport:
    from tuyengiao.core.text import vn_sorted

    return CompletenessReport(dataset, period, root, vn_sorted(children, key=lambda c: c.unit.name), late, due,
                              late_count)


# --- from the kept counts ---------------------------------------------------------------------

# Finding the late units in tree order reads about ``late_shown × expected / late`` units; below
# this many it is done at once, above it the units missing a report below them are looked at first.
_SCAN_AT_ONCE = 2000
_SCAN_SLACK = 50  # read this many more than the estimate, which assumes late units spread evenly


def _from_kept(dataset: DataSet, unit: Unit, period: Period, late_shown: int) -> CompletenessReport | None:
    """The answer from the kept counts, or ``None`` when they do not describe this question."""
    day = min(period.end, unit.last_day())
    if connection.vendor != "postgresql" or not unit.is_open_on(day):
        return None
    changed = org_tree.last_change()
    if changed is not None and changed > day:
        return None  # an earlier tree than today's: the paths and the tree summary do not describe it
    moment = report_counts.cutoff(dataset, period)
    kinds = list(dataset.unit_kinds or []) or [""]
    kids = org_tree.children(unit, day)
    ids = [unit.pk, *(k.pk for k in kids)]
    # One round trip: the cutoff the counts were kept against, the counts below the unit and its
    # children, and their own reports.
    basis, counts, reports = (_q(m._meta.db_table) for m in (ReportCountBasis, ReportCount, Submission))
    which = f"{_q('dataset_id')} = %s AND {_q('period')} = %s"
    sql = (
        f"SELECT 0, 0, 0, 0, 0, {_q('cutoff')}, '' FROM {basis} WHERE {which}"
        f" UNION ALL SELECT 1, {_q('unit_id')}, SUM({_q('sent')}), SUM({_q('on_time')}), SUM({_q('approved')}),"
        f" NULL, '' FROM {counts} WHERE {which} AND {_q('unit_id')} = ANY(%s) AND {_q('kind')} = ANY(%s)"
        f" GROUP BY {_q('unit_id')}"
        f" UNION ALL SELECT 2, {_q('unit_id')}, 0, 0, 0, {_q('submitted_at')}, {_q('status')} FROM {reports}"
        f" WHERE {which} AND {_q('unit_id')} = ANY(%s)"
    )
    below: dict[int, tuple[int, int, int]] = {}
    own: dict[int, report_counts.ReportState] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [dataset.pk, period.code, dataset.pk, period.code, ids, kinds, dataset.pk, period.code,
                             ids])
        for tag, unit_id, sent, on_time, approved, at, status in cursor.fetchall():
            if tag == 0 and at != moment:
                return None  # the due date changed since the reports were counted
            if tag == 1:
                below[unit_id] = (int(sent), int(on_time), int(approved))
            elif tag == 2:
                own[unit_id] = report_counts.ReportState(status, at)
    summary = report_counts.tree_summary()

    def stats(node: Unit) -> Completeness:
        reports = dataset.reports(node)
        sent, on_time, approved = below.get(node.pk, (0, 0, 0))
        result = Completeness(node, int(reports) + report_counts.expected_below(summary, node.pk, kinds),
                              sent, on_time, approved)
        if reports:
            report = own.get(node.pk, report_counts.NOTHING)
            counts = report.counts(moment)
            result.submitted += counts[0]
            result.on_time += counts[1]
            result.approved += counts[2]
            result.status = report.status or Status.DRAFT
        return result

    root = stats(unit)
    children = []
    for kid in kids:
        child = stats(kid)
        child.has_children = any(summary.below.get(kid.pk, {}).values())
        children.append(child)
    root.has_children = bool(children)
    due = dataset.due_date(period)
    late: list[Unit] = []
    late_count = 0
    if today() > due:
        late_count = root.expected - root.submitted
        if late_count:
            late = _late_units(dataset, unit, period, day, kinds, summary, root, late_shown)
    return _report(dataset, period, root, children, late, due, late_count)


def _late_units(dataset: DataSet, unit: Unit, period: Period, day: dt.date, kinds: list[str],
                summary: report_counts.TreeSummary, root: Completeness, late_shown: int) -> list[Unit]:
    """The first ``late_shown`` units by path that report the data set and have not sent it.

    The asked unit comes first when it is late (its path begins every other). Below it, when many
    are late, the first units in path order are read (about ``late_shown × expected / late`` of
    them, more if that was too few) and those without a report kept; when few are, only the
    children of the units with a report missing below them (known from the kept counts) can be
    late, and those are looked at instead.
    """
    first = [unit] if dataset.reports(unit) and root.status not in SENT else []
    need = late_shown - len(first)
    late_below = root.expected - root.submitted - len(first)
    if need <= 0 or late_below <= 0:
        return first[:late_shown]
    expected_below = report_counts.expected_below(summary, unit.pk, kinds)
    scan = int(need * expected_below / late_below * 1.5) + _SCAN_SLACK
    u = _q(Unit._meta.db_table)
    if scan > _SCAN_AT_ONCE and _paths_sort_bytewise():
        found = _late_under_missing(dataset, unit, period, day, kinds, summary, need)
        if found is not None:
            return first + found
    prefix, prefix_params = _path_prefix("u", unit)
    unsent, unsent_params = _unsent("c", dataset, period)
    while True:
        # The first ``scan`` reporting units below in path order, read in order from the path index
        # and each looked up in the reports: the late among them are the first late of all.
        sql = (
            f"SELECT c.* FROM (SELECT u.* FROM {u} u WHERE {prefix} AND u.{_q('depth')} > %s"
            f" AND u.{_q('kind')} = ANY(%s) AND {_open('u')} ORDER BY u.{_q('path')} LIMIT %s) c"
            f" WHERE {unsent} ORDER BY c.{_q('path')} LIMIT %s"
        )
        found = list(Unit.objects.raw(sql, [*prefix_params, unit.depth, kinds, day, day, scan, *unsent_params,
                                            need]))
        if len(found) >= need or scan >= expected_below:
            return first + found
        scan *= 4


def _open(alias: str) -> str:
    """Open on the date given twice."""
    return f"{alias}.{_q('valid_from')} <= %s AND ({alias}.{_q('valid_to')} IS NULL OR {alias}.{_q('valid_to')} > %s)"


def _unsent(alias: str, dataset: DataSet, period: Period) -> tuple[str, list[Any]]:
    """The unit has not sent its report: one lookup by key per unit (a join would read every
    report of the period)."""
    s = _q(Submission._meta.db_table)
    sql = (
        f"COALESCE((SELECT s.{_q('status')} FROM {s} s WHERE s.{_q('dataset_id')} = %s"
        f" AND s.{_q('unit_id')} = {alias}.{_q('id')} AND s.{_q('period')} = %s), '') NOT IN (%s, %s)"
    )
    return sql, [dataset.pk, period.code, Status.SUBMITTED, Status.APPROVED]


_bytewise: dict[tuple[str, Any], bool] = {}


def _path_prefix(alias: str, unit: Unit) -> tuple[str, list[Any]]:
    """The units whose path begins with the unit's. Where paths sort byte by byte (a C collation)
    the same units are a range of the path index, which it then reads in order from the start."""
    path = f"{alias}.{_q('path')}"
    if _paths_sort_bytewise() and unit.path.endswith("/"):
        upper = unit.path[:-1] + chr(ord("/") + 1)
        return f"{path} LIKE %s AND {path} >= %s AND {path} < %s", [unit.path + "%", unit.path, upper]
    return f"{path} LIKE %s", [unit.path + "%"]


def _paths_sort_bytewise() -> bool:
    """Whether the database sorts paths byte by byte (a C collation), as Python compares them."""
    key = (connection.alias, connection.settings_dict.get("NAME"))
    if key not in _bytewise:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE((SELECT collation_name FROM information_schema.columns WHERE table_name = %s"
                " AND column_name = 'path' AND table_schema = current_schema()),"
                " (SELECT datcollate FROM pg_database WHERE datname = current_database()))",
                [Unit._meta.db_table],
            )
            name = str(cursor.fetchone()[0] or "")
        _bytewise[key] = name.upper() in ("C", "POSIX") or name.upper().startswith("C.")
    return _bytewise[key]


def _late_under_missing(dataset: DataSet, unit: Unit, period: Period, day: dt.date, kinds: list[str],
                        summary: report_counts.TreeSummary, need: int) -> list[Unit] | None:
    """The first ``need`` late units in path order, found from the kept counts; ``None`` when
    they cannot tell (then the units are read in path order instead).

    A late unit's parent has fewer reports sent below it than expected. Those parents are walked
    in path order, each counted for the late units right below it (its shortfall less its
    children's), until there are ``need``; only their children are looked up. The answer stands
    when the last unit found comes before the next parent not looked at: nothing under that
    parent or after it can come earlier.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_q('unit_id')}, SUM({_q('sent')}) FROM {_q(ReportCount._meta.db_table)} WHERE"
            f" {_q('dataset_id')} = %s AND {_q('period')} = %s AND {_q('kind')} = ANY(%s) GROUP BY {_q('unit_id')}",
            [dataset.pk, period.code, kinds],
        )
        sent = {unit_id: int(count) for unit_id, count in cursor.fetchall()}
    short: dict[int, int] = {}
    paths: list[tuple[str, int]] = []
    inside = False
    for pk, path in summary.paths.items():  # in path order: the subtree is one run of them
        if not path.startswith(unit.path):
            if inside:
                break
            continue
        inside = True
        missing = report_counts.expected_below(summary, pk, kinds) - sent.get(pk, 0)
        if missing > 0:
            short[pk] = missing
            paths.append((path, pk))
    right_below = dict(short)
    for path, pk in paths:
        parts = path.strip("/").split("/")
        if len(parts) > 1 and int(parts[-2]) in right_below:
            right_below[int(parts[-2])] -= short[pk]
    parents: list[int] = []
    counted = 0
    boundary: str | None = None
    for path, pk in paths:
        if counted >= need:
            boundary = path
            break
        parents.append(pk)
        counted += max(right_below[pk], 0)
    if not parents:
        return []
    unsent, unsent_params = _unsent("u", dataset, period)
    u = _q(Unit._meta.db_table)
    sql = (
        f"SELECT u.* FROM {u} u WHERE u.{_q('parent_id')} = ANY(%s) AND u.{_q('kind')} = ANY(%s)"
        f" AND {_open('u')} AND {unsent} ORDER BY u.{_q('path')} LIMIT %s"
    )
    found = list(Unit.objects.raw(sql, [parents, kinds, day, day, *unsent_params, need]))
    if boundary is None or (len(found) == need and found[-1].path < boundary):
        return found
    return None


def _q(name: str) -> str:
    return connection.ops.quote_name(name)
