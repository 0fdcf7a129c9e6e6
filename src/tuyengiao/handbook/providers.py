"""Figures the handbook derives, per cell (the member's cell today), for the boards' dashboards.

Rates between cells and units are always per member (active per members, passed per attempts,
present per recorded), never raw point totals, so no unit is pushed to inflate clicks. The members
counted are the active ones: a member exempt from activities or transferred away is in no
denominator, nor in the numerators over members (used the handbook, registered a commitment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, Locate, depends_on, per_unit, register

from .models import Attempt, Attendance, Commitment, Meeting, Member, MemberStatus, Presence, Reading


def _span(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, after


def members_recorded(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Active members with a record in the cell at the end of the period (not exempt, not transferred)."""
    _start, after = _span(period)
    qs = Member.objects.filter(created_at__lt=after, status=MemberStatus.ACTIVE)
    return per_unit(qs, unit_ids, Count("pk"))


def active_condition(start: dt.datetime, after: dt.datetime) -> Q:
    """One EXISTS per kind of activity: joining the three at once multiplies a member's rows."""
    member = OuterRef("pk")
    return (
        Q(Exists(Reading.objects.filter(member=member, opened_at__gte=start, opened_at__lt=after)))
        | Q(Exists(Attempt.objects.filter(member=member, submitted_at__gte=start, submitted_at__lt=after)))
        | Q(Exists(Attendance.objects.filter(member=member, presence=Presence.PRESENT,
                                             meeting__start__gte=start, meeting__start__lt=after)))
    )


def members_active(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Members who read, took a quiz or attended a meeting in the period (on their own or through the secretary)."""
    start, after = _span(period)
    qs = Member.objects.filter(active_condition(start, after), status=MemberStatus.ACTIVE)
    return per_unit(qs, unit_ids, Count("pk"))


def documents_finished(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    start, after = _span(period)
    return per_unit(Reading.objects.filter(finished_at__gte=start, finished_at__lt=after), unit_ids,
                    Count("pk"), "member__unit_id")


def quiz_attempts(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    start, after = _span(period)
    return per_unit(Attempt.objects.filter(submitted_at__gte=start, submitted_at__lt=after), unit_ids,
                    Count("pk"), "member__unit_id")


def quiz_passed(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    start, after = _span(period)
    return per_unit(Attempt.objects.filter(submitted_at__gte=start, submitted_at__lt=after, passed=True),
                    unit_ids, Count("pk"), "member__unit_id")


def _attendance(period: Period) -> object:
    start, after = _span(period)
    return Attendance.objects.filter(meeting__start__gte=start, meeting__start__lt=after).exclude(presence="")


def meeting_recorded(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_attendance(period), unit_ids, Count("pk"), "meeting__unit_id")  # type: ignore[arg-type]


def meeting_present(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    qs = _attendance(period).filter(presence=Presence.PRESENT)  # type: ignore[attr-defined]
    return per_unit(qs, unit_ids, Count("pk"), "meeting__unit_id")


def commitments_registered(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Commitments of the period's year registered by its end."""
    _start, after = _span(period)
    qs = Commitment.objects.filter(year=period.start.year, created_at__lt=after, member__status=MemberStatus.ACTIVE)
    return per_unit(qs, unit_ids, Count("pk"), "member__unit_id")


def commitments_completed(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Commitments of the period's year completed and confirmed by the cell by its end."""
    _start, after = _span(period)
    qs = Commitment.objects.filter(year=period.start.year, completed=True, confirmed_at__lt=after,
                                   member__status=MemberStatus.ACTIVE)
    return per_unit(qs, unit_ids, Count("pk"), "member__unit_id")


def _register(code: str, name: str, compute: object, aggregation: str, description: str) -> DerivedElement:
    return register(DerivedElement(code=code, name=name, compute=compute, aggregation=aggregation,  # type: ignore[arg-type]
                                   value_type="integer", work_field="theory", description=description))


MEMBERS = _register("ST_DV_HO_SO", "Số đảng viên có hồ sơ trên Sổ tay", members_recorded, "last",
                    "Đảng viên đang sinh hoạt có hồ sơ trong Sổ tay đảng viên, tính đến cuối kỳ "
                    "(không tính đảng viên được miễn sinh hoạt hoặc đã chuyển đi).")
ACTIVE = _register("ST_DV_HOAT_DONG", "Số đảng viên sử dụng Sổ tay trong kỳ", members_active, "max",
                   "Tỷ lệ sử dụng = #{ST_DV_HOAT_DONG} / #{ST_DV_HO_SO} × 100.")
FINISHED = _register("ST_VB_DOC_XONG", "Số lượt đọc xong văn bản trên Sổ tay", documents_finished, "sum",
                     "Mỗi đảng viên đọc xong một văn bản tính một lượt.")
ATTEMPTS = _register("ST_THI_LUOT", "Số lượt làm bài kiểm tra", quiz_attempts, "sum",
                     "Gồm cả bài làm trên giấy do bí thư chi bộ nhập.")
PASSED = _register("ST_THI_DAT", "Số lượt bài kiểm tra đạt", quiz_passed, "sum",
                   "Tỷ lệ đạt = #{ST_THI_DAT} / #{ST_THI_LUOT} × 100.")
RECORDED = _register("ST_SH_DIEM_DANH", "Số lượt đảng viên được điểm danh sinh hoạt chi bộ", meeting_recorded,
                     "sum", "Có mặt, vắng có lý do và vắng không lý do.")
PRESENT = _register("ST_SH_CO_MAT", "Số lượt đảng viên có mặt sinh hoạt chi bộ", meeting_present, "sum",
                    "Tỷ lệ dự sinh hoạt = #{ST_SH_CO_MAT} / #{ST_SH_DIEM_DANH} × 100.")
REGISTERED = _register("ST_LTB_DANG_KY", "Số đảng viên đăng ký làm theo Bác", commitments_registered, "last",
                       "Tỷ lệ đăng ký = #{ST_LTB_DANG_KY} / #{ST_DV_HO_SO} × 100.")
COMPLETED = _register("ST_LTB_HOAN_THANH", "Số đảng viên hoàn thành cam kết làm theo Bác", commitments_completed,
                      "last", "Chi bộ đã xác nhận; tỷ lệ = #{ST_LTB_HOAN_THANH} / #{ST_LTB_DANG_KY} × 100.")

RATES = [
    ("ST_DV_HOAT_DONG", "ST_DV_HO_SO"),
    ("ST_THI_DAT", "ST_THI_LUOT"),
    ("ST_SH_CO_MAT", "ST_SH_DIEM_DANH"),
    ("ST_LTB_DANG_KY", "ST_DV_HO_SO"),
    ("ST_LTB_HOAN_THANH", "ST_LTB_DANG_KY"),
]


# --- kept as values ----------------------------------------------------------------------------
# Readings and quiz attempts count for the member's cell today, in the local month they were
# finished or submitted: a member who moves takes them along. Attendance counts for the meeting's
# cell in the month of the meeting. The other figures are stocks or maxima: computed on read.

Places = list[tuple[int, Any]]


def _cell_of(member_id: int) -> int | None:
    return Member.objects.filter(pk=member_id).values_list("unit_id", flat=True).first()


def _reading_place(reading: Reading) -> Places:
    unit_id = _cell_of(reading.member_id) if reading.finished_at else None
    return [(unit_id, reading.finished_at)] if unit_id else []


def _attempt_place(only_passed: bool) -> Locate:
    def locate(attempt: Attempt) -> Places:
        if attempt.submitted_at is None or (only_passed and not attempt.passed):
            return []
        unit_id = _cell_of(attempt.member_id)
        return [(unit_id, attempt.submitted_at)] if unit_id else []

    return locate


def _member_places(model: type[Reading] | type[Attempt], field: str, **where: Any) -> Locate:
    def locate(member: Member) -> Places:
        """Every month a member's records count in, for the member's cell."""
        rows = model.objects.filter(member_id=member.pk, **{f"{field}__isnull": False}, **where)
        months = rows.annotate(month=TruncMonth(field)).values_list("month", flat=True).distinct()
        return [(member.unit_id, month) for month in months] if member.unit_id else []

    return locate


def _attendance_place(only_present: bool) -> Locate:
    def locate(attendance: Attendance) -> Places:
        if attendance.presence == "" or (only_present and attendance.presence != Presence.PRESENT):
            return []
        meeting = Meeting.objects.filter(pk=attendance.meeting_id).only("unit_id", "start").first()
        return [(meeting.unit_id, meeting.start)] if meeting is not None else []

    return locate


def _meeting_place(only_present: bool) -> Locate:
    def locate(meeting: Meeting) -> Places:
        """A meeting moved to another day or cell takes its recorded attendance along."""
        marked = Attendance.objects.filter(meeting_id=meeting.pk)
        marked = marked.filter(presence=Presence.PRESENT) if only_present else marked.exclude(presence="")
        return [(meeting.unit_id, meeting.start)] if meeting.unit_id and marked.exists() else []

    return locate


depends_on(FINISHED.code, Dependency("handbook.Reading", _reading_place),
           Dependency("handbook.Member", _member_places(Reading, "finished_at")))
depends_on(ATTEMPTS.code, Dependency("handbook.Attempt", _attempt_place(only_passed=False)),
           Dependency("handbook.Member", _member_places(Attempt, "submitted_at")))
depends_on(PASSED.code, Dependency("handbook.Attempt", _attempt_place(only_passed=True)),
           Dependency("handbook.Member", _member_places(Attempt, "submitted_at", passed=True)))
depends_on(RECORDED.code, Dependency("handbook.Attendance", _attendance_place(only_present=False)),
           Dependency("handbook.Meeting", _meeting_place(only_present=False)))
depends_on(PRESENT.code, Dependency("handbook.Attendance", _attendance_place(only_present=True)),
           Dependency("handbook.Meeting", _meeting_place(only_present=True)))
