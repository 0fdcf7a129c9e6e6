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
from functools import cached_property, total_ordering

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
        return _MONTHS[self.value]


_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


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

    @cached_property
    def code(self) -> str:
        """Kept once computed: roll-ups look a period's code up thousands of times per answer."""
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

    def within(self) -> list[Period]:
        """This period and every shorter one inside it: the periods a figure that counts for it
        may be stored for (a year's: its months, quarters, halves and itself)."""
        return [sp for kind in PeriodType if kind.months <= self.type.months for sp in self.subperiods(kind)]

    def enclosing(self) -> list[Period]:
        """This period and every longer one that contains it: where a figure stored for it counts."""
        return [self.parent(kind) for kind in PeriodType if kind.months >= self.type.months]

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


# --- what people type -----------------------------------------------------------------------

_ROMAN_INDEX = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_SEPARATORS = re.compile(r"[\s/\\\-.,:_]+")
_TYPED: list[tuple[re.Pattern[str], PeriodType]] = [
    # "tháng 12/2025", "thang 12 nam 2025", "t12/2025", "12/2025", "month 12/2025"
    (re.compile(r"^(?:thang |month |t ?)?(?P<i>\d{1,2}) (?:nam |year )?(?P<y>\d{4})$"), PeriodType.MONTH),
    (re.compile(r"^(?P<y>\d{4}) (?P<i>\d{1,2})$"), PeriodType.MONTH),  # "2025-12"
    # "quý IV/2025", "quy 4 2025", "q4/2025", "quarter IV/2025"
    (
        re.compile(r"^(?:quy|quarter|q) ?(?P<i>[1-4]|iv|i{1,3}) (?:nam |year )?(?P<y>\d{4})$"),
        PeriodType.QUARTER,
    ),
    # "6 tháng đầu năm 2025", "sáu tháng cuối năm 2025", "nửa cuối năm 2025", "first 6 months of 2025"
    (
        re.compile(
            r"^(?:(?:6|sau) thang|nua) (?P<i>dau|cuoi)(?: nam)? (?P<y>\d{4})$"
            r"|^(?P<i2>first|last) (?:6 months|half)(?: of)? (?P<y2>\d{4})$"
        ),
        PeriodType.HALF_YEAR,
    ),
    # "năm 2025", "2025", "year 2025"
    (re.compile(r"^(?:nam |year )?(?P<y>\d{4})$"), PeriodType.YEAR),
]


def parse_text(text: str) -> Period:
    """A period from what a person types: a code, a label, with or without accents.

    "12/2025", "tháng 12/2025", "quý IV/2025", "quy 4 2025", "6 tháng cuối năm 2025", "năm 2025",
    "2025" and the codes 202512, 2025Q4, 2025S2 all read; anything else raises ``ValueError`` with
    a message that says what to type, so a page can show it beside the field.
    """
    from .text import fold

    raw = text.strip() if isinstance(text, str) else ""
    if raw and _PATTERN.match(raw.upper()):
        return Period.parse(raw)
    folded = _SEPARATORS.sub(" ", fold(raw)).strip()
    for pattern, kind in _TYPED:
        match = pattern.match(folded)
        if not match:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        year = int(groups.get("y") or groups["y2"])
        index_text = groups.get("i") or groups.get("i2") or "1"
        if kind is PeriodType.HALF_YEAR:
            index = 1 if index_text in ("dau", "first") else 2
        elif kind is PeriodType.QUARTER:
            index = _ROMAN_INDEX.get(index_text) or int(index_text)
        else:
            index = int(index_text)
        if year >= 1 and 1 <= index <= 12 // kind.months:
            return Period(kind, year, index)
    raise ValueError(
        _(
            "Cannot read the period “%(text)s”: type for example “tháng 12/2025”, “quý IV/2025”, "
            "“6 tháng đầu năm 2025” or “năm 2025”."
        )
        % {"text": raw}
    )


def recent(period_type: PeriodType | str, day: dt.date, count: int = 8) -> list[Period]:
    """The last ``count`` periods of a type that have ended by ``day``, latest first (a picker's list)."""
    last = Period.of(period_type, day).previous
    return [last.shift(-i) for i in range(count)]
