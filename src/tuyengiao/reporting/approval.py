"""A report's way up the tree: submit, withdraw, return, approve (one or many), unlock.

A sent or approved report locks the figures of its unit and of every unit below it for that
period (the check lives in ``entry``); these functions move the report between those states.
Whoever sent a report may not approve it unless ``ALLOW_SELF_APPROVAL`` is set (one-person boards).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period
from tuyengiao.org import tree
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit, today

from . import report_counts
from .entry import period_reason
from .models import DataSet, DataValue, Status, Submission
from .validation import check_rules

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


def submission_for(dataset: DataSet, unit: Unit, period: Period) -> Submission:
    sub, _created = Submission.objects.get_or_create(dataset=dataset, unit=unit, period=period.code)
    return sub


def _locked_submission(dataset: DataSet, unit: Unit, period: Period) -> Submission:
    submission_for(dataset, unit, period)
    return Submission.objects.select_for_update().get(dataset=dataset, unit=unit, period=period.code)


def _reporting_children(dataset: DataSet, unit: Unit, period: Period) -> list[Unit]:
    return [c for c in tree.children(unit, min(period.end, unit.last_day())) if dataset.reports(c)]


def approver_unit(unit: Unit, period: Period) -> Unit | None:
    """Whose approvers decide on this unit's report: its parent as the tree stood at period end."""
    day = min(period.end, unit.last_day())
    return tree.parent_on(unit, day) or unit.parent


def can_approve(user: AnyUser, unit: Unit, period: Period) -> bool:
    parent = approver_unit(unit, period)
    return parent is not None and Scope.of(user).allows(parent, Action.APPROVE)


def _snapshot(dataset: DataSet, unit: Unit, period: Period) -> dict[str, str]:
    """The report's figures as they stand, {element code: value as text}."""
    rows = DataValue.objects.filter(unit=unit, period=period.code, element__in=dataset.elements.all()).values_list(
        "element__code", "value", "text_value"
    )
    return {code: (str(value) if value is not None else text) for code, value, text in rows}


@transaction.atomic
def submit(user: AnyUser, dataset: DataSet, unit: Unit, period: Period | str) -> Submission:
    """Send the report up; its figures (and those below it) lock until returned or withdrawn."""
    period = dataset.period(period) if isinstance(period, str) else period
    if not Scope.of(user).allows(unit, Action.ENTER):
        raise UserError(_("You may not enter figures for %(unit)s.") % {"unit": unit.name})
    if not dataset.reports(unit):
        raise UserError(
            _("%(unit)s does not report “%(dataset)s”.") % {"unit": unit.name, "dataset": dataset.name}
        )
    reason = period_reason(unit, period, today())
    if reason:
        raise UserError(reason)
    sub = _locked_submission(dataset, unit, period)
    before = report_counts.state(sub)
    if sub.status in (Status.SUBMITTED, Status.APPROVED):
        raise UserError(
            _("The report for %(period)s is already “%(status)s”.")
            % {"period": period.label, "status": sub.get_status_display()}
        )
    figures = _snapshot(dataset, unit, period)
    if not figures:
        raise UserError(_("There are no figures yet; enter them before sending the report."))
    violations = check_rules(dataset, unit, period)
    if violations:
        raise UserError(
            _("Not sent, the figures do not pass the checks: %(problems)s")
            % {"problems": "; ".join(v.message for v in violations)}
        )
    if sub.snapshot:
        sub.previous_snapshot = sub.snapshot
    sub.snapshot = figures
    sub.status = Status.SUBMITTED
    sub.submitted_at = timezone.now()
    sub.submitted_by = user  # type: ignore[assignment]
    sub.reason = ""
    sub.save()
    report_counts.record(sub, before)
    return sub


@transaction.atomic
def withdraw(user: AnyUser, submission: Submission) -> Submission:
    """Take back a sent report before it is decided, to correct it; only whoever sent it may."""
    sub = Submission.objects.select_for_update().select_related("dataset", "unit").get(pk=submission.pk)
    before = report_counts.state(sub)
    if sub.status != Status.SUBMITTED:
        raise UserError(
            _("Only a sent report can be withdrawn; this one is “%(status)s”.")
            % {"status": sub.get_status_display()}
        )
    if sub.submitted_by_id != getattr(user, "pk", None) or not Scope.of(user).allows(sub.unit, Action.ENTER):
        raise UserError(_("Only the person who sent the report can withdraw it."))
    sub.status = Status.DRAFT
    sub.reason = ""
    sub.save()
    report_counts.record(sub, before)
    return sub


def _check_approver(user: AnyUser, sub: Submission) -> None:
    if not can_approve(user, sub.unit, sub.period_obj):
        raise UserError(_("You are not an approver of the reports of %(unit)s.") % {"unit": sub.unit.name})


def _check_approve(user: AnyUser, sub: Submission) -> None:
    _check_approver(user, sub)
    if sub.status != Status.SUBMITTED:
        raise UserError(
            _("Only a sent report can be approved; this one is “%(status)s”.")
            % {"status": sub.get_status_display()}
        )
    own = sub.submitted_by_id is not None and sub.submitted_by_id == getattr(user, "pk", None)
    if own and not getattr(settings, "ALLOW_SELF_APPROVAL", False):
        raise UserError(_("You sent this report yourself, so another approver must approve it."))
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


@transaction.atomic
def approve(user: AnyUser, submission: Submission) -> Submission:
    sub = Submission.objects.select_for_update().select_related("dataset", "unit").get(pk=submission.pk)
    before = report_counts.state(sub)
    _check_approve(user, sub)
    sub.status = Status.APPROVED
    sub.decided_at = timezone.now()
    sub.decided_by = user
    sub.reason = ""
    sub.save()
    report_counts.record(sub, before)
    return sub


@dataclass
class BulkResult:
    approved: list[Submission] = field(default_factory=list)
    refused: list[tuple[Submission, str]] = field(default_factory=list)


def approve_many(user: AnyUser, submissions: Iterable[Submission]) -> BulkResult:
    """Approve several reports, each checked and decided on its own; a refusal names its unit."""
    result = BulkResult()
    for sub in sorted(submissions, key=lambda s: s.pk):
        try:
            result.approved.append(approve(user, sub))
        except UserError as exc:
            result.refused.append((sub, exc.message))
    return result


@transaction.atomic
def return_(user: AnyUser, submission: Submission, reason: str) -> Submission:
    """Send a submitted report back to the unit with a reason it can act on."""
    sub = Submission.objects.select_for_update().select_related("dataset", "unit").get(pk=submission.pk)
    before = report_counts.state(sub)
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
    report_counts.record(sub, before)
    return sub


@transaction.atomic
def unlock(user: AnyUser, submission: Submission, reason: str = "") -> Submission:
    """Reopen an approved report for correction (the parent's approval must be undone first)."""
    sub = Submission.objects.select_for_update().select_related("dataset", "unit").get(pk=submission.pk)
    before = report_counts.state(sub)
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
    report_counts.record(sub, before)
    return sub


# --- what the approver sees -----------------------------------------------------------------


@dataclass
class ValueChange:
    label: str
    old: str
    new: str


def _shown(raw: str | None) -> str:
    if raw is None or raw == "":
        return "—"
    try:
        return format_number(Decimal(raw))
    except (InvalidOperation, ValueError):
        return raw


def changes_since_last(sub: Submission, members: Sequence[Any] | None = None) -> list[ValueChange] | None:
    """What differs between the figures as sent now and as sent (or approved) the time before,
    in the report's order; ``None`` for a first sending."""
    if not sub.previous_snapshot:
        return None
    if members is None:
        members = list(sub.dataset.members.select_related("element").order_by("order", "id"))
    out = []
    for member in members:
        code = member.element.code
        old, new = sub.previous_snapshot.get(code), sub.snapshot.get(code)
        if old != new:
            out.append(ValueChange(member.element.label, _shown(old), _shown(new)))
    return out


@dataclass
class ApprovalCard:
    """One unit below on the approvals page: its counts, its own report, what may be done."""

    stats: Any  # completeness.Completeness
    submission: Submission | None
    can_decide: bool
    changes: list[ValueChange] | None


def approval_cards(
    user: AnyUser, dataset: DataSet, unit: Unit, period: Period, children: Sequence[Any]
) -> list[ApprovalCard]:
    """The cards of the units below ``unit`` (two queries whatever their number)."""
    members = list(dataset.members.select_related("element").order_by("order", "id"))
    kids = [c.unit for c in children]
    subs = {
        s.unit_id: s
        for s in Submission.objects.filter(dataset=dataset, period=period.code, unit__in=kids).select_related(
            "submitted_by"
        )
    }
    may_approve = Scope.of(user).allows(unit, Action.APPROVE)
    cards = []
    for stats in children:
        if not (stats.expected or stats.status):
            continue  # a unit with nothing to send (a cell under a commune's report)
        sub = subs.get(stats.unit.pk)
        submitted = sub is not None and sub.status == Status.SUBMITTED
        cards.append(
            ApprovalCard(
                stats,
                sub,
                may_approve and submitted,
                changes_since_last(sub, members) if submitted and sub else None,
            )
        )
    return cards


# --- where my reports are -------------------------------------------------------------------


def report_grid(user: AnyUser) -> list[tuple[DataSet, Unit, list[tuple[Period, Submission | None]]]]:
    """Each of my units' reports over the recent periods, plus older ones still needing action."""
    from collections import defaultdict

    from tuyengiao.org.models import today

    datasets = list(DataSet.objects.order_by("name"))
    kinds = {k for ds in datasets for k in ds.unit_kinds}
    units = list(
        Unit.objects.restrict(user, Action.ENTER).current().filter(kind__in=kinds).order_by("path")[:30]
    )
    if not units:
        units = list(Unit.objects.restrict(user, Action.VIEW).current().filter(kind__in=kinds).order_by("path")[:30])
    now = today()
    recent = {ds.pk: [Period.of(ds.period_type, now).shift(-i) for i in range(0, 6)] for ds in datasets}
    pending = Submission.objects.filter(unit__in=units, status__in=[Status.DRAFT, Status.RETURNED]).values_list(
        "dataset_id", "unit_id", "period"
    )
    older: dict[tuple[int, int], set[str]] = defaultdict(set)
    for ds_id, unit_id, code in pending:
        older[(ds_id, unit_id)].add(code)
    codes = {p.code for ps in recent.values() for p in ps} | {c for cs in older.values() for c in cs}
    subs = {(s.dataset_id, s.unit_id, s.period): s for s in Submission.objects.filter(unit__in=units, period__in=codes)}
    rows = []
    for ds in datasets:
        for unit in units:
            if not ds.reports(unit):
                continue
            periods = {p.code: p for p in recent[ds.pk]}
            for code in sorted(older.get((ds.pk, unit.pk), set()), reverse=True)[:6]:
                periods.setdefault(code, Period.parse(code))
            ordered = sorted(periods.values(), reverse=True)
            rows.append((ds, unit, [(p, subs.get((ds.pk, unit.pk, p.code))) for p in ordered]))
    return rows
