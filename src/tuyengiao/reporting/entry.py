"""The one write path for figures: check every value, then write them in bulk with the audit.

The entry form (one value), the API's data value sets and Excel imports (thousands) all call
``check_entries`` then ``do_save_entries``, so every path refuses the same things with the same
words: scope (action "enter"), a unit whose kind does not report the data set, a period the unit
did not exist in, a report sent or approved at the unit or above it (the lock covers the subtree),
the data set's expiry, and a stale version. ``prepare`` and ``apply`` are the same two functions
under the names the import code uses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.core.numbers import format_date, format_number, parse_number
from tuyengiao.core.periods import Period
from tuyengiao.core.sql import db_type, rows_sql
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit, today

from . import aggregates
from .models import DataElement, DataSet, DataSetElement, DataValue, Status, Submission, ValueType

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class ValueError_(UserError):
    """A value refused for one field; ``element`` says which."""

    def __init__(self, message: str, element: DataElement | None = None) -> None:
        super().__init__(message)
        self.element = element


class BusyError(UserError):
    """The database gave up on a write under heavy contention; nothing was saved."""


_YES = {"1", "có", "co", "yes", "x", "true", "đúng", "dung"}
_NO = {"0", "không", "khong", "no", "false", "sai"}


def parse_raw(element: DataElement, raw: str | int | float | Decimal | None) -> tuple[Decimal | None, str]:
    """Turn what a person typed into (number, text); raise with a Vietnamese reason."""
    if raw is None:
        return None, ""
    if isinstance(raw, bool):
        raw = "1" if raw else "0"
    text = str(raw).strip() if not isinstance(raw, Decimal | int | float) else ""
    if element.value_type == ValueType.TEXT:
        return None, str(raw).strip()[:5000]
    if isinstance(raw, Decimal | int | float):
        number = Decimal(str(raw))
    else:
        if not text:
            return None, ""
        if element.value_type == ValueType.BOOLEAN:
            folded = text.lower()
            if folded in _YES:
                return Decimal(1), ""
            if folded in _NO:
                return Decimal(0), ""
            raise ValueError_(
                _("“%(field)s”: write “yes” or “no” (or 1/0), not “%(text)s”.")
                % {"field": element.label, "text": text},
                element,
            )
        try:
            number = parse_number(text)
        except ValueError as exc:
            raise ValueError_(
                _("“%(field)s”: “%(text)s” is not a number.") % {"field": element.label, "text": text},
                element,
            ) from exc
    if not number.is_finite():
        raise ValueError_(_("“%(field)s”: the value is not valid.") % {"field": element.label}, element)
    if element.value_type == ValueType.BOOLEAN:
        if number not in (0, 1):
            raise ValueError_(_("“%(field)s”: only 1 (yes) or 0 (no).") % {"field": element.label}, element)
        return number, ""
    if element.value_type == ValueType.INTEGER:
        if number != number.to_integral_value():
            raise ValueError_(
                _("“%(field)s”: must be a whole number, not %(value)s.")
                % {"field": element.label, "value": format_number(number)},
                element,
            )
        if number < 0:
            raise ValueError_(
                _("“%(field)s”: a count cannot be negative (%(value)s).")
                % {"field": element.label, "value": format_number(number)},
                element,
            )
    if element.value_type == ValueType.PERCENT and not (0 <= number <= 100):
        raise ValueError_(
            _("“%(field)s”: a rate must be between 0 and 100%%, not %(value)s.")
            % {"field": element.label, "value": format_number(number)},
            element,
        )
    if abs(number) >= Decimal(10) ** 14:
        raise ValueError_(_("“%(field)s”: the number is too large.") % {"field": element.label}, element)
    number = number.quantize(Decimal("0.0001"))
    return (number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()), ""


def person_name(user: Any) -> str:
    """Vietnamese order: family and middle names first ("Nguyễn Thị Thu Hà"), else the login."""
    full = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return full or str(user.get_username())


def conflict(other: DataValue | None) -> ConflictError:
    """The one message for a stale version: who saved what, and when."""
    if other is None:
        return ConflictError(_("Someone else just changed this value; reload the page."))
    who = person_name(other.stored_by) if other.stored_by else _("someone else")
    when = timezone.localtime(other.updated_at).strftime("%H:%M %d/%m/%Y") if other.updated_at else ""
    shown = other.display or _("(empty)")
    return ConflictError(
        _(
            "%(who)s saved the value %(value)s at %(when)s after you opened the page; "
            "nothing was overwritten. Check it and enter yours again if needed."
        )
        % {"who": who, "value": shown, "when": when},
        current=other,
    )


# --- what may be written --------------------------------------------------------------------

Progress = Callable[[int, int], None]
"""Told ``(processed, total)`` every ``PROGRESS_EVERY`` items and once at the end of a long loop."""

PROGRESS_EVERY = 1000


@dataclass
class Entry:
    """One value to store; ``where`` tells the person where it came from (cell, list index).

    ``expected_version`` is the version the writer read (0: "I saw no value"); ``None`` writes
    over whatever is stored. ``dataset`` is the report the value is entered on, when known.
    """

    unit: Unit
    period: Period
    element: DataElement
    raw: Any
    expected_version: int | None = None
    comment: str | None = None
    where: Any = None
    dataset: DataSet | None = None


@dataclass
class Change:
    """A checked value: what is stored now and what will be. ``rules`` are those it was checked
    with; the write reuses the catalogue and scope they hold and reads only the locks again."""

    entry: Entry
    current: DataValue | None
    number: Decimal | None
    text: str
    rules: _Rules | None = field(default=None, repr=False, compare=False)

    @property
    def changed(self) -> bool:
        if self.current is None:
            return self.number is not None or bool(self.text)
        return _differs(self.current, self.number, self.text, self.entry.comment)


def _differs(row: DataValue, number: Decimal | None, text: str, comment: str | None) -> bool:
    return row.value != number or row.text_value != text or (comment is not None and comment != row.comment)


def period_reason(unit: Unit, period: Period, day: dt.date) -> str | None:
    """Why ``unit`` has no report for ``period`` on ``day``, or ``None``: a unit reports only for
    periods it existed in (at least one day) and that have begun (the one in progress included;
    a period ahead is a slip of the month or year, filed where nobody reads it)."""
    if period.end < unit.valid_from or (unit.valid_to is not None and period.start >= unit.valid_to):
        return _("%(unit)s did not exist in %(period)s, so it has no report for that period.") % {
            "unit": unit.name,
            "period": period.label,
        }
    if period.start > day:
        return _("%(period)s has not begun yet: figures are entered only for a period that has begun.") % {
            "period": period.label
        }
    return None


def _prefixes(path: str) -> list[str]:
    """The unit's own path then its ancestors' ("/1/5/9/" → "/1/5/9/", "/1/5/", "/1/")."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(len(parts), 0, -1)]


@dataclass(frozen=True)
class _Lock:
    """A report sent or approved at a unit: what a lock message names."""

    status: str
    unit_name: str


def _lock_message(sub: _Lock, dataset: DataSet, period: Period) -> str:
    place = {"dataset": dataset.name, "period": period.label, "unit": sub.unit_name}
    if sub.status == Status.APPROVED:
        return (
            _(
                "The report “%(dataset)s” for %(period)s of %(unit)s is approved, so its figures and those "
                "of the units below it are locked; ask the approver to unlock it if they need correcting."
            )
            % place
        )
    return (
        _(
            "The report “%(dataset)s” for %(period)s of %(unit)s has been sent, so its figures and those "
            "of the units below it are locked until the sender withdraws it or the approver returns it."
        )
        % place
    )


@dataclass
class _Rules:
    """Everything the checks need about a batch, read in a fixed number of queries."""

    user: Any
    sets_of: dict[int, list[DataSet]]
    locking: dict[tuple[int, str, str], _Lock]  # (dataset, period, unit path) -> sent/approved
    may_enter: dict[int, bool] = field(default_factory=dict)
    may_admin: dict[int, bool] = field(default_factory=dict)
    day: Any = None
    _sets: dict[tuple[int, Any], tuple[list[DataSet], tuple[int, ...]]] = field(default_factory=dict, repr=False)
    _passed: set[tuple[Any, ...]] = field(default_factory=set, repr=False)

    @classmethod
    def load(cls, user: AnyUser, entries: Iterable[Entry], lock: bool = False) -> _Rules:
        entries = list(entries)
        units = {e.unit.id: e.unit for e in entries}
        elements = {e.element.id for e in entries}
        sets_of: dict[int, list[DataSet]] = defaultdict(list)
        for m in DataSetElement.objects.filter(element_id__in=elements).select_related("dataset"):
            sets_of[m.element_id].append(m.dataset)
        rules = cls(
            user,
            dict(sets_of),
            {},
            {pk: Scope.of(user).allows(u, Action.ENTER) for pk, u in units.items()},
            {pk: Scope.of(user).allows(u, Action.ADMIN) for pk, u in units.items()},
            today(),
        )
        rules.locking = rules._locks(entries, lock)
        return rules

    def relocked(self, entries: Sequence[Entry]) -> _Rules:
        """The same rules with the locks read again, under lock, for the write."""
        return _Rules(self.user, self.sets_of, self._locks(entries, True), self.may_enter, self.may_admin, self.day)

    def _locks(self, entries: Sequence[Entry], lock: bool) -> dict[tuple[int, str, str], _Lock]:
        """The reports sent or approved at the entries' units or above them, in one statement.

        The units on each path are the unit and its ancestors: their ids are the path's parts, so
        the reports are read by key, not by joining every report to its unit. With ``lock``, every
        report read is share-locked in id order: concurrent writers pass together, but a submit
        or an approval (which lock the row for update) waits for them, and they for it.
        """
        paths = {e.unit.path for e in entries}
        above = sorted({int(part) for path in paths for part in path.strip("/").split("/") if part})
        elements = {e.element.id for e in entries}
        dataset_ids = sorted({ds.pk for pk in elements for ds in self.sets_of.get(pk, [])})
        periods = sorted({e.period.code for e in entries})
        if not above or not dataset_ids:
            return {}
        sub, unit = (connection.ops.quote_name(m._meta.db_table) for m in (Submission, Unit))
        where: list[str] = []
        params: list[Any] = []
        for column, values in (("dataset_id", dataset_ids), ("period", periods), ("unit_id", above)):
            if connection.vendor == "postgresql":
                where.append(f"s.{column} = ANY(%s)")
                params.append(values)
            else:
                where.append(f"s.{column} IN ({', '.join(['%s'] * len(values))})")
                params.extend(values)
        share = " FOR SHARE OF s" if lock and connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.dataset_id, s.period, s.status, u.path, u.name FROM {sub} s"
                f" JOIN {unit} u ON u.id = s.unit_id WHERE {' AND '.join(where)} ORDER BY s.id{share}",
                params,
            )
            rows = cursor.fetchall()
        return {
            (dataset_id, period, path): _Lock(status, name)
            for dataset_id, period, status, path, name in rows
            if status in (Status.SUBMITTED, Status.APPROVED)
        }

    def refusal(self, entry: Entry) -> str | None:
        """Why this value may not be written now, or ``None``.

        Whether a value passes depends on its unit, period and report, and on its element only
        through the reports that hold it: an import of thousands of values asks each question
        once per unit and period.
        """
        element, period = entry.element, entry.period
        found = self._sets.get((element.id, period.type))
        if found is None:
            sets = [ds for ds in self.sets_of.get(element.id, []) if ds.period_type == period.type]
            found = self._sets[(element.id, period.type)] = (sets, tuple(ds.id for ds in sets))
        sets, set_ids = found
        key = (entry.unit.id, period.code, set_ids, entry.dataset.id if entry.dataset is not None else None)
        if key in self._passed:
            return None
        reason = self._refusal(entry, sets)
        if reason is None:
            self._passed.add(key)
        return reason

    def _refusal(self, entry: Entry, sets: list[DataSet]) -> str | None:
        unit, period, element = entry.unit, entry.period, entry.element
        if not self.may_enter[unit.pk]:
            return _("You may not enter figures for %(unit)s.") % {"unit": unit.name}
        closed = period_reason(unit, period, self.day)
        if closed:
            return closed
        if entry.dataset is not None:
            if entry.dataset.pk not in {ds.pk for ds in sets}:
                return _("“%(dataset)s” has no element with code “%(code)s”.") % {
                    "dataset": entry.dataset.name,
                    "code": element.code,
                }
            reported = [entry.dataset] if entry.dataset.reports(unit) else []
        else:
            reported = [ds for ds in sets if ds.reports(unit)]
        if not reported:
            return _("%(unit)s does not report “%(field)s” for %(period)s.") % {
                "unit": unit.name,
                "field": element.label,
                "period": period.label,
            }
        for path in _prefixes(unit.path):
            for ds in sets:
                sub = self.locking.get((ds.pk, period.code, path))
                if sub is not None:
                    return _lock_message(sub, ds, period)
        if not self.may_admin[unit.pk]:
            for ds in reported:
                expiry = ds.expiry_date(period)
                if expiry and self.day > expiry:
                    return _(
                        "Entry for %(period)s of “%(dataset)s” closed on %(date)s; ask the unit administrator."
                    ) % {"period": period.label, "dataset": ds.name, "date": format_date(expiry)}
        return None


def lock_reason(user: AnyUser, dataset: DataSet, unit: Unit, period: Period) -> str | None:
    """Why the figures of this report may not be changed now (the first element's reason)."""
    member = dataset.members.select_related("element").order_by("order", "id").first()
    if member is None:
        return None
    entry = Entry(unit, period, member.element, None, dataset=dataset)
    return _Rules.load(user, [entry]).refusal(entry)


def check_entries(
    user: AnyUser, entries: Sequence[Entry], progress: Progress | None = None
) -> tuple[list[Change], list[tuple[Entry, str]]]:
    """Check every entry (a fixed number of queries, whatever the count); nothing is written.

    ``progress`` is told how many entries have been checked every ``PROGRESS_EVERY`` entries.
    """
    changes, refusals = _check(user, entries, progress)
    return changes, [(entry, error.message) for entry, error in refusals]


def _check(
    user: AnyUser, entries: Sequence[Entry], progress: Progress | None = None, rules: _Rules | None = None
) -> tuple[list[Change], list[tuple[Entry, UserError]]]:
    rules = rules or _Rules.load(user, entries)
    units = {e.unit.id for e in entries}
    periods = {e.period.code for e in entries}
    elements = {e.element.id for e in entries}
    existing = {
        (dv.element_id, dv.unit_id, dv.period): dv
        for dv in DataValue.objects.filter(
            unit_id__in=units, period__in=periods, element_id__in=elements
        ).select_related("stored_by")
    }
    changes: list[Change] = []
    errors: list[tuple[Entry, UserError]] = []
    total = len(entries)
    for done, entry in enumerate(entries):
        if progress is not None and done and done % PROGRESS_EVERY == 0:
            progress(done, total)
        reason = rules.refusal(entry)
        if reason:
            errors.append((entry, ValueError_(reason, entry.element)))
            continue
        try:
            number, text = parse_raw(entry.element, entry.raw)
        except UserError as exc:
            errors.append((entry, exc))
            continue
        current = existing.get((entry.element.id, entry.unit.id, entry.period.code))
        version = current.version if current else 0
        if entry.expected_version is not None and entry.expected_version != version:
            errors.append((entry, conflict(current)))
            continue
        changes.append(Change(entry, current, number, text, rules))
    if progress is not None:
        progress(total, total)
    return changes, errors


# --- writing --------------------------------------------------------------------------------

_BATCH = 1000
_RETRIES = 3


def _retryable(exc: OperationalError) -> bool:
    """Deadlocks and serialisation failures: the database rolled back and a retry may pass."""
    cause = getattr(exc, "__cause__", None)
    return getattr(cause, "sqlstate", None) in ("40P01", "40001")


def do_save_entries(user: AnyUser, changes: Sequence[Change], progress: Progress | None = None) -> int:
    """Write checked changes in one transaction with their audit entries; return how many changed.

    Locks are re-checked inside the transaction. Rows are inserted and locked in one fixed order
    (unit, period, element), so writers of the same unit never wait on each other in a circle;
    should the database still give up, the whole write is retried, or refused with a clear message
    when it runs inside a caller's transaction. Runs inside a caller's transaction when there is
    one (the import job's), hence not ``durable``.
    """
    return _retrying(lambda: _write(user, changes, progress))


def _retrying(write: Callable[[], int]) -> int:
    """Run a write in a transaction, again after a deadlock or a serialisation failure."""
    attempts = 1 if connection.in_atomic_block else _RETRIES
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return write()
        except OperationalError as exc:
            if not _retryable(exc):
                raise
            if attempt + 1 == attempts:
                raise BusyError(
                    _("Many people are saving figures of this unit at once; nothing was saved, try again.")
                ) from exc
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _check_and_write(user: AnyUser, entries: Sequence[Entry]) -> int:
    """Check and write in one transaction (the entry form): the locks read by the check are held
    until the write, so they are read once. Any refusal saves nothing."""

    def write() -> int:
        rules = _Rules.load(user, entries, lock=True)
        changes, errors = _check(user, entries, rules=rules)
        if errors:
            raise errors[0][1]
        return _write(user, changes, None, locked=rules)

    return _retrying(write)


def _plain(number: Decimal) -> str:
    """6.0000 as stored reads "6" in the audit log, like the figure typed."""
    return format(number.normalize(), "f")


def _key(c: Change) -> tuple[int, str, int]:
    entry = c.entry
    return (entry.unit.id, entry.period.code, entry.element.id)


@dataclass
class _Written:
    """A value written: its change, and what was stored before (``updated``: a row existed)."""

    change: Change
    updated: bool
    old_value: Decimal | None = None
    old_text: str = ""


def _write(user: AnyUser, changes: Sequence[Change], progress: Progress | None, locked: _Rules | None = None) -> int:
    """``locked``: rules read under lock earlier in this transaction (else the locks are read now)."""
    keyed = sorted(((_key(c), c) for c in changes if c.changed), key=lambda kc: kc[0])
    if not keyed:
        return 0
    todo = [c for _k, c in keyed]
    entries = [c.entry for c in todo]
    rules = locked or todo[0].rules
    if rules is None or len({id(c.rules) for c in todo}) > 1:
        rules = _Rules.load(user, entries, lock=True)
    elif locked is None:
        rules = rules.relocked(entries)
    for entry in entries:
        reason = rules.refusal(entry)
        if reason:
            raise ValueError_(reason, entry.element)
    stored_by = user if getattr(user, "is_authenticated", False) else None
    stored_by_id = getattr(stored_by, "pk", None)
    moment = timezone.now()
    total = len(todo)

    # 1. New values: inserted in key order; a row someone else inserted first is left alone here.
    new = [c for c in todo if c.current is None]
    inserted: set[tuple[int, str, int]] = set()
    for start in range(0, len(new), _BATCH):
        inserted.update(_insert(new[start : start + _BATCH], stored_by_id, moment))
        if progress is not None:
            progress(min(start + _BATCH, len(new)), total)
    written = [_Written(c, False) for k, c in keyed if k in inserted]

    # 2. Everything else is an update of a row locked now, in key order, when it still has the
    # version the writer saw and something differs; the statement returns what was stored before.
    rest = [(k, c) for k, c in keyed if k not in inserted]
    for start in range(0, len(rest), _BATCH):
        chunk = rest[start : start + _BATCH]
        before = _update([c for _k, c in chunk], stored_by_id, moment)
        left = []
        for k, c in chunk:
            old = before.get(k)
            if old is None:
                left.append(c)
            else:
                written.append(_Written(c, True, *old))
        if left:
            _refuse_stale(left, many=total > 1)
        if progress is not None:
            progress(len(inserted) + min(start + _BATCH, len(rest)), total)

    # 3. Every ancestor's figures, in the same transaction.
    aggregates.apply_changes(
        (aggregates.ValueChange(
            w.change.entry.element.id,
            w.change.entry.unit.id,
            w.change.entry.period.code,
            w.old_value,
            w.change.number,
            w.change.entry.element.aggregation if w.change.entry.element.value_type != ValueType.TEXT else None,
        )
        for w in written),
        # 4. The audit log, in the same statement.
        also=_audit(written, stored_by_id, moment),
    )
    return len(written)


_VALUE_COLUMNS = (
    "element_id, unit_id, period, value, text_value, comment, stored_by_id, created_at, updated_at, version"
)


def _insert(chunk: Sequence[Change], stored_by_id: int | None, moment: Any) -> set[tuple[int, str, int]]:
    """Insert new values in key order; the keys of those inserted (not already there)."""
    ops = connection.ops
    source, params = rows_sql(
        [("e", db_type(DataValue, "element")), ("u", db_type(DataValue, "unit")),
         ("p", "varchar"), ("num", "numeric"), ("txt", "text"), ("cmt", "text")],
        [(c.entry.element.id, c.entry.unit.id, c.entry.period.code, ops.adapt_decimalfield_value(c.number, 18, 4),
          c.text, c.entry.comment or "") for c in chunk],
    )
    at = ops.adapt_datetimefield_value(moment)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(e, u, p, num, txt, cmt) AS ({source}) INSERT INTO {_table()} ({_VALUE_COLUMNS})"
            " SELECT e, u, p, num, txt, cmt, %s, %s, %s, 1 FROM v WHERE true ORDER BY u, p, e"
            " ON CONFLICT (element_id, unit_id, period) DO NOTHING RETURNING unit_id, period, element_id",
            [*params, stored_by_id, at, at],
        )
        return {(u, p, e) for u, p, e in cursor.fetchall()}


def _update(
    chunk: Sequence[Change], stored_by_id: int | None, moment: Any
) -> dict[tuple[int, str, int], tuple[Any, str]]:
    """Lock the chunk's rows in key order and update those still at the version the writer saw
    that differ; (key) -> (value, text) stored before, for the rows updated.

    PostgreSQL returns the values before from the rows it locked, in the one statement; SQLite,
    whose writers take turns, reads them first.
    """
    ops = connection.ops
    source, params = rows_sql(
        [("e", db_type(DataValue, "element")), ("u", db_type(DataValue, "unit")),
         ("p", "varchar"), ("num", "numeric"), ("txt", "text"), ("cmt", "text"), ("exp", "integer")],
        [(c.entry.element.id, c.entry.unit.id, c.entry.period.code, ops.adapt_decimalfield_value(c.number, 18, 4),
          c.text, c.entry.comment, c.entry.expected_version) for c in chunk],
    )
    at = ops.adapt_datetimefield_value(moment)
    table = _table()
    postgres = connection.vendor == "postgresql"
    lock = " FOR UPDATE OF d" if postgres else ""
    returning = "o.ov, o.ot" if postgres else "NULL, NULL"
    before: dict[tuple[int, str, int], tuple[Any, str]] = {}
    with connection.cursor() as cursor:
        if not postgres:
            cursor.execute(
                f"WITH v(e, u, p, num, txt, cmt, exp) AS ({source}) SELECT d.unit_id, d.period, d.element_id,"
                f" d.value, d.text_value FROM {table} d JOIN v ON d.element_id = v.e AND d.unit_id = v.u"
                " AND d.period = v.p",
                params,
            )
            stored = {(u, p, e): (value, text) for u, p, e, value, text in cursor.fetchall()}
        cursor.execute(
            f"WITH v(e, u, p, num, txt, cmt, exp) AS ({source}),"
            " o AS (SELECT d.id, d.value AS ov, d.text_value AS ot, d.comment AS oc, d.version AS ver,"
            f" v.num, v.txt, v.cmt, v.exp FROM {table} d JOIN v ON d.element_id = v.e AND d.unit_id = v.u"
            f" AND d.period = v.p ORDER BY d.unit_id, d.period, d.element_id{lock})"
            f" UPDATE {table} SET value = o.num, text_value = o.txt, comment = COALESCE(o.cmt, o.oc),"
            " stored_by_id = %s, updated_at = %s, version = o.ver + 1 FROM o"
            f" WHERE {table}.id = o.id AND (o.exp IS NULL OR o.exp = o.ver)"
            " AND (o.ov IS DISTINCT FROM o.num OR o.ot <> o.txt OR (o.cmt IS NOT NULL AND o.cmt <> o.oc))"
            f" RETURNING {table}.unit_id, {table}.period, {table}.element_id, {returning}",
            [*params, stored_by_id, at],
        )
        for u, p, e, value, text in cursor.fetchall():
            value, text = (value, text) if postgres else stored[(u, p, e)]
            before[(u, p, e)] = (None if value is None else Decimal(str(value)), text)
    return before


def _refuse_stale(left: Sequence[Change], many: bool) -> None:
    """The rows not updated: gone, at another version (a conflict), or already as asked (fine)."""
    rows = {
        (dv.unit_id, dv.period, dv.element_id): dv
        for dv in DataValue.objects.filter(
            unit_id__in={c.entry.unit.pk for c in left},
            period__in={c.entry.period.code for c in left},
            element_id__in={c.entry.element.pk for c in left},
        ).select_related("stored_by")
    }
    for c in left:
        row = rows.get(_key(c))
        if row is None:  # inserted and rolled back by someone else meanwhile: the caller retries
            raise ConflictError(_("Someone else just changed this value; reload the page."))
        expected = c.entry.expected_version
        if expected is not None and expected != row.version:
            error = conflict(row)
            if many:
                error = ConflictError(
                    _("“%(field)s” of %(unit)s: %(reason)s")
                    % {"field": c.entry.element.label, "unit": c.entry.unit.name, "reason": error.message},
                    current=row,
                )
            raise error


def _table() -> str:
    return connection.ops.quote_name(DataValue._meta.db_table)


def _audit(written: Sequence[_Written], stored_by_id: int | None, moment: Any) -> tuple[str, list[Any]] | None:
    """The audit log's insert: one entry per unit and period naming every value changed,
    {code: [before, after]}."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    grouped: dict[tuple[int, str], list[_Written]] = defaultdict(list)
    for w in written:
        grouped[(w.change.entry.unit.id, w.change.entry.period.code)].append(w)
    rows = []
    for (_unit_id, period_code), group in grouped.items():
        unit = group[0].change.entry.unit
        diff: dict[str, list[str | None]] = {}
        for w in group:
            old = None
            if w.updated:
                old = _plain(w.old_value) if w.old_value is not None else w.old_text
            c = w.change
            diff[c.entry.element.code] = [old, _plain(c.number) if c.number is not None else c.text]
        rows.append((
            f"{unit.code}:{period_code}",
            f"{unit.code} {period_code}: {len(group)}",
            json.dumps(diff, ensure_ascii=False),
            json.dumps({"unit_path": unit.path, "period": period_code}, ensure_ascii=False),
        ))
    if not rows:
        return None
    ops = connection.ops
    json_type = "jsonb" if connection.vendor == "postgresql" else "text"
    source, params = rows_sql([("pk", "varchar"), ("repr", "text"), ("ch", "text"), ("extra", "text")], rows)
    col = {name: ops.quote_name(LogEntry._meta.get_field(name).column) for name in (
        "content_type", "object_pk", "object_repr", "action", "changes_text", "changes", "actor", "timestamp",
        "additional_data")}
    return (
        f"WITH v(pk, repr, ch, extra) AS ({source}) INSERT INTO {ops.quote_name(LogEntry._meta.db_table)}"
        f" ({col['content_type']}, {col['object_pk']}, {col['object_repr']}, {col['action']},"
        f" {col['changes_text']}, {col['changes']}, {col['actor']}, {col['timestamp']}, {col['additional_data']})"
        f" SELECT %s, pk, repr, %s, '', CAST(ch AS {json_type}), %s, %s, CAST(extra AS {json_type}) FROM v",
        [*params, ContentType.objects.get_for_model(DataValue).pk, LogEntry.Action.UPDATE, stored_by_id,
         ops.adapt_datetimefield_value(moment)],
    )


# The names the import code and the API use.
prepare = check_entries
apply = do_save_entries


# --- one value (the entry form) -------------------------------------------------------------


def save_value(
    user: AnyUser,
    element: DataElement,
    unit: Unit,
    period: Period | str,
    raw: Any,
    expected_version: int | None,
    comment: str | None = None,
    dataset: DataSet | None = None,
) -> DataValue | None:
    """Store one value through the same check and write as a whole data set; the stored row, or
    ``None`` when the value was cleared."""
    period = Period.parse(period) if isinstance(period, str) else period
    entry = Entry(unit, period, element, raw, expected_version, comment, dataset=dataset)
    _check_and_write(user, [entry])
    return DataValue.objects.select_related("stored_by").filter(element=element, unit=unit, period=period.code).first()


@dataclass
class ValueInput:
    element: DataElement
    raw: Any
    expected_version: int | None = None
    comment: str | None = None


def save_values(user: AnyUser, unit: Unit, period: Period | str, items: Iterable[ValueInput]) -> int:
    """Store several values of one unit and period atomically: any refusal saves nothing."""
    period = Period.parse(period) if isinstance(period, str) else period
    entries = [Entry(unit, period, i.element, i.raw, i.expected_version, i.comment) for i in items]
    return _check_and_write(user, entries)


# --- what the entry page shows --------------------------------------------------------------

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_NUMBERED = re.compile(r"^\s*([IVXLC]+)[.)]\s")


def section_number(title: str) -> int | None:
    """The Roman numeral a section title starts with ("VI. Giáo dục…" → 6), if any."""
    match = _NUMBERED.match(title)
    if not match:
        return None
    total, previous = 0, 0
    for letter in reversed(match.group(1)):
        value = _ROMAN[letter]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def ordered_sections(titles: Iterable[str]) -> list[str]:
    """Numbered sections in numeral order first, then the others as first declared."""
    first_seen = {title: index for index, title in enumerate(dict.fromkeys(titles))}

    def position(title: str) -> tuple[bool, int, int]:
        number = section_number(title)
        return (number is None, number or 0, first_seen[title])

    return sorted(first_seen, key=position)


@dataclass
class EntryForm:
    """A report's form for one unit and period: its sections in order and what the user may do."""

    sections: list[tuple[str, list[dict[str, Any]]]]
    values: dict[int, DataValue]
    submission: Submission | None
    lock: str | None
    can_enter: bool
    can_submit: bool
    can_withdraw: bool
    field_count: int


def entry_form(user: AnyUser, dataset: DataSet, unit: Unit, period: Period) -> EntryForm:
    """Sections follow the report's numbering (I, II, …), then the declared order; the lock is
    worked out by the same check every write goes through."""
    from . import analytics

    members = list(dataset.members.select_related("element").order_by("order", "id"))
    elements = [m.element for m in members]
    values = {
        dv.element_id: dv
        for dv in DataValue.objects.filter(unit=unit, period=period.code, element__in=elements).select_related(
            "stored_by"
        )
    }
    last_year = analytics.last_year_values(unit, period, [e.pk for e in elements])
    submission = Submission.objects.filter(dataset=dataset, unit=unit, period=period.code).first()
    grouped: dict[str, list[DataSetElement]] = defaultdict(list)
    for member in members:
        grouped[member.section or ""].append(member)
    sections = []
    tabindex = 0
    for title in ordered_sections(grouped):
        fields = []
        for member in grouped[title]:
            tabindex += 1
            fields.append(
                {
                    "element": member.element,
                    "dv": values.get(member.element_id),
                    "last": last_year.get(member.element_id),
                    "tabindex": tabindex,
                }
            )
        sections.append((title, fields))
    can_enter = Scope.of(user).allows(unit, Action.ENTER)
    lock = None
    if members and can_enter:
        entry = Entry(unit, period, members[0].element, None, dataset=dataset)
        lock = _Rules.load(user, [entry]).refusal(entry)
    status = submission.status if submission else Status.DRAFT
    return EntryForm(
        sections=sections,
        values=values,
        submission=submission,
        lock=lock,
        can_enter=can_enter and not lock,
        can_submit=can_enter and not lock and status in (Status.DRAFT, Status.RETURNED),
        can_withdraw=submission is not None
        and status == Status.SUBMITTED
        and submission.submitted_by_id == getattr(user, "pk", None),
        field_count=len(members),
    )


def field_tabindex(dataset: DataSet, element: DataElement) -> int:
    """The field's place in the form's tab order, as ``entry_form`` numbers them."""
    form_order: list[int] = []
    members = list(dataset.members.order_by("order", "id").values_list("element_id", "section"))
    grouped: dict[str, list[int]] = defaultdict(list)
    for element_id, section in members:
        grouped[section or ""].append(element_id)
    for title in ordered_sections(grouped):
        form_order += grouped[title]
    return form_order.index(element.pk) + 1 if element.pk in form_order else 0
