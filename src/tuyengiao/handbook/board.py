"""The members of one cell as its secretary and the unit admins above it see them: each member's
position, status and rates for a year, the cell's rates, and the change of a member's status.

Per-member detail stays with those who administer the cell (``services.is_secretary_of``); boards
above read only the rates through the providers. A member exempt from activities or transferred away
no longer counts in any denominator here, in the providers or in the campaigns' expected counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.text import fold
from tuyengiao.org.models import Unit

from .models import Attempt, Attendance, Commitment, Meeting, Member, MemberStatus, Presence, Reading
from .services import is_secretary_of, library, now, recount_members

if TYPE_CHECKING:
    from .services import User


def _count(queryset: QuerySet[Any], what: Count | None = None) -> Coalesce:
    """A per-member count as a subquery (several joins at once would multiply each other's rows)."""
    counted = (queryset.filter(member=OuterRef("pk")).order_by().values("member")
               .annotate(n=what or Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _year_span(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz))


def rate(top: int, bottom: int) -> Decimal | None:
    return (Decimal(top) * 100 / bottom).quantize(Decimal("0.1")) if bottom else None


@dataclass
class MemberRow:
    member: Member
    finished: int  # documents read to the end in the year
    present: int  # meetings present at, of ``recorded``
    recorded: int
    passed: int  # quizzes passed, of ``quizzes`` taken
    quizzes: int
    commitment: Commitment | None

    @property
    def counted(self) -> bool:
        return self.member.status == MemberStatus.ACTIVE

    @property
    def meeting_rate(self) -> Decimal | None:
        return rate(self.present, self.recorded)

    @property
    def quiz_rate(self) -> Decimal | None:
        return rate(self.passed, self.quizzes)

    def commitment_state(self) -> str:
        c = self.commitment
        if c is None:
            return _("not registered")
        if c.confirmed_at and c.completed:
            return _("completed, confirmed")
        if c.confirmed_at:
            return _("confirmed")
        return _("registered, awaiting confirmation")


@dataclass
class Filters:
    year: int
    status: str = ""
    phone: str = ""  # "", "yes", "no"
    q: str = ""


def member_rows(unit: Unit, filters: Filters) -> list[MemberRow]:
    """The cell's members with their rates for the year, in four queries whatever the cell's size."""
    start, after = _year_span(filters.year)
    members = Member.objects.filter(unit=unit).annotate(
        finished=_count(Reading.objects.filter(finished_at__gte=start, finished_at__lt=after)),
        recorded=_count(Attendance.objects.filter(meeting__start__gte=start, meeting__start__lt=after)
                        .exclude(presence="")),
        present=_count(Attendance.objects.filter(meeting__start__gte=start, meeting__start__lt=after,
                                                 presence=Presence.PRESENT)),
        quizzes=_count(Attempt.objects.filter(submitted_at__gte=start, submitted_at__lt=after),
                       Count("quiz", distinct=True)),
    ).order_by("full_name", "pk")
    if filters.status:
        members = members.filter(status=filters.status)
    if filters.phone:
        members = members.filter(has_smartphone=filters.phone == "yes")
    rows = list(members)
    if filters.q.strip():
        wanted = fold(filters.q)
        rows = [m for m in rows if wanted in fold(m.full_name) or wanted in fold(m.position)]
    ids = [m.pk for m in rows]
    passed = dict(Attempt.objects.filter(member__in=ids, passed=True, submitted_at__gte=start, submitted_at__lt=after)
                  .values("member").annotate(n=Count("quiz", distinct=True)).values_list("member", "n"))
    commitments = {c.member_id: c for c in Commitment.objects.filter(member__in=ids, year=filters.year)}
    return [MemberRow(m, m.finished, m.present, m.recorded, passed.get(m.pk, 0), m.quizzes,
                      commitments.get(m.pk)) for m in rows]


def cell_rates(unit: Unit, year: int) -> dict[str, Any]:
    """The cell's rates for the year over its active members only (exempt and transferred left out)."""
    rows = member_rows(unit, Filters(year=year, status=MemberStatus.ACTIVE))
    active = len(rows)
    readers = sum(1 for r in rows if r.finished)
    present, recorded = sum(r.present for r in rows), sum(r.recorded for r in rows)
    passed, taken = sum(r.passed for r in rows), sum(r.quizzes for r in rows)
    registered = sum(1 for r in rows if r.commitment)
    completed = sum(1 for r in rows if r.commitment and r.commitment.completed and r.commitment.confirmed_at)
    by_status = dict(Member.objects.filter(unit=unit).values_list("status").annotate(n=Count("pk")))
    first = Member.objects.filter(unit=unit).first()
    return {
        "active": active, "exempt": by_status.get(MemberStatus.EXEMPT, 0),
        "transferred": by_status.get(MemberStatus.TRANSFERRED, 0),
        "documents": library(first).count() if first else 0,
        "reading": rate(readers, active), "meetings": rate(present, recorded), "quiz": rate(passed, taken),
        "registered": rate(registered, active), "completed": rate(completed, registered),
    }


def change_status(user: User, member: Member, status: str) -> Member:
    """Active, transferred away or exempt from activities; the change is in the audit log, the cell's
    counts and its campaigns' expected counts follow, and upcoming meetings invite only active members."""
    if not is_secretary_of(user, member.unit):
        raise PermissionDenied
    if status not in MemberStatus.values:
        raise UserError(_("Status: choose active, transferred or exempt from activities."), field="status")
    if status == member.status:
        raise UserError(_("Status: %(name)s is already “%(status)s”.")
                        % {"name": member.full_name, "status": MemberStatus(status).label}, field="status")
    with transaction.atomic():
        member.status = status
        member.save(update_fields=["status", "updated_at"])
        upcoming = Meeting.objects.filter(unit_id=member.unit_id, start__gt=now())
        if status == MemberStatus.ACTIVE:
            have = set(Attendance.objects.filter(member=member, meeting__in=upcoming).values_list("meeting_id",
                                                                                                 flat=True))
            Attendance.objects.bulk_create([Attendance(meeting=m, member=member) for m in upcoming
                                            if m.pk not in have])
        else:
            Attendance.objects.filter(member=member, meeting__in=upcoming, presence="").delete()
        recount_members([member.unit_id])
    return member


def export_rows(rows: list[MemberRow], documents: int) -> tuple[list[str], list[list[Any]]]:
    header = [_("Full name"), _("Year of birth"), _("Position"), _("Status"), _("Uses the app"),
              _("Documents read to the end"), _("Documents in the library"), _("Meetings present"),
              _("Meetings recorded"), _("Meeting attendance (%)"), _("Quizzes passed"), _("Quizzes taken"),
              _("Commitment")]
    body = [[r.member.full_name, r.member.birth_year, r.member.position, r.member.get_status_display(),
             r.member.has_smartphone, r.finished, documents, r.present, r.recorded, r.meeting_rate, r.passed,
             r.quizzes, r.commitment_state()] for r in rows]
    return header, body

