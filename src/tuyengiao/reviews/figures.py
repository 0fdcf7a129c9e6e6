"""The figures a review quotes, all read from the analytics service for the unit's subtree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from tuyengiao.core.periods import Period
from tuyengiao.core.text import vn_sorted
from tuyengiao.org.models import Unit
from tuyengiao.reporting import analytics
from tuyengiao.reporting.review import Figure, figures_for

TREND_PERIODS = 4
KEY_CODES = 6

Lookup = Callable[[Sequence[str], Period], dict[str, Decimal]]


class FigureLookup:
    """A figure lookup for sections, remembering what it has read.

    Every analytics call pays, for each of its periods, the tree and successions and every derived
    figure it asks for, so ``prefetch`` reads what the review will quote in one call for the periods
    it compares, and sections' own requests are then answered from memory.
    """

    def __init__(self, unit: Unit, structure: str) -> None:
        self.unit, self.structure = unit, structure
        self.cache: dict[tuple[str, str], Decimal | None] = {}

    def prefetch(self, codes: Sequence[str], periods: Sequence[Period]) -> None:
        periods = [p for p in dict.fromkeys(periods)]
        codes = sorted({c for c in codes for p in periods if (c, p.code) not in self.cache})
        if not codes:
            return
        for p in periods:
            for code in codes:
                self.cache.setdefault((code, p.code), None)
        for row in analytics.values(codes, periods, self.unit, "self", self.structure):
            self.cache[(row.dx, row.pe)] = row.value

    def __call__(self, codes: Sequence[str], period: Period) -> dict[str, Decimal]:
        self.prefetch(codes, [period])
        return {c: v for c in codes if (v := self.cache.get((c, period.code))) is not None}


def lookup(unit: Unit, structure: str) -> FigureLookup:
    return FigureLookup(unit, structure)


def children_lookup(unit: Unit, structure: str) -> Callable[[Sequence[str], Period], dict[str, dict[str, Decimal]]]:
    """The same figures for the units one level below, by unit name (remembered like ``lookup``)."""
    cache: dict[tuple[str, str], dict[str, Decimal]] = {}

    def figures(codes: Sequence[str], period: Period) -> dict[str, dict[str, Decimal]]:
        wanted = [c for c in dict.fromkeys(codes) if (c, period.code) not in cache]
        if wanted:
            for code in wanted:
                cache[(code, period.code)] = {}
            for row in analytics.values(wanted, [period], unit, "children", structure):
                cache[(row.dx, period.code)][row.ou_name] = row.value
        out: dict[str, dict[str, Decimal]] = {}
        for code in dict.fromkeys(codes):
            for name, value in cache[(code, period.code)].items():
                out.setdefault(name, {})[code] = value
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


def collect(unit: Unit, period: Period, structure: str, figures: Lookup,
            below: Callable[[Sequence[str], Period], dict[str, dict[str, Decimal]]] | None = None) -> dict[str, Any]:
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
            "plan_code": f.plan_code,
        }
        for f in figs
    }
    for f in figs:
        if f.numerator:
            table[f.code]["numerator"], table[f.code]["denominator"] = f.numerator, f.denominator
    key = key_figures(figs)
    below = below or children_lookup(unit, structure)
    rate_codes = [f.code for f in figs if f.kind == "rate"]
    # the key figures and every rate (sections compare the units below on their rates) in one call
    found = below([f.code for f in key] + rate_codes, period) if key else {}
    child_rows: list[list[Any]] = [
        [name, {c: _s(values[c]) for c in (f.code for f in key) if c in values}]
        for name, values in vn_sorted(found.items(), key=lambda item: item[0])
    ]
    children = {"codes": [f.code for f in key], "names": {f.code: f.name for f in key}, "rows": child_rows}
    rates = [f for f in figs if f.kind == "rate"][:3]
    periods = [period.shift(-i) for i in range(TREND_PERIODS - 1, -1, -1)]
    series: dict[str, list[str | None]] = {}
    if rates:
        by_period = {p.code: figures([f.code for f in rates], p) for p in periods}
        for f in rates:
            series[f.name] = [_s(by_period[p.code].get(f.code)) for p in periods]
    charts = {
        "trend": {"periods": [str(p.label) for p in periods], "series": series},
        "units": {"name": key[0].name if key else "", "code": key[0].code if key else "",
                  "rows": [[name, values.get(key[0].code)] for name, values in child_rows] if key else []},
    }
    return {"figures": table, "children": children, "charts": charts}


def prefetch(figures: FigureLookup, unit: Unit, period: Period) -> None:
    """Read up front, in three analytics calls, what a review of the unit quotes: the elements of its
    data sets and their plans for the three periods compared; every figure apps derive for the
    period, then those that have a value beside last year and the previous period (a section writes
    no sentence, and so asks no comparison, for a figure without a value)."""
    from tuyengiao.core import providers

    figs = figures_for(unit, period)
    comparisons = [period.same_period_last_year, period.previous]
    figures.prefetch([f.code for f in figs] + [f.plan_code for f in figs if f.plan_code], [period, *comparisons])
    derived = [e.code for e in providers.all_elements()]
    present = figures(derived, period)
    figures.prefetch(list(present), comparisons)
