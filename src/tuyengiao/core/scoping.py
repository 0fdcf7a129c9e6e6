"""The one restriction helper: every list and fetch of unit-owned records goes through here.

A user sees the subtrees of the units they are assigned to (and the history of those units'
predecessors); anything else is simply not in the queryset, so a detail view answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Q_T = TypeVar("Q_T", bound=models.QuerySet[Any])


def scope_q(user: AbstractBaseUser | AnonymousUser, action: str = "view", unit_field: str = "unit") -> Q | None:
    """A filter for records whose unit lies in the user's scope; ``None`` means no limit."""
    from tuyengiao.org.access import scope_paths

    paths = scope_paths(user, action)
    if paths is None:
        return None
    lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{lookup: path})
    return condition


def restrict(
    queryset: Q_T, user: AbstractBaseUser | AnonymousUser, action: str = "view", unit_field: str = "unit"
) -> Q_T:
    condition = scope_q(user, action, unit_field)
    if condition is None:
        return queryset
    return queryset.filter(condition)


class ScopedQuerySet(models.QuerySet[Any]):
    """Base queryset for models that belong to a unit; set ``unit_field`` if not ``unit``."""

    unit_field = "unit"

    def restrict(self, user: AbstractBaseUser | AnonymousUser, action: str = "view") -> ScopedQuerySet:
        return restrict(self, user, action, self.unit_field)
