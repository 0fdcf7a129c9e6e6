from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def unread_count(user: Any) -> int:
    """The number shown on the inbox tab."""
    from tuyengiao.handbook.services import member_of
    from tuyengiao.handbook.services import unread_count as count

    return count(member_of(user)) if user.is_authenticated else 0
