"""Figures written the way review reports write them, for every app's review section.

"312 hội nghị", "03 cuộc", "45.210 lượt đảng viên tham gia, đạt 98,1%, tăng 2,3 điểm phần trăm so
với cùng kỳ". The rules: Vietnamese number formats; counts under ten with a leading zero; a change
in a rate in percentage points, a change in a count in per cent; "tăng", "giảm" or "bằng cùng kỳ"
by the sign, never "tăng 0%"; no phrase at all for a missing figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .numbers import format_number


def count(value: Decimal | int | None, noun: str = "") -> str:
    """A count as the reports write it: "03 cuộc", "12 lớp", "47.600 đảng viên" ("" when missing)."""
    if value is None:
        return ""
    number = Decimal(value)
    small = number == number.to_integral_value() and 0 <= number < 10
    text = f"{int(number):02d}" if small else format_number(number)
    return f"{text} {noun}".strip()


def rate(value: Decimal | None, decimals: int = 1) -> str:
    """97,5% ("" when missing)."""
    if value is None:
        return ""
    return f"{format_number(_round(value, decimals))}%"


def _round(value: Decimal, decimals: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def count_change(now: Decimal | int | None, before: Decimal | int | None, against: str | None = None) -> str:
    """", tăng 12,5% so với cùng kỳ" for counts; "" when either figure is missing or the base is 0."""
    if now is None or before is None:
        return ""
    against = against or _("the same period last year")
    now, before = Decimal(now), Decimal(before)
    if now == before:
        return _("equal to %(against)s") % {"against": against}
    if before == 0:
        return ""
    change = _round(abs(now - before) / before * 100, 1)
    if change == 0:
        return _("equal to %(against)s") % {"against": against}
    word = _("up") if now > before else _("down")
    return _("%(word)s %(change)s%% on %(against)s") % {
        "word": word, "change": format_number(change), "against": against,
    }


def rate_change(now: Decimal | None, before: Decimal | None, against: str | None = None) -> str:
    """"tăng 2,3 điểm phần trăm so với cùng kỳ" for rates; "" when either rate is missing."""
    if now is None or before is None:
        return ""
    against = against or _("the same period last year")
    change = _round(Decimal(now) - Decimal(before), 1)
    if change == 0:
        return _("equal to %(against)s") % {"against": against}
    word = _("up") if change > 0 else _("down")
    return _("%(word)s %(change)s percentage points on %(against)s") % {
        "word": word, "change": format_number(abs(change)), "against": against,
    }
