"""Small template helpers of the reporting pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def person(user: Any) -> str:
    from tuyengiao.reporting.services import person_name

    return person_name(user) if user else ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def reporting_only(rows: Any) -> list[Any]:
    """Rows of the status table for units that report something (a cell with nothing due is left out)."""
    return [row for row in rows or [] if row.expected or row.status]
