"""Who may do what where: the scope of a user as a list of path prefixes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from .choices import ROLE_ACTIONS, Action, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Unit

_CACHE_ATTR = "_tuyengiao_scope_cache"


def _predecessors_of(unit_ids: set[int]) -> dict[int, set[int]]:
    """For each unit, every unit that (through any chain of merges, splits, renames) became it."""
    from .models import UnitSuccession

    found: dict[int, set[int]] = {u: set() for u in unit_ids}
    origin: dict[int, set[int]] = {u: {u} for u in unit_ids}  # unit reached -> assigned units it leads to
    frontier = set(unit_ids)
    while frontier:
        rows = UnitSuccession.objects.filter(successor_id__in=frontier).values_list("successor_id", "predecessor_id")
        nxt: set[int] = set()
        for successor, predecessor in rows:
            for assigned in origin[successor]:
                if predecessor not in found[assigned]:
                    found[assigned].add(predecessor)
                    origin.setdefault(predecessor, set()).add(assigned)
                    nxt.add(predecessor)
        frontier = nxt
    return found


def _minimal(paths: set[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_paths(user: AbstractBaseUser | AnonymousUser, action: str = Action.VIEW) -> list[str] | None:
    """Path prefixes the user may ``action`` in; ``None`` for superusers (everything).

    Every action's scope is worked out at the first call (three queries whatever the number of
    assignments) and cached on the user object, which lives for one request.
    """
    if not user.is_authenticated:
        return []
    if getattr(user, "is_superuser", False):
        return None
    cache: dict[str, list[str]] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        from .models import Assignment, Unit

        assignments = list(Assignment.objects.filter(user_id=user.pk).values_list("unit_id", "role"))
        assigned = {unit_id for unit_id, _role in assignments}
        history = _predecessors_of(assigned)
        every_id = assigned.union(*history.values())
        path_of = dict(Unit.objects.filter(pk__in=every_id).values_list("pk", "path"))
        cache = {}
        for act in ROLE_ACTIONS[Role.UNIT_ADMIN]:
            paths = {
                path_of[u]
                for unit_id, role in assignments if act in ROLE_ACTIONS[role]
                for u in {unit_id, *history[unit_id]} if u in path_of
            }
            cache[act] = _minimal(paths)
        setattr(user, _CACHE_ATTR, cache)
    return cache.get(action, [])


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
