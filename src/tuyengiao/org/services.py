"""Writes and queries on the organisation tree.

``reorganise`` is the only way the structure changes after creation: it validates the whole
change first and then applies it in one transaction, so a refused change leaves no trace.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.numbers import format_date

from .choices import ALLOWED_PARENTS, SuccessionKind, UnitKind
from .models import Unit, UnitPlacement, UnitSuccession, open_on_q, today


class ReorganisationError(UserError):
    """A refused reorganisation; ``problems`` lists every reason, nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _kind_label(kind: str | None) -> str:
    return str(UnitKind(kind).label) if kind else _("no parent")


def _check_parent_kind(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENTS[kind]


# --- creation -------------------------------------------------------------------------------


@transaction.atomic
def create_unit(
    *, code: str, name: str, kind: str, parent: Unit | None, valid_from: dt.date, member_count: int = 0
) -> Unit:
    """Open a new unit under an open parent of an allowed kind."""
    problems = _validate_new(code, kind, parent, valid_from, set())
    if problems:
        raise ReorganisationError(problems)
    return _open_unit(code, name, kind, parent, valid_from, member_count)


def _validate_new(code: str, kind: str, parent: Unit | None, day: dt.date, closing: set[int]) -> list[str]:
    problems: list[str] = []
    if kind not in UnitKind.values:
        problems.append(_("Unknown unit kind “%(kind)s”.") % {"kind": kind})
        return problems
    if Unit.objects.filter(code=code).exists():
        problems.append(_("The code “%(code)s” is already used by another unit.") % {"code": code})
    parent_kind = parent.kind if parent else None
    if not _check_parent_kind(kind, parent_kind):
        problems.append(
            _("A unit of kind “%(kind)s” cannot be placed under “%(parent)s” (%(parent_kind)s).")
            % {"kind": _kind_label(kind), "parent": parent or "—", "parent_kind": _kind_label(parent_kind)}
        )
    if parent is not None and parent.pk is not None and (not parent.is_open_on(day) or parent.pk in closing):
        problems.append(
            _("“%(parent)s” is closed on %(date)s and cannot receive units.")
            % {"parent": parent, "date": format_date(day)}
        )
    return problems


def _open_unit(
    code: str, name: str, kind: str, parent: Unit | None, day: dt.date, member_count: int = 0
) -> Unit:
    unit = Unit(
        code=code, name=name, kind=kind, parent=parent, valid_from=day, member_count=member_count,
        # Until the id is known the path is the parent's, so the creation's audit entry is in its subtree.
        depth=(parent.depth + 1) if parent else 0, path=parent.path if parent else "/",
    )
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path", "search_text"])
    UnitPlacement.objects.create(unit=unit, parent=parent, valid_from=day)
    return unit


# --- reorganisation -------------------------------------------------------------------------


@dataclass
class NewUnit:
    """A unit a reorganisation opens; ``parent`` is an existing unit or the code of another new one."""

    code: str
    name: str
    kind: str
    parent: Unit | str | None
    member_count: int = 0


@dataclass
class Reorganisation:
    """One dated change of structure.

    ``successions`` pairs (predecessor code, successor code, share); when empty, every closed
    unit is succeeded by every opened one (a merge when one opens, a split when several do).
    ``moves`` gives explicit new parents (child code -> parent code) for open children of closed
    units, or re-parents any open unit on its own.
    """

    date: dt.date
    close: list[Unit] = field(default_factory=list)
    open: list[NewUnit] = field(default_factory=list)
    successions: list[tuple[str, str, Decimal | None]] = field(default_factory=list)
    moves: dict[str, str] = field(default_factory=dict)
    kind: str | None = None
    note: str = ""


def _succession_kind(closing_count: int, opening_count: int) -> str:
    if opening_count > 1:
        return SuccessionKind.SPLIT
    if closing_count > 1:
        return SuccessionKind.MERGE
    return SuccessionKind.RENAME


@transaction.atomic
def reorganise(change: Reorganisation) -> list[Unit]:
    """Apply a merge, split, rename or move on a date; return the units opened.

    Refuses with every reason at once and changes nothing on: cycles, a parent of the wrong
    kind, a closed unit as parent, a date not after the unit opened, a unit left with open
    children and no destination.
    """
    day = change.date
    problems: list[str] = []
    closing = {u.pk: Unit.objects.select_for_update().get(pk=u.pk) for u in change.close}
    closing_ids = set(closing)
    by_code = {u.code: u for u in closing.values()}

    for unit in closing.values():
        if not unit.is_open_on(day) and unit.valid_to is not None and unit.valid_to <= day:
            problems.append(
                _("“%(unit)s” was already closed on %(date)s.") % {"unit": unit, "date": format_date(unit.valid_to)}
            )
        if day <= unit.valid_from:
            problems.append(
                _("The date %(date)s is not after “%(unit)s” opened (%(opened)s).")
                % {"date": format_date(day), "unit": unit, "opened": format_date(unit.valid_from)}
            )

    # New units: codes, parents (existing or new), kinds.
    new_codes = [n.code for n in change.open]
    if len(set(new_codes)) != len(new_codes):
        problems.append(_("The same new code appears twice."))
    new_specs = {n.code: n for n in change.open}

    def resolve(parent: Unit | str | None) -> Unit | NewUnit | None:
        if parent is None:
            return None
        if isinstance(parent, Unit):
            return Unit.objects.get(pk=parent.pk)  # the caller's copy may be stale
        if parent in new_specs:
            return new_specs[parent]
        found = Unit.objects.filter(code=parent).first()
        if found is None:
            problems.append(_("Unknown unit code “%(code)s”.") % {"code": parent})
        return found

    def kind_of(target: Unit | NewUnit | None) -> str | None:
        return target.kind if target is not None else None

    def is_closed_target(target: Unit | NewUnit | None) -> bool:
        return isinstance(target, Unit) and (not target.is_open_on(day) or target.pk in closing_ids)

    for spec in change.open:
        if spec.kind not in UnitKind.values:
            problems.append(_("Unknown unit kind “%(kind)s”.") % {"kind": spec.kind})
            continue
        if Unit.objects.filter(code=spec.code).exists():
            problems.append(_("The code “%(code)s” is already used by another unit.") % {"code": spec.code})
        parent = resolve(spec.parent)
        if not _check_parent_kind(spec.kind, kind_of(parent)):
            problems.append(
                _("“%(name)s” (%(kind)s) cannot be placed under %(parent_kind)s.")
                % {"name": spec.name, "kind": _kind_label(spec.kind), "parent_kind": _kind_label(kind_of(parent))}
            )
        if is_closed_target(parent):
            problems.append(
                _("“%(parent)s” is closed on %(date)s and cannot receive units.")
                % {"parent": parent, "date": format_date(day)}
            )
    # A chain of new parents must end at an existing unit (no cycle among new units).
    for spec in change.open:
        seen: set[str] = set()
        current: Unit | str | None = spec.parent
        while isinstance(current, str) and current in new_specs:
            if current in seen:
                problems.append(_("The new units form a cycle through “%(code)s”.") % {"code": current})
                break
            seen.add(current)
            current = new_specs[current].parent

    # Successions.
    pairs: list[tuple[str, str, Decimal | None]] = list(change.successions)
    if not pairs and closing and change.open:
        pairs = [(u.code, n.code, None) for u in closing.values() for n in change.open]
    successors_of: dict[str, list[str]] = defaultdict(list)
    for pred, succ, _share in pairs:
        if pred not in by_code:
            problems.append(_("“%(code)s” is named as predecessor but is not being closed.") % {"code": pred})
        if succ not in new_specs and not Unit.objects.filter(code=succ).exists():
            problems.append(_("Unknown successor code “%(code)s”.") % {"code": succ})
        successors_of[pred].append(succ)

    # Open children of closed units need a destination; explicit moves must not form cycles.
    moves: dict[int, Unit | NewUnit] = {}
    move_units: dict[int, Unit] = {}
    for child_code, parent_code in change.moves.items():
        child = Unit.objects.filter(code=child_code).first()
        if child is None:
            problems.append(_("Unknown unit code “%(code)s”.") % {"code": child_code})
            continue
        target = resolve(parent_code)
        if target is None:
            continue
        move_units[child.pk] = child
        moves[child.pk] = target
    open_children = Unit.objects.filter(open_on_q(day), parent_id__in=closing_ids).exclude(pk__in=closing_ids)
    for child in open_children:
        if child.pk in moves:
            continue
        successors = successors_of.get(closing[child.parent_id].code, []) if child.parent_id else []
        if len(successors) == 1:
            target = resolve(successors[0])
            if target is not None:
                moves[child.pk] = target
                move_units[child.pk] = child
        else:
            problems.append(
                _("“%(child)s” would be left under the closed unit “%(parent)s” with no destination.")
                % {"child": child, "parent": closing[child.parent_id or 0]}
            )
    for child_id, target in moves.items():
        child = move_units[child_id]
        if child_id in closing_ids:
            problems.append(_("“%(unit)s” is being closed and cannot be moved.") % {"unit": child})
            continue
        if day <= child.valid_from:
            problems.append(
                _("The date %(date)s is not after “%(unit)s” opened (%(opened)s).")
                % {"date": format_date(day), "unit": child, "opened": format_date(child.valid_from)}
            )
        if not _check_parent_kind(child.kind, kind_of(target)):
            problems.append(
                _("“%(child)s” (%(kind)s) cannot be placed under “%(parent)s” (%(parent_kind)s).")
                % {"child": child, "kind": _kind_label(child.kind), "parent": getattr(target, "name", "—"),
                   "parent_kind": _kind_label(kind_of(target))}
            )
        if is_closed_target(target):
            problems.append(
                _("“%(parent)s” is closed on %(date)s and cannot receive units.")
                % {"parent": target, "date": format_date(day)}
            )
        if isinstance(target, Unit) and target.path.startswith(child.path):
            problems.append(
                _("Moving “%(child)s” under “%(parent)s” would make a cycle.") % {"child": child, "parent": target}
            )
    if not closing and not change.open and not moves:
        problems.append(_("The reorganisation changes nothing."))
    if problems:
        raise ReorganisationError(list(dict.fromkeys(problems)))

    # --- apply ------------------------------------------------------------------------------
    for unit in closing.values():
        unit.valid_to = day
        unit.save(update_fields=["valid_to", "updated_at"])
        UnitPlacement.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=day)

    created: dict[str, Unit] = {}
    pending = list(change.open)
    while pending:
        progressed = False
        for spec in list(pending):
            new_parent: Unit | None
            if isinstance(spec.parent, str):
                if spec.parent in new_specs and spec.parent not in created:
                    continue
                new_parent = created.get(spec.parent) or Unit.objects.get(code=spec.parent)
            else:
                new_parent = spec.parent
            created[spec.code] = _open_unit(spec.code, spec.name, spec.kind, new_parent, day, spec.member_count)
            pending.remove(spec)
            progressed = True
        if not progressed:  # pragma: no cover - validated above
            raise ReorganisationError([_("The new units form a cycle.")])

    for child_id, target in moves.items():
        new_parent = created[target.code] if isinstance(target, NewUnit) else target
        move_unit(move_units[child_id], new_parent, day)

    counts: dict[str, int] = defaultdict(int)
    for pred, _succ, _share in pairs:
        counts[pred] += 1
    for pred, succ, share in pairs:
        successor = created.get(succ) or Unit.objects.get(code=succ)
        UnitSuccession.objects.create(
            predecessor=by_code[pred], successor=successor, date=day,
            kind=change.kind or _succession_kind(len(closing), len(successors_of[pred])),
            share=share if share is not None else (Decimal(1) / counts[pred]).quantize(Decimal("0.000001")),
            note=change.note[:500],
        )
    return list(created.values())


def move_unit(unit: Unit, new_parent: Unit, day: dt.date) -> None:
    """Re-parent an open unit from ``day``: close its placement, open a new one, rewrite paths."""
    UnitPlacement.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=day)
    UnitPlacement.objects.create(unit=unit, parent=new_parent, valid_from=day)
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    delta = new_parent.depth + 1 - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta
    )
    unit.refresh_from_db()
    unit.parent = new_parent
    unit.save(update_fields=["parent", "updated_at"])


# --- queries --------------------------------------------------------------------------------


def children(unit: Unit, on: dt.date | None = None) -> list[Unit]:
    """The units placed directly under ``unit`` on a date (today by default)."""
    day = on or today()
    ids = UnitPlacement.objects.filter(open_on_q(day), parent=unit).values_list("unit_id", flat=True)
    return list(Unit.objects.open_on(day).filter(pk__in=ids).order_by("name"))


def subtree(unit: Unit, on: dt.date | None = None, include_self: bool = True) -> list[Unit]:
    """All units under ``unit`` on a date, following the dated placements level by level."""
    day = on or today()
    found: list[Unit] = [unit] if include_self else []
    frontier = [unit.pk]
    while frontier:
        ids = list(
            UnitPlacement.objects.filter(open_on_q(day), parent_id__in=frontier).values_list("unit_id", flat=True)
        )
        level = list(Unit.objects.open_on(day).filter(pk__in=ids))
        found.extend(level)
        frontier = [u.pk for u in level]
    return found


def parent_on(unit: Unit, on: dt.date) -> Unit | None:
    placement = UnitPlacement.objects.filter(open_on_q(on), unit=unit).select_related("parent").first()
    return placement.parent if placement else None


def ancestors(unit: Unit, on: dt.date | None = None) -> list[Unit]:
    """From the root down to the unit's parent, as the tree stood on a date."""
    day = on or min(today(), unit.last_day())
    chain: list[Unit] = []
    current = parent_on(unit, day)
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = parent_on(current, day)
    return list(reversed(chain))


def tree_as_of(day: dt.date, root: Unit | None = None) -> dict[int | None, list[Unit]]:
    """The whole tree (or a subtree) of a date as parent id -> children, in two queries."""
    placements = UnitPlacement.objects.filter(open_on_q(day), open_on_q(day, "unit__")).values_list(
        "unit_id", "parent_id"
    )
    parent_of = dict(placements)
    units = Unit.objects.in_bulk(list(parent_of))
    out: dict[int | None, list[Unit]] = defaultdict(list)
    for unit_id, parent_id in parent_of.items():
        out[parent_id].append(units[unit_id])
    if root is not None:
        keep: dict[int | None, list[Unit]] = defaultdict(list)
        frontier = [root.pk]
        while frontier:
            nxt: list[int] = []
            for pid in frontier:
                keep[pid] = out.get(pid, [])
                nxt.extend(u.pk for u in keep[pid])
            frontier = nxt
        out = keep
    return out


def current_successors(unit: Unit) -> list[tuple[Unit, Decimal]]:
    """The open units a historical unit lives on in today, with the share of it each took.

    Follows chains of merges, splits and renames; an open unit is its own successor.
    """
    results: dict[int, Decimal] = defaultdict(Decimal)
    frontier: list[tuple[Unit, Decimal]] = [(Unit.objects.get(pk=unit.pk), Decimal(1))]
    units: dict[int, Unit] = {}
    steps = 0
    while frontier and steps < 50:
        steps += 1
        nxt: list[tuple[Unit, Decimal]] = []
        for current, share in frontier:
            if current.valid_to is None:
                results[current.pk] += share
                units[current.pk] = current
                continue
            outs = list(UnitSuccession.objects.filter(predecessor=current).select_related("successor"))
            for succession in outs:
                nxt.append((succession.successor, share * succession.share))
        frontier = nxt
    return [(units[pk], share) for pk, share in results.items()]


def predecessors(unit: Unit) -> list[UnitSuccession]:
    """Every succession that led into this unit, recursively, most recent first."""
    found: list[UnitSuccession] = []
    frontier = [unit.pk]
    seen: set[int] = set()
    while frontier:
        rows = list(
            UnitSuccession.objects.filter(successor_id__in=frontier).select_related("predecessor", "successor")
        )
        found.extend(rows)
        frontier = [r.predecessor_id for r in rows if r.predecessor_id not in seen]
        seen.update(frontier)
    return sorted(found, key=lambda s: s.date, reverse=True)


def member_total(unit: Unit, on: dt.date | None = None) -> int:
    """Members in the unit's subtree on a date (today, or its last day if it has closed)."""
    return member_totals_on([unit], on or unit.last_day())[unit.pk]


def member_totals(units: Iterable[Unit]) -> dict[int, int]:
    """Current member totals for many units in one query (each unit's open subtree)."""
    units = list(units)
    if not units:
        return {}
    under = Q()
    for unit in units:
        under |= Q(path__startswith=unit.path)
    rows = Unit.objects.current().filter(under, member_count__gt=0).values_list("path", "member_count")
    totals = dict.fromkeys((u.pk for u in units), 0)
    by_path = {u.path: u.pk for u in units}
    for path, count in rows:
        parts = path.strip("/").split("/")
        prefix = "/"
        for part in parts:
            prefix += part + "/"
            if prefix in by_path:
                totals[by_path[prefix]] += count
    return totals


def children_counts(units: Iterable[Unit], on: dt.date | None = None) -> dict[int, int]:
    """How many open children each unit has on a date, in one query (for tree toggles)."""
    day = on or today()
    ids = [u.pk for u in units]
    rows = (
        UnitPlacement.objects.filter(open_on_q(day), open_on_q(day, "unit__"), parent_id__in=ids)
        .values_list("parent_id", flat=True)
    )
    counts: dict[int, int] = defaultdict(int)
    for parent_id in rows:
        counts[parent_id] += 1
    return counts


def member_totals_on(units: Iterable[Unit], on: dt.date | None = None) -> dict[int, int]:
    """Member totals of several units' subtrees as the tree stood on a date.

    Today's totals come from the materialised paths in one query; a past date walks the dated
    placements level by level (one query per level).
    """
    units = list(units)
    day = on or today()
    if day >= today():
        return member_totals(units)
    edges: dict[int, list[int]] = defaultdict(list)
    counts: dict[int, int] = {}
    frontier = [u.pk for u in units]
    seen: set[int] = set(frontier)
    for unit in units:
        counts[unit.pk] = unit.member_count if unit.is_open_on(day) else 0
    while frontier:
        rows = list(
            UnitPlacement.objects.filter(open_on_q(day), open_on_q(day, "unit__"), parent_id__in=frontier)
            .values_list("parent_id", "unit_id", "unit__member_count")
        )
        frontier = []
        for parent_id, unit_id, member_count in rows:
            edges[parent_id].append(unit_id)
            counts[unit_id] = member_count
            if unit_id not in seen:
                seen.add(unit_id)
                frontier.append(unit_id)

    memo: dict[int, int] = {}

    def total(unit_id: int) -> int:
        if unit_id not in memo:
            memo[unit_id] = counts.get(unit_id, 0) + sum(total(c) for c in edges.get(unit_id, []))
        return memo[unit_id]

    return {u.pk: total(u.pk) for u in units}
