from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def figure(value: Any, kind: str = "count") -> str:
    """A stored figure (a decimal string) the way the report writes it; "—" when missing."""
    from ..render import display

    return display(value, kind)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
