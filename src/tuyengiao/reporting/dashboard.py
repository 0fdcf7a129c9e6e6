"""What the dashboard and the pivot page show, computed through the analytics service."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tuyengiao.core import providers, snapshots
from tuyengiao.core.numbers import format_number, format_percent
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.core.sql import column as _c
from tuyengiao.core.sql import db_type, rows_sql
from tuyengiao.core.sql import table as _t
from tuyengiao.core.tabular import append_row, csv_row
from tuyengiao.core.text import vn_sorted
from tuyengiao.org import tree as org_tree
from tuyengiao.org.models import Unit, today

from . import aggregates, analytics
from .expressions import parse
from .models import DataElement, DataSet, DataSetElement, DataValue, Indicator, ValueType

MEMBERS = "DV_SO_LUONG"  # the members the tree knows, shown on every dashboard


def min_coverage() -> Decimal:
    """Below this share of reporting units (per cent, setting ``DASHBOARD_MIN_COVERAGE``) a figure
    is too partial to compare with another period."""
    return Decimal(str(getattr(settings, "DASHBOARD_MIN_COVERAGE", 80)))


@dataclass(frozen=True)
class Coverage:
    """How many of the units expected to report a figure have at least one value for it."""

    reported: int
    expected: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.reported * 100) / self.expected if self.expected else None

    @property
    def enough(self) -> bool:
        return self.rate is None or self.rate >= min_coverage()

    def __str__(self) -> str:
        return _("%(reported)s of %(expected)s units") % {
            "reported": format_number(self.reported),
            "expected": format_number(self.expected),
        }


@dataclass
class Card:
    code: str
    name: str
    value: Decimal | None
    last_year: Decimal | None
    is_percent: bool = False
    unit_label: str = ""  # as the indicator declares it: "lượt/100 đảng viên", "tin/bài"…
    coverage: Coverage | None = None
    last_coverage: Coverage | None = None

    @property
    def comparable(self) -> bool:
        """Both periods have enough of their units reporting for a change to mean something."""
        return all(c is None or c.enough for c in (self.coverage, self.last_coverage))

    @property
    def change(self) -> Decimal | None:
        """Percent change versus the same period last year."""
        if self.value is None or not self.last_year or not self.comparable:
            return None
        return (self.value - self.last_year) * 100 / self.last_year

    @property
    def points(self) -> Decimal | None:
        """For rates, the change in percentage points."""
        if self.value is None or self.last_year is None or not self.comparable:
            return None
        return self.value - self.last_year

    @property
    def partial(self) -> bool:
        """A change would be shown were it not for missing reports: the page says so instead."""
        return self.value is not None and self.last_year is not None and not self.comparable

    @property
    def header(self) -> str:
        """The column title: the name and, when the figure has one, its unit."""
        if self.is_percent:
            return f"{self.name} (%)"
        return f"{self.name} ({self.unit_label})" if self.unit_label else self.name

    def show(self, value: Decimal | None) -> str:
        """A value as the figure declares it: 97,5%; 1,2 lượt/100 đảng viên; 47.600."""
        if value is None:
            return "—"
        if self.is_percent:
            return format_percent(value)
        text = format_number(value)
        return f"{text} {self.unit_label}" if self.unit_label else text

    @property
    def value_text(self) -> str:
        return self.show(self.value)

    @property
    def last_year_text(self) -> str:
        return self.show(self.last_year)


@dataclass
class Dashboard:
    unit: Unit
    period: Period
    structure: str
    cards: list[Card]
    trend_periods: list[str]
    trend: dict[str, list[float | None]]
    children: list[tuple[Unit, list[Decimal | None]]]
    columns: list[Card] = field(default_factory=list)
    chart_index: int | None = 0  # the column the children chart shows; None: no column has figures
    last_year_structure: str = "period"  # "current" when last year's figures come from predecessors

    @property
    def threshold(self) -> str:
        return format_percent(min_coverage())

    @property
    def partial(self) -> list[Card]:
        """Figures whose period or same period last year is reported by too few units."""
        return [c for c in self.cards if not c.comparable]

    def chart_data(self) -> dict[str, object]:
        """What the ECharts scripts draw, passed to the page with ``json_script``."""
        column = self.chart_index
        card = self.cards[column] if column is not None and self.cards else None
        return {
            "periods": self.trend_periods,
            "series": [{"name": name, "data": data} for name, data in self.trend.items()],
            "children": [unit.name for unit, _values in self.children] if card else [],
            "childValues": [_float(values[column]) for _unit, values in self.children]
            if card and column is not None
            else [],
            "childLabel": card.header if card else "",
            "percent": bool(card and card.is_percent),
        }


# --- which period the dashboard opens on ----------------------------------------------------


def default_period(unit: Unit | None = None, day: dt.date | None = None) -> Period:
    """The half-year the dashboard and the pivot open on.

    The rule: the latest half-year that has **ended and is due** — its end plus the longest
    ``due_days`` of the data sets has passed — or that has ended and is **mostly in**: at least
    ``DASHBOARD_MIN_COVERAGE`` per cent of the units under ``unit`` expected to report have
    figures for it. A half-year still running is never the default, however many figures one
    unit has already typed into it. When nothing at all is stored for the chosen half-year, the
    page steps back (up to three years) to the latest earlier one that has figures.
    """
    now = day or today()
    due_days = DataSet.objects.aggregate(m=Max("due_days"))["m"] or 0
    candidate = Period.of(PeriodType.HALF_YEAR, now).previous
    if candidate.end + dt.timedelta(days=due_days) >= now:
        mostly_in = False
        if unit is not None:
            everything = {"*": list(DataSetElement.objects.values_list("element_id", flat=True).distinct())}
            got = coverage(unit, [candidate], everything).get(("*", candidate.code))
            mostly_in = bool(got and got.expected and got.enough)
        if not mostly_in:
            candidate = candidate.previous
    # named elements let the (element, period, unit) key answer from its first entries; the
    # period alone would scan the value table of a whole country
    elements = list(DataElement.objects.values_list("pk", flat=True))
    for back in range(7):
        period = candidate.shift(-back)
        codes = [p.code for p in period.within()]
        if DataValue.objects.filter(element_id__in=elements, period__in=codes).exists():
            return period
    return candidate


# --- coverage: how many units a figure stands on ---------------------------------------------


def _figure_elements(codes: list[str], known: list[Indicator] | None = None) -> dict[str, list[int]]:
    """Figure code -> the stored elements its coverage is counted on (none for derived ones)."""
    indicators = {i.code: i for i in (known if known is not None else Indicator.objects.filter(code__in=codes))}
    needed = set(codes)
    for ind in indicators.values():
        needed |= parse(ind.numerator).codes | parse(ind.denominator).codes
    ids = dict(DataElement.objects.filter(code__in=needed).values_list("code", "pk"))
    out: dict[str, list[int]] = {}
    for code in codes:
        parts = (
            parse(indicators[code].numerator).codes | parse(indicators[code].denominator).codes
            if code in indicators
            else {code}
        )
        elements = sorted(ids[c] for c in parts if c in ids)
        if elements:
            out[code] = elements
    return out


def coverage(
    unit: Unit,
    periods: list[Period],
    figures: dict[str, list[int]],
    structure: str = "period",
    structures: dict[str, str] | None = None,
) -> dict[tuple[str, str], Coverage]:
    """(figure, period code) -> units with at least one value / units expected to report.

    A unit is expected to report a figure when its kind reports a data set holding one of the
    figure's elements; it counts as reported when any of those elements has a value for any
    period inside the asked one. Per period, the units come from the tree module's statement
    (never as a list) and the values are looked up for those units only; above
    ``DASHBOARD_EXACT_COVERAGE_UNITS`` units the kept aggregate rows give the count instead.
    ``structures`` may set another structure for some period codes (last year's on today's).
    """
    kinds: dict[int, set[str]] = defaultdict(set)
    wanted = {el for els in figures.values() for el in els}
    for element_id, unit_kinds in DataSetElement.objects.filter(element_id__in=wanted).values_list(
        "element_id", "dataset__unit_kinds"
    ):
        kinds[element_id].update(unit_kinds or [])
    fe = [(code, el) for code, els in figures.items() for el in els]
    ek = [(el, kind) for el, ks in kinds.items() for kind in sorted(ks)]
    out = {(code, p.code): Coverage(0, 0) for code in figures for p in periods}
    if not fe or not ek:
        return out
    fig_kinds = {code: {kind for el in els for kind in kinds.get(el, set())} for code, els in figures.items()}
    for period in periods:
        chosen = (structures or {}).get(period.code, structure)
        day = period.end if chosen == "current" else min(period.end, unit.last_day())
        if chosen != "current" and not unit.is_open_on(day):
            continue
        # expected: the units of each kind, counted once; a figure expects the kinds of its elements
        per_kind = org_tree.kind_counts(unit, day, chosen)
        if sum(per_kind.values()) > exact_coverage_units():
            # a whole country: the kept rows say how many units have each element (see reporting_units)
            counts = aggregates.reporting_units(sorted(wanted), period, unit, chosen)
            reported = {code: max((counts.get(el, 0) for el in els), default=0) for code, els in figures.items()}
        else:
            with_sql, with_params = org_tree.contributors_sql(unit, day, chosen)
            pe = [(sp.code,) for sp in period.within()]
            reported = _reported_exactly(with_sql, with_params, fe, ek, pe)
        for code in figures:
            expected = sum(per_kind.get(kind, 0) for kind in fig_kinds[code])
            if expected:
                out[(code, period.code)] = Coverage(min(reported.get(code, 0), expected), expected)
    return out


def exact_coverage_units() -> int:
    """Up to this many units under the asked one, coverage counts the distinct units with a value
    over every value of the period; above it, the kept aggregate rows answer (a country's
    dashboard would otherwise read millions of values)."""
    return int(getattr(settings, "DASHBOARD_EXACT_COVERAGE_UNITS", 5000))


def _reported_exactly(
    with_sql: str, with_params: list[Any], fe: list[tuple[str, int]], ek: list[tuple[int, str]], pe: list[tuple[str]]
) -> dict[str, int]:
    """Figure -> distinct units of the expected kinds with a value of its elements in the periods."""
    element = db_type(DataValue, "element")
    fe_sql, fe_params = rows_sql([("fig", "text"), ("el", element)], fe)
    ek_sql, ek_params = rows_sql([("el", element), ("kind", "text")], ek)
    pe_sql, pe_params = rows_sql([("code", "text")], pe)
    el, unit, period, value, text = (_c(DataValue, n) for n in ("element", "unit", "period", "value", "text_value"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"{with_sql}, fe(fig, el) AS ({fe_sql}), ek(el, kind) AS ({ek_sql}), pe(code) AS ({pe_sql})"
            f" SELECT fe.fig, COUNT(DISTINCT dv.{unit}) FROM {_t(DataValue)} dv"
            f" JOIN fe ON fe.el = dv.{el} JOIN pe ON pe.code = dv.{period} JOIN sub ON sub.id = dv.{unit}"
            " JOIN ek ON ek.el = fe.el AND ek.kind = sub.kind"
            f" WHERE dv.{value} IS NOT NULL OR dv.{text} <> '' GROUP BY fe.fig",
            [*with_params, *fe_params, *ek_params, *pe_params],
        )
        return {fig: int(count) for fig, count in cursor.fetchall()}


# --- the dashboard --------------------------------------------------------------------------


def key_codes(limit: int = 6) -> tuple[list[Indicator], list[DataElement]]:
    indicators = list(Indicator.objects.order_by("pk")[:limit])
    members = list(
        DataSetElement.objects.filter(element__value_type__in=["integer", "number"])
        .select_related("element")
        .order_by("dataset__name", "order")[:limit]
    )
    seen: set[int] = set()
    elements = []
    for m in members:
        if m.element_id not in seen:
            seen.add(m.element_id)
            elements.append(m.element)
    return indicators, elements


def last_year_structure(unit: Unit, period: Period, structure: str) -> str:
    """A unit that did not exist a year ago compares with what its predecessors reported then:
    those figures are re-aggregated onto it through the successions (with their shares)."""
    last = period.same_period_last_year
    if structure == "period" and unit.is_open and not unit.is_open_on(min(last.end, unit.last_day())):
        return "current"
    return structure


def build(unit: Unit, period: Period, structure: str = "period") -> Dashboard:
    indicators, elements = key_codes()
    dx = [i.code for i in indicators] + [MEMBERS] + [e.code for e in elements]
    names = {i.code: i.name for i in indicators} | {e.code: e.name for e in elements}
    member_element = providers.get(MEMBERS)
    names[MEMBERS] = member_element.name if member_element else _("Party members")
    percent = {i.code for i in indicators if i.is_percent} | {
        e.code for e in elements if e.value_type == ValueType.PERCENT
    }
    labels = {i.code: i.unit_label.strip() for i in indicators if not i.is_percent}
    last = period.same_period_last_year
    back_structure = last_year_structure(unit, period, structure)
    if back_structure == structure:
        got = analytics.table(analytics.values(dx, [period, last], unit, "self", structure))
    else:
        got = analytics.table(analytics.values(dx, [period], unit, "self", structure))
        got |= analytics.table(analytics.values(dx, [last], unit, "self", back_structure))
    figures = _figure_elements(dx, indicators)
    covered = coverage(unit, [period, last], figures, structure, {last.code: back_structure})
    cards = [
        Card(
            code,
            names[code],
            got.get((code, period.code, unit.pk)),
            got.get((code, last.code, unit.pk)),
            code in percent,
            labels.get(code, ""),
            covered.get((code, period.code)) if code in figures else None,
            covered.get((code, last.code)) if code in figures else None,
        )
        for code in dx
    ]
    trend_periods = [period.shift(-i) for i in range(5, -1, -1)]
    rates = [i.code for i in indicators if i.is_percent]
    trend_dx = rates[:3] or dx[:2]
    trend_rows = analytics.table(analytics.values(trend_dx, trend_periods, unit, "self", structure))
    trend = {
        names[c]: [_float(trend_rows.get((c, p.code, unit.pk))) for p in trend_periods] for c in trend_dx
    }
    kid_rows = analytics.values(dx, [period], unit, "children", structure)
    kid_table = analytics.table(kid_rows)
    kids = analytics.targets(unit, "children", structure, period)
    children = [
        (k, [kid_table.get((code, period.code, k.pk)) for code in dx])
        for k in vn_sorted(kids, key=lambda u: u.name)
    ]
    # the children chart draws the first rate some unit below has, else the first figure any has
    with_values = [i for i, _c in enumerate(dx) if any(values[i] is not None for _k, values in children)]
    preferred = [i for i in with_values if dx[i] in percent]
    chart_index = (preferred or with_values)[0] if with_values else None
    return Dashboard(
        unit,
        period,
        structure,
        cards,
        [p.label for p in trend_periods],
        trend,
        children,
        cards,
        chart_index,
        back_structure,
    )


def kept_build(unit: Unit, period: Period, structure: str = "period") -> Dashboard:
    """``build``, computed once per database snapshot (``core.snapshots``): a dashboard that many
    readers open between two writes is computed for the first of them only."""
    parts = (unit.pk, period.code, structure, get_language(), today())
    return snapshots.kept("dashboard", parts, lambda: build(unit, period, structure))


def kept_default_period(unit: Unit) -> Period:
    """``default_period``, computed once per database snapshot and day."""
    return snapshots.kept("dashboard-period", (unit.pk, today()), lambda: default_period(unit))


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# --- the pivot table ------------------------------------------------------------------------


@dataclass
class Choice:
    code: str
    name: str
    kind: str  # "indicator" | "element"


def choices() -> list[Choice]:
    """Everything the pivot can show, indicators first, each list in Vietnamese order."""
    indicators = [Choice(c, n, "indicator") for c, n in Indicator.objects.values_list("code", "name")]
    elements = [
        Choice(c, n, "element")
        for c, n in DataElement.objects.exclude(value_type=ValueType.TEXT).values_list("code", "name")
    ]
    derived = [Choice(d.code, d.name, "element") for d in providers.all_elements()]
    return vn_sorted(indicators, key=lambda c: c.name) + vn_sorted(elements + derived, key=lambda c: c.name)


@dataclass
class Pivot:
    header: list[str]
    rows: list[tuple[Unit, list[Decimal | None]]]

    def csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(csv_row([_("Unit code"), _("Unit"), *self.header]))
        for unit, values in self.rows:
            writer.writerow(
                csv_row([unit.code, unit.name, *(format_number(v) if v is not None else "" for v in values)])
            )
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    def xlsx(self) -> bytes:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.worksheets[0]
        sheet.title = _("Figures")
        append_row(sheet, [_("Unit code"), _("Unit"), *self.header])
        for unit, values in self.rows:
            append_row(sheet, [unit.code, unit.name, *(float(v) if v is not None else None for v in values)])
        sheet.column_dimensions["B"].width = 40
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def pivot(
    unit: Unit,
    periods: list[Period],
    dx: list[str],
    rows_mode: str = "children",
    columns: str = "elements",
    structure: str = "period",
) -> Pivot:
    rows = analytics.values(dx, periods, unit, rows_mode, structure)
    table = analytics.table(rows)
    units: dict[int, Unit] = {}
    for p in periods:
        for u in analytics.targets(unit, rows_mode, structure, p):
            units[u.pk] = u
    names = {
        ind.code: Card(ind.code, ind.name, None, None, ind.is_percent, ind.unit_label.strip()).header
        for ind in Indicator.objects.filter(code__in=dx)
    }
    names |= dict(DataElement.objects.filter(code__in=dx).values_list("code", "name"))
    names |= {c: d.name for c in dx if c not in names and (d := providers.get(c)) is not None}
    codes = [c.strip().upper() for c in dx]
    if columns == "periods":
        pairs = [(c, p) for c in codes for p in periods]
    else:
        pairs = [(c, p) for p in periods for c in codes]
    header = [f"{names.get(c, c)} ({p.label})" if len(periods) > 1 else names.get(c, c) for c, p in pairs]
    body = [
        (u, [table.get((c, p.code, u.pk)) for c, p in pairs])
        for u in vn_sorted(units.values(), key=lambda u: u.name)
    ]
    return Pivot(header, body)
