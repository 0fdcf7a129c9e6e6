"""Roll-ups kept as rows, so a national dashboard reads thousands of rows instead of millions.

For every stored value, its contribution to each *strict* ancestor of its unit is kept in
``Aggregate`` rows for the value's own period (a year asked adds the rows of its twelve months:
a few hundred rows, where a row per containing period would double the table and the work of
every rebuild); for elements aggregated by ``last`` a row per containing period (month →
quarter → half-year → year), since the latest value of a year is not a sum of its months. Two
structures:

* ``dated`` ("p"): the ancestors as the tree stood at the end of the value's own period
  (``UnitPlacement``);
* ``current`` ("c"): the value carried onto today's units through the successions, with their
  shares, then up today's parents.

A unit's figure is its *own* values (read from the values table: a handful of rows, indexed) plus
its aggregate row (everything below it). Each row keeps the sum (with shares), the plain sum and
count (averages), the maximum, and for elements aggregated by ``last`` the sum over the units
below of each one's latest value in the period.

The rules are the same as the on-read computation of ``analytics`` and a property test holds the
two equal. ``rebuild`` recomputes every row from the values, level by level (one grouped statement
per tree level, so the work is one pass over the values); ``check`` compares the rows with a fresh
recomputation.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q

from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.org.models import Unit, UnitPlacement, UnitSuccession, today

from .models import Aggregate, DataElement, DataValue

DATED = "p"
CURRENT = "c"
STRUCTURE_CODES = {"period": DATED, "current": CURRENT}
_MAX_LEVELS = 12

Progress = Callable[[str], None]


def containing(code: str) -> list[Period]:
    """The period and every longer period that contains it (its contributions go to each)."""
    period = Period.parse(code)
    return [period.parent(kind) for kind in PeriodType if kind.months >= period.type.months]


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(model: Any, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _date(value: dt.date) -> str:
    return f"CAST('{value.isoformat()}' AS date)" if connection.vendor == "postgresql" else f"'{value.isoformat()}'"


# --- full recomputation -----------------------------------------------------------------------


@dataclass
class _Tables:
    """Work tables of one recomputation.

    A full recomputation on PostgreSQL writes *unlogged* tables through ``CREATE TABLE … AS``:
    unlike temporary tables they let the planner use parallel workers, and they skip the WAL. Their
    names carry a random part (they are visible to other sessions) and they are dropped at the end.
    Small recomputations (one element and a few periods, on a save) keep temporary tables.
    """

    prefix: str
    unlogged: bool = False
    made: list[str] = field(default_factory=list)

    def name(self, suffix: str) -> str:
        name = f"{self.prefix}_{suffix}_{len(self.made)}"
        self.made.append(name)
        return name

    def create(self, suffix: str) -> tuple[str, str]:
        """A fresh table name and the ``CREATE … TABLE`` words for it."""
        kind = "UNLOGGED" if self.unlogged and connection.vendor == "postgresql" else "TEMP"
        name = self.name(suffix)
        return name, f"CREATE {kind} TABLE {name}"


def _stored_codes(cursor: Any) -> list[str]:
    """The period codes that have values: a skip scan of the (element, period) index per element,
    a few dozen index probes instead of reading every value."""
    dv, el, pe = _t(DataValue), _c(DataValue, "element"), _c(DataValue, "period")
    codes: set[str] = set()
    for element_id in DataElement.objects.values_list("pk", flat=True):
        cursor.execute(
            f"WITH RECURSIVE t(p) AS (SELECT MIN({pe}) FROM {dv} WHERE {el} = %s"
            f" UNION ALL SELECT (SELECT MIN({pe}) FROM {dv} WHERE {el} = %s AND {pe} > t.p) FROM t"
            " WHERE t.p IS NOT NULL) SELECT p FROM t WHERE p IS NOT NULL",
            [element_id, element_id],
        )
        codes.update(row[0] for row in cursor.fetchall())
    return sorted(codes)


def _fill_periods(cursor: Any, tables: _Tables, only: Sequence[str] | None = None) -> tuple[str, str]:
    """Work tables of the stored periods: (stored, containing, end date) and (stored, end date).

    ``only``: just these containing periods (and the stored periods inside them).
    """
    if only is None:
        codes = _stored_codes(cursor)
    else:
        outers = [Period.parse(code) for code in only]
        codes = sorted({sp.code for outer in outers for kind in PeriodType if kind.months <= outer.type.months
                        for sp in outer.subperiods(kind)})
    pe, create_pe = tables.create("pe")
    spd, create_spd = tables.create("spd")
    cursor.execute(f"{create_pe} (sp varchar(8), outp varchar(8), d date)")
    cursor.execute(f"{create_spd} (sp varchar(8), d date)")
    pe_rows: list[tuple[str, str, str]] = []
    spd_rows: list[tuple[str, str]] = []
    for code in codes:
        try:
            period = Period.parse(code)
        except ValueError:
            continue
        spd_rows.append((code, period.end.isoformat()))
        pe_rows.extend((code, outer.code, period.end.isoformat()) for outer in containing(code)
                       if only is None or outer.code in only)
    if pe_rows:
        cursor.executemany(f"INSERT INTO {pe} VALUES (%s, %s, %s)", pe_rows)
        cursor.executemany(f"INSERT INTO {spd} VALUES (%s, %s)", spd_rows)
    _analyse(cursor, pe)
    _analyse(cursor, spd)
    return pe, spd


def _current_map() -> list[tuple[int, int, Decimal]]:
    """(unit, today's unit, share) for the units that became open units through successions
    (open units map onto themselves as well; those rows are written in SQL)."""
    edges: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pred, succ, share in UnitSuccession.objects.values_list("predecessor_id", "successor_id", "share"):
        edges[pred].append((succ, Decimal(share)))
    day = today()
    open_ids = set(Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day)).values_list("pk", flat=True))
    rows: list[tuple[int, int, Decimal]] = []
    for start in edges:
        landed: dict[int, Decimal] = defaultdict(Decimal)
        frontier = [(start, Decimal(1))]
        for _step in range(50):
            nxt = []
            for unit_id, share in frontier:
                for succ, part in edges.get(unit_id, []):
                    landed[succ] += share * part
                    nxt.append((succ, share * part))
            if not nxt:
                break
            frontier = nxt
        rows.extend((start, cur, share) for cur, share in landed.items() if cur in open_ids and cur != start)
    return rows


def _element_ids() -> tuple[list[int], list[int]]:
    """Numeric elements, split into those summed/averaged/maximised and those aggregated by last."""
    rows = DataElement.objects.exclude(value_type="text").values_list("pk", "aggregation")
    return [pk for pk, agg in rows if agg != "last"], [pk for pk, agg in rows if agg == "last"]


def _analyse(cursor: Any, table: str) -> int:
    """Give the planner the work table's size (work tables have no statistics); its row count."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table}")
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    return int(cursor.fetchone()[0])


def _in(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _roll_up(cursor: Any, tables: _Tables, first: str, parent: str, join: str, into: str, say: Progress) -> None:
    """Carry rows of ``first`` (el, a, sp, d, t, pl, c, m) up the tree until no parent is left.

    ``join`` finds the parent of ``x.a`` (as ``parent``); one grouped statement per level, each
    level a few times smaller than the one below.
    """
    current = first
    for level in range(_MAX_LEVELS):
        cursor.execute(f"INSERT INTO {into} SELECT * FROM {current}")
        nxt, create = tables.create(f"up{level}")
        cursor.execute(
            f"{create} AS SELECT x.el, {parent} AS a, x.sp, x.d,"
            " SUM(x.t) AS t, SUM(x.pl) AS pl, CAST(SUM(x.c) AS integer) AS c, MAX(x.m) AS m"
            f" FROM {current} x {join} WHERE {parent} IS NOT NULL GROUP BY x.el, {parent}, x.sp, x.d"
        )
        rows = _analyse(cursor, nxt)
        say(f"level {level + 2}: {rows} rows")
        if not rows:
            return
        current = nxt


def recompute(
    into: str,
    progress: Progress | None = None,
    element_ids: Sequence[int] | None = None,
    periods: Sequence[str] | None = None,
) -> None:
    """Compute aggregate rows from the values into the (empty) table ``into``: all of them, or
    those of some elements and periods.

    The values are read twice (dated and today's structure), each time joined to a small map:
    (unit, stored period) → parent on that period's last day for the dated tree (a hash join
    against a million rows instead of a date-range join per value), (unit) → (today's parent,
    share) for today's. Shares multiply group sums, never single values, and each level above
    the first reads only the level below it.
    """
    say = progress or (lambda _msg: None)
    full = element_ids is None and periods is None
    tables = _Tables(f"agg_{secrets.token_hex(3)}" if full else "agg_part", unlogged=full)
    dv, pl, unit = _t(DataValue), _t(UnitPlacement), _t(Unit)
    cols = "structure, element_id, unit_id, period, total, plain, count, maximum"
    with connection.cursor() as cursor:
        try:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL jit = off")
                if full:  # hash tables of millions of groups stay in memory instead of spilling
                    cursor.execute("SET LOCAL work_mem = '768MB'")
            pe, spd = _fill_periods(cursor, tables, periods)
            say("periods")
            plain_ids, last_ids = _element_ids()
            if element_ids is not None:
                plain_ids = [pk for pk in plain_ids if pk in element_ids]
                last_ids = [pk for pk in last_ids if pk in element_ids]
            value_ok = "dv.value IS NOT NULL"
            # (unit, day) -> parent that day, for every distinct last day of a stored period.
            dmap, create = tables.create("dmap")
            cursor.execute(
                f"{create} AS SELECT p.unit_id AS u, s.d, p.parent_id AS a FROM {pl} p"
                f" JOIN (SELECT DISTINCT d FROM {spd}) s ON p.valid_from <= s.d"
                " AND (p.valid_to IS NULL OR p.valid_to > s.d) WHERE p.parent_id IS NOT NULL"
            )
            _analyse(cursor, dmap)
            pmap, create = tables.create("pmap")
            cursor.execute(f"{create} AS SELECT m.u, s.sp, s.d, m.a FROM {dmap} m JOIN {spd} s ON s.d = m.d")
            say(f"parents of each stored period: {_analyse(cursor, pmap)} rows")
            acc, create = tables.create("acc")
            cursor.execute(
                f"{create} (el integer, a integer, sp varchar(8), d date, t numeric, pl numeric, c integer, m numeric)"
            )
            # Today's map: (unit, today's parent of a unit it landed on, share), one row per landing.
            cmap, create = tables.create("cmap")
            cursor.execute(f"{create} (u integer, cur integer, share numeric)")
            cursor.execute(
                f"INSERT INTO {cmap} SELECT id, id, 1 FROM {unit}"
                f" WHERE {_c(Unit, 'valid_to')} IS NULL OR {_c(Unit, 'valid_to')} > {_date(today())}"
            )
            cursor.executemany(f"INSERT INTO {cmap} VALUES (%s, %s, %s)", _current_map())
            _analyse(cursor, cmap)
            camap, create = tables.create("camap")
            cursor.execute(
                f"{create} AS SELECT m.u, cu.parent_id AS a, m.share,"
                " ROW_NUMBER() OVER (PARTITION BY m.u ORDER BY cu.parent_id, m.share) AS n"
                f" FROM {cmap} m JOIN {unit} cu ON cu.id = m.cur WHERE cu.parent_id IS NOT NULL"
            )
            say(f"today's parents: {_analyse(cursor, camap)} rows")
            # One map for both structures: (unit, stored period) -> dated parent, today's parent and
            # share; a unit split onto several units has one row per landing, the first of which
            # alone counts for the dated tree.
            both, create = tables.create("both")
            cursor.execute(
                f"{create} AS SELECT COALESCE(p.u, c.u) AS u, COALESCE(p.sp, c.sp) AS sp, COALESCE(p.d, c.d) AS d,"
                " CASE WHEN c.n IS NULL OR c.n = 1 THEN p.a END AS da, c.a AS ca, c.share"
                f" FROM {pmap} p FULL JOIN (SELECT x.u, x.a, x.share, x.n, s.sp, s.d FROM {camap} x"
                f" CROSS JOIN {spd} s) c ON c.u = p.u AND c.sp = p.sp"
            )
            say(f"both maps: {_analyse(cursor, both)} rows")
            # The one pass over the values (sum / average / maximum elements).
            grouped, create = tables.create("g")
            cursor.execute(
                f"{create} AS SELECT dv.element_id AS el, dv.period AS sp, m.d, m.da, m.ca, m.share,"
                " SUM(dv.value) AS t, CAST(COUNT(*) AS integer) AS c, MAX(dv.value) AS m"
                f" FROM {dv} dv JOIN {both} m ON m.u = dv.unit_id AND m.sp = dv.period"
                f" WHERE {value_ok} AND dv.element_id IN ({_in(plain_ids)})"
                " GROUP BY dv.element_id, dv.period, m.d, m.da, m.ca, m.share"
            )
            say(f"values grouped by parents: {_analyse(cursor, grouped)} rows")
            # Dated structure, sum / average / maximum: one level at a time, per stored period.
            first, create = tables.create("d1")
            cursor.execute(
                f"{create} AS SELECT el, da AS a, sp, d, SUM(t) AS t, CAST(NULL AS numeric) AS pl,"
                f" CAST(SUM(c) AS integer) AS c, MAX(m) AS m FROM {grouped} WHERE da IS NOT NULL GROUP BY el, da, sp, d"
            )
            say(f"dated, first level: {_analyse(cursor, first)} rows")
            dated_join = f"JOIN {dmap} p ON p.u = x.a AND p.d = x.d"
            _roll_up(cursor, tables, first, "p.a", dated_join, acc, say)
            _analyse(cursor, acc)
            cursor.execute(
                f"INSERT INTO {into} ({cols}) SELECT '{DATED}', x.el, x.a, x.sp, SUM(x.t), SUM(x.t),"
                f" CAST(SUM(x.c) AS integer), MAX(x.m) FROM {acc} x GROUP BY x.el, x.a, x.sp"
            )
            say("dated: written")
            # Dated structure, last: each unit's latest value in each containing period, then up.
            cursor.execute(f"DELETE FROM {acc}")
            first, create = tables.create("dl1")
            cursor.execute(
                f"{create} AS SELECT r.el, p.a, r.outp AS sp, r.d,"
                " SUM(r.v) AS t, CAST(NULL AS numeric) AS pl, CAST(COUNT(*) AS integer) AS c, MAX(r.v) AS m FROM ("
                "SELECT dv.element_id AS el, dv.unit_id AS u, pe.outp, pe.d, dv.value AS v, ROW_NUMBER() OVER"
                " (PARTITION BY dv.element_id, dv.unit_id, pe.outp ORDER BY pe.d DESC) AS rn"
                f" FROM {dv} dv JOIN {pe} pe ON pe.sp = dv.period"
                f" WHERE {value_ok} AND dv.element_id IN ({_in(last_ids)})) r JOIN {dmap} p ON p.u = r.u AND p.d = r.d"
                " WHERE r.rn = 1 GROUP BY r.el, p.a, r.outp, r.d"
            )
            say(f"dated, last: {_analyse(cursor, first)} rows")
            _roll_up(cursor, tables, first, "p.a", dated_join, acc, say)
            _analyse(cursor, acc)
            cursor.execute(
                f"INSERT INTO {into} ({cols}) SELECT '{DATED}', el, a, sp, t, t, c, m FROM (SELECT x.el, x.a, x.sp,"
                f" SUM(x.t) AS t, CAST(SUM(x.c) AS integer) AS c, MAX(x.m) AS m FROM {acc} x"
                " GROUP BY x.el, x.a, x.sp) g"
            )
            say("dated, last: written")
            # Today's structure: values carried through the successions, then up today's parents.
            cursor.execute(f"DELETE FROM {acc}")
            by_share, create = tables.create("c0")
            cursor.execute(
                f"{create} AS SELECT el, ca AS a, sp, share, SUM(t) AS pl, CAST(SUM(c) AS integer) AS c, MAX(m) AS m"
                f" FROM {grouped} WHERE ca IS NOT NULL GROUP BY el, ca, sp, share"
            )
            say(f"today's structure, first level: {_analyse(cursor, by_share)} rows")
            first, create = tables.create("c1")
            cursor.execute(
                f"{create} AS SELECT el, a, sp, CAST(NULL AS date) AS d, SUM(pl * share) AS t, SUM(pl) AS pl,"
                f" CAST(SUM(c) AS integer) AS c, MAX(m) AS m FROM {by_share} GROUP BY el, a, sp"
            )
            _analyse(cursor, first)
            current_join = f"JOIN {unit} u ON u.id = x.a"
            _roll_up(cursor, tables, first, "u.parent_id", current_join, acc, say)
            _analyse(cursor, acc)
            cursor.execute(
                f"INSERT INTO {into} ({cols}) SELECT '{CURRENT}', x.el, x.a, x.sp, SUM(x.t), SUM(x.pl),"
                f" CAST(SUM(x.c) AS integer), MAX(x.m) FROM {acc} x GROUP BY x.el, x.a, x.sp"
            )
            say("today's structure: written")
            cursor.execute(f"DELETE FROM {acc}")
            first, create = tables.create("cl1")
            cursor.execute(
                f"{create} AS SELECT r.el, cu.parent_id AS a, r.outp AS sp, CAST(NULL AS date) AS d,"
                " SUM(r.vs) AS t, SUM(r.v) AS pl, CAST(COUNT(*) AS integer) AS c, MAX(r.v) AS m FROM ("
                "SELECT dv.element_id AS el, m.cur, pe.outp, dv.value AS v, dv.value * m.share AS vs, RANK() OVER"
                " (PARTITION BY dv.element_id, m.cur, pe.outp ORDER BY pe.d DESC) AS rk"
                f" FROM {dv} dv JOIN {pe} pe ON pe.sp = dv.period JOIN {cmap} m ON m.u = dv.unit_id"
                f" WHERE {value_ok} AND dv.element_id IN ({_in(last_ids)})) r JOIN {unit} cu ON cu.id = r.cur"
                " WHERE r.rk = 1 AND cu.parent_id IS NOT NULL GROUP BY r.el, cu.parent_id, r.outp"
            )
            say(f"today's structure, last: {_analyse(cursor, first)} rows")
            _roll_up(cursor, tables, first, "u.parent_id", current_join, acc, say)
            _analyse(cursor, acc)
            cursor.execute(
                f"INSERT INTO {into} ({cols}) SELECT '{CURRENT}', x.el, x.a, x.sp, SUM(x.t), SUM(x.pl),"
                " CAST(SUM(x.c) AS integer),"
                f" MAX(x.m) FROM {acc} x GROUP BY x.el, x.a, x.sp"
            )
            say("today's structure, last: written")
        finally:
            for name in reversed(tables.made):
                cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _primary_key(cursor: Any, table: str) -> str | None:
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = CAST(%s AS regclass) AND contype = 'p'", [table]
    )
    row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def rebuild(progress: Progress | None = None) -> int:
    """Replace every aggregate row by a fresh recomputation; the number of rows.

    On PostgreSQL the primary key is dropped while the rows are written and built again once
    at the end (one sorted build instead of millions of index inserts); the table stays locked
    for the whole transaction, so no reader sees it half-built.
    """
    say = progress or (lambda _msg: None)
    table = _t(Aggregate)
    key = None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
            key = _primary_key(cursor, Aggregate._meta.db_table)
            if key:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(key)}")
        else:
            cursor.execute(f"DELETE FROM {table}")
    recompute(table, say)
    with connection.cursor() as cursor:
        if key:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(key)}"
                " PRIMARY KEY (structure, element_id, period, unit_id)"
            )
            say("index built")
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cursor.fetchone()[0])


@dataclass(frozen=True)
class Mismatch:
    structure: str
    element_id: int
    unit_id: int
    period: str
    stored: tuple[Any, ...] | None
    expected: tuple[Any, ...] | None


def check(limit: int = 50, progress: Progress | None = None, periods: Sequence[str] | None = None) -> list[Mismatch]:
    """Rows that differ from a fresh recomputation (none when the aggregates are exact); with
    ``periods`` (stored period codes), only the rows of those periods are recomputed and compared."""
    work = "agg_check_expected"
    table = _t(Aggregate)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {work} (structure varchar(1), element_id integer, unit_id integer, period varchar(8),"
            " total numeric, plain numeric, count integer, maximum numeric)"
        )
        try:
            recompute(work, progress, periods=periods)
            key = "structure, element_id, unit_id, period"
            only = ""
            if periods is not None:
                codes = ", ".join(f"'{Period.parse(code).code}'" for code in periods) or "NULL"
                only = f" WHERE period IN ({codes})"
            # the maximum is kept exact only for elements aggregated by max (it only grows for the others)
            maxed = _in(list(DataElement.objects.filter(aggregation="max").values_list("pk", flat=True)))
            body = "total, plain, count, maximum"
            inner = f"total, plain, count, CASE WHEN element_id IN ({maxed}) THEN maximum END AS maximum"
            cursor.execute(
                f"SELECT {key}, {body}, 's' FROM (SELECT {key}, {inner} FROM {table}{only}"
                f" EXCEPT SELECT {key}, {inner} FROM {work}{only}) a"
                f" UNION ALL SELECT {key}, {body}, 'e' FROM (SELECT {key}, {inner} FROM {work}{only}"
                f" EXCEPT SELECT {key}, {inner} FROM {table}{only}) b LIMIT {int(limit) * 2}"
            )
            rows = cursor.fetchall()
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {work}")
    found: dict[tuple[Any, ...], dict[str, tuple[Any, ...]]] = defaultdict(dict)
    for row in rows:
        found[row[:4]][row[8]] = tuple(_norm(v) for v in row[4:8])
    out = []
    for key_, sides in found.items():
        if sides.get("s") == sides.get("e"):
            continue  # equal once trailing zeros are ignored
        out.append(Mismatch(key_[0], key_[1], key_[2], key_[3], sides.get("s"), sides.get("e")))
    return out[:limit]


def _norm(value: Any) -> Any:
    if value is None:
        return None
    return Decimal(str(value)).normalize()


# --- reading ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    """What is known of one (element, period, unit): enough to answer any aggregation type."""

    total: Decimal = Decimal(0)
    plain: Decimal = Decimal(0)
    count: int = 0
    maximum: Decimal | None = None

    def add(self, total: Decimal, plain: Decimal, count: int, maximum: Decimal | None) -> None:
        self.total += total
        self.plain += plain
        self.count += count
        if maximum is not None and (self.maximum is None or maximum > self.maximum):
            self.maximum = maximum

    def value(self, aggregation: str) -> Decimal | None:
        if not self.count:
            return None
        if aggregation == "avg":
            return self.plain / self.count
        if aggregation == "max":
            return self.maximum
        return self.total


def _own_sources(structure: str, unit_ids: Iterable[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """target -> [(unit whose own values count for it, share)]: itself, and on today's structure
    the units that became it."""
    targets = sorted(set(unit_ids))
    out: dict[int, list[tuple[int, Decimal]]] = {t: [(t, Decimal(1))] for t in targets}
    if structure != CURRENT or not targets:
        return out
    succ = _t(UnitSuccession)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE back(t, u, sh) AS (SELECT id, id, CAST(1 AS numeric) FROM {_t(Unit)}"
            f" WHERE id IN ({_in(targets)})"
            f" UNION ALL SELECT b.t, s.{_c(UnitSuccession, 'predecessor')}, b.sh * s.{_c(UnitSuccession, 'share')}"
            f" FROM back b JOIN {succ} s ON s.{_c(UnitSuccession, 'successor')} = b.u)"
            # a unit reached along two chains (split, then merged back) counts once, with both shares
            " SELECT t, u, SUM(sh) FROM back WHERE u <> t GROUP BY t, u"
        )
        for target, unit_id, share in cursor.fetchall():
            out[target].append((unit_id, Decimal(share)))
    return out


def read(
    elements: Sequence[DataElement],
    periods: Sequence[Period],
    targets: dict[str, list[Unit]],
    structure: str,
) -> dict[tuple[str, str, int], Decimal]:
    """(element code, period code, unit id) -> value, for stored numeric elements."""
    code = STRUCTURE_CODES[structure]
    numeric = [e for e in elements if e.is_numeric]
    if not numeric or not any(targets.values()):
        return {}
    by_id = {e.pk: e for e in numeric}
    cells: dict[tuple[int, str, int], Cell] = {}
    wanted = {(p.code, u.id) for p in periods for u in targets.get(p.code, [])}
    unit_ids = {u for _p, u in wanted}
    # Rows of sums, counts and maxima are kept per stored period: an asked period adds those of
    # every period inside it. Rows of elements aggregated by ``last`` are kept per asked period.
    inside: dict[str, list[str]] = defaultdict(list)
    for period in periods:
        for kind in PeriodType:
            if kind.months <= period.type.months:
                for sp in period.subperiods(kind):
                    inside[sp.code].append(period.code)
    rows = Aggregate.objects.filter(
        structure=code, element_id__in=list(by_id), period__in=sorted(inside), unit_id__in=unit_ids
    ).values_list("element_id", "period", "unit_id", "total", "plain", "count", "maximum")
    asked = {p.code for p in periods}
    last_ids = {pk for pk, e in by_id.items() if e.aggregation == "last"}
    for el, row_period, unit_id, total, plain, count, maximum in rows:
        last_only = [row_period] if row_period in asked else []
        outs = last_only if el in last_ids else inside.get(row_period, [])
        for asked_code in outs:
            if (asked_code, unit_id) in wanted:
                key = (el, asked_code, unit_id)
                cell = cells.get(key)
                if cell is None:
                    cells[key] = Cell(total, plain, count, maximum)
                else:
                    cell.add(total, plain, count, maximum)
    _add_own(cells, by_id, periods, targets, code, wanted)
    out: dict[tuple[str, str, int], Decimal] = {}
    for (el, period_code, unit_id), cell in cells.items():
        value = cell.value(by_id[el].aggregation)
        if value is not None:
            out[(by_id[el].code, period_code, unit_id)] = value
    return out


def reporting_units(element_ids: Sequence[int], period: Period, unit: Unit, structure: str) -> dict[int, int]:
    """Element id -> how many units under ``unit`` (and itself) have a value of it in ``period``,
    from the kept rows in two indexed reads.

    Exact for a period that is itself stored (and for ``last`` elements, kept per containing
    period); for a longer one, the largest count of the periods inside it: a lower bound of the
    distinct units, equal to it when units report every month.
    """
    code = STRUCTURE_CODES[structure]
    last = set(DataElement.objects.filter(pk__in=list(element_ids), aggregation="last").values_list("pk", flat=True))
    inside = [sp.code for kind in PeriodType if kind.months <= period.type.months for sp in period.subperiods(kind)]
    found: dict[int, int] = {}
    rows = Aggregate.objects.filter(structure=code, unit_id=unit.pk, element_id__in=list(element_ids),
                                    period__in=inside).values_list("element_id", "period", "count")
    for el, row_period, count in rows:
        if el in last and row_period != period.code:
            continue
        found[el] = max(found.get(el, 0), int(count))
    own = DataValue.objects.filter(unit_id=unit.pk, element_id__in=list(element_ids), period__in=inside).filter(
        Q(value__isnull=False) | ~Q(text_value="")
    ).values_list("element_id", flat=True).distinct()
    for el in own:
        found[el] = found.get(el, 0) + 1
    return found


def _add_own(
    cells: dict[tuple[int, str, int], Cell],
    by_id: dict[int, DataElement],
    periods: Sequence[Period],
    targets: dict[str, list[Unit]],
    code: str,
    wanted: set[tuple[str, int]],
) -> None:
    """The targets' own values (and, on today's structure, those of the units that became them)."""
    sources = _own_sources(code, {u for _p, u in wanted})
    source_ids = {u for pairs in sources.values() for u, _s in pairs}
    inner: dict[str, list[Period]] = {}
    for period in periods:
        inner[period.code] = [sp for kind in PeriodType if kind.months <= period.type.months
                              for sp in period.subperiods(kind)]
    sub_codes = {sp.code for subs in inner.values() for sp in subs}
    values: dict[tuple[int, int], list[tuple[str, Decimal]]] = defaultdict(list)
    # Reached by the (unit, period) index: the few asked units, not every unit of the element
    # (``element_id + 0`` keeps the planner off the (element, period, unit) key, which it
    # otherwise walks across the whole country).
    own = DataValue.objects.filter(unit_id__in=source_ids, period__in=sub_codes, value__isnull=False).annotate(
        element_plus=F("element_id") + 0
    ).filter(element_plus__in=list(by_id))
    for el, unit_id, period, value in own.values_list("element_id", "unit_id", "period", "value"):
        values[(el, unit_id)].append((period, value))
    if not values:
        return
    for period in periods:
        ends = {sp.code: sp.end for sp in inner[period.code]}
        for target in targets.get(period.code, []):
            for el, element in by_id.items():
                mapped = [
                    (ends[p], v, share)
                    for unit_id, share in sources[target.id]
                    for p, v in values.get((el, unit_id), [])
                    if p in ends
                ]
                if not mapped:
                    continue
                cell = cells.setdefault((el, period.code, target.id), Cell())
                if element.aggregation == "last":
                    _add_last(cell, code, mapped, sources[target.id])
                else:
                    for _end, v, share in mapped:
                        cell.add(v * share, v, 1, v)


def _add_last(cell: Cell, code: str, mapped: list[tuple[dt.date, Decimal, Decimal]],
              sources: list[tuple[int, Decimal]]) -> None:
    """Dated: the unit's own latest value; today's: every value at the latest date (ties kept)."""
    latest = max(end for end, _v, _s in mapped)
    chosen = [(v, s) for end, v, s in mapped if end == latest]
    if code == DATED:
        chosen = chosen[:1]
    for v, share in chosen:
        cell.add(v * share, v, 1, v)


# --- keeping the rows exact on every write ---------------------------------------------------


@dataclass(frozen=True)
class ValueChange:
    """One stored value as it was and as it is now (``None``: absent or not a number).

    ``aggregation`` is the element's when the caller has the element at hand; else it is read.
    """

    element_id: int
    unit_id: int
    period: str
    old: Decimal | None
    new: Decimal | None
    aggregation: str | None = None


def rows_sql(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """Literal rows as the body of ``WITH v(…) AS (…)``, with their parameters.

    PostgreSQL gets one typed array per column: a handful of parameters however many rows, where
    tens of thousands of placeholders cost more to quote and parse than the statement to run.
    Elsewhere a ``VALUES`` list, numbers cast so that comparisons and maxima are numeric.
    """
    if connection.vendor == "postgresql":
        arrays = [_array([row[i] for row in rows], kind) for i, (_name, kind) in enumerate(columns)]
        return "SELECT * FROM unnest(" + ", ".join(f"CAST(%s AS {kind}[])" for _name, kind in columns) + ")", arrays
    one = "(" + ", ".join("CAST(%s AS numeric)" if kind in ("bigint", "integer", "numeric") else "%s"
                          for _name, kind in columns) + ")"
    return "VALUES " + ", ".join([one] * len(rows)), [x for row in rows for x in row]


def db_type(model: Any, name: str) -> str:
    """A column's type, for typed literal rows (a recursive walk must keep its ids' type exactly)."""
    return str(model._meta.get_field(name).db_type(connection))


def _array(values: list[Any], kind: str) -> str:
    """A PostgreSQL array literal, written here: the driver's own quoting of long lists in Python
    costs seconds on an import of a hundred thousand values."""
    if kind in ("text", "varchar"):
        def quoted(v: Any) -> str:
            return "NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
        return "{" + ",".join(map(quoted, values)) + "}"
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


_PLACED = "p.unit_id = {u} AND p.valid_from <= {d} AND (p.valid_to IS NULL OR p.valid_to > {d})"


def _dated_sql(start: str) -> str:
    """``anc(u, d, a, n)``: the units strictly above each (unit, day) of ``start(u, d)`` that day."""
    pl = _t(UnitPlacement)
    return (
        f"anc(u, d, a, n) AS (SELECT s.u, s.d, p.parent_id, 1 FROM {start} s JOIN {pl} p ON "
        + _PLACED.format(u="s.u", d="s.d")
        + " WHERE p.parent_id IS NOT NULL UNION ALL"
        + f" SELECT anc.u, anc.d, p.parent_id, anc.n + 1 FROM anc JOIN {pl} p ON "
        + _PLACED.format(u="anc.a", d="anc.d")
        + f" WHERE p.parent_id IS NOT NULL AND anc.n < {_MAX_LEVELS})"
    )


def dated_ancestors(pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], list[int]]:
    """(unit, day) -> the units strictly above it that day, one recursive query for all pairs."""
    if not pairs:
        return {}
    rows = ", ".join(f"({int(u)}, {_date(d)})" for u, d in sorted(pairs))
    out: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE start(u, d) AS (VALUES {rows}), {_dated_sql('start')} SELECT u, d, a FROM anc")
        for u, d, a in cursor.fetchall():
            day = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
            out[(u, day)].append(a)
    return out


def _current_sql(units: str) -> str:
    """``up(u, a, sh, n)``: for each unit of ``units(u)``, the units strictly above every open unit
    it landed on today through the successions, with the share that landed there.

    One row per landing: a value that lands on three units under one parent counts three times
    there, as the recomputation and the on-read roll-up count it.
    """
    unit, succ = _t(Unit), _t(UnitSuccession)
    pred, nxt, share = _c(UnitSuccession, "predecessor"), _c(UnitSuccession, "successor"), _c(UnitSuccession, "share")
    return (
        f"fwd(u, cur, sh, n) AS (SELECT u, u, CAST(1 AS numeric), 0 FROM {units}"
        f" UNION ALL SELECT f.u, s.{nxt}, f.sh * s.{share}, f.n + 1 FROM fwd f JOIN {succ} s ON s.{pred} = f.cur"
        " WHERE f.n < 50),"
        f" landed(u, cur, sh) AS (SELECT f.u, f.cur, SUM(f.sh) FROM fwd f JOIN {unit} x ON x.id = f.cur"
        f" WHERE x.valid_to IS NULL OR x.valid_to > {_date(today())} GROUP BY f.u, f.cur),"
        f" up(u, a, sh, n) AS (SELECT l.u, x.parent_id, l.sh, 1 FROM landed l JOIN {unit} x ON x.id = l.cur"
        f" WHERE x.parent_id IS NOT NULL UNION ALL SELECT up.u, x.parent_id, up.sh, up.n + 1 FROM up"
        f" JOIN {unit} x ON x.id = up.a WHERE x.parent_id IS NOT NULL AND up.n < {_MAX_LEVELS})"
    )


def apply_changes(changes: Iterable[ValueChange], also: tuple[str, list[Any]] | None = None) -> None:
    """Carry value changes into the aggregate rows, inside the caller's transaction.

    Sums, counts and averages move by the difference; a new maximum is taken at once. A
    lowered maximum and any change to an element aggregated by ``last`` recompute the affected
    element and periods (``refresh``), which reads only that element's values of those periods.

    ``also``: one more write of the caller's (an ``INSERT``, with its parameters), sent with the
    upsert as one statement on PostgreSQL (a save is then one round trip shorter), else alone.
    """
    changes = [c for c in changes if c.old != c.new]
    if not changes:
        _run(also)
        return
    aggregation = {c.element_id: c.aggregation for c in changes if c.aggregation is not None}
    unknown = {c.element_id for c in changes} - set(aggregation)
    if unknown:
        aggregation.update(
            DataElement.objects.filter(pk__in=unknown).exclude(value_type="text").values_list("pk", "aggregation")
        )
    refresh_keys: set[tuple[int, str]] = set()
    moved = []
    for change in changes:
        how = aggregation.get(change.element_id)
        if how is None:  # text
            continue
        if how == "last":
            refresh_keys.update((change.element_id, p.code) for p in containing(change.period))
            continue
        moved.append(change)  # sums, counts and maxima are kept per stored period only
        if how == "max" and change.old is not None and (change.new is None or change.new < change.old):
            refresh_keys.add((change.element_id, change.period))
    _upsert(moved, also)
    if refresh_keys:
        refresh(refresh_keys)


def _run(statement: tuple[str, list[Any]] | None) -> None:
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


def _upsert(changes: Sequence[ValueChange], also: tuple[str, list[Any]] | None = None) -> None:
    """Move the rows above every changed value, on both structures, in one statement.

    The database finds the ancestors (on the tree of the period's last day, and above the units
    each value landed on today) and adds the differences up per row; rows are upserted in key
    order, so concurrent writers never deadlock on them. A row whose last value went away is then
    removed: only the rows just moved are looked at (by key), never the whole table.
    """
    if not changes or (also is not None and connection.vendor != "postgresql"):
        _run(also)
        also = None
    if not changes:
        return
    ops = connection.ops
    ends: dict[str, Any] = {}
    rows = []
    for c in changes:
        if c.period not in ends:
            ends[c.period] = ops.adapt_datefield_value(Period.parse(c.period).end)
        rows.append((c.element_id, c.unit_id, c.period, ends[c.period], (c.new or 0) - (c.old or 0),
                     (c.new is not None) - (c.old is not None), c.new))
    source, params = rows_sql(
        [("e", db_type(DataValue, "element")), ("u", db_type(DataValue, "unit")), ("p", "varchar"), ("d", "date"),
         ("dt", "numeric"), ("dc", "integer"), ("nv", "numeric")],
        rows,
    )
    table = _t(Aggregate)
    first = ""
    if also is not None:
        first = f"also AS ({also[0]}),"
        params = [*also[1], *params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE {first} v(e, u, p, d, dt, dc, nv) AS ({source}),"
            f" start(u, d) AS (SELECT DISTINCT u, d FROM v), {_dated_sql('start')},"
            f" units(u) AS (SELECT DISTINCT u FROM v), {_current_sql('units')},"
            " moved(s, e, p, a, t, pl, c, m) AS ("
            f"SELECT '{DATED}', v.e, v.p, anc.a, SUM(v.dt), SUM(v.dt), SUM(v.dc), MAX(v.nv)"
            " FROM v JOIN anc ON anc.u = v.u AND anc.d = v.d GROUP BY v.e, v.p, anc.a"
            f" UNION ALL SELECT '{CURRENT}', v.e, v.p, up.a, SUM(v.dt * up.sh), SUM(v.dt), SUM(v.dc), MAX(v.nv)"
            " FROM v JOIN up ON up.u = v.u GROUP BY v.e, v.p, up.a)"
            f" INSERT INTO {table} AS g (structure, element_id, period, unit_id, total, plain, count, maximum)"
            " SELECT s, e, p, a, t, pl, c, m FROM moved WHERE true ORDER BY s, e, p, a"
            " ON CONFLICT (structure, element_id, period, unit_id) DO UPDATE SET"
            " total = g.total + excluded.total, plain = g.plain + excluded.plain, count = g.count + excluded.count,"
            " maximum = CASE WHEN g.maximum IS NULL OR excluded.maximum > g.maximum THEN excluded.maximum"
            " ELSE g.maximum END"
            " RETURNING structure, element_id, period, unit_id, count",
            params,
        )
        emptied = [row[:4] for row in cursor.fetchall() if row[4] <= 0]
        if emptied:
            match = ", ".join(["(%s, %s, %s, %s)"] * len(emptied))
            cursor.execute(
                f"DELETE FROM {table} WHERE count <= 0"
                f" AND (structure, element_id, period, unit_id) IN (VALUES {match})",
                [x for key in emptied for x in key],
            )


def refresh(keys: Iterable[tuple[int, str]]) -> None:
    """Recompute the rows of some (element, period) pairs from the values."""
    keys = sorted(set(keys))
    if not keys:
        return
    table = _t(Aggregate)
    work = "agg_refresh"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {work} (structure varchar(1), element_id integer, unit_id integer, period varchar(8),"
            " total numeric, plain numeric, count integer, maximum numeric)"
        )
        try:
            elements = sorted({el for el, _p in keys})
            periods = sorted({p for _el, p in keys})
            recompute(work, element_ids=elements, periods=periods)
            match = " OR ".join(f"(element_id = {int(el)} AND period = '{Period.parse(p).code}')" for el, p in keys)
            cursor.execute(f"DELETE FROM {table} WHERE {match}")
            cursor.execute(
                f"INSERT INTO {table} (structure, element_id, unit_id, period, total, plain, count, maximum)"
                f" SELECT structure, element_id, unit_id, period, total, plain, count, maximum FROM {work}"
                f" WHERE {match}"
            )
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {work}")


def on_tree_changed(sender: Any, **kwargs: Any) -> None:
    """A reorganisation moves figures between ancestors and onto new units: recompute the rows in
    the same transaction (the successions and dated placements decide every one of them)."""
    rebuild()
