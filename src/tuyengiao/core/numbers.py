"""Numbers and dates written the Vietnamese way: 47.600; 97,5%; 28/12/2022; 03."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import dateformat, numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _

Number = int | float | Decimal

# The largest count a database integer column holds (PostgreSQL ``integer``).
MAX_COUNT = 2_147_483_647
# Plain ASCII digits only: Python's own int() and Decimal() also read Arabic-Indic and
# full-width digits, underscores ("1_000"), exponents and "NaN", none of which a person means.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def _to_decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _vi(format_type: str) -> Any:
    """A setting of the project's Vietnamese formats (``tuyengiao/formats/vi``), whatever the
    active language: figures in reports are written the Vietnamese way."""
    return get_format(format_type, lang="vi", use_l10n=True)


def format_number(value: Number | None, decimals: int | None = None) -> str:
    """47600 -> "47.600"; 2.5 -> "2,5". ``decimals=None`` keeps only significant decimals."""
    if value is None:
        return ""
    number = _to_decimal(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    out = numberformat.format(
        number,
        _vi("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=_vi("NUMBER_GROUPING"),
        thousand_sep=_vi("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    if out.startswith("-") and not any(ch not in "0.,-" for ch in out):
        out = out[1:]  # no "-0"
    return out


def format_percent(value: Number | None, decimals: int = 1) -> str:
    """97.5 -> "97,5%"; 100.0 -> "100%". Trailing zero decimals are dropped as in reports."""
    if value is None:
        return ""
    rounded = _to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format_number(rounded, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + "%"


def format_count(value: int) -> str:
    """Counts under ten with a leading zero, as reports write them: 3 -> "03"."""
    return f"{value:02d}" if 0 <= value < 10 else format_number(value)


def format_date(value: dt.date | dt.datetime | None) -> str:
    """28/12/2022."""
    if value is None:
        return ""
    return dateformat.format(value, _vi("SHORT_DATE_FORMAT"))


def parse_date(text: str) -> dt.date:
    """Read dd/mm/yyyy (also yyyy-mm-dd); raise ValueError with a Vietnamese reason."""
    raw = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no zone
        except ValueError:
            continue
    raise ValueError(_("“%(text)s” is not a valid date (dd/mm/yyyy)") % {"text": raw})


def parse_number(text: str) -> Decimal:
    """Read "47.600" or "97,5" (also plain "47600" / "97.5" from spreadsheets)."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if raw.endswith("%"):
        raw = raw[:-1]
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") > 1 or (raw.count(".") == 1 and len(raw.split(".")[1]) == 3):
        # "47.600" is a thousands separator in Vietnamese writing.
        raw = raw.replace(".", "")
    if not _PLAIN_NUMBER.fullmatch(raw) or len(raw) > 40:
        raise ValueError(_("“%(text)s” is not a valid number") % {"text": text})
    return Decimal(raw)


def parse_count(text: str, maximum: int = MAX_COUNT) -> int:
    """Read a count ("47.600", "12"): a whole number from 0 to ``maximum``, written with ASCII
    digits and dots between thousands; raise ValueError with a Vietnamese reason otherwise.

    Every count typed on a page or in an imported file is read here, so what the database cannot
    hold is refused with the field's own message instead of failing on save.
    """
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+", raw, re.ASCII):
        raise ValueError(_("“%(text)s” is not a whole number (write it with digits, e.g. 1.200)") % {"text": text})
    digits = raw.replace(".", "")
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise ValueError(
            _("“%(text)s” is too large: at most %(max)s") % {"text": text, "max": format_number(maximum)}
        )
    return int(digits)
