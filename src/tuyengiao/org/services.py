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
from tuyengiao.core.numbers import format_date, format_number, format_percent

from . import tree
from .choices import ALLOWED_PARENTS, StaffTitle, SuccessionKind, UnitKind
from .models import Board, StaffPosition, Unit, UnitPlacement, UnitSuccession, open_on_q, today
from .signals import tree_changed, tree_changing


class ReorganisationError(UserError):
    """A refused reorganisation; ``problems`` lists every reason, nothing was changed."""

    def __init__(self, problems: list[str], plan: ReorganisationPlan | None = None) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
        self.plan = plan


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


def not_yet_come(day: dt.date) -> str | None:
    """Why a change of structure cannot take effect on ``day``: a day after today.

    Today's structure is the one every unit stands in today; a change dated ahead would put a
    unit in it twice until its day (open still, and already succeeded), then change it at
    midnight with nothing recorded that moves the figures kept on it. It is recorded on its day.
    """
    if day > today():
        return _("The date %(date)s has not come yet: a change of structure is recorded on or after the day"
                 " it takes effect.") % {"date": format_date(day)}
    return None


def _validate_new(code: str, kind: str, parent: Unit | None, day: dt.date, closing: set[int]) -> list[str]:
    problems: list[str] = []
    ahead = not_yet_come(day)
    if ahead:
        problems.append(ahead)
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
    """A unit a reorganisation opens; ``parent`` is an existing unit or the code of another new one.

    ``member_count`` counts members who join with the new unit; the members of the units it
    succeeds come along by themselves.
    """

    code: str
    name: str
    kind: str
    parent: Unit | str | None
    member_count: int = 0


@dataclass
class Reorganisation:
    """One dated change of structure.

    ``successions`` pairs (predecessor code, successor code, share); when empty, every closed
    unit is succeeded by every opened one (a merge when one opens, a split when several do, in
    equal shares). ``moves`` gives explicit new parents (child code -> parent code) for open
    children of closed units, or re-parents any open unit on its own.
    """

    date: dt.date
    close: list[Unit] = field(default_factory=list)
    open: list[NewUnit] = field(default_factory=list)
    successions: list[tuple[str, str, Decimal | None]] = field(default_factory=list)
    moves: dict[str, str] = field(default_factory=dict)
    kind: str | None = None
    note: str = ""


# Where a problem belongs, so that a form can show it beside the field it is about.
DATE, CLOSE, OPEN, SHARES, MOVES = "date", "close", "open", "shares", "moves"
SHARE_TOLERANCE = Decimal("0.0001")


@dataclass
class ReorganisationPlan:
    """A checked change: what closes, opens and moves, the successions with their shares, and
    every problem found (each tagged with the part of the change it is about)."""

    change: Reorganisation
    closing: dict[int, Unit] = field(default_factory=dict)
    new_specs: dict[str, NewUnit] = field(default_factory=dict)
    pairs: list[tuple[str, str, Decimal]] = field(default_factory=list)
    moves: dict[int, Unit | NewUnit] = field(default_factory=dict)
    move_units: dict[int, Unit] = field(default_factory=dict)
    problems: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return list(dict.fromkeys(message for _tag, message in self.problems))

    def messages_about(self, tag: str | None) -> list[str]:
        return list(dict.fromkeys(message for t, message in self.problems if t == tag))

    @property
    def by_code(self) -> dict[str, Unit]:
        return {u.code: u for u in self.closing.values()}

    def refuse(self, tag: str | None, message: str) -> None:
        self.problems.append((tag, message))


def _succession_kind(closing_count: int, opening_count: int) -> str:
    if opening_count > 1:
        return SuccessionKind.SPLIT
    if closing_count > 1:
        return SuccessionKind.MERGE
    return SuccessionKind.RENAME


class _Checker:
    """Finds every reason to refuse a change; reads the database, writes nothing."""

    def __init__(self, change: Reorganisation, lock: bool) -> None:
        self.day = change.date
        self.plan = ReorganisationPlan(change=change)
        units = Unit.objects.select_for_update() if lock else Unit.objects.all()
        self.plan.closing = {u.pk: units.get(pk=u.pk) for u in change.close}
        self.plan.new_specs = {n.code: n for n in change.open}

    def refuse(self, tag: str | None, message: str) -> None:
        self.plan.refuse(tag, message)

    def resolve(self, parent: Unit | str | None) -> Unit | NewUnit | None:
        if parent is None:
            return None
        if isinstance(parent, Unit):
            return Unit.objects.get(pk=parent.pk)  # the caller's copy may be stale
        if parent in self.plan.new_specs:
            return self.plan.new_specs[parent]
        found = Unit.objects.filter(code=parent).first()
        if found is None:
            self.refuse(OPEN, _("Unknown unit code “%(code)s”.") % {"code": parent})
        return found

    def is_closed_target(self, target: Unit | NewUnit | None) -> bool:
        return isinstance(target, Unit) and (not target.is_open_on(self.day) or target.pk in self.plan.closing)

    def check(self) -> ReorganisationPlan:
        ahead = not_yet_come(self.day)
        if ahead:
            self.refuse(DATE, ahead)
        self.check_closing()
        self.check_new_units()
        self.check_successions()
        self.check_moves()
        plan = self.plan
        if not plan.closing and not plan.change.open and not plan.moves:
            self.refuse(None, _("The reorganisation changes nothing."))
        return plan

    def not_after_opening(self, unit: Unit) -> str:
        return _("The date %(date)s is not after “%(unit)s” opened (%(opened)s).") % {
            "date": format_date(self.day), "unit": unit, "opened": format_date(unit.valid_from)}

    def check_closing(self) -> None:
        for unit in self.plan.closing.values():
            if unit.valid_to is not None and unit.valid_to <= self.day:
                self.refuse(CLOSE, _("“%(unit)s” was already closed on %(date)s.")
                            % {"unit": unit, "date": format_date(unit.valid_to)})
            if self.day <= unit.valid_from:
                self.refuse(DATE, self.not_after_opening(unit))

    def check_new_units(self) -> None:
        new_codes = [n.code for n in self.plan.change.open]
        if len(set(new_codes)) != len(new_codes):
            self.refuse(OPEN, _("The same new code appears twice."))
        for spec in self.plan.change.open:
            if spec.kind not in UnitKind.values:
                self.refuse(OPEN, _("Unknown unit kind “%(kind)s”.") % {"kind": spec.kind})
                continue
            if Unit.objects.filter(code=spec.code).exists():
                self.refuse(OPEN, _("The code “%(code)s” is already used by another unit.") % {"code": spec.code})
            parent = self.resolve(spec.parent)
            parent_kind = parent.kind if parent is not None else None
            if not _check_parent_kind(spec.kind, parent_kind):
                self.refuse(OPEN, _("“%(name)s” (%(kind)s) cannot be placed under %(parent_kind)s.") % {
                    "name": spec.name, "kind": _kind_label(spec.kind), "parent_kind": _kind_label(parent_kind)})
            if self.is_closed_target(parent):
                self.refuse(OPEN, _("“%(parent)s” is closed on %(date)s and cannot receive units.")
                            % {"parent": parent, "date": format_date(self.day)})
        # A chain of new parents must end at an existing unit (no cycle among new units).
        for spec in self.plan.change.open:
            seen: set[str] = set()
            current: Unit | str | None = spec.parent
            while isinstance(current, str) and current in self.plan.new_specs:
                if current in seen:
                    self.refuse(OPEN, _("The new units form a cycle through “%(code)s”.") % {"code": current})
                    break
                seen.add(current)
                current = self.plan.new_specs[current].parent

    def check_successions(self) -> None:
        plan = self.plan
        raw = list(plan.change.successions)
        if not raw and plan.closing and plan.change.open:
            raw = [(u.code, n.code, None) for u in plan.closing.values() for n in plan.change.open]
        by_code = plan.by_code
        given: dict[str, list[Decimal | None]] = defaultdict(list)
        for pred, succ, share in raw:
            if pred not in by_code:
                self.refuse(CLOSE, _("“%(code)s” is named as predecessor but is not being closed.") % {"code": pred})
            if succ not in plan.new_specs and not Unit.objects.filter(code=succ).exists():
                self.refuse(OPEN, _("Unknown successor code “%(code)s”.") % {"code": succ})
            given[pred].append(share)
        for pred, shares in given.items():
            self.check_shares(by_code.get(pred), pred, shares)
        plan.pairs = [
            (pred, succ, share if share is not None else
             (Decimal(1) / len(given[pred])).quantize(Decimal("0.000001")))
            for pred, succ, share in raw
        ]
        # The members of a closing unit must go somewhere.
        for unit in plan.closing.values():
            if unit.member_count and unit.code not in given:
                self.refuse(CLOSE, _("“%(unit)s” has %(count)s members and no successor to take them.")
                            % {"unit": unit, "count": format_number(unit.member_count)})

    def check_shares(self, unit: Unit | None, code: str, shares: list[Decimal | None]) -> None:
        if all(share is None for share in shares):
            return
        name = unit or code
        if any(share is None or share <= 0 for share in shares):
            self.refuse(SHARES, _("Every successor of “%(unit)s” needs a share above 0%%.") % {"unit": name})
            return
        total = sum((s for s in shares if s is not None), Decimal(0))
        if abs(total - 1) > SHARE_TOLERANCE:
            self.refuse(SHARES, _("The shares of “%(unit)s” add up to %(total)s; they must add up to 100%%.")
                        % {"unit": name, "total": format_percent(total * 100, 2)})

    def check_moves(self) -> None:
        plan = self.plan
        successors_of: dict[str, list[str]] = defaultdict(list)
        for pred, succ, _share in plan.pairs:
            successors_of[pred].append(succ)
        for child_code, parent_code in plan.change.moves.items():
            child = Unit.objects.filter(code=child_code).first()
            if child is None:
                self.refuse(MOVES, _("Unknown unit code “%(code)s”.") % {"code": child_code})
                continue
            target = self.resolve(parent_code)
            if target is None:
                continue
            plan.move_units[child.pk] = child
            plan.moves[child.pk] = target
        closing_ids = set(plan.closing)
        open_children = Unit.objects.filter(open_on_q(self.day), parent_id__in=closing_ids).exclude(pk__in=closing_ids)
        for child in open_children:
            if child.pk in plan.moves:
                continue
            parent = plan.closing[child.parent_id or 0]
            successors = successors_of.get(parent.code, [])
            target = self.resolve(successors[0]) if len(successors) == 1 else None
            if target is not None:
                plan.moves[child.pk] = target
                plan.move_units[child.pk] = child
            elif len(successors) != 1:
                self.refuse(MOVES, _(
                    "“%(child)s” would be left under the closed unit “%(parent)s” with no destination."
                ) % {"child": child, "parent": parent})
        for child_id, target in plan.moves.items():
            self.check_move(plan.move_units[child_id], target)

    def check_move(self, child: Unit, target: Unit | NewUnit) -> None:
        if child.pk in self.plan.closing:
            self.refuse(MOVES, _("“%(unit)s” is being closed and cannot be moved.") % {"unit": child})
            return
        if self.day <= child.valid_from:
            self.refuse(DATE, self.not_after_opening(child))
        if not _check_parent_kind(child.kind, target.kind):
            self.refuse(MOVES, _("“%(child)s” (%(kind)s) cannot be placed under “%(parent)s” (%(parent_kind)s).") % {
                "child": child, "kind": _kind_label(child.kind), "parent": target.name,
                "parent_kind": _kind_label(target.kind)})
        if self.is_closed_target(target):
            self.refuse(MOVES, _("“%(parent)s” is closed on %(date)s and cannot receive units.")
                        % {"parent": target, "date": format_date(self.day)})
        if isinstance(target, Unit) and target.path.startswith(child.path):
            self.refuse(MOVES, _("Moving “%(child)s” under “%(parent)s” would make a cycle.")
                        % {"child": child, "parent": target})


def check_reorganisation(change: Reorganisation, *, lock: bool = False) -> ReorganisationPlan:
    """Every reason to refuse the change (``plan.problems``, empty when it may be applied);
    changes nothing. ``lock`` holds the closing units until the transaction ends."""
    return _Checker(change, lock).check()


def allocate_members(count: int, shares: list[tuple[str, Decimal]]) -> dict[str, int]:
    """Split ``count`` members by shares into whole numbers that add up to ``count`` exactly
    (largest remainders get the odd ones)."""
    total = sum((share for _code, share in shares), Decimal(0))
    if not shares or total <= 0:
        return {}
    exact = [(code, Decimal(count) * share / total) for code, share in shares]
    result = {code: int(value) for code, value in exact}
    left = count - sum(result.values())
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - int(exact[i][1])), i))
    for i in by_remainder[:left]:
        result[exact[i][0]] += 1
    return result


def apply_reorganisation(plan: ReorganisationPlan) -> list[Unit]:
    """Write a checked change: close, open, move, record successions and carry the members of
    the closed units over to their successors. Call inside a transaction."""
    day = plan.change.date
    by_code = plan.by_code
    tree_changing.send(sender=Unit, day=day, units=sorted({*plan.closing, *plan.move_units}))
    for unit in plan.closing.values():
        unit.valid_to = day
        unit.save(update_fields=["valid_to", "updated_at"])
        UnitPlacement.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=day)

    shares_of: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for pred, succ, share in plan.pairs:
        shares_of[pred].append((succ, share))
    inherited: dict[str, int] = defaultdict(int)
    for pred, shares in shares_of.items():
        for succ, count in allocate_members(by_code[pred].member_count, shares).items():
            inherited[succ] += count

    created = _open_new_units(plan, inherited)
    for child_id, target in plan.moves.items():
        new_parent = created[target.code] if isinstance(target, NewUnit) else target
        move_unit(plan.move_units[child_id], new_parent, day)

    for pred, succ, share in plan.pairs:
        successor = created.get(succ) or Unit.objects.get(code=succ)
        if succ not in created and inherited.get(succ):
            Unit.objects.filter(pk=successor.pk).update(member_count=F("member_count") + inherited.pop(succ))
        UnitSuccession.objects.create(
            predecessor=by_code[pred], successor=successor, date=day,
            kind=plan.change.kind or _succession_kind(len(plan.closing), len(shares_of[pred])),
            share=share, note=plan.change.note[:500],
        )
    tree_changed.send(sender=Unit, day=day)
    return list(created.values())


def _open_new_units(plan: ReorganisationPlan, inherited: dict[str, int]) -> dict[str, Unit]:
    """Open the new units, parents before children (the check refused cycles)."""
    created: dict[str, Unit] = {}
    pending = list(plan.change.open)
    while pending:
        ready = [s for s in pending if not (isinstance(s.parent, str) and s.parent in plan.new_specs
                                            and s.parent not in created)]
        if not ready:  # pragma: no cover - refused by the check
            raise ReorganisationError([_("The new units form a cycle.")])
        for spec in ready:
            new_parent: Unit | None
            if isinstance(spec.parent, str):
                new_parent = created.get(spec.parent) or Unit.objects.get(code=spec.parent)
            else:
                new_parent = spec.parent
            members = spec.member_count + inherited.pop(spec.code, 0)
            created[spec.code] = _open_unit(spec.code, spec.name, spec.kind, new_parent, plan.change.date, members)
            pending.remove(spec)
    return created


@transaction.atomic
def reorganise(change: Reorganisation) -> list[Unit]:
    """Apply a merge, split, rename or move on a date; return the units opened.

    Refuses with every reason at once and changes nothing on: cycles, a parent of the wrong
    kind, a closed unit as parent, a date not after the unit opened, a unit left with open
    children and no destination, shares that do not add up to 100%, members left behind.
    Members follow the closed units to their successors, so totals stay the same.
    """
    plan = check_reorganisation(change, lock=True)
    if plan.problems:
        raise ReorganisationError(plan.messages, plan)
    return apply_reorganisation(plan)


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


# --- queries (the walks themselves live in ``tree``) -------------------------------------------



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


def board_contacts(units: Iterable[Unit]) -> dict[int, dict[str, str] | None]:
    """For each unit, whom to call: its board or that of the nearest unit above it, with the
    board's phone (or its head's) and the head's name, in two queries."""
    units = list(units)
    ids = {i for u in units for i in [u.pk, *u.ancestor_ids]}
    boards = {b.unit_id: b for b in Board.objects.filter(unit_id__in=ids)}
    heads: dict[int, StaffPosition] = {}
    for head in (
        StaffPosition.objects.current()
        .filter(board__in=boards.values(), title=StaffTitle.HEAD)
        .order_by("start")
    ):
        heads[head.board_id] = head
    result: dict[int, dict[str, str] | None] = {}
    for unit in units:
        result[unit.pk] = None
        for unit_id in [unit.pk, *reversed(unit.ancestor_ids)]:
            board = boards.get(unit_id)
            if board is None:
                continue
            person = heads.get(board.pk)
            result[unit.pk] = {
                "board": board.name,
                "phone": board.phone or (person.phone if person else ""),
                "head": person.full_name if person else "",
                "email": board.email,
            }
            break
    return result


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
    """Member totals of several units' subtrees as the tree stood on a date: today's from the
    materialised paths, a past date's from the dated placements (one query either way)."""
    units = list(units)
    day = on or today()
    if day >= today():
        return member_totals(units)
    return tree.member_totals_on(units, day)
