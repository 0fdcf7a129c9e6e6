"""Reports sent, sent on time and approved under every unit, kept as rows as reports move.

Completeness of a national unit would otherwise join tens of thousands of units to their reports on
every read. For each (data set, period, unit, kind) a ``ReportCount`` row counts the reports of the
units of that kind strictly below the unit on the tree of the period's end (a unit's own report is
read from the reports themselves), and ``ReportCountBasis`` the on-time cutoff they were counted
against. ``record`` moves the rows by the difference in the transaction of every status change
(``approval`` is the one place reports change status); ``rebuild`` recomputes them from the reports,
level by level, after a bulk load or a reorganisation; ``check`` compares them with a recomputation.

How many units are *expected* depends on the tree only: ``tree_summary`` counts, per unit with units
below it, the open units of each kind below it and its children, once per version of the tree.

PostgreSQL only: elsewhere (SQLite in development) nothing is kept and completeness counts on read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tuyengiao.core.periods import Period
from tuyengiao.core.sql import table as _t
from tuyengiao.org import tree as org_tree
from tuyengiao.org.models import Unit, UnitPlacement, today

from .models import DataSet, ReportCount, ReportCountBasis, Status, Submission

Progress = Callable[[str], None]
SENT = (Status.SUBMITTED, Status.APPROVED)
_MAX_LEVELS = 64


def cutoff(dataset: DataSet, period: Period) -> dt.datetime:
    """A report sent before this moment is on time: the start of the day after the due date."""
    due = dataset.due_date(period)
    return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))


@dataclass(frozen=True)
class ReportState:
    """What of a report the counts depend on."""

    status: str | None
    submitted_at: dt.datetime | None

    def counts(self, before: dt.datetime) -> tuple[int, int, int]:
        """(sent, sent on time, approved) this report adds, against an on-time cutoff."""
        sent = self.status in SENT
        on_time = sent and self.submitted_at is not None and self.submitted_at < before
        return int(sent), int(on_time), int(self.status == Status.APPROVED)


NOTHING = ReportState(None, None)


def state(sub: Submission) -> ReportState:
    return ReportState(sub.status, sub.submitted_at)


# --- kept on every status change --------------------------------------------------------------


def _basis(dataset: DataSet, period: Period) -> dt.datetime:
    """The cutoff the rows of (data set, period) are counted against, fixed by their first report."""
    table = _t(ReportCountBasis)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (dataset_id, period, cutoff) VALUES (%s, %s, %s)"
            " ON CONFLICT (dataset_id, period) DO NOTHING",
            [dataset.pk, period.code, cutoff(dataset, period)],
        )
        cursor.execute(f"SELECT cutoff FROM {table} WHERE dataset_id = %s AND period = %s", [dataset.pk, period.code])
        return cursor.fetchone()[0]


def record(sub: Submission, before: ReportState) -> None:
    """Move the kept counts by what a report's change adds or takes away, inside the caller's
    transaction; the rows of its ancestors are upserted in one fixed order, so concurrent
    submitters never deadlock on them."""
    if connection.vendor != "postgresql":
        return  # read only on PostgreSQL (``completeness``); elsewhere counted on read
    after = state(sub)
    if after == before:
        return
    period = Period.parse(sub.period)
    end = period.end
    unit = sub.unit  # loaded with the report by ``approval``: no second read per status change
    if not unit.is_open_on(end):
        return  # not on the tree of the period's end, so counted nowhere
    dataset = sub.dataset
    moment = _basis(dataset, period)
    new, old = after.counts(moment), before.counts(moment)
    delta = tuple(n - o for n, o in zip(new, old, strict=True))
    if not any(delta):
        return
    ancestors = sorted(set(org_tree.dated_ancestors({(unit.pk, end)}).get((unit.pk, end), [])))
    if not ancestors:
        return
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(ancestors))
    params: list[Any] = []
    for ancestor in ancestors:
        params += [dataset.pk, period.code, ancestor, unit.kind, *delta]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_t(ReportCount)} AS r (dataset_id, period, unit_id, kind, sent, on_time, approved)"
            f" VALUES {values} ON CONFLICT (dataset_id, period, unit_id, kind) DO UPDATE SET"
            " sent = r.sent + excluded.sent, on_time = r.on_time + excluded.on_time,"
            " approved = r.approved + excluded.approved",
            params,
        )


# --- recomputed from the reports ---------------------------------------------------------------


def _pairs(cursor: Any, since: dt.date | None) -> list[tuple[int, str, dt.date, dt.datetime]]:
    """(data set, period, period end, cutoff) of every period with reports or kept counts, those
    ending on or after ``since`` when given."""
    cursor.execute(
        f"SELECT DISTINCT dataset_id, period FROM {_t(Submission)}"
        f" UNION SELECT dataset_id, period FROM {_t(ReportCountBasis)}"
    )
    found = cursor.fetchall()
    datasets = {ds.pk: ds for ds in DataSet.objects.filter(pk__in={d for d, _p in found}).only("pk", "due_days")}
    out = []
    for dataset_id, code in found:
        try:
            period = Period.parse(code)
        except ValueError:
            continue
        if since is None or period.end >= since:
            out.append((dataset_id, code, period.end, cutoff(datasets[dataset_id], period)))
    return sorted(out)


def _recompute(cursor: Any, since: dt.date | None, say: Progress) -> tuple[str, str]:
    """Work tables of the recomputed counts (``rc_pairs``: the periods covered, ``rc_acc``: the rows)."""
    pairs = _pairs(cursor, since)
    cursor.execute("DROP TABLE IF EXISTS rc_pairs, rc_acc, rc_level")
    cursor.execute("CREATE TEMP TABLE rc_pairs (ds integer, period varchar(8), d date, cutoff timestamptz)")
    if pairs:
        cursor.executemany("INSERT INTO rc_pairs VALUES (%s, %s, %s, %s)", pairs)
    cursor.execute("ANALYZE rc_pairs")
    say(f"{len(pairs)} periods")
    sent = ", ".join(f"'{s.value}'" for s in SENT)
    cursor.execute(
        "CREATE TEMP TABLE rc_level AS SELECT p.ds, p.period, p.d, s.unit_id AS a, u.kind,"
        " 1 AS sent, CASE WHEN s.submitted_at < p.cutoff THEN 1 ELSE 0 END AS on_time,"
        f" CASE WHEN s.status = '{Status.APPROVED.value}' THEN 1 ELSE 0 END AS approved"
        f" FROM {_t(Submission)} s JOIN rc_pairs p ON p.ds = s.dataset_id AND p.period = s.period"
        f" JOIN {_t(Unit)} u ON u.id = s.unit_id AND u.valid_from <= p.d AND (u.valid_to IS NULL OR u.valid_to > p.d)"
        f" WHERE s.status IN ({sent})"
    )
    cursor.execute("ANALYZE rc_level")
    cursor.execute(
        "CREATE TEMP TABLE rc_acc (ds integer, period varchar(8), a integer, kind varchar(20), sent integer,"
        " on_time integer, approved integer)"
    )
    placement = _t(UnitPlacement)
    for level in range(_MAX_LEVELS):
        cursor.execute(
            "CREATE TEMP TABLE rc_next AS SELECT x.ds, x.period, x.d, p.parent_id AS a, x.kind,"
            " CAST(SUM(x.sent) AS integer) AS sent, CAST(SUM(x.on_time) AS integer) AS on_time,"
            f" CAST(SUM(x.approved) AS integer) AS approved FROM rc_level x JOIN {placement} p ON p.unit_id = x.a"
            " AND p.valid_from <= x.d AND (p.valid_to IS NULL OR p.valid_to > x.d)"
            " WHERE p.parent_id IS NOT NULL GROUP BY x.ds, x.period, x.d, p.parent_id, x.kind"
        )
        cursor.execute("DROP TABLE rc_level")
        cursor.execute("ALTER TABLE rc_next RENAME TO rc_level")
        cursor.execute("ANALYZE rc_level")
        cursor.execute("INSERT INTO rc_acc SELECT ds, period, a, kind, sent, on_time, approved FROM rc_level")
        cursor.execute("SELECT COUNT(*) FROM rc_level")
        rows = int(cursor.fetchone()[0])
        say(f"level {level + 1} above the reports: {rows} rows")
        if not rows:
            break
    cursor.execute("DROP TABLE rc_level")
    return "rc_pairs", "rc_acc"


def _lock(cursor: Any) -> None:
    """Submitters wait (their upserts need the rows) until the recomputed rows are in place."""
    cursor.execute(f"LOCK TABLE {_t(ReportCountBasis)}, {_t(ReportCount)} IN EXCLUSIVE MODE")


@transaction.atomic
def rebuild(since: dt.date | None = None, progress: Progress | None = None) -> int:
    """Recompute the kept counts from the reports (of the periods ending on or after ``since``,
    whose tree a reorganisation changed, when given); the number of rows written.

    One transaction (or a savepoint of the caller's, e.g. a reorganisation): no reader sees the
    counts half rebuilt.
    """
    say = progress or (lambda _msg: None)
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        _lock(cursor)
        pairs, acc = _recompute(cursor, since, say)
        for model in (ReportCount, ReportCountBasis):
            cursor.execute(
                f"DELETE FROM {_t(model)} t USING {pairs} p WHERE t.dataset_id = p.ds AND t.period = p.period"
            )
        cursor.execute(
            f"INSERT INTO {_t(ReportCountBasis)} (dataset_id, period, cutoff) SELECT ds, period, cutoff FROM {pairs}"
        )
        cursor.execute(
            f"INSERT INTO {_t(ReportCount)} (dataset_id, period, unit_id, kind, sent, on_time, approved)"
            f" SELECT ds, period, a, kind, SUM(sent), SUM(on_time), SUM(approved) FROM {acc}"
            " GROUP BY ds, period, a, kind"
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {pairs}, {acc}")
    say(f"{written} report count rows")
    return int(written)


@dataclass(frozen=True)
class Mismatch:
    dataset_id: int
    period: str
    unit_id: int
    kind: str
    stored: tuple[int, int, int]
    expected: tuple[int, int, int]


def check(limit: int = 50, progress: Progress | None = None) -> list[Mismatch]:
    """The kept rows that differ from a recomputation (rows of zeros count as absent), and the
    periods whose kept cutoff is not the data set's (unit 0)."""
    say = progress or (lambda _msg: None)
    out: list[Mismatch] = []
    if connection.vendor != "postgresql":
        return out
    with connection.cursor() as cursor:
        pairs, acc = _recompute(cursor, None, say)
        cursor.execute(
            f"SELECT k.dataset_id, k.period, 0, '', 0, 0, 0, 0, 0, 0 FROM {_t(ReportCountBasis)} k"
            f" JOIN {pairs} p ON p.ds = k.dataset_id AND p.period = k.period WHERE p.cutoff <> k.cutoff"
            f" UNION ALL SELECT COALESCE(r.dataset_id, x.ds), COALESCE(r.period, x.period), COALESCE(r.unit_id, x.a),"
            " COALESCE(r.kind, x.kind), COALESCE(r.sent, 0), COALESCE(r.on_time, 0), COALESCE(r.approved, 0),"
            " COALESCE(x.sent, 0), COALESCE(x.on_time, 0), COALESCE(x.approved, 0)"
            f" FROM (SELECT * FROM {_t(ReportCount)} WHERE (sent, on_time, approved) <> (0, 0, 0)) r"
            f" FULL JOIN (SELECT ds, period, a, kind, SUM(sent) AS sent, SUM(on_time) AS on_time,"
            f" SUM(approved) AS approved FROM {acc} GROUP BY ds, period, a, kind) x"
            " ON x.ds = r.dataset_id AND x.period = r.period AND x.a = r.unit_id AND x.kind = r.kind"
            " WHERE (COALESCE(r.sent, 0), COALESCE(r.on_time, 0), COALESCE(r.approved, 0))"
            " IS DISTINCT FROM (COALESCE(x.sent, 0), COALESCE(x.on_time, 0), COALESCE(x.approved, 0))"
            f" LIMIT {int(limit)}"
        )
        for ds, code, unit_id, kind, *numbers in cursor.fetchall():
            out.append(Mismatch(ds, code, unit_id, kind, (numbers[0], numbers[1], numbers[2]),
                                (numbers[3], numbers[4], numbers[5])))
        cursor.execute(f"DROP TABLE {pairs}, {acc}")
    return out


def on_tree_changed(sender: Any, day: dt.date | None = None, **kwargs: Any) -> None:
    """A reorganisation from ``day`` changes the trees of the periods ending on or after it:
    their counts are recomputed in the same transaction."""
    rebuild(since=day)


# --- the tree side: how many units are expected ------------------------------------------------


@dataclass(frozen=True)
class TreeSummary:
    """Per unit with open units below it (today's tree): its path (in path order), its open children
    and the open units of each kind below it."""

    paths: dict[int, str]
    children: dict[int, int]
    below: dict[int, dict[str, int]]


def tree_summary() -> TreeSummary:
    """Counted once per version of the tree (``org.tree.kept``: one grouped statement over the
    paths of the open units), then read from what is kept."""
    return org_tree.kept("summary", (), _summarise)


def _summarise() -> TreeSummary:
    unit = _t(Unit)
    day = today()
    below: dict[int, dict[str, int]] = defaultdict(dict)
    children: dict[int, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(a.id AS integer), u.kind, COUNT(*), COUNT(*) FILTER (WHERE a.n = u.depth)"
            f" FROM {unit} u, unnest((string_to_array(trim(both '/' from u.path), '/'))[1:u.depth])"
            " WITH ORDINALITY AS a(id, n)"
            " WHERE u.valid_from <= %s AND (u.valid_to IS NULL OR u.valid_to > %s) GROUP BY a.id, u.kind",
            [day, day],
        )
        for ancestor, kind, count, direct in cursor.fetchall():
            below[ancestor][kind] = int(count)
            children[ancestor] += int(direct)
        found = Unit.objects.filter(pk__in=list(below)).values_list("pk", "path")
        paths = dict(sorted(found, key=lambda row: row[1]))  # byte order, whatever the database's collation
    return TreeSummary(paths, dict(children), dict(below))


def expected_below(summary: TreeSummary, unit_id: int, kinds: Sequence[str]) -> int:
    counts = summary.below.get(unit_id, {})
    if len(kinds) == 1:  # most data sets are reported by one kind of unit; asked per unit of a country
        return counts.get(kinds[0], 0)
    return sum(counts.get(kind, 0) for kind in kinds)
