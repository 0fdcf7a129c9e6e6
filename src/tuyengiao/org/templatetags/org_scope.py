"""Template helpers that follow the user's scope, so pages never link to what answers 404."""

from __future__ import annotations

from typing import Any

from django import template

from tuyengiao.org.access import Scope
from tuyengiao.org.models import Unit

register = template.Library()


@register.filter
def in_scope(unit: Unit | None, user: Any) -> bool:
    """``{% if unit|in_scope:request.user %}``: may the user open this unit's page?"""
    return unit is not None and user is not None and Scope.of(user).allows(unit)


@register.inclusion_tag("org/_breadcrumbs.html", takes_context=True)
def unit_breadcrumbs(context: template.Context, units: list[Unit], url_name: str = "org:unit_detail") -> dict[str, Any]:
    """The trail of units above a page: links to those the user may open, plain names for the rest."""
    request = context.get("request")
    scope = Scope.of(request.user) if request is not None else None
    return {
        "crumbs": [(unit, scope is not None and scope.allows(unit)) for unit in units],
        "url_name": url_name,
    }
