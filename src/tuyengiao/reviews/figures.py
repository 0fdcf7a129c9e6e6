"""The figures a review quotes, all read from the analytics service for the unit's subtree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from tuyengiao.core.periods import Period
from tuyengiao.org.models import Unit
from tuyengiao.reporting import analytics
from tuyengiao.reporting.review import Figure, figures_for

TREND_PERIODS = 4
KEY_CODES = 6

Lookup = Callable[[Sequence[str], Period], dict[str, Decimal]]


def lookup(unit: Unit, structure: str) -> Lookup:
    """A figure lookup for sections, remembering what it has read (one query per new batch)."""
    cache: dict[tuple[str, str], Decimal | None] = {}

    def figures(codes: Sequence[str], period: Period) -> dict[str, Decimal]:
        wanted = [c for c in dict.fromkeys(codes) if (c, period.code) not in cache]
        if wanted:
            for code in wanted:
                cache[(code, period.code)] = None
            for row in analytics.values(wanted, [period], unit, "self", structure):
                cache[(row.dx, period.code)] = row.value
        return {c: v for c in codes if (v := cache.get((c, period.code))) is not None}

    return figures


def children_lookup(unit: Unit, structure: str) -> Callable[[Sequence[str], Period], dict[str, dict[str, Decimal]]]:
    """The same figures for the units one level below, by unit name."""

    def figures(codes: Sequence[str], period: Period) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        for row in analytics.values(list(codes), [period], unit, "children", structure):
            out.setdefault(row.ou_name, {})[row.dx] = row.value
        return out

    return figures


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(analytics.plain(value))


def key_figures(figs: list[Figure]) -> list[Figure]:
    """The rates first, then the first count of each field of work, at most ``KEY_CODES``."""
    rates = [f for f in figs if f.kind == "rate"]
    seen: set[str] = set()
    counts = []
    for f in figs:
        if f.kind == "count" and f.work_field not in seen and not f.code.endswith("_KE_HOACH"):
            seen.add(f.work_field)
            counts.append(f)
    return (rates + counts)[:KEY_CODES]


def collect(unit: Unit, period: Period, structure: str, figures: Lookup) -> dict[str, Any]:
    """Every figure of the unit's data sets: now, same period last year, previous period, plan;
    the key figures of the units below; the series the charts draw."""
    figs = figures_for(unit, period)
    codes = [f.code for f in figs]
    plan_codes = [f.plan_code for f in figs if f.plan_code]
    now = figures(codes + plan_codes, period)
    last_year = figures(codes, period.same_period_last_year)
    previous = figures(codes, period.previous)
    table = {
        f.code: {
            "name": f.name, "kind": f.kind, "unit_label": f.unit_label, "work_field": f.work_field,
            "now": _s(now.get(f.code)), "last_year": _s(last_year.get(f.code)),
            "previous": _s(previous.get(f.code)), "plan": _s(now.get(f.plan_code)) if f.plan_code else None,
        }
        for f in figs
    }
    key = key_figures(figs)
    below = children_lookup(unit, structure)([f.code for f in key], period) if key else {}
    child_rows: list[list[Any]] = [
        [name, {c: _s(v) for c, v in values.items()}] for name, values in sorted(below.items())
    ]
    children = {"codes": [f.code for f in key], "names": {f.code: f.name for f in key}, "rows": child_rows}
    rates = [f for f in figs if f.kind == "rate"][:3]
    periods = [period.shift(-i) for i in range(TREND_PERIODS - 1, -1, -1)]
    series: dict[str, list[str | None]] = {}
    if rates:
        rows = analytics.table(analytics.values([f.code for f in rates], periods, unit, "self", structure))
        for f in rates:
            series[f.name] = [_s(rows.get((f.code, p.code, unit.pk))) for p in periods]
    charts = {
        "trend": {"periods": [str(p.label) for p in periods], "series": series},
        "units": {"name": key[0].name if key else "", "code": key[0].code if key else "",
                  "rows": [[name, values.get(key[0].code)] for name, values in child_rows] if key else []},
    }
    return {"figures": table, "children": children, "charts": charts}
