"""Figures written the way review reports write them, for every app's review section.

"312 hội nghị", "03 cuộc", "45.210 lượt đảng viên tham gia, đạt 98,1%, tăng 2,3 điểm phần trăm so
với cùng kỳ". The rules: Vietnamese number formats; counts under ten with a leading zero; a change
in a rate in percentage points, a change in a count in per cent; "tăng", "giảm" or "bằng cùng kỳ"
by the sign, never "tăng 0%"; no phrase at all for a missing figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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


# --- period labels, ordinals and phrases built from figures ------------------------------------

def ordinal(position: int) -> str:
    """"thứ nhất", "thứ hai", "thứ tư"… (1-based); past ten "thứ 11"."""
    words = {
        1: _("first (ordinal)"), 2: _("second (ordinal)"), 3: _("third (ordinal)"), 4: _("fourth (ordinal)"),
        5: _("fifth (ordinal)"), 6: _("sixth (ordinal)"), 7: _("seventh (ordinal)"), 8: _("eighth (ordinal)"),
        9: _("ninth (ordinal)"), 10: _("tenth (ordinal)"),
    }  # fmt: skip
    return words.get(position) or _("number %(n)s (ordinal)") % {"n": position}


def period_label(period: Any) -> str:
    """"6 tháng đầu năm 2025", "6 tháng cuối năm 2025", "năm 2025" (as inside a sentence)."""
    return str(period.label)


def in_period(period: Any) -> str:
    """"Trong 6 tháng đầu năm 2025", "Trong năm 2025": how a review opens a field's paragraph."""
    return _("In %(period)s") % {"period": period_label(period)}


def sentence(text: str) -> str:
    """Capital first letter and a closing full stop ("" stays "")."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def lower_first(text: str) -> str:
    """"Số lượt đảng viên" -> "số lượt đảng viên" (names inside a sentence)."""
    return text[:1].lower() + text[1:] if text else text


_COUNT_PREFIX = ("Số ", "số ")


def against(period: Any) -> str:
    """What a change is measured against: "cùng kỳ" for a half-year, "năm 2024" for a year."""
    if period.type.value == "year":
        return str(period.same_period_last_year.label)
    return _("the same period last year")


def count_phrase(name: str, value: Decimal | int | None) -> str:
    """A count named by its element: "Số lượt đảng viên tham gia" + 45210 -> "45.210 lượt đảng viên
    tham gia"; none at all -> "chưa có công trình…"; a name that does not start with "Số" -> "tên:
    45.210" ("" when missing)."""
    if value is None:
        return ""
    for prefix in _COUNT_PREFIX:
        if name.startswith(prefix):
            noun = name[len(prefix):].strip()
            if Decimal(value) == 0:
                return _("no %(noun)s yet") % {"noun": noun}
            return count(value, noun)
    return f"{lower_first(name)}: {count(value)}"


def rate_phrase(name: str, value: Decimal | None, unit_label: str = "%") -> str:
    """"tỷ lệ đảng viên tham gia học tập đạt 98,1%" ("" when missing)."""
    if value is None:
        return ""
    shown = rate(value) if unit_label == "%" else f"{format_number(_round(value, 1))} {unit_label}".strip()
    return _("%(name)s reached %(value)s") % {"name": lower_first(name), "value": shown}


def with_change(phrase: str, change: str) -> str:
    """"45.210 lượt…, tăng 2,3% so với cùng kỳ" (the change left out when there is none)."""
    if not phrase:
        return ""
    return f"{phrase}, {change}" if change else phrase


def join_clauses(clauses: list[str]) -> str:
    """Clauses of one sentence separated by semicolons, empty ones left out."""
    return "; ".join(c for c in clauses if c)
