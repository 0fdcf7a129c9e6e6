"""Template filters that write numbers, percents, dates and periods the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from tuyengiao.core.numbers import format_count, format_date, format_number, format_percent
from tuyengiao.core.periods import Period

register = template.Library()


@register.filter
def vn_number(value: Any, decimals: Any = None) -> str:
    if value is None or value == "":
        return ""
    try:
        return format_number(value, int(decimals) if decimals not in (None, "") else None)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)


@register.filter
def vn_percent(value: Any, decimals: int = 1) -> str:
    if value is None or value == "":
        return ""
    try:
        return format_percent(value, int(decimals))
    except (ArithmeticError, ValueError, TypeError):
        return str(value)


@register.filter
def vn_percent_of_one(value: Any) -> str:
    """0.5 -> "50%"."""
    return vn_percent(Decimal(str(value)) * 100)


@register.filter
def vn_count(value: Any) -> str:
    return format_count(int(value)) if value not in (None, "") else ""


@register.filter
def vn_date(value: Any) -> str:
    return format_date(value) if value else ""


@register.filter
def period_label(code: Any) -> str:
    try:
        return Period.parse(str(code)).label
    except ValueError:
        return str(code)


@register.filter
def changes_text(changes: Any) -> str:
    if not isinstance(changes, dict):
        return ""
    parts = []
    for field, values in list(changes.items())[:6]:
        if isinstance(values, list | tuple) and len(values) == 2:
            parts.append(f"{field}: {values[0]} → {values[1]}")
        else:
            parts.append(f"{field}")
    return "; ".join(parts)
