"""Entering values, checking them, and moving a report through submission and approval.

Views, the API and the Excel import all call these functions, so every path applies the same
checks: value type, scope (action "enter"), locks of approved reports, the data set's expiry,
and the version the user read (no silent overwrite).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.core.numbers import format_date, format_number, parse_number
from tuyengiao.core.periods import Period
from tuyengiao.core.services import save_versioned
from tuyengiao.org.access import can
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit, today
from tuyengiao.org.services import children as tree_children
from tuyengiao.org.services import parent_on

from .expressions import ExpressionError, parse
from .models import DataElement, DataSet, DataValue, Status, Submission, ValidationRule, ValueType

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class ValueError_(UserError):
    """A value refused for one field; ``element`` says which."""

    def __init__(self, message: str, element: DataElement | None = None) -> None:
        super().__init__(message)
        self.element = element


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


# --- locks ----------------------------------------------------------------------------------


def datasets_of(element: DataElement, period: Period) -> list[DataSet]:
    return [ds for ds in element.datasets.all() if ds.period_type == period.type]


def existence_reason(unit: Unit, period: Period) -> str | None:
    """A unit reports only for periods it existed in (at least one day)."""
    if period.end < unit.valid_from or (unit.valid_to is not None and period.start >= unit.valid_to):
        return _("%(unit)s did not exist in %(period)s, so it has no report for that period.") % {
            "unit": unit.name,
            "period": period.label,
        }
    return None


def lock_reason(
    user: AnyUser,
    element: DataElement,
    unit: Unit,
    period: Period,
    datasets: Sequence[DataSet] | None = None,
    approved: set[int] | None = None,
) -> str | None:
    """Why this value may not be changed now, or ``None``.

    ``approved`` (data set ids approved for this unit and period) saves a query when a whole
    form is checked at once.
    """
    closed = existence_reason(unit, period)
    if closed:
        return closed
    sets = list(datasets) if datasets is not None else datasets_of(element, period)
    if approved is None:
        approved = set(
            Submission.objects.filter(
                dataset__in=sets, unit=unit, period=period.code, status=Status.APPROVED
            ).values_list("dataset_id", flat=True)
        )
    for ds in sets:
        if ds.pk in approved:
            return _(
                "The report “%(dataset)s” for %(period)s of %(unit)s is approved, so its figures are locked; "
                "ask the approver to unlock it if it needs correcting."
            ) % {"dataset": ds.name, "period": period.label, "unit": unit.name}
        expiry = ds.expiry_date(period)
        if expiry and today() > expiry and not can(user, Action.ADMIN, unit):
            return _(
                "Entry for %(period)s of “%(dataset)s” closed on %(date)s; ask the unit administrator."
            ) % {"period": period.label, "dataset": ds.name, "date": format_date(expiry)}
    return None


# --- saving ---------------------------------------------------------------------------------


@dataclass
class ValueInput:
    element: DataElement
    raw: Any
    expected_version: int | None = None  # None: do not check (imports that preview first)
    comment: str | None = None


def _check_enter(user: AnyUser, unit: Unit) -> None:
    if not can(user, Action.ENTER, unit):
        raise UserError(_("You may not enter figures for %(unit)s.") % {"unit": unit.name})


def save_value(
    user: AnyUser,
    element: DataElement,
    unit: Unit,
    period: Period | str,
    raw: Any,
    expected_version: int | None,
    comment: str | None = None,
) -> DataValue:
    """Store one value (``expected_version`` 0 means "I saw no value")."""
    period = Period.parse(period) if isinstance(period, str) else period
    return save_values(user, unit, period, [ValueInput(element, raw, expected_version, comment)])[0]


@transaction.atomic
def save_values(
    user: AnyUser, unit: Unit, period: Period | str, items: Iterable[ValueInput], check_scope: bool = True
) -> list[DataValue]:
    """Store several values of one unit and period atomically: any refusal saves nothing."""
    period = Period.parse(period) if isinstance(period, str) else period
    if check_scope:
        _check_enter(user, unit)
    items = list(items)
    existing = {
        dv.element_id: dv
        for dv in DataValue.objects.select_for_update().filter(
            unit=unit, period=period.code, element__in=[i.element for i in items]
        )
    }
    saved: list[DataValue] = []
    for item in items:
        reason = lock_reason(user, item.element, unit, period)
        if reason:
            raise ValueError_(reason, item.element)
        number, text = parse_raw(item.element, item.raw)
        current = existing.get(item.element.pk)
        stored_by = user if getattr(user, "is_authenticated", False) else None
        if current is None:
            if item.expected_version not in (None, 0):
                raise ConflictError(_("This value was deleted or changed; reload the page."), current=None)
            dv = DataValue(
                element=item.element,
                unit=unit,
                period=period.code,
                value=number,
                text_value=text,
                comment=item.comment or "",
                stored_by=stored_by,
            )  # type: ignore[misc]
            try:
                with transaction.atomic():
                    dv.save()
            except IntegrityError as exc:
                other = DataValue.objects.get(element=item.element, unit=unit, period=period.code)
                raise _conflict(other) from exc
        else:
            if item.expected_version is not None and item.expected_version != current.version:
                raise _conflict(current)
            if (
                current.value == number
                and current.text_value == text
                and (item.comment is None or item.comment == current.comment)
            ):
                saved.append(current)
                continue
            current.value = number
            current.text_value = text
            if item.comment is not None:
                current.comment = item.comment
            current.stored_by = stored_by
            try:
                dv = save_versioned(current, current.version)
            except ConflictError as exc:
                raise _conflict(exc.current) from exc  # type: ignore[arg-type]
        saved.append(dv)
    return saved


def person_name(user: Any) -> str:
    """Vietnamese order: family and middle names first ("Nguyễn Thị Thu Hà"), else the login."""
    full = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return full or str(user.get_username())


def _conflict(other: DataValue | None) -> ConflictError:
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


# --- validation rules -----------------------------------------------------------------------


@dataclass
class Violation:
    rule: ValidationRule
    left: Decimal
    right: Decimal

    @property
    def message(self) -> str:
        from .wording import rule_message

        return rule_message(self.rule, self.left, self.right)


def values_map(unit: Unit, period: Period, codes: Iterable[str] | None = None) -> dict[str, Decimal | None]:
    qs = DataValue.objects.filter(unit=unit, period=period.code, value__isnull=False)
    if codes is not None:
        qs = qs.filter(element__code__in=list(codes))
    return dict(qs.values_list("element__code", "value"))


def check_rules(
    dataset: DataSet, unit: Unit, period: Period, values: dict[str, Decimal | None] | None = None
) -> list[Violation]:
    """Rules whose both sides have values and do not hold (a missing side is skipped).

    A rule may name derived elements (``#{DV_SO_LUONG}``: members the tree already knows);
    those come from the analytics service for this unit and period.
    """
    from tuyengiao.core import providers

    values = dict(values) if values is not None else values_map(unit, period)
    out: list[Violation] = []
    parsed = []
    for rule in dataset.rules.all():
        try:
            parsed.append((rule, parse(rule.left), parse(rule.right)))
        except ExpressionError:
            continue
    derived = {
        c for _r, left, right in parsed for c in left.codes | right.codes if providers.get(c) is not None
    }
    if derived:
        from . import analytics

        for row in analytics.values(sorted(derived), [period], unit):
            values[row.dx] = row.value
    for rule, left_expr, right_expr in parsed:
        left = left_expr.evaluate(values)
        right = right_expr.evaluate(values)
        if left is None or right is None:
            continue
        if not rule.holds(left, right):
            out.append(Violation(rule, left, right))
    return out


# --- submission and approval ----------------------------------------------------------------


def submission_for(dataset: DataSet, unit: Unit, period: Period) -> Submission:
    sub, _created = Submission.objects.get_or_create(dataset=dataset, unit=unit, period=period.code)
    return sub


def _locked_submission(dataset: DataSet, unit: Unit, period: Period) -> Submission:
    submission_for(dataset, unit, period)
    return Submission.objects.select_for_update().get(dataset=dataset, unit=unit, period=period.code)


def _reporting_children(dataset: DataSet, unit: Unit, period: Period) -> list[Unit]:
    return [c for c in tree_children(unit, min(period.end, unit.last_day())) if dataset.reports(c)]


def approver_unit(unit: Unit, period: Period) -> Unit | None:
    """Whose approvers decide on this unit's report: its parent as the tree stood at period end."""
    day = min(period.end, unit.last_day())
    return parent_on(unit, day) or unit.parent


def can_approve(user: AnyUser, unit: Unit, period: Period) -> bool:
    parent = approver_unit(unit, period)
    return parent is not None and can(user, Action.APPROVE, parent)


@transaction.atomic
def submit(user: AnyUser, dataset: DataSet, unit: Unit, period: Period | str) -> Submission:
    period = dataset.period(period) if isinstance(period, str) else period
    _check_enter(user, unit)
    if not dataset.reports(unit):
        raise UserError(
            _("%(unit)s does not report “%(dataset)s”.") % {"unit": unit.name, "dataset": dataset.name}
        )
    sub = _locked_submission(dataset, unit, period)
    if sub.status in (Status.SUBMITTED, Status.APPROVED):
        raise UserError(
            _("The report for %(period)s is already “%(status)s”.")
            % {"period": period.label, "status": sub.get_status_display()}
        )
    if not DataValue.objects.filter(
        unit=unit, period=period.code, element__in=dataset.elements.all()
    ).exists():
        raise UserError(_("There are no figures yet; enter them before sending the report."))
    violations = check_rules(dataset, unit, period)
    if violations:
        raise UserError(
            _("Not sent, the figures do not pass the checks: %(problems)s")
            % {"problems": "; ".join(v.message for v in violations)}
        )
    sub.status = Status.SUBMITTED
    sub.submitted_at = timezone.now()
    sub.submitted_by = user  # type: ignore[assignment]
    sub.reason = ""
    sub.save()
    return sub


def _check_approver(user: AnyUser, sub: Submission) -> None:
    if not can_approve(user, sub.unit, sub.period_obj):
        raise UserError(_("You are not an approver of the reports of %(unit)s.") % {"unit": sub.unit.name})


@transaction.atomic
def approve(user: AnyUser, submission: Submission) -> Submission:
    sub = Submission.objects.select_for_update().select_related("dataset", "unit").get(pk=submission.pk)
    _check_approver(user, sub)
    if sub.status != Status.SUBMITTED:
        raise UserError(
            _("Only a sent report can be approved; this one is “%(status)s”.")
            % {"status": sub.get_status_display()}
        )
    period = sub.period_obj
    kids = _reporting_children(sub.dataset, sub.unit, period)
    if kids:
        approved = set(
            Submission.objects.filter(
                dataset=sub.dataset, period=sub.period, unit__in=kids, status=Status.APPROVED
            ).values_list("unit_id", flat=True)
        )
        waiting = [k.name for k in kids if k.pk not in approved]
        if waiting:
            names = ", ".join(waiting[:10])
            if len(waiting) > 10:
                names = _("%(names)s and %(count)d other units") % {
                    "names": names,
                    "count": len(waiting) - 10,
                }
            raise UserError(
                _("Not approved yet: the reports of these units below are not approved: %(names)s.")
                % {"names": names}
            )
    sub.status = Status.APPROVED
    sub.decided_at = timezone.now()
    sub.decided_by = user
    sub.reason = ""
    sub.save()
    return sub


@transaction.atomic
def return_(user: AnyUser, submission: Submission, reason: str) -> Submission:
    """Send a submitted report back to the unit with a reason it can act on."""
    sub = Submission.objects.select_for_update().select_related("dataset", "unit").get(pk=submission.pk)
    _check_approver(user, sub)
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Write the reason for returning the report so the unit knows what to correct."))
    if sub.status != Status.SUBMITTED:
        raise UserError(
            _("Only a sent report can be returned; this one is “%(status)s”.")
            % {"status": sub.get_status_display()}
        )
    sub.status = Status.RETURNED
    sub.reason = reason[:1000]
    sub.decided_at = timezone.now()
    sub.decided_by = user
    sub.save()
    return sub


@transaction.atomic
def unlock(user: AnyUser, submission: Submission, reason: str = "") -> Submission:
    """Reopen an approved report for correction (the parent's approval must be undone first)."""
    sub = Submission.objects.select_for_update().select_related("dataset", "unit").get(pk=submission.pk)
    _check_approver(user, sub)
    if sub.status != Status.APPROVED:
        raise UserError(_("Only an approved report can be unlocked."))
    parent = approver_unit(sub.unit, sub.period_obj)
    if (
        parent is not None
        and Submission.objects.filter(
            dataset=sub.dataset, unit=parent, period=sub.period, status=Status.APPROVED
        ).exists()
    ):
        raise UserError(
            _("The report of %(unit)s is approved; unlock that one first.") % {"unit": parent.name}
        )
    sub.status = Status.RETURNED
    sub.reason = (reason or _("Unlocked to correct the figures")).strip()[:1000]
    sub.decided_at = timezone.now()
    sub.decided_by = user
    sub.save()
    return sub


# --- completeness and timeliness ------------------------------------------------------------


@dataclass
class Completeness:
    unit: Unit
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    approved: int = 0
    status: str | None = None  # the unit's own report, when it reports
    has_children: bool = False

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.submitted * 100) / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> Decimal | None:
        return Decimal(self.on_time * 100) / self.expected if self.expected else None

    @property
    def approved_rate(self) -> Decimal | None:
        return Decimal(self.approved * 100) / self.expected if self.expected else None


@dataclass
class CompletenessReport:
    dataset: DataSet
    period: Period
    root: Completeness
    children: list[Completeness]
    late: list[Unit]
    due: dt.date


def completeness(dataset: DataSet, unit: Unit, period: Period | str) -> CompletenessReport:
    """Expected, submitted, on-time and approved reports under a unit (tree of the period end).

    Four queries whatever the size: the dated tree (2), the submissions (1), nothing per unit.
    """
    from tuyengiao.org.services import tree_as_of

    period = dataset.period(period) if isinstance(period, str) else period
    day = min(period.end, unit.last_day())
    tree = tree_as_of(day, root=unit)
    subs = {
        s.unit_id: s
        for s in Submission.objects.filter(dataset=dataset, period=period.code).only(
            "unit_id", "status", "submitted_at"
        )
    }
    due = dataset.due_date(period)
    late: list[Unit] = []

    memo: dict[int, Completeness] = {}

    def walk(node: Unit) -> Completeness:
        stats = Completeness(node)
        kids = tree.get(node.pk, [])
        stats.has_children = bool(kids)
        if dataset.reports(node):
            stats.expected += 1
            sub = subs.get(node.pk)
            stats.status = sub.status if sub else Status.DRAFT
            if sub and sub.status in (Status.SUBMITTED, Status.APPROVED):
                stats.submitted += 1
                if sub.submitted_at and timezone.localdate(sub.submitted_at) <= due:
                    stats.on_time += 1
                if sub.status == Status.APPROVED:
                    stats.approved += 1
            elif today() > due:
                late.append(node)
        for kid in kids:
            sub_stats = walk(kid)
            stats.expected += sub_stats.expected
            stats.submitted += sub_stats.submitted
            stats.on_time += sub_stats.on_time
            stats.approved += sub_stats.approved
        memo[node.pk] = stats
        return stats

    root = walk(unit)
    child_stats = [memo[kid.pk] for kid in tree.get(unit.pk, [])]
    late_sorted = sorted(late, key=lambda u: u.path)
    from tuyengiao.core.text import vn_sorted

    return CompletenessReport(
        dataset, period, root, vn_sorted(child_stats, key=lambda c: c.unit.name), late_sorted, due
    )


# --- many values at once (API value sets, Excel imports) ------------------------------------

Progress = Callable[[int, int], None]
"""Told ``(processed, total)`` every ``PROGRESS_EVERY`` items and once at the end of a long loop."""

PROGRESS_EVERY = 1000


@dataclass
class Entry:
    """One value to store; ``where`` tells the person where it came from (cell, list index)."""

    unit: Unit
    period: Period
    element: DataElement
    raw: Any
    expected_version: int | None = None
    comment: str | None = None
    where: Any = None


@dataclass
class Change:
    entry: Entry
    current: DataValue | None
    number: Decimal | None
    text: str

    @property
    def changed(self) -> bool:
        if self.current is None:
            return self.number is not None or bool(self.text)
        return (
            self.current.value != self.number
            or self.current.text_value != self.text
            or (self.entry.comment is not None and self.entry.comment != self.current.comment)
        )


def prepare(
    user: AnyUser, entries: Sequence[Entry], progress: Progress | None = None
) -> tuple[list[Change], list[tuple[Entry, str]]]:
    """Check every entry (a fixed number of queries, whatever the count); nothing is written.

    ``progress`` is told how many entries have been checked every ``PROGRESS_EVERY`` entries.
    """
    from .models import DataSetElement

    units = {e.unit.pk: e.unit for e in entries}
    periods = {e.period.code for e in entries}
    elements = {e.element.pk for e in entries}
    may_enter = {pk: can(user, Action.ENTER, unit) for pk, unit in units.items()}
    may_admin = {pk: can(user, Action.ADMIN, unit) for pk, unit in units.items()}
    sets_of: dict[int, list[DataSet]] = {}
    for m in DataSetElement.objects.filter(element_id__in=elements).select_related("dataset"):
        sets_of.setdefault(m.element_id, []).append(m.dataset)
    approved = set(
        Submission.objects.filter(unit_id__in=units, period__in=periods, status=Status.APPROVED).values_list(
            "dataset_id", "unit_id", "period"
        )
    )
    existing = {
        (dv.element_id, dv.unit_id, dv.period): dv
        for dv in DataValue.objects.filter(unit_id__in=units, period__in=periods, element_id__in=elements)
    }
    changes: list[Change] = []
    errors: list[tuple[Entry, str]] = []
    now = today()
    total = len(entries)
    for done, entry in enumerate(entries):
        if progress is not None and done and done % PROGRESS_EVERY == 0:
            progress(done, total)
        unit, period, element = entry.unit, entry.period, entry.element
        if not may_enter[unit.pk]:
            errors.append((entry, _("You may not enter figures for %(unit)s.") % {"unit": unit.name}))
            continue
        reason = existence_reason(unit, period)
        for ds in [] if reason else sets_of.get(element.pk, []):
            if ds.period_type != period.type:
                continue
            if (ds.pk, unit.pk, period.code) in approved:
                reason = _(
                    "The report “%(dataset)s” for %(period)s of %(unit)s "
                    "is approved, so its figures are locked."
                ) % {"dataset": ds.name, "period": period.label, "unit": unit.name}
                break
            expiry = ds.expiry_date(period)
            if expiry and now > expiry and not may_admin[unit.pk]:
                reason = _("Entry for %(period)s closed on %(date)s.") % {
                    "period": period.label,
                    "date": format_date(expiry),
                }
                break
        if reason:
            errors.append((entry, reason))
            continue
        try:
            number, text = parse_raw(element, entry.raw)
        except UserError as exc:
            errors.append((entry, exc.message))
            continue
        current = existing.get((element.pk, unit.pk, period.code))
        version = current.version if current else 0
        if entry.expected_version is not None and entry.expected_version != version:
            errors.append((entry, _conflict(current).message))
            continue
        changes.append(Change(entry, current, number, text))
    if progress is not None:
        progress(total, total)
    return changes, errors


@transaction.atomic
def apply(user: AnyUser, changes: Sequence[Change], progress: Progress | None = None) -> int:
    """Write prepared changes in bulk, refusing all if any row moved since it was read.

    ``progress`` is told how many values have been written after every batch; it is called inside
    the transaction, so whatever it records must go through a connection of its own to be seen.
    """
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    todo = [c for c in changes if c.changed]
    stored_by = user if getattr(user, "is_authenticated", False) else None
    updates = [c for c in todo if c.current is not None]
    if updates:
        locked = dict(
            DataValue.objects.select_for_update()
            .filter(pk__in=[c.current.pk for c in updates])  # type: ignore[union-attr]
            .values_list("pk", "version")
        )
        for c in updates:
            assert c.current is not None
            if locked.get(c.current.pk) != c.current.version:
                raise ConflictError(
                    _(
                        "Someone else just changed %(field)s of %(unit)s; "
                        "nothing was saved, reload and try again."
                    )
                    % {"field": c.entry.element.label, "unit": c.entry.unit.name}
                )
    created = [
        DataValue(
            element=c.entry.element,
            unit=c.entry.unit,
            period=c.entry.period.code,
            value=c.number,
            text_value=c.text,
            comment=c.entry.comment or "",
            stored_by=stored_by,
        )  # type: ignore[misc]
        for c in todo
        if c.current is None
    ]
    total = len(todo)
    batch = 2000
    try:
        with transaction.atomic():
            for start in range(0, len(created), batch):
                DataValue.objects.bulk_create(created[start : start + batch])
                if progress is not None:
                    progress(min(start + batch, len(created)), total)
    except IntegrityError as exc:
        raise ConflictError(
            _("Someone else just entered some of these values; nothing was saved, reload and try again.")
        ) from exc
    moment = timezone.now()
    rows = []
    for c in updates:
        dv = c.current
        assert dv is not None
        if c.entry.comment is not None:
            dv.comment = c.entry.comment
        ops = connection.ops
        rows.append(
            (
                ops.adapt_decimalfield_value(c.number, 18, 4),
                c.text,
                dv.comment,
                getattr(stored_by, "pk", None),
                ops.adapt_datetimefield_value(moment),
                dv.pk,
                dv.version,
            )
        )
    if rows:
        # One prepared statement run per row (bulk_update's CASE expressions are quadratic);
        # the version condition is a second guard behind the row locks taken above.
        with connection.cursor() as cursor:
            for start in range(0, len(rows), batch):
                cursor.executemany(
                    f"UPDATE {DataValue._meta.db_table} SET value = %s, text_value = %s, comment = %s,"
                    " stored_by_id = %s, updated_at = %s, version = version + 1 WHERE id = %s AND version = %s",
                    rows[start : start + batch],
                )
                if progress is not None:
                    progress(len(created) + min(start + batch, len(rows)), total)
    # The per-row audit signals are bypassed, so write the audit log here: one entry per unit and
    # period listing every value changed ({element code: [old, new]}), in bulk.
    ctype = ContentType.objects.get_for_model(DataValue)
    grouped: dict[tuple[int, str], list[Change]] = defaultdict(list)
    for c in todo:
        grouped[(c.entry.unit.pk, c.entry.period.code)].append(c)
    logs = []
    for (_unit_id, period_code), group in grouped.items():
        unit = group[0].entry.unit
        diff: dict[str, list[str | None]] = {}
        for c in group:
            old = None
            if c.current is not None:
                old = str(c.current.value) if c.current.value is not None else c.current.text_value
            diff[c.entry.element.code] = [old, str(c.number) if c.number is not None else c.text]
        logs.append(
            LogEntry(
                content_type=ctype,
                object_pk=f"{unit.code}:{period_code}",
                object_repr=f"{unit.code} {period_code}: {len(group)}",
                action=LogEntry.Action.UPDATE,
                changes=diff,
                actor=stored_by,
                timestamp=moment,
                additional_data={"unit_path": unit.path, "period": period_code},
            )
        )
    LogEntry.objects.bulk_create(logs, batch_size=1000)
    return len(todo)
