"""What the dashboard and the pivot page show, computed through the analytics service."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.core.tabular import append_row, csv_row
from tuyengiao.core.text import vn_sorted
from tuyengiao.org.models import Unit

from . import analytics
from .models import DataElement, DataSetElement, DataValue, Indicator


@dataclass
class Card:
    code: str
    name: str
    value: Decimal | None
    last_year: Decimal | None
    is_percent: bool = False

    @property
    def change(self) -> Decimal | None:
        """Percent change versus the same period last year."""
        if self.value is None or not self.last_year:
            return None
        return (self.value - self.last_year) * 100 / self.last_year

    @property
    def points(self) -> Decimal | None:
        """For rates, the change in percentage points."""
        if self.value is None or self.last_year is None:
            return None
        return self.value - self.last_year


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
    chart_index: int = 0  # the column the children chart shows

    def chart_data(self) -> dict[str, object]:
        """What the ECharts scripts draw, passed to the page with ``json_script``."""
        column = self.chart_index
        return {
            "periods": self.trend_periods,
            "series": [{"name": name, "data": data} for name, data in self.trend.items()],
            "children": [unit.name for unit, _values in self.children],
            "childValues": [_float(values[column]) if values else None for _unit, values in self.children],
            "childLabel": self.cards[column].name if self.cards else "",
        }


def default_period() -> Period:
    """The latest half-year that has any stored value (or the last finished half-year)."""
    latest = DataValue.objects.aggregate(m=Max("period"))["m"]
    if latest:
        return Period.parse(latest).parent(PeriodType.HALF_YEAR) if len(latest) != 4 else Period.parse(latest)
    from tuyengiao.org.models import today

    return Period.of(PeriodType.HALF_YEAR, today()).previous


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


def build(unit: Unit, period: Period, structure: str = "period") -> Dashboard:
    indicators, elements = key_codes()
    dx = [i.code for i in indicators] + ["DV_SO_LUONG"] + [e.code for e in elements]
    names = {i.code: i.name for i in indicators} | {e.code: e.name for e in elements}
    names["DV_SO_LUONG"] = _("Party members")
    percent = {i.code for i in indicators if i.is_percent}
    last = period.same_period_last_year
    got = analytics.table(analytics.values(dx, [period, last], unit, "self", structure))
    cards = [
        Card(
            code,
            names[code],
            got.get((code, period.code, unit.pk)),
            got.get((code, last.code, unit.pk)),
            code in percent,
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
    chart_index = dx.index(rates[0]) if rates else 0
    return Dashboard(
        unit, period, structure, cards, [p.label for p in trend_periods], trend, children, cards, chart_index
    )


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


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
    names = dict(Indicator.objects.filter(code__in=dx).values_list("code", "name"))
    names |= dict(DataElement.objects.filter(code__in=dx).values_list("code", "name"))
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
