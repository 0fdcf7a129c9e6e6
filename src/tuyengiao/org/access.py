"""Who may do what where: one ``Scope`` per user and request.

A user acts within the subtrees of the units they are assigned to, with the actions of their
role there, and within the history of those units (the subtrees of every unit that became
them through merges, splits and renames). The scope is worked out once, in one query
whatever the number of assignments, and kept on the user object, which lives for one request.
Every restriction goes through it: querysets (``Model.objects.restrict`` -> ``Scope.filter``),
conditions on other tables (``Scope.q``) and single units (``Scope.allows``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Q
from django.http import Http404

from tuyengiao.core.scoping import Reach, Visibility
from tuyengiao.core.sql import column, table

from .choices import ROLE_ACTIONS, Action, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Unit, UnitQuerySet

    AnyUser = AbstractBaseUser | AnonymousUser

Q_T = TypeVar("Q_T", bound=models.QuerySet[Any])

_CACHE_ATTR = "_tuyengiao_scope"


def _minimal(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop prefixes already covered by a shorter one."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _above(paths: Iterable[str]) -> list[str]:
    """The paths of the units above each of these (not the units themselves)."""
    found: set[str] = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        for i in range(1, len(parts)):
            found.add("/" + "/".join(parts[:i]) + "/")
    return sorted(found)


def _path_lookup(field: str) -> str:
    return f"{field}__path" if field else "path"


def _assigned_paths(user_id: int) -> list[tuple[str, str]]:
    """(role, path) for each unit the user is assigned to and each unit in its history: one
    statement, since every request that touches records builds a scope."""
    from . import tree
    from .models import Assignment, Unit

    unit, role, user = (column(Assignment, name) for name in ("unit", "role", "user"))
    sql = (
        f"WITH RECURSIVE a AS (SELECT {unit} AS id, {role} AS role FROM {table(Assignment)} WHERE {user} = %s),"
        f" {tree.history_cte('SELECT DISTINCT id FROM a')}"
        f" SELECT a.role, u.{column(Unit, 'path')} FROM a JOIN back b ON b.origin = a.id"
        f" JOIN {table(Unit)} u ON u.{column(Unit, 'id')} = b.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return [(str(r), str(p)) for r, p in cursor.fetchall()]


class Scope:
    """What one user may reach, per action, as the materialised paths of the subtrees' tops."""

    def __init__(self, user_id: int | None, prefixes: dict[str, tuple[str, ...]], everything: bool = False) -> None:
        self.user_id = user_id
        self.everything = everything
        self._prefixes = prefixes

    @classmethod
    def of(cls, user: AnyUser) -> Scope:
        """The user's scope, built at the first call and kept on the user object."""
        cached = getattr(user, _CACHE_ATTR, None)
        if isinstance(cached, Scope):
            return cached
        scope = cls.build(user)
        setattr(user, _CACHE_ATTR, scope)
        return scope

    @classmethod
    def build(cls, user: AnyUser) -> Scope:
        if not user.is_authenticated:
            return cls(None, {})
        if getattr(user, "is_superuser", False):
            return cls(user.pk, {}, everything=True)
        prefixes: dict[str, tuple[str, ...]] = {}
        held = _assigned_paths(user.pk)
        for action in ROLE_ACTIONS[Role.UNIT_ADMIN]:
            prefixes[action] = _minimal(path for role, path in held if action in ROLE_ACTIONS[role])
        return cls(user.pk, prefixes)

    # --- what the scope holds ---------------------------------------------------------------

    def prefixes(self, action: str = Action.VIEW) -> tuple[str, ...]:
        """The paths of the top units reached for ``action`` (empty for a superuser: see ``everything``)."""
        return self._prefixes.get(action, ())

    def reaches_anything(self, action: str = Action.VIEW) -> bool:
        return self.everything or bool(self.prefixes(action))

    def allows(self, unit: Unit, action: str = Action.VIEW) -> bool:
        """May the user ``action`` in this unit (and so on the records it holds)?"""
        return self.everything or any(unit.path.startswith(p) for p in self.prefixes(action))

    def top_units(self, action: str = Action.VIEW) -> UnitQuerySet:
        """The units at the top of the scope (every unit for a superuser)."""
        from .models import Unit

        if self.everything:
            return Unit.objects.all()
        return Unit.objects.filter(path__in=self.prefixes(action))

    # --- conditions and querysets -----------------------------------------------------------

    def path_q(self, lookup: str, action: str = Action.VIEW, reach: Reach = Reach.SUBTREE) -> Q:
        """A condition on a field holding a unit's path (e.g. an audit entry's ``unit_path``)."""
        if self.everything:
            return Q()
        prefixes = self.prefixes(action)
        if not prefixes:
            return Q(pk__in=[])
        condition = Q()
        for path in prefixes:
            condition |= Q(**{f"{lookup}__startswith": path})
        if reach == Reach.SUBTREE_AND_ABOVE:
            above = _above(prefixes)
            if above:
                condition |= Q(**{f"{lookup}__in": above})
        return condition

    def q(self, field: str, action: str = Action.VIEW, reach: Reach = Reach.SUBTREE) -> Q:
        """A condition on records whose unit is in ``field`` ("" for units themselves)."""
        return self.path_q(_path_lookup(field), action, reach)

    def filter(self, queryset: Q_T, action: str = Action.VIEW,
               visibility: tuple[Visibility, ...] | None = None) -> Q_T:
        """Only the records the user may ``action``, as the queryset's model declares them reached."""
        if self.everything:
            return queryset
        if visibility is None:
            declared = getattr(queryset, "visibility", None)
            if declared is None:
                raise TypeError(f"{type(queryset).__name__} does not declare how its records are reached")
            visibility = declared()
        if action != Action.VIEW:
            # Other ways of being reached (documents issued above, a campaign's scope) are for
            # reading; changing a record needs the role over the unit that holds it.
            visibility = (Visibility(visibility[0].field, Reach.SUBTREE),)
        parts = [self.q(v.field, action, v.reach) for v in visibility] if self.prefixes(action) else []
        owner = getattr(queryset, "owner_field", None)
        if owner and self.user_id is not None and action == Action.VIEW:
            parts.append(Q(**{owner: self.user_id}))
        if not parts:
            return queryset.none()
        condition = Q()
        for part in parts:
            condition |= part
        return queryset.filter(condition)


def get_unit_for_user(user: AnyUser, pk: int | str, action: str = Action.VIEW) -> Unit:
    """The unit if the user may see it (404 otherwise); raise PermissionDenied if they may see
    it but not ``action`` it."""
    from .models import Unit

    unit = Unit.objects.restrict(user, Action.VIEW).filter(pk=pk).first()
    if unit is None:
        raise Http404
    if action != Action.VIEW and not Scope.of(user).allows(unit, action):
        raise PermissionDenied
    return unit
