from __future__ import annotations

from typing import Any

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def safe_snippet(value: Any) -> SafeString:
    """A search snippet with its highlights kept and anything else neutralised."""
    return mark_safe(nh3.clean(str(value or ""), tags={"mark", "b", "em"}, attributes={}))  # noqa: S308
