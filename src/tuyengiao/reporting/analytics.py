"""The one roll-up service: values of elements and indicators for periods × units.

Every dashboard, pivot, API answer and review report asks here. Stored values are rolled up
in the database, one SQL statement per aggregation type for all requested elements, periods and
units at once:

* across periods, every stored period contained in the asked one counts (months, quarters and
  half-years inside a year), each element by its aggregation type;
* up the tree, either **as the tree stood** at the end of each stored period (a recursive walk
  over the dated ``UnitPlacement`` rows), or **onto today's units** by following the
  successions with their shares (three merged communes add up onto the new one).

Derived elements (``core.providers``) give per-unit values for a period and are rolled up by
the same rules. Answers are immediate after entry: nothing is precomputed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from tuyengiao.core import providers, snapshots
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.periods import Period
from tuyengiao.core.sql import column as _c
from tuyengiao.core.sql import table as _t
from tuyengiao.org import tree
from tuyengiao.org.models import Unit, UnitPlacement, today
from tuyengiao.org.tree import children as tree_children

from . import aggregates
from .expressions import parse
from .models import DataElement, DataValue, Indicator

OU_MODES = ("self", "children", "descendants")
STRUCTURES = ("period", "current")


class Row(NamedTuple):
    """One answer. A named tuple: a national dashboard builds thousands of them per request."""

    dx: str
    pe: str
    ou: str  # unit code
    value: Decimal
    ou_id: int = 0
    ou_name: str = ""


@dataclass
class _Spec:
    """What one request needs: stored elements, derived elements, indicators."""

    stored: list[DataElement]
    derived: list[providers.DerivedElement]
    indicators: list[Indicator]


def _resolve(codes: Sequence[str]) -> _Spec:
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    if not wanted:
        raise UserError(_("No element or indicator chosen (dx)."))
    # read once per snapshot: the catalogue changes only by a committed write
    elements, indicators, needed = snapshots.kept(
        "analytics-catalogue", tuple(sorted(set(wanted))), lambda: _catalogue(wanted)
    )
    derived = {c: providers.get(c) for c in needed if c not in elements and providers.get(c) is not None}
    unknown = [c for c in wanted if c not in elements and c not in derived and c not in indicators]
    if unknown:
        raise UserError(_("No element or indicator has the code: %(codes)s.") % {"codes": ", ".join(unknown)})
    return _Spec(
        list(elements.values()), [d for d in derived.values() if d is not None], list(indicators.values())
    )


def _catalogue(wanted: Sequence[str]) -> tuple[dict[str, DataElement], dict[str, Indicator], frozenset[str]]:
    """The stored elements and indicators the codes name, and every code needed: the codes and
    those the indicators use."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=wanted)}
    needed = set(wanted)
    for ind in indicators.values():
        needed |= parse(ind.numerator).codes | parse(ind.denominator).codes
    return {e.code: e for e in DataElement.objects.filter(code__in=needed)}, indicators, frozenset(needed)


def _periods(periods: Iterable[Period | str]) -> list[Period]:
    out = []
    for p in periods:
        out.append(Period.parse(p) if isinstance(p, str) else p)
    if not out:
        raise UserError(_("No period chosen (pe)."))
    return out


# --- bounds ---------------------------------------------------------------------------------


class AnalyticsTooLarge(UserError):
    """A request for more values than one answer may hold (elements × periods × units)."""


class AnalyticsTimeout(UserError):
    """The roll-up statements ran past the time limit; the database cancelled them."""


def max_cells() -> int:
    return int(getattr(settings, "ANALYTICS_MAX_CELLS", 20_000))


def check_size(elements: int, periods: int, units: int) -> None:
    """Refuse a request before any roll-up runs when elements × periods × units passes the limit:
    one such request (every element × 24 months × every unit of a province) would hold a worker
    for minutes."""
    size = elements * periods * units
    limit = max_cells()
    if size > limit:
        raise AnalyticsTooLarge(
            _(
                "The request asks for %(size)s values (%(elements)s elements × %(periods)s periods × %(units)s"
                " units), more than the limit of %(limit)s: choose fewer elements, periods or units."
            )
            % {
                "size": _fmt(size), "elements": _fmt(elements), "periods": _fmt(periods), "units": _fmt(units),
                "limit": _fmt(limit),
            }
        )


def _fmt(number: int) -> str:
    from tuyengiao.core.numbers import format_number

    return format_number(number)


@contextmanager
def _time_limit() -> Iterator[None]:
    """Every statement of one analytics call under ``ANALYTICS_STATEMENT_TIMEOUT_MS`` on PostgreSQL,
    without JIT compilation or parallel workers.

    The reads are short indexed statements: PostgreSQL overestimates the recursive parts by orders
    of magnitude and would spend ~80 ms compiling or ~10 ms starting workers for a query that runs
    in a few. ``set_config(..., true)`` is local to the transaction: outside one, the call gets its
    own and the settings end with it; inside one (a savepoint), a cancelled call rolls them back with
    the savepoint and a finished one puts the previous values back, so the rest of the request is
    not limited. One statement sets them all.
    """
    limit = int(getattr(settings, "ANALYTICS_STATEMENT_TIMEOUT_MS", 15_000))
    if connection.vendor != "postgresql":
        yield
        return
    wanted = {"jit": "off", "max_parallel_workers_per_gather": "0"}
    if limit > 0:
        wanted["statement_timeout"] = f"{limit}ms"
    names = list(wanted)
    nested = connection.in_atomic_block
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
                    [x for name in names for x in (name, name, wanted[name])],
                )
                previous = dict(zip(names, cursor.fetchone()[0::2], strict=True))
            yield
            if nested:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                        [x for name in names for x in (name, previous[name])],
                    )
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        raise AnalyticsTimeout(
            _("The figures took longer than %(seconds)s seconds to compute and were stopped: choose fewer"
              " elements, periods or units, or try again later.") % {"seconds": _fmt(max(1, limit // 1000))}
        ) from exc


# --- target units ---------------------------------------------------------------------------


def targets(ou: Unit, ou_mode: str, structure: str, period: Period, level: int | None = None) -> list[Unit]:
    """The units rows are asked for: the unit, its children, or its descendants (``level`` below)."""
    if ou_mode not in OU_MODES:
        raise UserError(
            _("ou_mode “%(value)s” is not valid: use self, children or descendants.") % {"value": ou_mode}
        )
    if structure not in STRUCTURES:
        raise UserError(
            _("structure “%(value)s” is not valid: use period or current.") % {"value": structure}
        )
    if ou_mode == "self":
        return [ou]
    depth_limit = 1 if ou_mode == "children" else level
    if structure == "current":
        if ou_mode == "children":  # by the parent's index, once per version of the tree
            return tree.kept("children", (ou.pk,),
                             lambda: list(Unit.objects.current().filter(parent_id=ou.pk).order_by("path")))
        qs = Unit.objects.current().filter(path__startswith=ou.path).exclude(pk=ou.pk)
        if depth_limit is not None:
            qs = qs.filter(depth=ou.depth + depth_limit)
        return list(qs.order_by("path"))
    day = min(period.end, ou.last_day())
    if ou_mode == "children":
        return tree_children(ou, day)
    return tree.descendants(ou, day, level=depth_limit)


def _targets_by_period(
    ou: Unit, ou_mode: str, structure: str, periods: list[Period], level: int | None
) -> dict[str, list[Unit]]:
    """The target units of each period, asked once per distinct tree: today's structure is the
    same for every period, and the dated tree only differs between the days asked."""
    found: dict[object, list[Unit]] = {}
    out: dict[str, list[Unit]] = {}
    for period in periods:
        key: object = None if structure == "current" or ou_mode == "self" else min(period.end, ou.last_day())
        if key not in found:
            found[key] = targets(ou, ou_mode, structure, period, level)
        out[period.code] = found[key]
    return out


# --- stored values in SQL -------------------------------------------------------------------


@contextmanager
def _analytics_cursor() -> Iterator[Any]:
    """A cursor for the roll-up statements.

    PostgreSQL overestimates recursive CTEs by orders of magnitude and then spends ~80 ms
    JIT-compiling a query that runs in 10; JIT is switched off for these statements only.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        yield cursor


def _date_param() -> str:
    return "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"


def plain(number: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (1200, not 1.2E+3)."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def _number(value: object) -> Decimal:
    return aggregates.rounded(value)


def _stored_sql(
    element_ids: list[int],
    aggregation: str,
    periods: list[Period],
    structure: str,
    period_targets: dict[str, list[Unit]],
) -> tuple[str, list[object]]:
    """One statement that rolls up stored values of several elements of one aggregation type."""
    date = _date_param()
    pe_rows = [(sp.code, p.code, sp.start.isoformat(), sp.end.isoformat()) for p in periods
               for sp in p.within()]
    params: list[object] = [x for row in pe_rows for x in row]
    pe_sql = ", ".join(f"(%s, %s, {date}, {date})" for _ in pe_rows)
    el_sql = ", ".join(["%s"] * len(element_ids))
    # dd: the day whose tree the value counts on (the dated structure)
    dd, closing = "pe.d", ""
    if structure == "period":
        dd, closing = aggregates.counted_day("x", "pe.s", "pe.d"), " JOIN org_unit x ON x.id = dv.unit_id"
    src = (
        f"src AS (SELECT dv.element_id AS el, dv.unit_id AS u, pe.outp AS outp, pe.d AS d, {dd} AS dd, dv.value AS v"
        f" FROM reporting_datavalue dv JOIN pe ON pe.code = dv.period{closing}"
        f" WHERE dv.element_id IN ({el_sql}) AND dv.value IS NOT NULL)"
    )
    params_src = list(element_ids)
    fn = {"sum": "SUM(x.v)", "last": "SUM(x.v)", "avg": "AVG(x.v)", "max": "MAX(x.v)"}[aggregation]
    if structure == "period":
        tg_rows = [(outp, unit.pk) for outp, units in period_targets.items() for unit in units]
        tg_sql = ", ".join("(%s, %s)" for _ in tg_rows)
        base = "src"
        extra = ""
        if aggregation == "last":
            extra = (
                ", lastv AS (SELECT el, u, outp, dd, v FROM (SELECT el, u, outp, dd, v, ROW_NUMBER() OVER"
                " (PARTITION BY el, u, outp ORDER BY d DESC) AS rn FROM src) ranked WHERE rn = 1)"
            )
            base = "lastv"
        sql = (
            f"WITH RECURSIVE pe(code, outp, s, d) AS (VALUES {pe_sql}),"
            f" tg(outp, tid) AS (VALUES {tg_sql}), {src}{extra},"
            f" anc(u, d, a) AS (SELECT DISTINCT u, dd, u FROM {base}"
            " UNION ALL SELECT anc.u, anc.d, p.parent_id FROM anc JOIN org_unitplacement p"
            " ON p.unit_id = anc.a AND p.valid_from <= anc.d AND (p.valid_to IS NULL OR p.valid_to > anc.d)"
            " WHERE p.parent_id IS NOT NULL),"
            " hits AS (SELECT DISTINCT anc.u, anc.d, tg.outp, tg.tid FROM anc JOIN tg ON tg.tid = anc.a)"
            f" SELECT x.el, x.outp, h.tid, {fn} FROM {base} x JOIN hits h ON h.u = x.u AND h.d = x.dd"
            " AND h.outp = x.outp GROUP BY x.el, x.outp, h.tid"
        )
        return sql, params + [x for row in tg_rows for x in row] + params_src
    # current structure: follow successions (with shares) to today's units, then up today's parents
    units = sorted({u.pk for us in period_targets.values() for u in us})
    tg_sql = ", ".join("(%s)" for _ in units)
    fn = {"sum": "SUM(m.vs)", "last": "SUM(m.vs)", "avg": "AVG(m.v)", "max": "MAX(m.v)"}[aggregation]
    rank_filter = ""
    mapped_from = "mapped"
    if aggregation == "last":
        rank_filter = (
            ", ranked AS (SELECT el, cur, outp, v, vs, RANK() OVER (PARTITION BY el, cur, outp"
            " ORDER BY d DESC) AS rk FROM mapped)"
        )
        mapped_from = "ranked"
    sql = (
        f"WITH RECURSIVE pe(code, outp, s, d) AS (VALUES {pe_sql}), tg(tid) AS (VALUES {tg_sql}), {src},"
        " succ(orig, cur, sh) AS (SELECT DISTINCT u, u, CAST(1 AS numeric) FROM src"
        " UNION ALL SELECT succ.orig, s.successor_id, succ.sh * s.share FROM succ"
        " JOIN org_unitsuccession s ON s.predecessor_id = succ.cur),"
        " mapped AS (SELECT x.el, s.cur, x.outp, x.d, x.v AS v, x.v * s.sh AS vs"
        # a unit reached along two chains (split, then merged back) is one landing with both shares
        " FROM src x JOIN (SELECT orig, cur, SUM(sh) AS sh FROM succ GROUP BY orig, cur) s ON s.orig = x.u"
        " JOIN org_unit cu ON cu.id = s.cur"
        f" AND (cu.valid_to IS NULL OR cu.valid_to > {date})){rank_filter},"
        " canc(cur, a) AS (SELECT DISTINCT cur, cur FROM mapped"
        " UNION ALL SELECT canc.cur, u.parent_id FROM canc JOIN org_unit u ON u.id = canc.a"
        " WHERE u.parent_id IS NOT NULL),"
        " hits AS (SELECT canc.cur, canc.a AS tid FROM canc JOIN tg ON tg.tid = canc.a)"
        f" SELECT m.el, m.outp, h.tid, {fn} FROM {mapped_from} m JOIN hits h ON h.cur = m.cur"
        + (" WHERE m.rk = 1" if aggregation == "last" else "")
        + " GROUP BY m.el, m.outp, h.tid"
    )
    return sql, params + units + params_src + [today().isoformat()]


def _stored(
    elements: list[DataElement], periods: list[Period], structure: str, period_targets: dict[str, list[Unit]]
) -> dict[tuple[str, str, int], Decimal]:
    """Stored values rolled up: read from the aggregate rows kept on every write, summed and
    rounded by the database."""
    return aggregates.read(elements, periods, period_targets, structure)


def _stored_on_read(
    elements: list[DataElement], periods: list[Period], structure: str, period_targets: dict[str, list[Unit]]
) -> dict[tuple[str, str, int], Decimal]:
    """The same answer computed from the raw values at read time: the reference the aggregates are
    held equal to (tests, ``rebuild_aggregates --check``)."""
    out: dict[tuple[str, str, int], Decimal] = {}
    by_agg: dict[str, list[DataElement]] = defaultdict(list)
    for element in elements:
        if element.is_numeric:
            by_agg[element.aggregation].append(element)
    if not any(period_targets.values()):
        return out
    with _analytics_cursor() as cursor:
        for aggregation, group in by_agg.items():
            codes = {e.pk: e.code for e in group}
            sql, params = _stored_sql(list(codes), aggregation, periods, structure, period_targets)
            cursor.execute(sql, params)
            for el, outp, tid, value in cursor.fetchall():
                if value is not None:
                    out[(codes[el], outp, tid)] = _number(value)
    return out


# --- derived values -------------------------------------------------------------------------


def _current_map(unit_ids: set[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """unit id -> [(today's unit id, share)] following successions (one query for all)."""
    return {uid: list(shares.items()) for uid, shares in tree.successor_shares(unit_ids).items()}


def _dated_ancestors(periods: list[Period], wanted: set[int]) -> dict[tuple[int, dt.date], list[int]]:
    """(unit, period end) -> the wanted units above or at it, as the tree stood: one query."""
    if not wanted:
        return {}
    date = _date_param()
    days = sorted({p.end for p in periods})
    pl, unit, since, until = (_t(UnitPlacement), _c(UnitPlacement, "unit"), _c(UnitPlacement, "valid_from"),
                              _c(UnitPlacement, "valid_to"))
    among = ", ".join(str(int(pk)) for pk in sorted(wanted))
    sql = (
        f"WITH RECURSIVE days(d) AS (VALUES {', '.join(f'({date})' for _ in days)}),"
        f" start(u, d) AS (SELECT p.{unit}, days.d FROM days JOIN {pl} p ON p.{since} <= days.d"
        f" AND (p.{until} IS NULL OR p.{until} > days.d)), {tree.dated_ancestors_sql('start')}"
        f" SELECT u, d, u FROM start WHERE u IN ({among}) UNION ALL SELECT u, d, a FROM anc WHERE a IN ({among})"
    )
    out: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    with _analytics_cursor() as cursor:
        cursor.execute(sql, [d.isoformat() for d in days])
        for u, d, a in cursor.fetchall():
            day = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
            out[(u, day)].append(a)
    return out


def _closed_during(period: Period, owners: list[int], wanted: set[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """Owners that closed during the period (a district merged in July) count where they stood on
    the day ``aggregates.counted_day`` gives them, as their stored values do: their last day."""
    if not owners:
        return {}
    day = _date_param()
    counted = aggregates.counted_day("x", "b.s", "b.d")
    ids = ", ".join(str(int(pk)) for pk in owners)
    found: dict[int, list[tuple[int, Decimal]]] = {}
    with _analytics_cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE counted(u, d, e) AS (SELECT x.{_c(Unit, 'id')}, {counted}, b.d FROM {_t(Unit)} x"
            f" CROSS JOIN (SELECT {day} AS s, {day} AS d) b WHERE x.{_c(Unit, 'valid_to')} IS NOT NULL"
            f" AND x.{_c(Unit, 'id')} IN ({ids})), start(u, d) AS (SELECT u, d FROM counted WHERE d <> e),"
            f" {tree.dated_ancestors_sql('start')}"
            " SELECT s.u, anc.a FROM start s LEFT JOIN anc ON anc.u = s.u AND anc.d = s.d",
            [period.start.isoformat(), period.end.isoformat()],
        )
        for pk, above in cursor.fetchall():
            chain = found.setdefault(pk, [(pk, Decimal(1))] if pk in wanted else [])
            if above is not None and above in wanted:
                chain.append((above, Decimal(1)))
    return found


def _derived(
    elements: list[providers.DerivedElement],
    periods: list[Period],
    structure: str,
    period_targets: dict[str, list[Unit]],
) -> dict[tuple[str, str, int], Decimal]:
    out: dict[tuple[str, str, int], Decimal] = {}
    if not elements:
        return out
    dated: dict[tuple[int, dt.date], list[int]] | None = None  # walked once, when first needed
    for period in periods:
        wanted = {u.pk for u in period_targets.get(period.code, [])}
        if not wanted:
            continue
        pending = []
        for element in elements:
            rolled = element.rollup(period_targets[period.code], period, structure) if element.rollup else None
            if rolled is None:
                pending.append(element)
                continue
            for tid, value in rolled.items():
                if tid in wanted:
                    out[(element.code, period.code, tid)] = _number(value)
        if not pending:
            continue
        raw = {el.code: el.compute(None, period) for el in pending}
        owners = {uid for values in raw.values() for uid in values}
        # ancestor-or-self ids of each owner, in the chosen structure
        chains: dict[int, list[tuple[int, Decimal]]] = {}
        if structure == "period":
            if dated is None:
                dated = _dated_ancestors(periods, {u.pk for us in period_targets.values() for u in us})
            for uid in owners:
                chains[uid] = [(a, Decimal(1)) for a in dated.get((uid, period.end), [])]
            chains.update(_closed_during(period, [uid for uid in owners if not chains[uid]], wanted))
        else:
            mapping = _current_map(owners)
            paths = dict(
                Unit.objects.filter(pk__in={c for v in mapping.values() for c, _ in v})
                .current()
                .values_list("pk", "path")
            )
            for uid, succs in mapping.items():
                chain: list[tuple[int, Decimal]] = []
                for cur_id, share in succs:
                    if cur_id in paths:
                        chain.extend((int(part), share) for part in paths[cur_id].strip("/").split("/"))
                chains[uid] = chain
        for element in pending:
            acc: dict[int, list[Decimal]] = defaultdict(list)
            for uid, value in raw[element.code].items():
                for tid, share in chains.get(uid, []):
                    if tid in wanted:
                        acc[tid].append(value * share if element.aggregation in ("sum", "last") else value)
            for tid, values in acc.items():
                if element.aggregation == "avg":
                    total = sum(values, Decimal(0)) / len(values)
                elif element.aggregation == "max":
                    total = max(values)
                else:
                    total = sum(values, Decimal(0))
                out[(element.code, period.code, tid)] = _number(total)
    return out


# --- entry point ----------------------------------------------------------------------------


def values(
    dx: Sequence[str],
    pe: Iterable[Period | str],
    ou: Unit,
    ou_mode: str = "self",
    structure: str = "period",
    level: int | None = None,
) -> list[Row]:
    """Rows (dx, pe, ou, value) for every combination that has a value.

    Bounded: elements × periods × units at most ``ANALYTICS_MAX_CELLS`` (``AnalyticsTooLarge``),
    every statement within ``ANALYTICS_STATEMENT_TIMEOUT_MS`` (``AnalyticsTimeout``); both are
    ``UserError`` so every page that shows figures shows their message.
    """
    with _time_limit():
        return _values(dx, pe, ou, ou_mode, structure, level)


def _values(
    dx: Sequence[str], pe: Iterable[Period | str], ou: Unit, ou_mode: str, structure: str, level: int | None
) -> list[Row]:
    spec = _resolve(dx)
    periods = _periods(pe)
    if structure == "current" and not ou.is_open:
        raise UserError(
            _("%(unit)s has closed; view it on the structure of the period (structure=period).")
            % {"unit": ou.name}
        )
    wanted_codes = {c.strip().upper() for c in dx if c and c.strip()}
    check_size(len(wanted_codes), len(periods), 1)
    period_targets = _targets_by_period(ou, ou_mode, structure, periods, level)
    check_size(len(wanted_codes), len(periods), max(len(t) for t in period_targets.values()))
    found = _stored(spec.stored, periods, structure, period_targets)
    found.update(_derived(spec.derived, periods, structure, period_targets))
    for ind in spec.indicators:
        num, den = parse(ind.numerator), parse(ind.denominator)
        codes = num.codes | den.codes
        for period in periods:
            for unit in period_targets[period.code]:
                vals = {c: found.get((c, period.code, unit.id)) for c in codes}
                n, d = num.evaluate(vals), den.evaluate(vals)
                if n is None or d is None or d == 0:
                    continue
                result = (n / d * ind.factor).quantize(
                    Decimal(1).scaleb(-ind.decimals), rounding=ROUND_HALF_UP
                )
                found[(ind.code, period.code, unit.id)] = result
    wanted = [c.strip().upper() for c in dx if c and c.strip()]
    rows: list[Row] = []
    append = rows.append
    get = found.get
    make = tuple.__new__  # half the cost of calling Row(...), thousands of times per dashboard
    for period in periods:
        pe_code = period.code
        for unit in period_targets[pe_code]:
            unit_id, unit_code, unit_name = unit.id, unit.code, unit.name
            for code in wanted:
                value = get((code, pe_code, unit_id))
                if value is not None:
                    append(make(Row, (code, pe_code, unit_code, value, unit_id, unit_name)))
    return rows


def table(rows: Iterable[Row]) -> dict[tuple[str, str, int], Decimal]:
    """(dx, pe, unit id) -> value, for templates and comparisons."""
    return {(r.dx, r.pe, r.ou_id): r.value for r in rows}


def last_year_values(unit: Unit, period: Period, element_ids: Iterable[int]) -> dict[int, DataValue]:
    """The unit's own stored values for the same period last year (entry page hint)."""
    previous = period.same_period_last_year.code
    return {
        dv.element_id: dv
        for dv in DataValue.objects.filter(unit=unit, period=previous, element_id__in=list(element_ids))
    }
