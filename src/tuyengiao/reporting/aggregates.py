"""Roll-ups kept as rows, so a national dashboard reads thousands of rows instead of millions.

For every stored value, its contribution to each *strict* ancestor of its unit is kept in
``Aggregate`` rows for the value's own period (a year asked adds the rows of its twelve months:
a few hundred rows, where a row per containing period would double the table and the work of
every rebuild); for elements aggregated by ``last`` a row per containing period (month →
quarter → half-year → year), since the latest value of a year is not a sum of its months. Two
structures:

* ``dated`` ("p"): the ancestors as the tree stood at the end of the value's own period
  (``UnitPlacement``), or, for a unit that closed during that period, on its last day: where it
  last stood (``counted_day``);
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
import functools
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from tuyengiao.core.periods import Period
from tuyengiao.core.sql import column as _c
from tuyengiao.core.sql import date_literal as _date
from tuyengiao.core.sql import db_type, rows_sql
from tuyengiao.core.sql import table as _t
from tuyengiao.org import tree as org_tree
from tuyengiao.org.models import Unit, UnitPlacement, UnitSuccession, today

from .models import Aggregate, DataElement, DataValue

DATED = "p"
CURRENT = "c"
STRUCTURE_CODES = {"period": DATED, "current": CURRENT}
_MAX_LEVELS = 12

Progress = Callable[[str], None]
# A structure's code -> held while its rows are written.
Turn = Callable[[str], AbstractContextManager[None]]


@functools.lru_cache(maxsize=1024)
def containing(code: str) -> tuple[Period, ...]:
    """The period and every longer period that contains it (its contributions go to each); asked
    once per value moved, so kept."""
    return tuple(Period.parse(code).enclosing())


def _day_before(day: str) -> str:
    return f"{day} - 1" if connection.vendor == "postgresql" else f"date({day}, '-1 day')"


def counted_day(unit: str, start: str, end: str) -> str:
    """SQL: the day on whose tree a value of ``unit`` (an alias of the units table) for the stored
    period from ``start`` to ``end`` counts on the dated structure. The period's last day; for a
    unit that closed during the period, its own last day, so that a commune merged on 2 July
    still gives its July figures to the province it stood in, instead of to no one. The one
    statement of the rule: the kept rows, the on-read reference and the derived figures
    (``analytics._closed_during``) all ask it."""
    closed = f"{unit}.{_c(Unit, 'valid_to')}"
    return f"CASE WHEN {closed} > {start} AND {closed} <= {end} THEN {_day_before(closed)} ELSE {end} END"


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
    """Work tables of the stored periods: (stored, containing, end date) and (stored, end date,
    start date).

    ``only``: just these containing periods (and the stored periods inside them).
    """
    if only is None:
        codes = _stored_codes(cursor)
    else:
        outers = [Period.parse(code) for code in only]
        codes = sorted({sp.code for outer in outers for sp in outer.within()})
    pe, create_pe = tables.create("pe")
    spd, create_spd = tables.create("spd")
    cursor.execute(f"{create_pe} (sp varchar(8), outp varchar(8), d date)")
    cursor.execute(f"{create_spd} (sp varchar(8), d date, s date)")
    pe_rows: list[tuple[str, str, str]] = []
    spd_rows: list[tuple[str, str, str]] = []
    for code in codes:
        try:
            period = Period.parse(code)
        except ValueError:
            continue
        spd_rows.append((code, period.end.isoformat(), period.start.isoformat()))
        pe_rows.extend((code, outer.code, period.end.isoformat()) for outer in containing(code)
                       if only is None or outer.code in only)
    if pe_rows:
        cursor.executemany(f"INSERT INTO {pe} VALUES (%s, %s, %s)", pe_rows)
        cursor.executemany(f"INSERT INTO {spd} VALUES (%s, %s, %s)", spd_rows)
    _analyse(cursor, pe)
    _analyse(cursor, spd)
    return pe, spd


def _element_ids() -> tuple[list[int], list[int]]:
    """Numeric elements, split into those summed/averaged/maximised and those aggregated by last."""
    rows = DataElement.objects.exclude(value_type="text").values_list("pk", "aggregation")
    return [pk for pk, agg in rows if agg != "last"], [pk for pk, agg in rows if agg == "last"]


def any_max(element_ids: Sequence[int]) -> bool:
    """Whether any of these elements is aggregated by maximum."""
    return DataElement.objects.filter(pk__in=list(element_ids), aggregation="max").exists()


def _analyse(cursor: Any, table: str) -> int:
    """Give the planner the work table's size (work tables have no statistics); its row count."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table}")
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    return int(cursor.fetchone()[0])


def _in(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


_SCALE = 10000
_UNSCALE = "0.0001"
# A scaled value splits into two integers (v = hi * _HIGH + lo, |hi|, |lo| < 2^31) whose sums are
# bigints kept in the hash table itself, where a sum of bigints needs a 128-bit state per group.
_HIGH = 2 ** 31


def _scaled(column: str) -> str:
    """A value as a whole number of ten-thousandths: exact for ``numeric(18, 4)`` and summed in
    integer arithmetic (a sum of bigints is exact in PostgreSQL); ``_UNSCALE`` turns it back."""
    if connection.vendor == "postgresql":
        return f"CAST({column} * {_SCALE} AS bigint)"
    return f"CAST(ROUND({column} * {_SCALE}) AS bigint)"


def _epochs(cursor: Any, tables: _Tables, pe: str, spd: str) -> tuple[str, str]:
    """(code, pid) for every period a row is kept for, numbered in the order of the key, and
    (stored period, pid, end date, tree version) where a tree version is the number of
    placement changes on or before the end date: periods of one version share one tree."""
    pl = _t(UnitPlacement)
    codes, create = tables.create("codes")
    cursor.execute(
        f"{create} AS SELECT code, CAST(ROW_NUMBER() OVER (ORDER BY code) AS integer) AS pid"
        f" FROM (SELECT sp AS code FROM {spd} UNION SELECT outp FROM {pe}) x"
    )
    _analyse(cursor, codes)
    ep, create = tables.create("ep")
    cursor.execute(
        f"{create} AS WITH chg AS (SELECT valid_from AS x FROM {pl} UNION SELECT valid_to FROM {pl}"
        " WHERE valid_to IS NOT NULL)"
        " SELECT s.sp, c.pid, s.d, CAST((SELECT COUNT(*) FROM chg WHERE chg.x <= s.d) AS integer) AS e"
        f" FROM {spd} s JOIN {codes} c ON c.code = s.sp"
    )
    _analyse(cursor, ep)
    return codes, ep


def _depths(cursor: Any, tables: _Tables, parents: str) -> str:
    """(unit, version, depth) for every unit of the trees in ``parents`` (u, e, a)."""
    depth, create = tables.create("dep")
    cursor.execute(
        f"{create} AS WITH RECURSIVE t(u, e, dep) AS (SELECT DISTINCT m.a, m.e, 0 FROM {parents} m"
        f" WHERE NOT EXISTS (SELECT 1 FROM {parents} x WHERE x.u = m.a AND x.e = m.e)"
        f" UNION ALL SELECT m.u, m.e, t.dep + 1 FROM t JOIN {parents} m ON m.a = t.u AND m.e = t.e"
        f" WHERE t.dep < {_MAX_LEVELS}) SELECT u, e, MAX(dep) AS dep FROM t GROUP BY u, e"
    )
    _analyse(cursor, depth)
    return depth


@dataclass
class _Rows:
    """Rows of one structure to write: queries of ``(el, pid, e, a, t, pl, c, m)``, sums in
    ten-thousandths (``pl`` null where it equals ``t``), the maximum as it is."""

    code: str
    parts: list[str] = field(default_factory=list)


def _roll_up(
    cursor: Any, tables: _Tables, first: str, combos: set[tuple[int, int]], up: str, out: _Rows, say: Progress,
    label: str,
) -> None:
    """Carry the first-level rows ``first`` (el, pid, e, a, dep, t, pl, c, m) up to the root.

    Levels are taken by absolute depth from the deepest, so an ancestor is written once even when
    values sit at several depths below it: rows reaching a depth are merged with the first-level
    rows of that depth only for the tree versions both have (``combos``: (version, depth) of the
    first-level rows). ``up`` joins ``x`` (rows of one depth) to their parent ``p.a``.
    """
    cols = "el, pid, e, a, t, pl, c, m"
    below: str | None = None
    below_versions: set[int] = set()
    depths = sorted({d for _e, d in combos}, reverse=True)
    deepest = depths[0] if depths else -1
    for depth in range(deepest, -1, -1):
        here = {e for e, d in combos if d == depth}
        direct = sorted(here - below_versions)
        merged = sorted(here & below_versions)
        level_parts = []
        if direct:
            query = f"SELECT {cols} FROM {first} WHERE dep = {depth} AND e IN ({_in(direct)})"
            level_parts.append(query)
            out.parts.append(query)
        grouped: list[str] = []
        if merged:
            grouped.append(f"SELECT {cols} FROM {first} WHERE dep = {depth} AND e IN ({_in(merged)})")
        if below is not None:
            grouped.append(f"SELECT x.el, x.pid, x.e, p.a, x.t, x.pl, x.c, x.m FROM ({below}) x {up}")
        if grouped:
            level, create = tables.create("".join(ch for ch in label if ch.isalnum()) + str(depth))
            cursor.execute(
                f"{create} AS SELECT el, pid, e, a, SUM(t) AS t, SUM(pl) AS pl, CAST(SUM(c) AS integer) AS c,"
                f" MAX(m) AS m FROM ({' UNION ALL '.join(grouped)}) g GROUP BY el, pid, e, a"
            )
            rows = _analyse(cursor, level)
            say(f"{label}, depth {depth}: {rows} rows")
            if rows:
                level_parts.append(f"SELECT {cols} FROM {level}")
                out.parts.append(f"SELECT {cols} FROM {level}")
        if not level_parts:
            below, below_versions = None, set()
            continue
        # the versions of the rows at this depth (a superset: merging more than needed is only slower)
        below_versions = here | (below_versions if below is not None else set())
        below = " UNION ALL ".join(level_parts)


def recompute(
    into: str,
    progress: Progress | None = None,
    element_ids: Sequence[int] | None = None,
    periods: Sequence[str] | None = None,
    ordered: bool = False,
    share: bool = False,
    turn: Turn | None = None,
) -> int:
    """Compute aggregate rows from the values into the (empty) table ``into``: all of them, or
    those of some elements and periods; the number of rows written. ``ordered``: written in the
    order of the primary key, so building the key afterwards reads them once instead of sorting
    them; ``share``: the elements are one share of a full rebuild, planned for that size;
    ``turn``: the rows of each structure are written inside ``turn(structure)``.

    The values are read once, each joined to a small map (unit, tree version) → slot, where a
    slot is one (dated parent, today's parent, share) a unit's values go to, and grouped per
    (element, period, slot) with sums in whole ten-thousandths. The first level of each
    structure is those groups (merged where several slots share a parent); each level above is
    built from the one below it. Shares multiply group sums, never single values.
    """
    say = progress or (lambda _msg: None)
    full = element_ids is None and periods is None
    big = full or share
    written = 0
    tables = _Tables(f"agg_{secrets.token_hex(3)}" if full else "agg_part", unlogged=full)
    dv, pl, unit = _t(DataValue), _t(UnitPlacement), _t(Unit)
    with connection.cursor() as cursor:
        settings: dict[str, str] = {}
        try:
            if connection.vendor == "postgresql":
                settings = _plan_settings(cursor, big)
            pe, spd = _fill_periods(cursor, tables, periods)
            codes, ep = _epochs(cursor, tables, pe, spd)
            say("periods")
            plain_ids, last_ids = _element_ids()
            if element_ids is not None:
                plain_ids = [pk for pk in plain_ids if pk in element_ids]
                last_ids = [pk for pk in last_ids if pk in element_ids]
            values = "dv.value IS NOT NULL AND dv.element_id IN ({ids})"
            if periods is not None:
                # the index gives the values of these periods only, where no loop over them may
                cursor.execute(f"SELECT sp FROM {spd}")
                stored = ", ".join(f"'{Period.parse(row[0]).code}'" for row in cursor.fetchall()) or "NULL"
                values += f" AND dv.period IN ({stored})"
            # Dated parents: (unit, tree version) -> parent on that version's tree.
            dmap, create = tables.create("dmap")
            cursor.execute(
                f"{create} AS SELECT p.unit_id AS u, r.e, p.parent_id AS a FROM {pl} p"
                f" JOIN (SELECT e, MIN(d) AS d FROM {ep} GROUP BY e) r ON p.valid_from <= r.d"
                " AND (p.valid_to IS NULL OR p.valid_to > r.d) WHERE p.parent_id IS NOT NULL"
            )
            _analyse(cursor, dmap)
            ddep = _depths(cursor, tables, dmap)
            # Today's tree: (unit, 0) -> parent, and (unit, landing's parent, share) per landing.
            tpar, create = tables.create("tpar")
            cursor.execute(
                f"{create} AS SELECT id AS u, 0 AS e, parent_id AS a FROM {unit} WHERE parent_id IS NOT NULL"
            )
            _analyse(cursor, tpar)
            tdep = _depths(cursor, tables, tpar)
            cmap, create = tables.create("cmap")
            cursor.execute(f"{create} (u integer, cur integer, share numeric)")
            cursor.execute(
                f"INSERT INTO {cmap} SELECT id, id, 1 FROM {unit}"
                f" WHERE {_c(Unit, 'valid_to')} IS NULL OR {_c(Unit, 'valid_to')} > {_date(today())}"
            )
            # the units closed into open ones, with their shares
            cursor.execute(
                f"INSERT INTO {cmap} (u, cur, share) WITH RECURSIVE units(u) AS (SELECT DISTINCT"
                f" {_c(UnitSuccession, 'predecessor')} FROM {_t(UnitSuccession)}), {org_tree.landings_sql('units')}"
                " SELECT u, cur, sh FROM landed WHERE cur <> u"
            )
            _analyse(cursor, cmap)
            camap, create = tables.create("camap")
            cursor.execute(
                f"{create} AS SELECT m.u, cu.parent_id AS a, m.share,"
                " ROW_NUMBER() OVER (PARTITION BY m.u ORDER BY cu.parent_id, m.share) AS n"
                f" FROM {cmap} m JOIN {unit} cu ON cu.id = m.cur WHERE cu.parent_id IS NOT NULL"
            )
            say(f"parents: {_analyse(cursor, dmap)} dated, {_analyse(cursor, camap)} today's")
            # Slots: where a unit's values go on each tree version; a unit split onto several units
            # has one slot per landing, the first of which alone counts for the dated tree.
            both, create = tables.create("both")
            cursor.execute(
                f"{create} AS SELECT COALESCE(p.u, c.u) AS u, COALESCE(p.e, c.e) AS e,"
                " CASE WHEN c.n IS NULL OR c.n = 1 THEN p.a END AS da, c.a AS ca, c.share"
                f" FROM {dmap} p FULL JOIN (SELECT x.u, x.a, x.share, x.n, r.e FROM {camap} x"
                f" CROSS JOIN (SELECT DISTINCT e FROM {ep}) r) c ON c.u = p.u AND c.e = p.e"
            )
            mk, create = tables.create("mk")
            cursor.execute(
                f"{create} AS SELECT u, e, da, ca, share,"
                " CAST(DENSE_RANK() OVER (ORDER BY e, da, ca, share) AS integer) AS k"
                f" FROM {both} WHERE da IS NOT NULL OR ca IS NOT NULL"
            )
            _analyse(cursor, mk)
            if big and connection.vendor == "postgresql":
                # The planner multiplies the distinct elements, periods and slots into more groups than
                # values and then groups every value in the leader alone. Slots and periods come in
                # tree versions, so the groups are a fraction of that: told so, it lets each worker
                # group its share first (six times fewer rows for the leader, a fifth off the pass).
                cursor.execute(f"ALTER TABLE {mk} ALTER COLUMN k SET (n_distinct = 200)")
                _analyse(cursor, mk)
            slots, create = tables.create("k")
            cursor.execute(
                f"{create} AS SELECT s.k, s.e, s.da, dd.dep AS dadep, s.ca, td.dep AS cadep, s.share,"
                " COUNT(*) OVER (PARTITION BY s.e, s.da) AS nda, COUNT(*) OVER (PARTITION BY s.e, s.ca) AS nca"
                f" FROM (SELECT DISTINCT k, e, da, ca, share FROM {mk}) s"
                f" LEFT JOIN {ddep} dd ON dd.u = s.da AND dd.e = s.e LEFT JOIN {tdep} td ON td.u = s.ca"
            )
            say(f"slots: {_analyse(cursor, slots)}")
            dated, current = _Rows(DATED), _Rows(CURRENT)
            if plain_ids:
                # The one pass over the values (sum / average / maximum elements). The maximum is
                # kept exact for elements aggregated by max only (``check``): with none of them, it
                # is not taken from 30 million numbers.
                grouped, create = tables.create("g")
                top = "MAX(value)" if any_max(plain_ids) else "CAST(NULL AS numeric)"
                scan: dict[str, str] = {}
                if share and connection.vendor == "postgresql":
                    # a share of the elements is still most of the values: read in the table's order,
                    # never through the key (an index scan reads the same pages once per element)
                    scan = _set(cursor, {"enable_indexscan": "off", "enable_bitmapscan": "off"})
                cursor.execute(
                    f"{create} AS SELECT el, pid, k, SUM(CAST(v / {_HIGH} AS integer)) AS sh,"
                    f" SUM(CAST(v % {_HIGH} AS integer)) AS sl, CAST(COUNT(*) AS integer) AS c, {top} AS m"
                    f" FROM (SELECT dv.element_id AS el, p.pid, m.k, dv.value, {_scaled('dv.value')} AS v"
                    f" FROM {dv} dv JOIN {ep} p ON p.sp = dv.period JOIN {mk} m ON m.u = dv.unit_id AND m.e = p.e"
                    f" WHERE {values.format(ids=_in(plain_ids))}) x GROUP BY el, pid, k"
                )
                _set(cursor, scan)
                say(f"values grouped by slot: {_analyse(cursor, grouped)} rows")
                # a group's sum, and the sum of merged groups (sums of bigints, not of numerics)
                one = f"(CAST(g.sh AS numeric) * {_HIGH} + g.sl)"
                many_sum = f"(SUM(g.sh) * {_HIGH} + SUM(g.sl))"
                shared = f"COALESCE(SUM(CASE WHEN k.share <> 1 THEN {one} * (k.share - 1) END), 0)"
                for rows, key, dep, many, total, plain, sums, label in (  # dated: plain is the total
                    (dated, "da", "dadep", "nda", one, "CAST(NULL AS numeric)", (many_sum, "NULL"), "dated"),
                    (current, "ca", "cadep", "nca", f"CASE WHEN k.share = 1 THEN {one} ELSE {one} * k.share END",
                     one, (f"{many_sum} + {shared}", many_sum), "today's"),
                ):
                    merged, create = tables.create(f"{label[0]}1")
                    cursor.execute(
                        f"{create} AS SELECT g.el, g.pid, k.e, k.{key} AS a, k.{dep} AS dep, {sums[0]} AS t,"
                        f" CAST({sums[1]} AS numeric) AS pl, CAST(SUM(g.c) AS integer) AS c, MAX(g.m) AS m"
                        f" FROM {grouped} g"
                        f" JOIN {slots} k ON k.k = g.k WHERE k.{key} IS NOT NULL AND k.{many} > 1"
                        f" GROUP BY g.el, g.pid, k.e, k.{key}, k.{dep}"
                    )
                    _analyse(cursor, merged)
                    first = (
                        f"(SELECT g.el, g.pid, k.e, k.{key} AS a, k.{dep} AS dep, {total} AS t, {plain} AS pl, g.c, g.m"
                        f" FROM {grouped} g JOIN {slots} k ON k.k = g.k WHERE k.{key} IS NOT NULL AND k.{many} = 1"
                        f" UNION ALL SELECT el, pid, e, a, dep, t, pl, c, m FROM {merged}) f"
                    )
                    cursor.execute(f"SELECT DISTINCT e, {dep} FROM {slots} WHERE {key} IS NOT NULL")
                    combos = {(int(e), int(d)) for e, d in cursor.fetchall()}
                    up = (f"JOIN {dmap} p ON p.u = x.a AND p.e = x.e" if rows is dated
                          else f"JOIN {tpar} p ON p.u = x.a")
                    _roll_up(cursor, tables, first, combos, up, rows, say, label)
            if last_ids:
                # Last: each unit's latest value in each containing period, then up.
                dl1, create = tables.create("dl1")
                cursor.execute(
                    f"{create} AS SELECT r.el, c.pid, r.e, p.a, dd.dep, SUM(r.v) AS t, CAST(NULL AS numeric) AS pl,"
                    " CAST(COUNT(*) AS integer) AS c, MAX(r.value) AS m FROM ("
                    f"SELECT dv.element_id AS el, dv.unit_id AS u, pe.outp, x.e, dv.value, {_scaled('dv.value')} AS v,"
                    " ROW_NUMBER() OVER (PARTITION BY dv.element_id, dv.unit_id, pe.outp ORDER BY pe.d DESC) AS rn"
                    f" FROM {dv} dv JOIN {pe} pe ON pe.sp = dv.period JOIN {ep} x ON x.sp = pe.sp"
                    f" WHERE {values.format(ids=_in(last_ids))}) r JOIN {dmap} p ON p.u = r.u AND p.e = r.e"
                    f" JOIN {ddep} dd ON dd.u = p.a AND dd.e = p.e JOIN {codes} c ON c.code = r.outp"
                    " WHERE r.rn = 1 GROUP BY r.el, c.pid, r.e, p.a, dd.dep"
                )
                say(f"dated, last: {_analyse(cursor, dl1)} rows")
                cursor.execute(f"SELECT DISTINCT e, dep FROM {dl1}")
                combos = {(int(e), int(d)) for e, d in cursor.fetchall()}
                dated_last = _Rows(DATED)
                _roll_up(cursor, tables, dl1, combos, f"JOIN {dmap} p ON p.u = x.a AND p.e = x.e", dated_last, say,
                         "dated last")
                if dated_last.parts:
                    # one row per (element, period, unit) whatever the tree versions of the latest values
                    merged, create = tables.create("dlm")
                    cursor.execute(
                        f"{create} AS SELECT el, pid, a, SUM(t) AS t, SUM(pl) AS pl, CAST(SUM(c) AS integer) AS c,"
                        f" MAX(m) AS m FROM ({' UNION ALL '.join(dated_last.parts)}) x GROUP BY el, pid, a"
                    )
                    _analyse(cursor, merged)
                    dated.parts.append(f"SELECT el, pid, 0 AS e, a, t, pl, c, m FROM {merged}")
                cl1, create = tables.create("cl1")
                cursor.execute(
                    f"{create} AS SELECT r.el, c.pid, 0 AS e, cu.parent_id AS a, td.dep, SUM(r.vs) AS t,"
                    " SUM(r.v) AS pl, CAST(COUNT(*) AS integer) AS c, MAX(r.value) AS m FROM ("
                    f"SELECT dv.element_id AS el, m.cur, pe.outp, dv.value, {_scaled('dv.value')} AS v,"
                    f" {_scaled('dv.value')} * m.share AS vs, RANK() OVER"
                    " (PARTITION BY dv.element_id, m.cur, pe.outp ORDER BY pe.d DESC) AS rk"
                    f" FROM {dv} dv JOIN {pe} pe ON pe.sp = dv.period JOIN {cmap} m ON m.u = dv.unit_id"
                    f" WHERE {values.format(ids=_in(last_ids))}) r JOIN {unit} cu ON cu.id = r.cur"
                    f" JOIN {tdep} td ON td.u = cu.parent_id JOIN {codes} c ON c.code = r.outp"
                    " WHERE r.rk = 1 GROUP BY r.el, c.pid, cu.parent_id, td.dep"
                )
                say(f"today's structure, last: {_analyse(cursor, cl1)} rows")
                cursor.execute(f"SELECT DISTINCT e, dep FROM {cl1}")
                combos = {(int(e), int(d)) for e, d in cursor.fetchall()}
                _roll_up(cursor, tables, cl1, combos, f"JOIN {tpar} p ON p.u = x.a", current, say, "today's last")
            _count_closed_units(cursor, tables, spd, codes, pe, dated, plain_ids, last_ids)
            written = _write(cursor, into, codes, [dated, current], ordered, turn)
            say(f"written: {written} rows")
        finally:
            for name in reversed(tables.made):
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
            for name, value in settings.items():  # the caller's transaction goes on with its own plans
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return written


def _count_closed_units(
    cursor: Any, tables: _Tables, spd: str, codes: str, pe: str, dated: _Rows, plain_ids: list[int],
    last_ids: list[int],
) -> None:
    """Add to the dated rows the values of units that closed during their period, where each
    unit stood on its last day (``counted_day``).

    The pass over the values places them on the tree of the period's end, where such a unit has
    no parent, so they reach no row there. They are few (a reorganisation takes effect on one
    day), so they are read again by the units' index and merged into the rows of their element
    and period only; with none, this costs one small query.
    """
    if not (plain_ids or last_ids):
        return
    dv, unit = _t(DataValue), _t(Unit)
    closed = f"x.{_c(Unit, 'valid_to')}"
    cd, create = tables.create("cd")
    # only the periods that hold values of these elements (a save's refresh asks for every period
    # inside a year, and ten thousand communes closed inside 2025 hold none of the year's own)
    cursor.execute(
        f"{create} AS SELECT x.id AS u, s.sp, {_day_before(closed)} AS d FROM {unit} x"
        f" JOIN {spd} s ON {closed} > s.s AND {closed} <= s.d WHERE {closed} IS NOT NULL"
        f" AND EXISTS (SELECT 1 FROM {dv} dv WHERE dv.period = s.sp AND dv.element_id IN ({_in(plain_ids + last_ids)}))"
    )
    if not _analyse(cursor, cd):
        return
    anc, create = tables.create("cda")
    cursor.execute(
        f"{create} AS WITH RECURSIVE start(u, d) AS (SELECT DISTINCT u, d FROM {cd}),"
        f" {org_tree.dated_ancestors_sql('start')}"
        " SELECT u, d, a FROM anc"
    )
    _analyse(cursor, anc)
    # Their values of the periods they closed in, each (unit, period) probed through the index: a
    # lateral join is a probe per pair whatever the planner's settings, where a misjudged plan
    # could read the whole table or loop over the work tables.
    wanted = f"dv.value IS NOT NULL AND dv.element_id IN ({_in(plain_ids + last_ids)})"
    held, create = tables.create("cdv")
    cursor.execute(
        f"{create} AS SELECT x.el, cd.u, cd.sp, x.value FROM {cd} cd "
        + _probe("dv.element_id AS el, dv.value", dv, wanted, {"dv.unit_id": "cd.u", "dv.period": "cd.sp"}, "x")
    )
    if not _analyse(cursor, held):
        return
    parts = []
    if plain_ids:
        top = "MAX(v.value)" if any_max(plain_ids) else "CAST(NULL AS numeric)"
        parts.append(
            f"SELECT v.el, c.pid, n.a, SUM({_scaled('v.value')}) AS t, COUNT(*) AS c, {top} AS m"
            f" FROM {held} v JOIN {cd} cd ON cd.u = v.u AND cd.sp = v.sp"
            f" JOIN {anc} n ON n.u = cd.u AND n.d = cd.d JOIN {codes} c ON c.code = v.sp"
            f" WHERE v.el IN ({_in(plain_ids)}) GROUP BY v.el, c.pid, n.a"
        )
    if last_ids:
        # A value of the period a unit closed in is its latest in a containing period unless a later
        # period of it holds one too (a value after its closing, counted nowhere): those are probed.
        later, create = tables.create("cdl")
        cursor.execute(
            f"{create} AS SELECT DISTINCT v.el, v.u, po.outp FROM {held} v JOIN {pe} po ON po.sp = v.sp"
            f" JOIN {pe} p2 ON p2.outp = po.outp AND p2.d > po.d "
            + _probe("dv.value", dv, "dv.value IS NOT NULL",
                     {"dv.element_id": "v.el", "dv.period": "p2.sp", "dv.unit_id": "v.u"}, "y")
            + f" WHERE v.el IN ({_in(last_ids)})"
        )
        _analyse(cursor, later)
        parts.append(
            f"SELECT v.el, c.pid, n.a, SUM({_scaled('v.value')}) AS t, COUNT(*) AS c, MAX(v.value) AS m"
            f" FROM {held} v JOIN {cd} cd ON cd.u = v.u AND cd.sp = v.sp JOIN {pe} po ON po.sp = v.sp"
            f" JOIN {anc} n ON n.u = cd.u AND n.d = cd.d JOIN {codes} c ON c.code = po.outp"
            f" WHERE v.el IN ({_in(last_ids)}) AND NOT EXISTS (SELECT 1 FROM {later} l"
            " WHERE l.el = v.el AND l.u = v.u AND l.outp = po.outp) GROUP BY v.el, c.pid, n.a"
        )
    extra, create = tables.create("cdx")
    cursor.execute(f"{create} AS {' UNION ALL '.join(parts)}")
    if not _analyse(cursor, extra):
        return
    pairs, create = tables.create("cdp")
    cursor.execute(f"{create} AS SELECT DISTINCT el, pid FROM {extra}")
    _analyse(cursor, pairs)
    hit = f"EXISTS (SELECT 1 FROM {pairs} h WHERE h.el = q.el AND h.pid = q.pid)"
    merged, create = tables.create("cdm")
    cursor.execute(
        f"{create} AS SELECT el, pid, a, SUM(t) AS t, SUM(pl) AS pl, CAST(SUM(c) AS integer) AS c, MAX(m) AS m"
        " FROM (" + " UNION ALL ".join(
            [f"SELECT q.el, q.pid, q.a, q.t, q.pl, q.c, q.m FROM ({part}) q WHERE {hit}" for part in dated.parts]
            + [f"SELECT el, pid, a, t, CAST(NULL AS numeric) AS pl, c, m FROM {extra}"]
        ) + ") x GROUP BY el, pid, a"
    )
    _analyse(cursor, merged)
    dated.parts = [f"SELECT q.* FROM ({part}) q WHERE NOT {hit}" for part in dated.parts]
    dated.parts.append(f"SELECT el, pid, 0 AS e, a, t, pl, c, m FROM {merged}")


def _probe(columns: str, table: str, where: str, match: dict[str, str], alias: str) -> str:
    """``JOIN`` the rows of ``table`` (as ``dv``) that meet ``where`` and whose columns equal the
    outer expressions of ``match``, as one index probe per outer row: a lateral join on
    PostgreSQL, fenced with ``OFFSET 0`` so that the planner cannot flatten it into a join that
    reads the whole table; SQLite has no lateral join and probes the index of its own accord."""
    if connection.vendor == "postgresql":
        equal = " AND ".join(f"{column} = {outer}" for column, outer in match.items())
        return f"CROSS JOIN LATERAL (SELECT {columns} FROM {table} dv WHERE {where} AND {equal} OFFSET 0) {alias}"
    keys = ", ".join(f"{column} AS m{n}" for n, column in enumerate(match))
    on = " AND ".join(f"{alias}.m{n} = {outer}" for n, outer in enumerate(match.values()))
    return f"JOIN (SELECT {columns}, {keys} FROM {table} dv WHERE {where}) {alias} ON {on}"


def _plan_settings(cursor: Any, full: bool) -> dict[str, str]:
    """Plan a recomputation for its size; the settings it replaced (restored at its end).

    Every one joins the values by hash to the small maps, never by a loop: work tables have no
    statistics past their size, and a loop planned for the one row the planner guessed runs
    once per value (the latest values of one element over a year, read on the country, ran for
    more than a quarter of an hour that way, and take two seconds by hash). A full one also
    keeps its hash tables of millions of groups and its final sort in memory, and lets the
    grouping of the values run in parallel workers."""
    wanted = {"jit": "off", "enable_nestloop": "off"}
    if full:
        wanted.update({
            "work_mem": "1GB", "enable_mergejoin": "off",
            "parallel_setup_cost": "100", "parallel_tuple_cost": "0.01",
        })
    return _set(cursor, wanted)


def _set(cursor: Any, wanted: dict[str, str]) -> dict[str, str]:
    """Set these settings for the transaction; the values they replaced."""
    before = {}
    for name, value in wanted.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        before[name] = cursor.fetchone()[0]
    return before


def _write(
    cursor: Any, into: str, codes: str, structures: list[_Rows], ordered: bool, turn: Turn | None = None
) -> int:
    """One INSERT of every row, in the order of the primary key when ``ordered`` (one integer
    key packed from the structure, element, period number and unit when it fits in 63 bits);
    the number of rows. With ``turn``, each structure's rows are computed and sorted into a
    temporary table first, by every share at once, and only their copy waits for the turn."""
    numbered = list(enumerate(sorted(structures, key=lambda r: r.code)))
    labels = " ".join(f"WHEN {number} THEN '{rows.code}'" for number, rows in numbered)
    order = ""
    if ordered and any(rows.parts for _number, rows in numbered):
        cursor.execute(f"SELECT MAX(pid) FROM {codes}")
        pids = int(cursor.fetchone()[0] or 0)
        cursor.execute(f"SELECT MAX(id) FROM {_t(Unit)}")
        units = int(cursor.fetchone()[0] or 0)
        elements = int(DataElement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        bits_p, bits_u, bits_e = pids.bit_length(), units.bit_length(), elements.bit_length()
        if connection.vendor == "postgresql":  # the rows are sorted in memory (restored by ``recompute``)
            cursor.execute("SELECT set_config('work_mem', '2GB', true)")
        if 1 + bits_e + bits_p + bits_u <= 62:
            order = (f" ORDER BY ((CAST(y.s AS bigint) * {2 ** bits_e} + y.el) * {2 ** bits_p} + y.pid)"
                     f" * {2 ** bits_u} + y.a")
        else:
            order = " ORDER BY y.s, y.el, y.pid, y.a"

    columns = "structure, element_id, unit_id, period, total, plain, count, maximum"

    def select(selected: list[tuple[int, _Rows]]) -> str | None:
        parts = [f"SELECT {number} AS s, el, pid, a, t, pl, c, m FROM ({part}) q{number}_{index}"
                 for number, rows in selected for index, part in enumerate(rows.parts)]
        if not parts:
            return None
        # the scaled total once per row (``OFFSET 0`` keeps PostgreSQL's planner from computing
        # it twice; SQLite takes an OFFSET only after a LIMIT)
        fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
        return (
            f"SELECT CASE y.s {labels} END AS structure, y.el AS element_id, y.a AS unit_id, c.code AS period,"
            f" y.total, COALESCE(y.plain, y.total) AS plain, y.c AS count, y.m AS maximum FROM"
            f" (SELECT x.*, x.t * {_UNSCALE} AS total, x.pl * {_UNSCALE} AS plain"
            f" FROM ({' UNION ALL '.join(parts)}) x{fence}) y JOIN {codes} c ON c.pid = y.pid{order}"
        )

    def insert(query: str | None) -> int:
        if query is None:
            return 0
        cursor.execute(f"INSERT INTO {into} ({columns}) {query}")
        return max(int(cursor.rowcount), 0)

    if turn is None:
        return insert(select(numbered))
    written = 0
    for number, rows in numbered:
        # computed (and sorted) before the turn, so that only the copy waits for the other shares
        query = select([(number, rows)])
        if query is not None:
            ready = f"agg_ready_{number}"  # a temporary table of this connection
            cursor.execute(f"CREATE TEMP TABLE {ready} AS {query}")
            query = f"SELECT {columns} FROM {ready}"
        with turn(rows.code):
            written += insert(query)
        if query is not None:
            cursor.execute(f"DROP TABLE {ready}")
    return written


def _primary_key(cursor: Any, table: str) -> str | None:
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = CAST(%s AS regclass) AND contype = 'p'", [table]
    )
    row = cursor.fetchone()
    return row[0] if row else None


def rebuild(progress: Progress | None = None) -> int:
    """Replace every aggregate row by a fresh recomputation; the number of rows.

    Called outside a transaction on PostgreSQL, the rows are built beside the table by two
    connections at once and swapped in (``_rebuild_beside``); inside a caller's transaction,
    whose data no other connection can see, they are rebuilt in place.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _rebuild_beside(progress)
    return _rebuild_in_place(progress)


@transaction.atomic
def _rebuild_in_place(progress: Progress | None = None) -> int:
    """Rebuild inside the current transaction.

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
    written = recompute(table, say, ordered=bool(key))
    if key:
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(key)}"
                " PRIMARY KEY (structure, element_id, period, unit_id)"
            )
        say("index built")
    return written


# One rebuild beside the table at a time (the key of a session advisory lock).
_REBUILD_LOCK = 7_315_002


# The work of an element kept by ``last`` against a summed one with as many values: its values
# are read and sorted once per structure, where summed elements share one pass.
_LAST_WEIGHT = 3


def _value_shares(element_ids: Sequence[int]) -> dict[int, float]:
    """Each element's share of the stored values, from the planner's statistics (equal shares
    where the statistics do not say): elements reported twice a year weigh a sixth of monthly ones."""
    found: dict[int, float] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CAST(CAST(most_common_vals AS text) AS bigint[]), most_common_freqs FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
                [DataValue._meta.db_table, _c(DataValue, "element").strip('"')],
            )
            row = cursor.fetchone()
        if row and row[0]:
            found = {int(pk): float(freq) for pk, freq in zip(row[0], row[1], strict=False)}
    known = [found[pk] for pk in element_ids if pk in found]
    rest = sum(known) / len(known) if known else 1.0
    return {pk: found.get(pk, rest) for pk in element_ids}


def _shares(parts: int) -> list[list[int]]:
    """The numeric elements cut into at most ``parts`` runs of consecutive ids of about equal
    work (their values, ``last`` ones weighing more): written one run after the other, each
    structure's rows land in the key's order."""
    plain, last = _element_ids()
    values = _value_shares(plain + last)
    weights = sorted([(pk, values[pk]) for pk in plain] + [(pk, values[pk] * _LAST_WEIGHT) for pk in last])
    total = sum(weight for _pk, weight in weights)
    shares: list[list[int]] = [[]]
    done = 0.0
    for pk, weight in weights:
        if shares[-1] and len(shares) < parts and done + weight / 2 > total * len(shares) / parts:
            shares.append([])
        shares[-1].append(pk)
        done += weight
    return [share for share in shares if share]


class _Broken(RuntimeError):
    """A share stopped because another one failed (that one's error is the one to tell)."""


class _Turns:
    """The shares of a rebuild write in a fixed order: each structure's rows share by share, so
    the new table holds them in the key's order. A share that fails stops the others waiting."""

    def __init__(self, codes: Sequence[str], shares: int) -> None:
        self.order = [(code, share) for code in sorted(codes) for share in range(shares)]
        self.at = 0
        self.broken = False
        self.moved = threading.Condition()

    def of(self, share: int) -> Turn:
        @contextmanager
        def turn(code: str) -> Iterator[None]:
            with self.moved:
                self.moved.wait_for(lambda: self.broken or (
                    self.at < len(self.order) and self.order[self.at] == (code, share)))
                if self.broken:
                    raise _Broken("another share of the rebuild failed")
            yield
            with self.moved:
                self.at += 1
                self.moved.notify_all()

        return turn

    def fail(self) -> None:
        with self.moved:
            self.broken = True
            self.moved.notify_all()


def _rebuild_beside(progress: Progress | None = None, parts: int = 2) -> int:
    """Rebuild into a new table and swap it in.

    Each share of the elements is computed in a connection of its own, so both cores work through
    the whole rebuild, not only its parallel scans. The shares are runs of consecutive element
    ids, and their rows are written structure by structure, share after share, each in the key's
    order (``_Turns``): the new table holds every row in the key's order, as a rebuild in place
    does, so the key is built from rows already sorted and the rows of one element and month
    lie on neighbouring pages.

    Meanwhile every writer of values, aggregates or the tree waits (``SHARE`` locks: its change
    would be missing from the new rows) and readers go on reading the old rows until the swap,
    which takes the table for a moment.
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    lock = threading.Lock()

    def say(message: str) -> None:
        if progress is not None:
            with lock:
                progress(message)

    table = Aggregate._meta.db_table
    name = connection.ops.quote_name
    beside = f"{table}_next"
    # in the order writers take them (the tree and the values before their aggregates), so a writer
    # already holding one finishes instead of deadlocking with the rebuild
    locked = ", ".join(_t(model) for model in (Unit, UnitPlacement, UnitSuccession, DataElement, DataValue, Aggregate))

    def compute(element_ids: list[int], number: int, turns: _Turns) -> int:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # the connections share the cores: no parallel workers of their own
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                return recompute(name(beside), lambda msg: say(f"{number + 1}: {msg}"), element_ids=element_ids,
                                 ordered=True, share=True, turn=turns.of(number))
        except BaseException:
            turns.fail()
            raise
        finally:
            connections.close_all()  # this thread's connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_REBUILD_LOCK])
        try:
            cursor.execute(f"DROP TABLE IF EXISTS {name(beside)}")  # left by a rebuild that was stopped
            cursor.execute(f"CREATE TABLE {name(beside)} (LIKE {name(table)} INCLUDING DEFAULTS INCLUDING STORAGE)")
            with transaction.atomic():
                cursor.execute(f"LOCK TABLE {locked} IN SHARE MODE")
                key = _primary_key(cursor, table) or f"{table}_pkey"
                say("writers wait")
                shares = _shares(parts)
                turns = _Turns([DATED, CURRENT], len(shares))
                with ThreadPoolExecutor(max_workers=max(len(shares), 1)) as pool:
                    futures = [pool.submit(compute, share, number, turns) for number, share in enumerate(shares)]
                failed = [exc for exc in (f.exception() for f in futures) if exc is not None]
                if failed:
                    raise next((exc for exc in failed if not isinstance(exc, _Broken)), failed[0])
                written = sum(f.result() for f in futures)
                cursor.execute("SELECT set_config('maintenance_work_mem', '1GB', true)")
                cursor.execute(
                    f"ALTER TABLE {name(beside)} ADD CONSTRAINT {name(beside + '_pkey')}"
                    " PRIMARY KEY (structure, element_id, period, unit_id)"
                )
                cursor.execute(f"ANALYZE {name(beside)}")
                say("index built")
                cursor.execute(f"LOCK TABLE {name(table)} IN ACCESS EXCLUSIVE MODE")
                cursor.execute(f"DROP TABLE {name(table)}")
                cursor.execute(f"ALTER TABLE {name(beside)} RENAME TO {name(table)}")
                cursor.execute(f"ALTER TABLE {name(table)} RENAME CONSTRAINT {name(beside + '_pkey')} TO {name(key)}")
                say("swapped in")
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {name(beside)}")
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_REBUILD_LOCK])
    return written


def settle() -> None:
    """After a full rebuild (committed): VACUUM (ANALYZE) the aggregate table.

    Rows written in bulk are not yet marked visible to all, so every read would visit the table's
    pages beside its index until autovacuum came by; reads right after a rebuild were a half
    slower. PostgreSQL only, and never inside a transaction (VACUUM cannot run in one).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {_t(Aggregate)}")


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

_QUANT = Decimal("0.0001")


def rounded(value: Any) -> Decimal:
    """A figure as answers show it: four decimals at most (half away from zero), no trailing zeros
    and never exponent notation (1200, not 1.2E+3). The read statement rounds the same way in
    PostgreSQL (``trim_scale(round(x, 4))``)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    number = number.quantize(_QUANT, rounding=ROUND_HALF_UP)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def _relation(name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """``name(columns)`` of literal rows (``core.sql.rows_sql``)."""
    body, params = rows_sql(columns, rows)
    return f"{name}({', '.join(column for column, _kind in columns)}) AS ({body})", params


def _among(column: str, values: Sequence[Any], kind: str) -> tuple[str, list[Any]]:
    """``column`` is one of ``values``: one array parameter on PostgreSQL, an ``IN`` list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(CAST(%s AS {kind}[]))", [list(values)]
    return f"{column} IN ({', '.join('%s' for _ in values)})", list(values)


# Target ids spanning at most this many times their number (the provinces, the communes of one
# province) are read as one index range per element and stored period instead of a probe per unit.
DENSE = 4


def _read_sql(
    code: str,
    by_aggregation: dict[str, list[int]],
    inside: list[tuple[str, str, dt.date, int]],
    groups: list[list[int]],
) -> tuple[str, list[Any]]:
    """The one statement behind ``read``: the kept rows of the targets plus the targets' own values
    (on today's structure, those of the units that became them, with their shares), summed by the
    database for every asked period, answered by each element's aggregation type and rounded.

    ``inside``: (stored period, asked period, its end, target group); ``groups``: the target ids
    of each group (the periods of one tree share one group)."""
    pg = connection.vendor == "postgresql"
    single = False  # every kept row answers one asked period alone
    element_ids = sorted(pk for ids in by_aggregation.values() for pk in ids)
    last, avg, top = (by_aggregation.get(kind, []) for kind in ("last", "avg", "max"))
    unit_ids = sorted({t for group in groups for t in group})
    stored = sorted({row[0] for row in inside})
    params: list[Any] = []

    def among(column: str, values: Sequence[Any], kind: str = "bigint") -> str:
        sql, values_params = _among(column, values, kind)
        params.extend(values_params)
        return sql

    def value(param: Any) -> str:
        params.append(param)
        return "%s"

    def rounded_sql(number: str) -> str:
        return f"trim_scale(round({number}, 4))" if pg else number

    def by_kind(branches: list[tuple[list[int], str]], otherwise: str) -> str:
        """Per element, the expression of the first branch listing it, else ``otherwise`` (no test
        where one expression serves every element)."""
        branches = [(ids, expr) for ids, expr in branches if ids]
        if not branches:
            return otherwise
        if len(branches[0][0]) == len(element_ids):
            return branches[0][1]
        whens = " ".join(f"WHEN {among('el', ids)} THEN {expr}" for ids, expr in branches)
        return f"CASE {whens} ELSE {otherwise} END"

    pe_sql, pe_params = _relation("pe", [("sp", "text"), ("outp", "text"), ("d", "date" if pg else "text"),
                                         ("g", "integer")],
                                  [(sp, outp, d if pg else d.isoformat(), g) for sp, outp, d, g in inside])
    tu_sql, tu_params = _relation("tu", [("g", "integer"), ("t", "bigint")],
                                  [(g, t) for g, group in enumerate(groups) for t in group])
    params.extend(pe_params + tu_params)
    if code == CURRENT:
        succ = _t(UnitSuccession)
        pred, succ_id, share = (_c(UnitSuccession, n) for n in ("predecessor", "successor", "share"))
        if pg:
            # each step probes the successor index (``OFFSET 0`` keeps the probe a probe): the planner
            # guesses thousands of rows for the walk and would hash the whole succession table
            step = (f"SELECT b.t, s.u, b.sh * s.sh FROM back b CROSS JOIN LATERAL (SELECT x.{pred} AS u,"
                    f" x.{share} AS sh FROM {succ} x WHERE x.{succ_id} = b.u OFFSET 0) s")
        else:
            step = f"SELECT b.t, s.{pred}, b.sh * s.{share} FROM back b JOIN {succ} s ON s.{succ_id} = b.u"
        sources = (
            f", back(t, u, sh) AS (SELECT t, t, CAST(1 AS numeric) FROM (SELECT DISTINCT t FROM tu) x"
            f" UNION ALL {step}),"
            # a unit reached along two chains (split, then merged back) counts once, with both shares
            " src(t, u, sh) AS (SELECT DISTINCT t, t, CAST(1 AS numeric) FROM tu"
            " UNION ALL SELECT t, u, SUM(sh) FROM back WHERE u <> t GROUP BY t, u)"
        )
    else:
        sources = ", src(t, u, sh) AS (SELECT DISTINCT t, t, CAST(1 AS numeric) FROM tu)"
    agg, dv = _t(Aggregate), _t(DataValue)
    a_el, a_pe, a_unit = _c(Aggregate, "element"), _c(Aggregate, "period"), _c(Aggregate, "unit")
    v_el, v_pe, v_unit, v_value = (_c(DataValue, n) for n in ("element", "period", "unit", "value"))
    outs: dict[str, list[str]] = defaultdict(list)
    for sp, outp, _day, _group in inside:
        outs[sp].append(outp)
    if pg and len(groups) == 1 and all(len(codes) == 1 for codes in outs.values()):
        # One tree for every asked period and each stored period inside one of them: the rows are
        # read straight from the key, their asked period looked up, nothing joined.
        if all(codes == [sp] for sp, codes in outs.items()):
            outp = f"a.{a_pe}"
            single = True
        else:
            outp = (f"(CAST({value([codes[0] for codes in outs.values()])} AS text[]))"
                    f"[array_position(CAST({value(list(outs))} AS text[]), CAST(a.{a_pe} AS text))]")
        lo, hi = unit_ids[0], unit_ids[-1]

        def units() -> str:
            if hi - lo + 1 <= DENSE * len(unit_ids):
                # ``+ 0``: the list filters the range; as an index condition it would be a probe per unit
                return (f"a.{a_unit} >= {value(lo)} AND a.{a_unit} <= {value(hi)}"
                        f" AND {among(f'a.{a_unit} + 0', unit_ids)}")
            return among(f"a.{a_unit}", unit_ids)

        asked = sorted({outp for codes in outs.values() for outp in codes})
        kept = (
            # read where an answer needs it, never copied aside
            f" kept AS NOT MATERIALIZED (SELECT a.{a_el} AS el, {outp} AS outp, a.{a_unit} AS t,"
            " a.total, a.plain, a.count, a.maximum"
            f" FROM {agg} a WHERE a.structure = {value(code)} AND {among(f'a.{a_el}', element_ids)}"
            f" AND {among(f'a.{a_pe}', stored, 'text')} AND {units()}"
            # sums, counts and maxima are kept per stored period, ``last`` rows per asked period
            f" AND (NOT {among(f'a.{a_el}', last)} OR {among(f'a.{a_pe}', asked, 'text')})),"
        )
    else:
        # Each wanted (stored period, target) pair probes the key (structure, element, period, unit).
        kept = (
            f" kept AS (SELECT a.{a_el} AS el, pe.outp, tu.t, a.total, a.plain, a.count, a.maximum"
            f" FROM pe JOIN tu ON tu.g = pe.g JOIN {agg} a ON a.structure = {value(code)}"
            f" AND {among(f'a.{a_el}', element_ids)} AND a.{a_pe} = pe.sp AND a.{a_unit} = tu.t"
            f" WHERE pe.sp = pe.outp OR NOT {among(f'a.{a_el}', last)}),"
        )
    # The own values of the sources: one range of the (unit, period) index per unit (every period
    # code of a year sorts between the year and its second half), matched to the asked periods
    # after; ``+ 0`` keeps the planner off the (element, period, unit) key, which it would
    # otherwise walk across the whole country.
    own = (
        f" raw AS{' MATERIALIZED' if pg else ''} (SELECT s.t, s.sh, v.{v_el} AS el, v.{v_pe} AS sp, v.{v_value} AS v"
        f" FROM src s JOIN {dv} v ON v.{v_unit} = s.u WHERE v.{v_pe} >= {value(stored[0])}"
        f" AND v.{v_pe} <= {value(stored[-1])} AND v.{v_value} IS NOT NULL"
        f" AND {among(f'v.{v_el} + 0', element_ids)}),"
        " own AS (SELECT r.el, pe.outp, r.t, pe.d, r.v, r.v * r.sh AS vs FROM raw r JOIN pe ON pe.sp = r.sp"
        " JOIN tu ON tu.g = pe.g AND tu.t = r.t),"
    )
    # Each part gives what its element's aggregation needs: x (the sum with shares; for averages,
    # the plain sum), m (maxima) and c (how many values).
    # ``last``: the target's own latest value (dated tree), or every value of the units that became
    # it at the latest date (today's structure, ties kept)
    nothing = "CAST(NULL AS numeric)"
    parts = (
        f" parts AS (SELECT el, outp, t, {by_kind([(avg, 'plain'), (top, nothing)], 'total')} AS x,"
        f" {by_kind([(top, 'maximum')], nothing)} AS m, count AS c FROM kept"
        f" UNION ALL SELECT el, outp, t, {by_kind([(avg, 'v'), (top, nothing)], 'vs')},"
        f" {by_kind([(top, 'v')], nothing)}, 1 FROM own WHERE NOT {among('el', last)}"
        f" UNION ALL SELECT el, outp, t, vs, {nothing}, 1 FROM (SELECT el, outp, t, vs,"
        f" {'ROW_NUMBER()' if code == DATED else 'RANK()'} OVER (PARTITION BY el, outp, t ORDER BY d DESC) AS rk"
        f" FROM own WHERE {among('el', last)}) x WHERE rk = 1)"
    )
    if single:
        # Every asked period is stored alone (months): without own values of the targets (the usual
        # case, tested once), each kept row is an answer by itself and nothing is grouped.
        one = by_kind([(avg, "plain / count"), (top, "maximum")], "total")
        alone = (
            f" SELECT el, outp, t, {rounded_sql(one)} FROM kept WHERE count <> 0"
            " AND NOT EXISTS (SELECT 1 FROM own) UNION ALL"
        )
        joined = " WHERE EXISTS (SELECT 1 FROM own)"
    else:
        alone = joined = ""
    mean = "SUM(x) / SUM(c)" if pg else "CAST(SUM(x) AS REAL) / SUM(c)"  # not SQLite's integer division
    answer = by_kind([(avg, mean), (top, "MAX(m)")], "SUM(x)")
    sql = (
        f"WITH RECURSIVE {pe_sql}, {tu_sql}{sources},{kept}{own}{parts}{alone}"
        f" SELECT el, outp, t, {rounded_sql(answer)} FROM parts{joined} GROUP BY el, outp, t HAVING SUM(c) <> 0"
    )
    return sql, params


def read(
    elements: Sequence[DataElement],
    periods: Sequence[Period],
    targets: dict[str, list[Unit]],
    structure: str,
) -> dict[tuple[str, str, int], Decimal]:
    """(element code, period code, unit id) -> value (rounded, see ``rounded``), for stored numeric
    elements: one statement, whatever the elements, periods and units asked."""
    code = STRUCTURE_CODES[structure]
    numeric = [e for e in elements if e.is_numeric]
    if not numeric or not any(targets.values()):
        return {}
    codes = {e.pk: e.code for e in numeric}
    by_aggregation: dict[str, list[int]] = defaultdict(list)
    for element in numeric:
        by_aggregation[element.aggregation].append(element.pk)
    # Periods of one tree share a group of target ids (on today's structure, all of them).
    group_of: dict[tuple[int, ...], int] = {}
    inside: list[tuple[str, str, dt.date, int]] = []
    seen: set[str] = set()
    for period in periods:
        ids = tuple(dict.fromkeys(u.id for u in targets.get(period.code, [])))  # each unit once
        if not ids or period.code in seen:
            continue
        seen.add(period.code)
        group = group_of.setdefault(ids, len(group_of))
        inside.extend((sp.code, period.code, sp.end, group) for sp in period.within())
    sql, params = _read_sql(code, by_aggregation, inside, [list(ids) for ids in group_of])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return {(codes[el], outp, t): value for el, outp, t, value in rows if value is not None}
    return {(codes[el], outp, t): rounded(value) for el, outp, t, value in rows if value is not None}


def reporting_units(element_ids: Sequence[int], period: Period, unit: Unit, structure: str) -> dict[int, int]:
    """Element id -> how many units under ``unit`` (and itself) have a value of it in ``period``,
    from the kept rows in two indexed reads.

    Exact for a period that is itself stored (and for ``last`` elements, kept per containing
    period); for a longer one, the largest count of the periods inside it: a lower bound of the
    distinct units, equal to it when units report every month.
    """
    code = STRUCTURE_CODES[structure]
    last = set(DataElement.objects.filter(pk__in=list(element_ids), aggregation="last").values_list("pk", flat=True))
    inside = [sp.code for sp in period.within()]
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
    moved, latest = [], []
    for change in changes:
        how = aggregation.get(change.element_id)
        if how is None:  # text
            continue
        if how == "last":
            latest.append(change)
            continue
        moved.append(change)  # sums, counts and maxima are kept per stored period only
        if how == "max" and change.old is not None and (change.new is None or change.new < change.old):
            refresh_keys.add((change.element_id, change.period))
    if len({(c.element_id, c.unit_id) for c in latest}) > _FEW_LATEST:
        refresh_keys.update((c.element_id, p.code) for c in latest for p in containing(c.period))
        latest = []
    if latest and not moved:
        _move_latest(latest, also)  # the caller's write goes with the rows' statement
    else:
        _upsert(moved, also)
        _move_latest(latest)
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
    days: dict[str, tuple[Any, Any]] = {}
    rows = []
    for c in changes:
        if c.period not in days:
            period = Period.parse(c.period)
            days[c.period] = (ops.adapt_datefield_value(period.start), ops.adapt_datefield_value(period.end))
        rows.append((c.element_id, c.unit_id, c.period, *days[c.period], (c.new or 0) - (c.old or 0),
                     (c.new is not None) - (c.old is not None), c.new))
    source, params = rows_sql(
        [("e", db_type(DataValue, "element")), ("u", db_type(DataValue, "unit")), ("p", "varchar"), ("s", "date"),
         ("d", "date"), ("dt", "numeric"), ("dc", "integer"), ("nv", "numeric")],
        rows,
    )
    _move(f"v(e, u, p, s, d, dt, dc, nv) AS ({source})", params, also)


def moved_sql(values: str, dated_since: dt.date | None = None) -> str:
    """``WITH RECURSIVE … moved(s, e, p, a, t, pl, c, m)``: what the changes in ``values`` (see
    ``_move``) add to each row above them, on both structures, ready for the statement that
    writes it."""
    dated_only = f" WHERE v.d >= {_date(dated_since)}" if dated_since is not None else ""
    return (
        f"WITH RECURSIVE {values},"
        f" vd(e, u, p, dd, dt, dc, nv) AS (SELECT v.e, v.u, v.p, {counted_day('x', 'v.s', 'v.d')}, v.dt, v.dc,"
        f" v.nv FROM v JOIN {_t(Unit)} x ON x.id = v.u{dated_only}),"
        f" start(u, d) AS (SELECT DISTINCT u, dd FROM vd), {org_tree.dated_ancestors_sql('start')},"
        f" units(u) AS (SELECT DISTINCT u FROM v), {org_tree.current_ancestors_sql('units')},"
        " moved(s, e, p, a, t, pl, c, m) AS ("
        f"SELECT '{DATED}', v.e, v.p, anc.a, SUM(v.dt), SUM(v.dt), SUM(v.dc), MAX(v.nv)"
        " FROM vd v JOIN anc ON anc.u = v.u AND anc.d = v.dd GROUP BY v.e, v.p, anc.a"
        f" UNION ALL SELECT '{CURRENT}', v.e, v.p, up.a, SUM(v.dt * up.sh), SUM(v.dt), SUM(v.dc), MAX(v.nv)"
        " FROM v JOIN up ON up.u = v.u GROUP BY v.e, v.p, up.a)"
    )


def _move(
    values: str, params: list[Any], also: tuple[str, list[Any]] | None = None, dated_since: dt.date | None = None
) -> None:
    """The upsert of ``_upsert`` for the changes in ``values``: common table expressions that end
    with ``v(e, u, p, s, d, dt, dc, nv)`` (element, unit, period, its first and last day, the
    differences of the sum and the count, the new value). ``dated_since``: the dated rows of
    periods ending before it are left as they are."""
    first = ""
    if also is not None:
        first = f"also AS ({also[0]}),"
        params = [*also[1], *params]
    _write_moved(moved_sql(first + " " + values, dated_since), params)


def _write_moved(ctes: str, params: list[Any]) -> None:
    """Add the rows of ``moved(s, e, p, a, t, pl, c, m)``, the last of the common table
    expressions ``ctes``, to the aggregate rows, and remove the rows whose last value went away.

    On PostgreSQL the emptied rows come back as their tuple ids and go by a TID scan: a province
    merged empties tens of thousands of rows, which matched by key read the whole table."""
    table = _t(Aggregate)
    upsert = (
        f" INSERT INTO {table} AS g (structure, element_id, period, unit_id, total, plain, count, maximum)"
        " SELECT s, e, p, a, t, pl, c, m FROM moved WHERE true ORDER BY s, e, p, a"
        " ON CONFLICT (structure, element_id, period, unit_id) DO UPDATE SET"
        " total = g.total + excluded.total, plain = g.plain + excluded.plain, count = g.count + excluded.count,"
        " maximum = CASE WHEN g.maximum IS NULL OR excluded.maximum > g.maximum THEN excluded.maximum"
        " ELSE g.maximum END"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"{ctes}, upserted AS ({upsert} RETURNING ctid, count) SELECT ctid FROM upserted WHERE count <= 0",
                params,
            )
            emptied = [row[0] for row in cursor.fetchall()]
            if emptied:  # the rows are this transaction's own since the upsert: their ids hold
                cursor.execute(f"DELETE FROM {table} WHERE ctid = ANY(CAST(%s AS tid[])) AND count <= 0",
                               [[str(tid) for tid in emptied]])
            return
        cursor.execute(f"{ctes}{upsert} RETURNING structure, element_id, period, unit_id, count", params)
        keys = [row[:4] for row in cursor.fetchall() if row[4] <= 0]
        if keys:
            match = ", ".join(["(%s, %s, %s, %s)"] * len(keys))
            cursor.execute(
                f"DELETE FROM {table} WHERE count <= 0"
                f" AND (structure, element_id, period, unit_id) IN (VALUES {match})",
                [x for key in keys for x in key],
            )


# Past this many (element, unit) pairs changed at once, the rows of elements kept by ``last`` are
# recomputed (``refresh``) instead of moved by difference: a figure kept for every unit reads the
# values once, where differences would read them per unit.
_FEW_LATEST = 500


@functools.lru_cache(maxsize=256)
def _inside(code: str) -> tuple[Period, ...]:
    """The periods a value may be stored for inside a containing period (itself included)."""
    return tuple(Period.parse(code).within())


def _unit_rows(units: Iterable[int]) -> tuple[str, list[Any]]:
    """The units as literal rows of their ids' own type (a recursive walk must keep it exactly)."""
    return rows_sql([("u", db_type(Unit, "id"))], [(int(u),) for u in sorted(set(units))])


def _landings(units: Iterable[int], groups: bool = False) -> tuple[dict[int, list[int]], dict[int, dict[int, Decimal]]]:
    """The open units each of ``units`` landed on today through the successions (itself when
    open); with ``groups``, in the same statement, the groups of those units (``_groups``)."""
    landed: dict[int, list[int]] = defaultdict(list)
    found: dict[int, dict[int, Decimal]] = defaultdict(dict)
    source, params = _unit_rows(units)
    ctes = f"WITH RECURSIVE units(u) AS ({source}), {org_tree.landings_sql('units')}"
    select = " SELECT 0, u, cur, NULL FROM landed"
    if groups:
        ctes += f", curs(u) AS (SELECT DISTINCT cur FROM landed), {org_tree.groups_sql('curs')}"
        select += f" UNION ALL {org_tree.GROUPS}"
    with connection.cursor() as cursor:
        cursor.execute(ctes + select, params)
        for kind, a, b, part in cursor.fetchall():
            if kind == 0:
                landed[a].append(b)
            else:
                found[a][b] = Decimal(str(part))
    return landed, found


def _groups(curs: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """For each open unit of ``curs``, every unit that landed on it (itself included) with its
    share: the group whose latest values it counts on today's structure (the recomputation's
    ``cmap``, read backwards)."""
    groups: dict[int, dict[int, Decimal]] = defaultdict(dict)
    source, params = _unit_rows(curs)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE curs(u) AS ({source}), {org_tree.groups_sql('curs')} {org_tree.GROUPS}", params)
        for _kind, cur, member, part in cursor.fetchall():
            groups[cur][member] = Decimal(str(part))
    return groups


Stored = dict[tuple[int, int, str], Decimal]


def _latest(values: Stored, element_id: int, unit_id: int, inside: Sequence[Period]) -> tuple[Period, Decimal] | None:
    """A unit's latest value among the periods ``inside``: the one whose period ends last."""
    found = [(p, values[(element_id, unit_id, p.code)]) for p in inside if (element_id, unit_id, p.code) in values]
    return max(found, key=lambda pv: (pv[0].end, pv[0].code)) if found else None


def _latest_of_group(
    values: Stored, element_id: int, group: dict[int, Decimal], inside: Sequence[Period]
) -> list[tuple[int, Decimal, Decimal]]:
    """(unit, value, share) of every value of the group's units whose period ends last (ties all count)."""
    found = [(p.end, u, values[(element_id, u, p.code)], part) for u, part in sorted(group.items()) for p in inside
             if (element_id, u, p.code) in values]
    if not found:
        return []
    end = max(f[0] for f in found)
    return [(u, v, part) for day, u, v, part in found if day == end]


@dataclass
class _LatestRows:
    """What latest values add to (or take out of) the rows above them, for ``_latest_moved_sql``:
    ``dated`` (element, unit, containing period, the stored period's first and last day, ±value,
    ±1, new value), ``current`` (element, today's unit, period, ±value, share, ±1, new value)."""

    dated: list[tuple[Any, ...]] = field(default_factory=list)
    current: list[tuple[Any, ...]] = field(default_factory=list)

    def unit(self, sign: int, element_id: int, unit_id: int, code: str, found: tuple[Period, Decimal] | None) -> None:
        """A unit's latest value ``found`` in the period ``code``, on the dated structure."""
        if found is not None:
            period, value = found
            self.dated.append((element_id, unit_id, code, period.start, period.end, sign * value, sign,
                               value if sign > 0 else None))

    def group(self, sign: int, element_id: int, cur: int, code: str, found: list[tuple[int, Decimal, Decimal]]) -> None:
        """The latest values ``found`` of the group of ``cur`` in the period ``code``, on today's structure."""
        self.current += [(element_id, cur, code, sign * v, part, sign, v if sign > 0 else None)
                         for _u, v, part in found]

    def write(self, also: tuple[str, list[Any]] | None = None) -> None:
        """Move the rows; ``also``: one more write of the caller's, sent with them on PostgreSQL."""
        if also is not None and (connection.vendor != "postgresql" or not (self.dated or self.current)):
            _run(also)
            also = None
        if self.dated or self.current:
            first = f"also AS ({also[0]})," if also is not None else ""
            ctes, params = _latest_moved_sql(self.dated, self.current, first)
            _write_moved(ctes, [*also[1], *params] if also is not None else params)


def _read_latest(element_ids: Iterable[int], units: Iterable[int], periods: Iterable[str] | None = None) -> Stored:
    """The numeric values of these elements and units (of these stored periods, else all)."""
    el, un, pe, va = _c(DataValue, "element"), _c(DataValue, "unit"), _c(DataValue, "period"), _c(DataValue, "value")
    query = (f"SELECT {el}, {un}, {pe}, {va} FROM {_t(DataValue)} WHERE {va} IS NOT NULL"
             f" AND {el} IN ({_in(sorted(set(element_ids)))}) AND {un} IN ({_in(sorted(set(units)))})")
    if periods is not None:  # one index probe per (element, period, unit) on a save
        codes = ", ".join(sorted({f"'{Period.parse(code).code}'" for code in periods})) or "NULL"
        query += f" AND {pe} IN ({codes})"
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {(e, u, p): Decimal(str(v)) for e, u, p, v in cursor.fetchall()}


def _lock_latest(pairs: Iterable[tuple[int, int]]) -> None:
    """Changes of one unit's element kept by ``last`` wait for each other (a transaction lock), so
    each difference starts from what the other wrote."""
    ordered = sorted(set(pairs))  # always taken in one order, so two savers never wait on each other
    if connection.vendor == "postgresql" and ordered:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(pg_advisory_xact_lock(e, u)) FROM unnest(CAST(%s AS integer[]), CAST(%s AS integer[]))"
                " AS t(e, u)",
                [[e for e, _u in ordered], [u for _e, u in ordered]],
            )


def _move_latest(changes: Sequence[ValueChange], also: tuple[str, list[Any]] | None = None) -> None:
    """Move the rows of elements aggregated by ``last`` by the difference the changes make, the
    values being already written: a save reads the values of its unit (and of the units that
    landed with it) in the containing periods, a few dozen rows, instead of recomputing the
    element's periods for the whole country.

    The rules are those of ``recompute``: on the dated structure a unit's latest value in a period
    counts on the tree of its own stored period (``counted_day``); on today's structure, of the
    values of every unit that landed on one open unit, those whose period ends last count above
    it, with their shares. ``also``: as in ``apply_changes``.
    """
    if not changes:
        _run(also)
        return
    outers: dict[tuple[int, int], set[str]] = defaultdict(set)
    for c in changes:
        outers[(c.element_id, c.unit_id)].update(p.code for p in containing(c.period))
    _lock_latest(outers)
    landed, groups = _landings({u for _e, u in outers}, groups=True)
    readers = {u for _e, u in outers} | {m for group in groups.values() for m in group}
    after = _read_latest({e for e, _u in outers}, readers,
                         {p.code for codes in outers.values() for code in codes for p in _inside(code)})
    before = dict(after)
    for c in reversed(changes):  # the first change of a value knows what it was before them all
        key = (c.element_id, c.unit_id, Period.parse(c.period).code)
        if c.old is None:
            before.pop(key, None)
        else:
            before[key] = c.old
    rows = _LatestRows()
    by_group: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (e, u), codes in sorted(outers.items()):
        for cur in landed.get(u, []):
            by_group[(e, cur)].update(codes)
        for code in sorted(codes):
            was, now = _latest(before, e, u, _inside(code)), _latest(after, e, u, _inside(code))
            if was != now:
                rows.unit(-1, e, u, code, was)
                rows.unit(1, e, u, code, now)
    for (e, cur), codes in sorted(by_group.items()):
        for code in sorted(codes):
            was_g = _latest_of_group(before, e, groups.get(cur, {}), _inside(code))
            now_g = _latest_of_group(after, e, groups.get(cur, {}), _inside(code))
            if was_g != now_g:
                rows.group(-1, e, cur, code, was_g)
                rows.group(1, e, cur, code, now_g)
    rows.write(also)


def _latest_moved_sql(
    dated: list[tuple[Any, ...]], current: list[tuple[Any, ...]], first: str = ""
) -> tuple[str, list[Any]]:
    """``moved`` for the differences of ``_move_latest``: ``dated`` (element, unit, containing
    period, the stored period's first and last day, ±value, ±1, new value) go up the dated tree
    from the day they count on; ``current`` (element, today's unit, period, ±value, share, ±1,
    new value) go up today's tree from above that unit. ``first``: common table expressions to
    put before them (a write of the caller's)."""
    ops = connection.ops
    element, unit_type = db_type(DataValue, "element"), db_type(DataValue, "unit")
    source_d, params_d = rows_sql(
        [("e", element), ("u", unit_type), ("p", "varchar"), ("s", "date"), ("d", "date"), ("dt", "numeric"),
         ("dc", "integer"), ("nv", "numeric")],
        [(e, u, p, ops.adapt_datefield_value(s), ops.adapt_datefield_value(d), dt_, dc, nv)
         for e, u, p, s, d, dt_, dc, nv in dated],
    )
    source_c, params_c = rows_sql(
        [("e", element), ("cu", unit_type), ("p", "varchar"), ("dv", "numeric"), ("sh", "numeric"),
         ("dc", "integer"), ("nv", "numeric")],
        current,
    )
    unit = _t(Unit)
    ctes = (
        f"WITH RECURSIVE {first} ld(e, u, p, s, d, dt, dc, nv) AS ({source_d}),"
        f" lc(e, cu, p, dv, sh, dc, nv) AS ({source_c}),"
        f" vd(e, u, p, dd, dt, dc, nv) AS (SELECT v.e, v.u, v.p, {counted_day('x', 'v.s', 'v.d')}, v.dt, v.dc,"
        f" v.nv FROM ld v JOIN {unit} x ON x.id = v.u),"
        f" start(u, d) AS (SELECT DISTINCT u, dd FROM vd), {org_tree.dated_ancestors_sql('start')},"
        " cur(u, cur, sh) AS (SELECT DISTINCT cu, cu, CAST(1 AS numeric) FROM lc),"
        f" {org_tree.today_ancestors_sql('cur')},"
        " moved(s, e, p, a, t, pl, c, m) AS ("
        f"SELECT '{DATED}', v.e, v.p, anc.a, SUM(v.dt), SUM(v.dt), SUM(v.dc), MAX(v.nv)"
        " FROM vd v JOIN anc ON anc.u = v.u AND anc.d = v.dd GROUP BY v.e, v.p, anc.a"
        f" UNION ALL SELECT '{CURRENT}', v.e, v.p, up.a, SUM(v.dv * v.sh), SUM(v.dv), SUM(v.dc), MAX(v.nv)"
        " FROM lc v JOIN up ON up.u = v.cu GROUP BY v.e, v.p, up.a)"
    )
    return ctes, [*params_d, *params_c]


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
            by_element: dict[int, list[str]] = defaultdict(list)
            for el, p in keys:
                by_element[int(el)].append(f"'{Period.parse(p).code}'")
            # element by element: one condition each, where hundreds of ORed pairs outgrow SQLite's parser
            for el, codes in sorted(by_element.items()):
                match = f"element_id = {el} AND period IN ({', '.join(codes)})"
                cursor.execute(f"DELETE FROM {table} WHERE {match}")
                cursor.execute(
                    f"INSERT INTO {table} (structure, element_id, unit_id, period, total, plain, count, maximum)"
                    f" SELECT structure, element_id, unit_id, period, total, plain, count, maximum FROM {work}"
                    f" WHERE {match}"
                )
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {work}")


# What an element's rows hold depends on these: how it is aggregated, and whether it is a number.
_RULES = ("aggregation", "value_type")


def before_element_saved(sender: Any, instance: DataElement, **kwargs: Any) -> None:
    """Remember how a stored element was aggregated, for ``on_element_saved``."""
    if instance.pk is not None:
        instance._rules_before = (  # type: ignore[attr-defined]
            DataElement.objects.filter(pk=instance.pk).values_list(*_RULES).first())


def on_element_saved(sender: Any, instance: DataElement, created: bool = False, **kwargs: Any) -> None:
    """An element given another aggregation (a catalogue import, the admin) has every row of it
    recomputed in the same transaction: a summed element turned into one kept by last holds
    other figures in every row, and one turned into text holds none."""
    before = getattr(instance, "_rules_before", None)
    now = tuple(getattr(instance, name) for name in _RULES)
    if created or before is None or before == now:
        return
    instance._rules_before = now  # type: ignore[attr-defined]
    recompute_elements([instance.pk])


def recompute_elements(element_ids: Sequence[int]) -> None:
    """Replace every row of these elements by a recomputation from their values. Writers of values
    wait meanwhile (their differences would start from rows about to be replaced)."""
    wanted = sorted({int(pk) for pk in element_ids})
    table = _t(Aggregate)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_t(DataValue)} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {table} WHERE {_c(Aggregate, 'element')} IN ({_in(wanted)})")
        recompute(table, element_ids=wanted)


# The units whose values a reorganisation took out, for the rest of its transaction; the table is
# the session's own, so concurrent reorganisations never see each other's, and a rolled-back one
# leaves nothing behind.
_MOVING = "agg_moving"


def before_tree_change(sender: Any, day: dt.date, units: Sequence[int] = (), **kwargs: Any) -> None:
    """A reorganisation is about to close or move ``units``: take every value whose figures pass
    through them (``org.tree.carried_by``) out of the rows above it, on the tree as it still
    stands. ``on_tree_changed`` puts them back on the new tree: the rows of every other unit are
    never touched, where a full rebuild would rewrite millions of them.

    PostgreSQL only: SQLite sums shares of values in binary floating point, so taking a value out
    and putting it back may leave a trace; there (a demo's few thousand rows) the rows are rebuilt.
    """
    if connection.vendor != "postgresql":
        return
    ids = org_tree.carried_by(units, [today(), day - dt.timedelta(days=1)])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_MOVING}")
        cursor.execute(f"CREATE TEMP TABLE {_MOVING} (u {db_type(DataValue, 'unit')} PRIMARY KEY) ON COMMIT DROP")
        cursor.execute(f"INSERT INTO {_MOVING} SELECT unnest(CAST(%s AS bigint[]))", [ids])
    _shift(-1, day)
    _shift_latest(-1, day)


def _taken_out() -> bool:
    """Whether this transaction took the moving units' values out (``before_tree_change``)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"pg_temp.{_MOVING}"])
        return bool(cursor.fetchone()[0])


def _shift(sign: int, day: dt.date) -> None:
    """Take out (-1) or put back (+1) the values of the moving units, summed and counted on the
    tree as it stands (the dated tree changes from ``day`` on only). Elements kept by last move by
    their latest values (``_shift_latest``); those kept by maximum are recomputed afterwards for
    their periods (``_recompute_moving``)."""
    plain = list(DataElement.objects.exclude(value_type="text").exclude(aggregation__in=("last", "max"))
                 .values_list("pk", flat=True))
    dv, el, un, pe, va = (_t(DataValue), _c(DataValue, "element"), _c(DataValue, "unit"), _c(DataValue, "period"),
                          _c(DataValue, "value"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT dv.{pe} FROM {dv} dv JOIN {_MOVING} m ON m.u = dv.{un}")
        codes = sorted(row[0] for row in cursor.fetchall())
    ends = []
    adapt = connection.ops.adapt_datefield_value
    for code in codes:
        try:
            period = Period.parse(code)
        except ValueError:
            continue
        ends.append((code, adapt(period.start), adapt(period.end)))
    if not ends or not plain:
        return
    source, params = rows_sql([("p", "varchar"), ("s", "date"), ("d", "date")], ends)
    new_value = f"dv.{va}" if sign > 0 else "CAST(NULL AS numeric)"
    _move(
        f"ends(p, s, d) AS ({source}), v(e, u, p, s, d, dt, dc, nv) AS (SELECT dv.{el}, dv.{un}, dv.{pe}, ends.s,"
        " ends.d,"
        f" {int(sign)} * dv.{va}, {int(sign)}, {new_value} FROM {dv} dv JOIN {_MOVING} m ON m.u = dv.{un}"
        f" JOIN ends ON ends.p = dv.{pe} WHERE dv.{va} IS NOT NULL AND dv.{el} IN ({_in(plain)}))",
        params,
        dated_since=day,
    )


def _moving() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT u FROM {_MOVING}")
        return [row[0] for row in cursor.fetchall()]


# Past this many moving units (a province merged), the elements kept by ``last`` are recomputed for
# the periods the units have values in instead of moved by difference (``_shift_latest``).
_FEW_MOVING = 20_000
# The open units the moving units landed on before the change, for the rest of the transaction.
_MOVING_CURS = "agg_moving_curs"


def _shift_latest(sign: int, day: dt.date) -> None:
    """Take out (-1) or put back (+1) what the latest values of elements kept by ``last`` add to
    the rows, wherever the moving units' values count: on the dated structure their own latest
    values (of periods ending on or after ``day``); on today's structure the latest values of the
    groups of the open units they land on. Taken out on the tree as it stood, put back on the new
    one: the values do not change, so the difference is the change of tree and of groups.

    An open unit that the moving units land on only after the change (an existing commune that
    takes in a closed one) had its group without them before: that group's rows are taken out
    when the new ones are put back."""
    last_ids = list(DataElement.objects.exclude(value_type="text").filter(aggregation="last")
                    .values_list("pk", flat=True))
    moving = set(_moving())
    if not last_ids or not moving or len(moving) > _FEW_MOVING:
        return
    curs = {cur for found in _landings(moving)[0].values() for cur in found}
    with connection.cursor() as cursor:
        if sign < 0:
            cursor.execute(f"DROP TABLE IF EXISTS {_MOVING_CURS}")
            cursor.execute(f"CREATE TEMP TABLE {_MOVING_CURS} (u {db_type(Unit, 'id')} PRIMARY KEY) ON COMMIT DROP")
            cursor.execute(f"INSERT INTO {_MOVING_CURS} SELECT unnest(CAST(%s AS bigint[]))", [sorted(curs)])
            earlier = curs
        else:
            cursor.execute(f"SELECT u FROM {_MOVING_CURS}")
            earlier = {row[0] for row in cursor.fetchall()}
    groups = _groups(curs | earlier)
    values = _read_latest(last_ids, moving | {m for group in groups.values() for m in group})
    held: dict[tuple[int, int], set[str]] = defaultdict(set)  # (element, unit) -> containing periods
    for e, u, code in values:
        held[(e, u)].update(p.code for p in containing(code))
    rows = _LatestRows()
    for (e, u), codes in sorted(held.items()):
        if u in moving:
            for code in sorted(codes):
                if Period.parse(code).end >= day:
                    rows.unit(sign, e, u, code, _latest(values, e, u, _inside(code)))
    for cur, group in sorted(groups.items()):
        before = {m: part for m, part in group.items() if m not in moving}  # landed only now: see above
        for e in last_ids:
            for code in sorted(set().union(*(held.get((e, m), set()) for m in group))):
                rows.group(sign, e, cur, code, _latest_of_group(values, e, group, _inside(code)))
                if sign > 0 and cur not in earlier:
                    rows.group(-1, e, cur, code, _latest_of_group(values, e, before, _inside(code)))
    rows.write()


def _recompute_moving() -> None:
    """Rows of the elements aggregated by maximum, for the periods the moving units have values in
    (a maximum cannot be taken out), and of those aggregated by last when too many units moved to
    move their rows by difference (``_shift_latest``)."""
    dv, el, un, pe, va = (_t(DataValue), _c(DataValue, "element"), _c(DataValue, "unit"), _c(DataValue, "period"),
                          _c(DataValue, "value"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_MOVING}")
        many = int(cursor.fetchone()[0]) > _FEW_MOVING
    kinds = dict(DataElement.objects.exclude(value_type="text").filter(aggregation__in=("last", "max") if many
                                                                       else ("max",))
                 .values_list("pk", "aggregation"))
    if not kinds:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT dv.{el}, dv.{pe} FROM {dv} dv JOIN {_MOVING} m ON m.u = dv.{un}"
            f" WHERE dv.{va} IS NOT NULL AND dv.{el} IN ({_in(list(kinds))})"
        )
        pairs = cursor.fetchall()
    keys: set[tuple[int, str]] = set()
    for element_id, code in pairs:
        try:
            periods = containing(code) if kinds[element_id] == "last" else [Period.parse(code)]
        except ValueError:
            continue
        keys.update((element_id, p.code) for p in periods)
    refresh(keys)


def on_tree_changed(sender: Any, **kwargs: Any) -> None:
    """A reorganisation moved figures between ancestors and onto new units: the values taken out
    before it are put back on the new tree, in the same transaction. A change to the tree that
    did not announce itself first is met with a full recomputation."""
    day = kwargs.get("day")
    if day is None or not _taken_out():
        rebuild()
        return
    _shift(+1, day)
    _shift_latest(+1, day)
    _recompute_moving()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {_MOVING}")
        cursor.execute(f"DROP TABLE IF EXISTS {_MOVING_CURS}")
