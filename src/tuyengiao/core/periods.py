"""Reporting periods as codes: ``2023`` (year), ``2023S1`` (half-year), ``2023Q2`` (quarter),
``202306`` (month).

Codes are what the API, imports and the database store; labels are what boards write
("6 tháng đầu năm 2023", "quý II/2023", "tháng 6/2023", "năm 2023").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering

from django.utils.translation import gettext as _

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Years a report can speak of: from the Party's founding to the end of the century. Outside
# this range a code is a typing error, and dates of year 0 or past 9999 cannot even be built.
FIRST_YEAR = 1930
LAST_YEAR = 2100
_PATTERN = re.compile(r"^(?P<year>[0-9]{4})(?:(?P<half>S[12])|(?P<quarter>Q[1-4])|(?P<month>0[1-9]|1[0-2]))?$")


class PeriodType(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[self.value]


@total_ordering
@dataclass(frozen=True)
class Period:
    """A calendar period; ordered by start, then by length (a month before its quarter)."""

    type: PeriodType
    year: int
    index: int  # month 1-12, quarter 1-4, half 1-2, year 1

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(
                _("The year of period “%(code)s” must be from %(first)d to %(last)d.")
                % {"code": self.code, "first": FIRST_YEAR, "last": LAST_YEAR}
            )

    @classmethod
    def parse(cls, code: str) -> Period:
        match = _PATTERN.match(code.strip().upper()) if isinstance(code, str) else None
        if not match:
            raise ValueError(
                _("The period code “%(code)s” is not valid: use 2023, 2023S1, 2023Q2 or 202306") % {"code": code}
            )
        year = int(match["year"])
        if match["half"]:
            return cls(PeriodType.HALF_YEAR, year, int(match["half"][1]))
        if match["quarter"]:
            return cls(PeriodType.QUARTER, year, int(match["quarter"][1]))
        if match["month"]:
            return cls(PeriodType.MONTH, year, int(match["month"]))
        return cls(PeriodType.YEAR, year, 1)

    @classmethod
    def of(cls, period_type: PeriodType | str, day: dt.date) -> Period:
        """The period of a type that contains a day."""
        kind = PeriodType(period_type)
        index = {
            PeriodType.MONTH: day.month,
            PeriodType.QUARTER: (day.month - 1) // 3 + 1,
            PeriodType.HALF_YEAR: (day.month - 1) // 6 + 1,
            PeriodType.YEAR: 1,
        }[kind]
        return cls(kind, day.year, index)

    @property
    def code(self) -> str:
        if self.type is PeriodType.MONTH:
            return f"{self.year:04d}{self.index:02d}"
        if self.type is PeriodType.QUARTER:
            return f"{self.year:04d}Q{self.index}"
        if self.type is PeriodType.HALF_YEAR:
            return f"{self.year:04d}S{self.index}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.code

    @property
    def first_month(self) -> int:
        return (self.index - 1) * self.type.months + 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        last = self.first_month + self.type.months - 1
        return dt.date(self.year, last, calendar.monthrange(self.year, last)[1])

    @property
    def label(self) -> str:
        """The way a report names the period."""
        if self.type is PeriodType.MONTH:
            return _("month %(month)d/%(year)d") % {"month": self.index, "year": self.year}
        if self.type is PeriodType.QUARTER:
            return _("quarter %(quarter)s/%(year)d") % {"quarter": _ROMAN[self.index], "year": self.year}
        if self.type is PeriodType.HALF_YEAR:
            if self.index == 1:
                return _("first 6 months of %(year)d") % {"year": self.year}
            return _("last 6 months of %(year)d") % {"year": self.year}
        return _("year %(year)d") % {"year": self.year}

    def contains(self, other: Period) -> bool:
        """Month ⊂ quarter ⊂ half-year ⊂ year (a period contains itself)."""
        return self.start <= other.start and other.end <= self.end

    def months(self) -> list[Period]:
        first = self.first_month
        return [Period(PeriodType.MONTH, self.year, m) for m in range(first, first + self.type.months)]

    def subperiods(self, period_type: PeriodType | str) -> list[Period]:
        """The periods of a shorter type that make up this one."""
        kind = PeriodType(period_type)
        if kind.months > self.type.months:
            raise ValueError(_("A %(short)s period is longer than a %(long)s one") % {"short": kind, "long": self.type})
        step = kind.months
        return [
            Period.of(kind, dt.date(self.year, month, 1))
            for month in range(self.first_month, self.first_month + self.type.months, step)
        ]

    def parent(self, period_type: PeriodType | str) -> Period:
        return Period.of(period_type, self.start)

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods later (negative: earlier)."""
        per_year = 12 // self.type.months
        ordinal = self.year * per_year + (self.index - 1) + steps
        return Period(self.type, ordinal // per_year, ordinal % per_year + 1)

    @property
    def previous(self) -> Period:
        return self.shift(-1)

    @property
    def same_period_last_year(self) -> Period:
        """"Cùng kỳ": the comparison boards quote."""
        return Period(self.type, self.year - 1, self.index)

    def _sort_key(self) -> tuple[dt.date, int]:
        return (self.start, self.type.months)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()


def period_range(first: Period, last: Period) -> list[Period]:
    """Every period of first's type from first to last inclusive."""
    if first.type is not last.type:
        raise ValueError(_("Both periods must be of the same type"))
    out = []
    current = first
    while current <= last:
        out.append(current)
        current = current.shift(1)
    return out
