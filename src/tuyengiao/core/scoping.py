"""Row-level scoping by the organisation tree, the generic half.

A model whose records belong to a unit uses ``ScopedQuerySet`` and declares which field holds
the unit and how far visibility reaches from there; ``Model.objects.restrict(user, action)``
then hands the queryset to the user's scope, which keeps only what the user may reach. Records
outside are simply not in the queryset, so a detail view answers 404.

The scope itself (who may do what where, from the user's assignments) is built by the ``org``
app, which registers its builder when it is ready: this module imports nothing from it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

Q_T = TypeVar("Q_T", bound=models.QuerySet[Any])


class Reach(enum.StrEnum):
    """How far from a unit its records are seen."""

    SUBTREE = "subtree"  # by those assigned to the unit or any unit above it
    SUBTREE_AND_ABOVE = "subtree_and_above"  # also by those below it: what a unit issues flows down


@dataclass(frozen=True)
class Visibility:
    """One way a record is reached: through the unit in ``field`` ("" when the record is a unit)."""

    field: str = "unit"
    reach: Reach = Reach.SUBTREE


class ScopeLike(Protocol):
    everything: bool

    def filter(self, queryset: Q_T, action: str = "view",
               visibility: tuple[Visibility, ...] | None = None) -> Q_T: ...

    def q(self, field: str, action: str = "view", reach: Reach = Reach.SUBTREE) -> Q: ...

    def reaches_anything(self, action: str = "view") -> bool: ...


_builder: Callable[[Any], ScopeLike] | None = None


def register_scope_builder(builder: Callable[[Any], ScopeLike]) -> None:
    """Called once by the app that knows users' assignments (``org``) when it is ready."""
    global _builder
    _builder = builder


def scope_of(user: AnyUser) -> ScopeLike:
    """The user's scope (built once and kept for the request)."""
    if _builder is None:
        raise ImproperlyConfigured("No scope builder registered: is the org app installed?")
    return _builder(user)


class ScopedQuerySet(models.QuerySet[Any]):
    """Base queryset for models that belong to a unit.

    Declare ``unit_field`` (the field holding the unit, "" for units themselves) and ``reach``;
    ``also_visible`` adds other ways a record is reached (a campaign is seen where its scope
    reaches); ``owner_field`` names a user field whose records their owner may always view.
    """

    unit_field = "unit"
    reach = Reach.SUBTREE
    also_visible: tuple[Visibility, ...] = ()
    owner_field: str | None = None

    @classmethod
    def visibility(cls) -> tuple[Visibility, ...]:
        return (Visibility(cls.unit_field, cls.reach), *cls.also_visible)

    def restrict(self, user: AnyUser, action: str = "view") -> Self:
        return scope_of(user).filter(self, action)
