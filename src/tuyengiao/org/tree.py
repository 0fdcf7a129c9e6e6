"""The organisation tree as queries: every walk is one recursive query, on SQLite and PostgreSQL.

The dated tree is the history of placements (``UnitPlacement``): a unit sits under a parent
between two dates. Successions (``UnitSuccession``) link closed units to the units they live on
in. Table and column names come from the models' metadata, quoted by the connection, so the SQL
follows the models wherever they are stored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection
from django.db.models.expressions import RawSQL

from tuyengiao.core import snapshots
from tuyengiao.core.sql import column, date_literal, rows_sql, table

from .models import TreeVersion, Unit, UnitPlacement, UnitSuccession, open_on_q, today

T = TypeVar("T")

# A guard against a corrupt history (a placement loop); real trees are a dozen levels deep.
MAX_LEVELS = 64
# Figures of the tree alone are kept this long while the tree does not change (see ``version``).
KEPT_SECONDS = 6 * 3600


@dataclass(frozen=True)
class _Names:
    """Quoted table and column names of the three tree models."""

    unit: str
    unit_id: str
    unit_from: str
    unit_to: str
    unit_members: str
    placement: str
    pl_unit: str
    pl_parent: str
    pl_from: str
    pl_to: str
    succession: str
    su_pred: str
    su_succ: str
    su_share: str
    id_type: str


def _names() -> _Names:
    return _Names(
        unit=table(Unit), unit_id=column(Unit, "id"), unit_from=column(Unit, "valid_from"),
        unit_to=column(Unit, "valid_to"), unit_members=column(Unit, "member_count"),
        placement=table(UnitPlacement), pl_unit=column(UnitPlacement, "unit"),
        pl_parent=column(UnitPlacement, "parent"), pl_from=column(UnitPlacement, "valid_from"),
        pl_to=column(UnitPlacement, "valid_to"), succession=table(UnitSuccession),
        su_pred=column(UnitSuccession, "predecessor"), su_succ=column(UnitSuccession, "successor"),
        su_share=column(UnitSuccession, "share"),
        id_type=str(UnitPlacement._meta.get_field("parent").db_type(connection)),
    )


def _day(day: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _open(alias: str, valid_from: str, valid_to: str) -> str:
    """Valid on the date given twice as parameters (``valid_to`` exclusive)."""
    return f"{alias}.{valid_from} <= %s AND ({alias}.{valid_to} IS NULL OR {alias}.{valid_to} > %s)"


def _placed_sql(n: _Names) -> str:
    """Placements open on the date whose unit is open too (four date parameters)."""
    return f"{_open('p', n.pl_from, n.pl_to)} AND {_open('u', n.unit_from, n.unit_to)}"


def _subquery(sql: str, params: list[Any]) -> RawSQL:
    """Names in ``sql`` come from model metadata and every value is a parameter."""
    return RawSQL(sql, params)  # noqa: S611


def _in_list(values: Iterable[Any]) -> str:
    return ", ".join("%s" for _ in values)


def _id_in(column: str, ids: list[int]) -> tuple[str, list[Any]]:
    """``column`` among ``ids``: one array parameter on PostgreSQL (tens of thousands of ids would
    otherwise be as many placeholders to build and parse), an ``IN`` list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({_in_list(ids)})", list(ids)


# --- the dated tree --------------------------------------------------------------------------


def _subtree_sql(root_ids: list[int], day: dt.date) -> tuple[str, list[Any]]:
    """``sub(origin, id, parent, lvl, members)``: each root and everything under it on a date."""
    n = _names()
    d = _day(day)
    roots, root_params = _id_in(f"u.{n.unit_id}", root_ids)
    sql = (
        f"WITH RECURSIVE sub(origin, id, parent, lvl, members) AS ("
        f" SELECT u.{n.unit_id}, u.{n.unit_id}, CAST(NULL AS {n.id_type}), 0,"
        f" CASE WHEN {_open('u', n.unit_from, n.unit_to)} THEN u.{n.unit_members} ELSE 0 END"
        f" FROM {n.unit} u WHERE {roots}"
        f" UNION ALL"
        f" SELECT sub.origin, p.{n.pl_unit}, p.{n.pl_parent}, sub.lvl + 1, u.{n.unit_members}"
        f" FROM sub JOIN {n.placement} p ON p.{n.pl_parent} = sub.id"
        f" JOIN {n.unit} u ON u.{n.unit_id} = p.{n.pl_unit}"
        f" WHERE {_placed_sql(n)} AND sub.lvl < {MAX_LEVELS})"
    )
    return sql, [d, d, *root_params, d, d, d, d]


def last_change() -> dt.date | None:
    """The latest day a unit or a placement began or ended: the tree of any later day is today's.

    Four index reads (the ends of ``valid_from`` and ``valid_to``), not a walk.
    """
    n = _names()
    ends = [f"(SELECT MAX({col}) FROM {table})" for table, cols in ((n.placement, (n.pl_from, n.pl_to)),
                                                                   (n.unit, (n.unit_from, n.unit_to)))
            for col in cols]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(ends)}")
        found = cursor.fetchone()
    days = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in found if d is not None]
    return max(days) if days else None


def version() -> str | None:
    """The tree's version: the transaction that last wrote a unit, a placement or a succession.

    ``None`` when figures of the tree must not be kept: off PostgreSQL (no triggers keep it), or
    inside a transaction that has written and may hold a tree nobody else can see yet.
    """
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(TreeVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT xact FROM {table} WHERE id = 1), pg_current_xact_id_if_assigned() IS NULL")
        xact, clean = cursor.fetchone()
    return str(xact) if xact is not None and clean else None


def kept(namespace: str, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per tree version and day: a dashboard read after a saved value finds
    the tree's figures ready; a reorganisation, a moved member or a new unit recomputes them."""
    return snapshots.kept_under(version(), f"tree:{namespace}", (*parts, today()), compute, KEPT_SECONDS)


def is_todays_tree(day: dt.date) -> bool:
    """True when the tree of ``day`` is today's, so the materialised paths describe it."""
    changed = last_change()
    return changed is None or changed <= day


def branches_sql(root: Unit, day: dt.date) -> tuple[str, list[Any]]:
    """``sub(id, branch, lvl, kind)``: the root (branch NULL) and every unit under it on ``day``,
    tagged with the root's child it lies under.

    On today's tree and PostgreSQL it reads the materialised paths (one index range, no
    recursion: a country's 58.000 units in tens of milliseconds); otherwise it walks the dated
    placements.
    """
    n = _names()
    d = _day(day)
    if connection.vendor == "postgresql" and is_todays_tree(day):
        path, depth = connection.ops.quote_name("path"), connection.ops.quote_name("depth")
        kind = connection.ops.quote_name("kind")
        sql = (
            f"WITH sub(id, branch, lvl, kind) AS (SELECT r.{n.unit_id}, CAST(NULL AS {n.id_type}), 0, r.{kind}"
            f" FROM {n.unit} r WHERE r.{n.unit_id} = %s UNION ALL SELECT u.{n.unit_id},"
            f" CAST(split_part(u.{path}, '/', %s) AS {n.id_type}), u.{depth} - %s, u.{kind} FROM {n.unit} u"
            f" WHERE u.{path} LIKE %s AND u.{depth} > %s AND u.{depth} - %s <= {MAX_LEVELS}"
            f" AND {_open('u', n.unit_from, n.unit_to)})"
        )
        return sql, [root.pk, root.depth + 3, root.depth, root.path + "%", root.depth, root.depth, d, d]
    kind = connection.ops.quote_name("kind")
    sql = (
        f"WITH RECURSIVE sub(id, branch, lvl, kind) AS (SELECT u.{n.unit_id}, CAST(NULL AS {n.id_type}), 0,"
        f" u.{kind} FROM {n.unit} u WHERE u.{n.unit_id} = %s"
        f" UNION ALL SELECT p.{n.pl_unit}, CASE WHEN sub.lvl = 0 THEN p.{n.pl_unit} ELSE sub.branch END,"
        f" sub.lvl + 1, u.{kind}"
        f" FROM sub JOIN {n.placement} p ON p.{n.pl_parent} = sub.id JOIN {n.unit} u ON u.{n.unit_id} = p.{n.pl_unit}"
        f" WHERE {_placed_sql(n)} AND sub.lvl < {MAX_LEVELS})"
    )
    return sql, [root.pk, d, d, d, d]


def contributors_sql(root: Unit, day: dt.date, structure: str) -> tuple[str, list[Any]]:
    """``sub(id, branch, lvl, kind)``: the units whose figures add up onto ``root`` for a period
    ending on ``day``.

    On the structure of the period (``"period"``), the root's subtree as it stood that day. On
    today's structure (``"current"``), today's subtree and every unit it took over through the
    successions, recursively, of those open that day (three merged communes count as three);
    ``branch`` and ``lvl`` are then not told (NULL, 0).
    """
    if structure != "current" or (connection.vendor == "postgresql" and is_todays_tree(day)):
        # unchanged since ``day``: no unit open that day has closed, so no predecessor adds up
        return branches_sql(root, day)
    n = _names()
    d = _day(day)
    kind, path = connection.ops.quote_name("kind"), connection.ops.quote_name("path")
    sql = (
        f"WITH RECURSIVE lin(id) AS (SELECT u.{n.unit_id} FROM {n.unit} u WHERE u.{path} LIKE %s"
        f" UNION SELECT s.{n.su_pred} FROM {n.succession} s JOIN lin ON s.{n.su_succ} = lin.id),"
        f" sub(id, branch, lvl, kind) AS (SELECT u.{n.unit_id}, CAST(NULL AS {n.id_type}), 0, u.{kind}"
        f" FROM lin JOIN {n.unit} u ON u.{n.unit_id} = lin.id WHERE {_open('u', n.unit_from, n.unit_to)})"
    )
    return sql, [root.path + "%", d, d]


def descendants(
    unit: Unit, on: dt.date | None = None, *, level: int | None = None, include_self: bool = False
) -> list[Unit]:
    """The units under ``unit`` as the tree stood on a date (today by default), nearest first.

    ``level`` keeps only the units that many levels below (1 = children). Each unit carries
    ``tree_level`` and ``tree_parent_id`` as of that date.
    """
    day = on or today()
    with_sql, params = _subtree_sql([unit.pk], day)
    n = _names()
    where = "sub.lvl > 0" if not include_self else "1 = 1"
    if level is not None:
        where += " AND sub.lvl = %s"
        params.append(level)
    sql = (
        f"{with_sql} SELECT u.*, sub.lvl AS tree_level, sub.parent AS tree_parent_id"
        f" FROM sub JOIN {n.unit} u ON u.{n.unit_id} = sub.id WHERE {where}"
    )
    found = list(Unit.objects.raw(sql, params))
    if include_self and not unit.is_open_on(day):
        found = [u for u in found if u.pk != unit.pk]
    return sorted(found, key=lambda u: (getattr(u, "tree_level", 0), u.path))


def subtree_ids(unit: Unit, on: dt.date | None = None) -> RawSQL:
    """The ids of the unit and everything under it on a date, as a subquery for ``pk__in``."""
    with_sql, params = _subtree_sql([unit.pk], on or today())
    return _subquery(f"{with_sql} SELECT id FROM sub", params)


def kind_counts(root: Unit, day: dt.date, structure: str) -> dict[str, int]:
    """How many units of each kind add up onto ``root`` for a period ending on ``day``
    (``contributors_sql``), kept per tree version."""

    def count() -> dict[str, int]:
        with_sql, params = contributors_sql(root, day, structure)
        with connection.cursor() as cursor:
            cursor.execute(f"{with_sql} SELECT kind, COUNT(*) FROM sub GROUP BY kind", params)
            return {kind: int(number) for kind, number in cursor.fetchall()}

    return kept("kinds", (root.pk, day, structure), count)


def member_totals_on(units: Iterable[Unit], on: dt.date) -> dict[int, int]:
    """Members in each unit's subtree as the tree stood on a date, in one query (kept per tree
    version)."""
    units = list(units)
    if not units:
        return {}

    def total() -> dict[int, int]:
        if connection.vendor == "postgresql" and is_todays_tree(on):
            return _member_totals_by_path(units, on)
        return _member_totals_walked(units, on)

    return kept("members", (tuple(sorted(u.pk for u in units)), on), total)


def _member_totals_walked(units: list[Unit], on: dt.date) -> dict[int, int]:
    """Any date: the dated placements walked down from each unit."""
    with_sql, params = _subtree_sql([u.pk for u in units], on)
    totals = dict.fromkeys((u.pk for u in units), 0)
    with connection.cursor() as cursor:
        cursor.execute(f"{with_sql} SELECT origin, SUM(members) FROM sub GROUP BY origin", params)
        for origin, total in cursor.fetchall():
            totals[origin] = int(total or 0)
    return totals


def _member_totals_by_path(units: list[Unit], on: dt.date) -> dict[int, int]:
    """Today's tree (PostgreSQL): one statement, the units under the asked ones of each depth
    grouped by the ancestor's id read from their materialised paths."""
    n = _names()
    d = _day(on)
    path, depth = connection.ops.quote_name("path"), connection.ops.quote_name("depth")
    totals = {u.pk: 0 for u in units}
    by_depth: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.is_open_on(on):
            by_depth[unit.depth].append(unit)
    parts: list[str] = []
    params: list[Any] = []
    for level, group in sorted(by_depth.items()):
        parts.append(
            f"SELECT CAST(split_part(u.{path}, '/', %s) AS {n.id_type}) AS origin, u.{n.unit_members} AS members"
            f" FROM {n.unit} u WHERE u.{path} LIKE %s AND u.{depth} >= %s AND {_open('u', n.unit_from, n.unit_to)}"
        )
        params += [level + 2, _common_prefix([u.path for u in group]) + "%", level, d, d]
    if not parts:
        return totals
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT origin, SUM(members) FROM ({' UNION ALL '.join(parts)}) t GROUP BY origin", params)
        for origin, total in cursor.fetchall():
            if origin in totals:
                totals[origin] = int(total or 0)
    return totals


def member_totals_carried(units: list[Unit], on: dt.date) -> dict[int, Decimal] | None:
    """Members of the units open on ``on``, carried through the successions (with their shares)
    onto today's units and summed under each of ``units`` (today's units), in one statement.

    PostgreSQL only (the paths are read with ``split_part``); elsewhere ``None``.
    """
    if connection.vendor != "postgresql":
        return None
    return kept("carried", (tuple(sorted(u.pk for u in units)), on), lambda: _member_totals_carried(units, on))


def _member_totals_carried(units: list[Unit], on: dt.date) -> dict[int, Decimal]:
    n = _names()
    d = _day(on)
    path, depth = connection.ops.quote_name("path"), connection.ops.quote_name("depth")
    totals: dict[int, Decimal] = {u.pk: Decimal(0) for u in units}
    by_depth: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.is_open:
            by_depth[unit.depth].append(unit)
    if not by_depth:
        return totals
    parts: list[str] = []
    params: list[Any] = [d, d]
    for level, group in sorted(by_depth.items()):
        parts.append(
            f"SELECT CAST(split_part(c.{path}, '/', %s) AS {n.id_type}) AS origin, e.members AS members"
            f" FROM ends e JOIN {n.unit} c ON c.{n.unit_id} = e.cur WHERE c.{path} LIKE %s AND c.{depth} >= %s"
        )
        params += [level + 2, _common_prefix([u.path for u in group]) + "%", level]
    sql = (
        f"WITH RECURSIVE units(u) AS (SELECT u.{n.unit_id} FROM {n.unit} u"
        f" WHERE u.{n.unit_members} > 0 AND {_open('u', n.unit_from, n.unit_to)}), {landings_sql('units')},"
        f" ends(cur, members) AS (SELECT l.cur, l.sh * m.{n.unit_members} FROM landed l"
        f" JOIN {n.unit} m ON m.{n.unit_id} = l.u)"
        f" SELECT origin, SUM(members) FROM ({' UNION ALL '.join(parts)}) t GROUP BY origin"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for origin, total in cursor.fetchall():
            if origin in totals:
                totals[origin] = Decimal(total or 0)
    return totals


def _common_prefix(paths: list[str]) -> str:
    """The longest run of whole path parts ("/1/65/") every path starts with."""
    first = paths[0].strip("/").split("/")
    common = len(first)
    for other in paths[1:]:
        parts = other.strip("/").split("/")
        same = 0
        while same < min(common, len(parts)) and first[same] == parts[same]:
            same += 1
        common = same
    return "/" + "".join(part + "/" for part in first[:common]) if common else "/"


def ancestors(unit: Unit, on: dt.date | None = None) -> list[Unit]:
    """From the root down to the unit's parent, as the tree stood on a date (by default today, or
    the unit's last day if it has closed)."""
    day = on or min(today(), unit.last_day())
    n = _names()
    d = _day(day)
    sql = (
        f"WITH RECURSIVE up(id, lvl) AS ("
        f" SELECT p.{n.pl_parent}, 1 FROM {n.placement} p"
        f" WHERE p.{n.pl_unit} = %s AND p.{n.pl_parent} IS NOT NULL AND {_open('p', n.pl_from, n.pl_to)}"
        f" UNION ALL"
        f" SELECT p.{n.pl_parent}, up.lvl + 1 FROM up JOIN {n.placement} p ON p.{n.pl_unit} = up.id"
        f" WHERE p.{n.pl_parent} IS NOT NULL AND {_open('p', n.pl_from, n.pl_to)} AND up.lvl < {MAX_LEVELS})"
        f" SELECT u.*, up.lvl AS tree_level FROM up JOIN {n.unit} u ON u.{n.unit_id} = up.id"
    )
    found = list(Unit.objects.raw(sql, [unit.pk, d, d, d, d]))
    return sorted(found, key=lambda u: -getattr(u, "tree_level", 0))


def children(unit: Unit, on: dt.date | None = None) -> list[Unit]:
    """The open units placed directly under ``unit`` on a date (today by default), by name."""
    day = on or today()
    placed = UnitPlacement.objects.filter(open_on_q(day), parent_id=unit.pk).values("unit_id")
    return list(Unit.objects.open_on(day).filter(pk__in=placed).order_by("name"))


def parent_on(unit: Unit, on: dt.date) -> Unit | None:
    placement = UnitPlacement.objects.filter(open_on_q(on), unit=unit).select_related("parent").first()
    return placement.parent if placement else None


def tree_as_of(day: dt.date, root: Unit | None = None) -> dict[int | None, list[Unit]]:
    """The tree of a date as parent id -> children (open on that date), in one query.

    With a root, only its subtree; every unit of it has an entry, empty when it has no children.
    """
    out: dict[int | None, list[Unit]] = defaultdict(list)
    if root is None:
        rows = UnitPlacement.objects.filter(open_on_q(day), open_on_q(day, "unit__")).select_related("unit")
        for placement in rows:
            out[placement.parent_id].append(placement.unit)
        return out
    found = descendants(root, day, include_self=True)
    for unit in found:
        out.setdefault(unit.pk, [])
    for unit in found:
        if getattr(unit, "tree_level", 0) > 0:
            out[getattr(unit, "tree_parent_id", None)].append(unit)
    out.setdefault(root.pk, [])
    return out


# --- successions ----------------------------------------------------------------------------


def _reach_sql(unit_ids: list[int], forward: bool) -> tuple[str, list[Any]]:
    """The ids reached from these units along successions (forward: to successors)."""
    n = _names()
    start, follow = (n.su_pred, n.su_succ) if forward else (n.su_succ, n.su_pred)
    where, params = _id_in(f"u.{n.unit_id}", unit_ids)
    sql = (
        f"WITH RECURSIVE reach(id) AS ("
        f" SELECT u.{n.unit_id} FROM {n.unit} u WHERE {where}"
        f" UNION SELECT s.{follow} FROM {n.succession} s JOIN reach r ON s.{start} = r.id)"
        f" SELECT id FROM reach"
    )
    return sql, params


def carried_by(unit_ids: Iterable[int], days: Iterable[dt.date]) -> list[int]:
    """The units whose figures pass through these units: each of them, everything under them on
    any of the days, and every unit that became one of those through successions (its values
    live on in them). A reorganisation of these units moves the figures of exactly these."""
    ids = sorted(set(unit_ids))
    if not ids:
        return []
    under = set(ids)
    with connection.cursor() as cursor:
        for day in sorted(set(days)):
            sql, params = _subtree_sql(ids, day)
            cursor.execute(f"{sql} SELECT id FROM sub", params)
            under.update(row[0] for row in cursor.fetchall())
        sql, params = _reach_sql(sorted(under), forward=False)
        cursor.execute(sql, params)
        under.update(row[0] for row in cursor.fetchall())
    return sorted(under)


def dated_ancestors_sql(start: str) -> str:
    """``anc(u, d, a, n)``: the units strictly above each (unit, day) of ``start(u, d)`` on that
    day's tree, ``a`` being ``n`` levels up."""
    names = _names()
    pl = names.placement

    def placed(unit: str, day: str) -> str:
        return (f"p.{names.pl_unit} = {unit} AND p.{names.pl_from} <= {day}"
                f" AND (p.{names.pl_to} IS NULL OR p.{names.pl_to} > {day})")

    return (
        f"anc(u, d, a, n) AS (SELECT s.u, s.d, p.{names.pl_parent}, 1 FROM {start} s JOIN {pl} p"
        f" ON {placed('s.u', 's.d')} WHERE p.{names.pl_parent} IS NOT NULL UNION ALL"
        f" SELECT anc.u, anc.d, p.{names.pl_parent}, anc.n + 1 FROM anc JOIN {pl} p ON {placed('anc.a', 'anc.d')}"
        f" WHERE p.{names.pl_parent} IS NOT NULL AND anc.n < {MAX_LEVELS})"
    )


def dated_ancestors(pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], list[int]]:
    """(unit, day) -> the units strictly above it that day, one recursive query for all pairs."""
    if not pairs:
        return {}
    source, params = rows_sql([("u", _names().id_type), ("d", "date")], sorted(pairs))
    out: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE start(u, d) AS ({source}), {dated_ancestors_sql('start')}"
                       " SELECT u, d, a FROM anc", params)
        for u, d, a in cursor.fetchall():
            day = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
            out[(u, day)].append(a)
    return out


def landings_sql(units: str) -> str:
    """``WITH RECURSIVE`` items ending in ``landed(u, cur, sh)``: for each unit of ``units(u)``,
    the open units it lives on in today through chains of merges, splits and renames, with the
    share of it each took (an open unit lands on itself whole). Chains that reach one unit along
    several paths add up. The one definition of where a unit's figures count on today's
    structure: the kept rows, a save, a reorganisation and the pages all follow it."""
    n = _names()
    return (
        f"fwd(u, cur, sh, n) AS (SELECT u, u, CAST(1 AS numeric), 0 FROM {units}"
        f" UNION ALL SELECT f.u, s.{n.su_succ}, f.sh * s.{n.su_share}, f.n + 1 FROM fwd f"
        f" JOIN {n.succession} s ON s.{n.su_pred} = f.cur WHERE f.n < {MAX_LEVELS}),"
        f" landed(u, cur, sh) AS (SELECT f.u, f.cur, SUM(f.sh) FROM fwd f JOIN {n.unit} x ON x.{n.unit_id} = f.cur"
        f" WHERE x.{n.unit_to} IS NULL OR x.{n.unit_to} > {date_literal(today())} GROUP BY f.u, f.cur)"
    )


def current_ancestors_sql(units: str) -> str:
    """``up(u, a, sh, n)`` after ``landings_sql``: for each unit of ``units(u)``, the units
    strictly above every open unit it landed on, on today's tree, with the share that landed.

    One row per landing: a value that lands on three units under one parent counts three times
    there, as the recomputation and the on-read roll-up count it.
    """
    return f"{landings_sql(units)}, {today_ancestors_sql('landed')}"


def today_ancestors_sql(start: str) -> str:
    """``up(u, a, sh, n)``: for each row of ``start(u, cur, sh)``, the units strictly above the
    open unit ``cur`` on today's tree, ``a`` being ``n`` levels up, with the share ``sh``."""
    n = _names()
    parent = column(Unit, "parent")
    return (
        f"up(u, a, sh, n) AS (SELECT l.u, x.{parent}, l.sh, 1 FROM {start} l JOIN {n.unit} x ON x.{n.unit_id} = l.cur"
        f" WHERE x.{parent} IS NOT NULL UNION ALL SELECT up.u, x.{parent}, up.sh, up.n + 1 FROM up"
        f" JOIN {n.unit} x ON x.{n.unit_id} = up.a WHERE x.{parent} IS NOT NULL AND up.n < {MAX_LEVELS})"
    )


# The units of each group with their shares, from ``groups_sql``'s ``bwd``: (1, open unit, member, share).
GROUPS = "SELECT 1, cur, m, SUM(sh) FROM bwd WHERE n = 0 OR m <> cur GROUP BY cur, m"


def groups_sql(curs: str) -> str:
    """``bwd(m, cur, sh, n)``: ``landings_sql`` read backwards. From each open unit of ``curs(u)``,
    the units that landed on it through ``n`` successions with the share each path carried
    (``GROUPS`` sums them): the group whose figures it counts on today's structure."""
    n = _names()
    return (
        f"bwd(m, cur, sh, n) AS (SELECT DISTINCT c.u, c.u, CAST(1 AS numeric), 0 FROM {curs} c"
        f" JOIN {n.unit} x ON x.{n.unit_id} = c.u"
        f" WHERE x.{n.unit_to} IS NULL OR x.{n.unit_to} > {date_literal(today())}"
        f" UNION ALL SELECT s.{n.su_pred}, b.cur, b.sh * s.{n.su_share}, b.n + 1 FROM bwd b JOIN {n.succession} s"
        f" ON s.{n.su_succ} = b.m WHERE b.n < {MAX_LEVELS})"
    )


def successor_shares(unit_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """For each unit, the open units it lives on in today with the share of it each took
    (``landings_sql``; an open unit maps to itself), from one recursive query."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    n = _names()
    where, params = _id_in(f"x.{n.unit_id}", ids)
    found: dict[int, dict[int, Decimal]] = {uid: {} for uid in ids}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE units(u) AS (SELECT x.{n.unit_id} FROM {n.unit} x WHERE {where}),"
            f" {landings_sql('units')} SELECT u, cur, sh FROM landed ORDER BY u, cur",
            params,
        )
        for uid, cur, share in cursor.fetchall():
            found[uid][cur] = _decimal(share)
    return found


def successors(unit: Unit) -> list[tuple[Unit, Decimal]]:
    """The open units a historical unit lives on in today, with the share of it each took.

    Follows chains of merges, splits and renames; an open unit is its own successor.
    """
    n = _names()
    found = Unit.objects.raw(
        f"WITH RECURSIVE units(u) AS (SELECT x.{n.unit_id} FROM {n.unit} x WHERE x.{n.unit_id} = %s),"
        f" {landings_sql('units')} SELECT x.*, l.sh AS landed_share FROM landed l"
        f" JOIN {n.unit} x ON x.{n.unit_id} = l.cur ORDER BY x.{n.unit_id}",
        [unit.pk],
    )
    return [(found_unit, _decimal(found_unit.landed_share)) for found_unit in found]  # type: ignore[attr-defined]


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def predecessors(unit: Unit) -> list[UnitSuccession]:
    """Every succession that led into this unit, through any chain, most recent first."""
    rows = UnitSuccession.objects.filter(successor_id__in=_subquery(*_reach_sql([unit.pk], forward=False)))
    return list(rows.select_related("predecessor", "successor").order_by("-date", "pk"))


def history_cte(origins: str) -> str:
    """A ``WITH RECURSIVE`` item ``back(origin, id)``: each unit of ``origins`` (a query naming
    unit ids as ``id``) paired with itself and with every unit that became it through any chain
    of merges, splits and renames; so a caller joins its own rows to a unit's history in the
    same statement."""
    n = _names()
    return (
        f"back(origin, id) AS (SELECT o.id, o.id FROM ({origins}) o"
        f" UNION SELECT b.origin, s.{n.su_pred} FROM {n.succession} s JOIN back b ON s.{n.su_succ} = b.id)"
    )

