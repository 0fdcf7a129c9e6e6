"""Who may do what where: the scope of a user as a list of path prefixes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from .choices import ROLE_ACTIONS, Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Unit

_CACHE_ATTR = "_tuyengiao_scope_cache"


def _predecessor_ids(unit_ids: set[int]) -> set[int]:
    """Every unit that (through any chain of merges, splits, renames) became one of these."""
    from .models import UnitSuccession

    seen: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        found = set(
            UnitSuccession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)
        )
        frontier = found - seen - unit_ids
        seen |= frontier
    return seen


def scope_paths(user: AbstractBaseUser | AnonymousUser, action: str = Action.VIEW) -> list[str] | None:
    """Path prefixes the user may ``action`` in; ``None`` for superusers (everything).

    Cached on the user object, which lives for one request.
    """
    if not user.is_authenticated:
        return []
    if getattr(user, "is_superuser", False):
        return None
    cache: dict[str, list[str]] = getattr(user, _CACHE_ATTR, None) or {}
    if action in cache:
        return cache[action]
    from .models import Assignment, Unit

    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    unit_ids = set(
        Assignment.objects.filter(user_id=user.pk, role__in=roles).values_list("unit_id", flat=True)
    )
    unit_ids |= _predecessor_ids(unit_ids)
    paths = sorted(set(Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True)))
    # Drop prefixes already covered by a shorter one.
    minimal: list[str] = []
    for path in paths:
        if not any(path.startswith(kept) for kept in minimal):
            minimal.append(path)
    cache[action] = minimal
    setattr(user, _CACHE_ATTR, cache)
    return minimal


def can(user: AbstractBaseUser | AnonymousUser, action: str, unit: Unit) -> bool:
    paths = scope_paths(user, action)
    return paths is None or any(unit.path.startswith(p) for p in paths)


def get_unit_for_user(user: AbstractBaseUser | AnonymousUser, pk: int | str, action: str = Action.VIEW) -> Unit:
    """The unit if the user may see it (404 otherwise); raise PermissionDenied if they may see
    it but not ``action`` it."""
    from django.core.exceptions import PermissionDenied

    from .models import Unit

    unit = Unit.objects.restrict(user, Action.VIEW).filter(pk=pk).first()
    if unit is None:
        raise Http404
    if action != Action.VIEW and not can(user, action, unit):
        raise PermissionDenied
    return unit
