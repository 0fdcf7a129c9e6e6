"""Figures the events derive, counted for the organising unit by the day the event starts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, depends_on, per_unit, register

from .models import Event, EventFormat, EventKind

ONLINE = Q(format__in=[EventFormat.ONLINE, EventFormat.HYBRID])


def _in_period(period: Period) -> QuerySet[Event]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Event.objects.filter(start__gte=start, start__lt=after)


def study_sessions(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_in_period(period).filter(kind=EventKind.STUDY_SESSION), unit_ids, Count("pk"))


def members_attending(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    sessions = _in_period(period).filter(kind=EventKind.STUDY_SESSION, present_attendees__isnull=False)
    return per_unit(sessions, unit_ids, Sum("present_attendees"))


def events_held(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_in_period(period), unit_ids, Count("pk"))


def events_online(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_in_period(period).filter(ONLINE), unit_ids, Count("pk"))


def online_share(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Percent of a unit's own events held online or hybrid; roll up with the two counts instead."""
    events = _in_period(period)
    if unit_ids is not None:
        events = events.filter(unit_id__in=list(unit_ids))
    rows = (
        events.values("unit_id")
        .annotate(n=Count("pk"), online=Count("pk", filter=ONLINE))
        .values_list("unit_id", "n", "online")
    )
    return {
        u: (Decimal(o) * 100 / Decimal(n)).quantize(Decimal("0.1"), ROUND_HALF_UP) for u, n, o in rows if n
    }


STUDY_SESSIONS = register(
    DerivedElement(
        code="SK_BUOI_HOC_TAP",
        name="Số buổi học tập, quán triệt đã tổ chức",
        compute=study_sessions,
        aggregation="sum",
        value_type="integer",
        work_field="theory",
        description="Buổi học tập (sự kiện loại học tập) bắt đầu trong kỳ, tính cho đơn vị tổ chức.",
    )
)
MEMBERS_ATTENDING = register(
    DerivedElement(
        code="SK_LUOT_DV_HOC_TAP",
        name="Lượt đảng viên dự học tập, quán triệt",
        compute=members_attending,
        aggregation="sum",
        value_type="integer",
        work_field="theory",
        description="Tổng số người có mặt tại các buổi học tập trong kỳ.",
    )
)
EVENTS_HELD = register(
    DerivedElement(
        code="SK_SO_HOI_NGHI",
        name="Số hội nghị, sự kiện đã tổ chức",
        compute=events_held,
        aggregation="sum",
        value_type="integer",
        work_field="propaganda",
        description="Mọi sự kiện (hội nghị, hội thảo, học tập, thông tin thời sự…) bắt đầu trong kỳ.",
    )
)
EVENTS_ONLINE = register(
    DerivedElement(
        code="SK_TRUC_TUYEN",
        name="Số hội nghị, sự kiện trực tuyến hoặc kết hợp",
        compute=events_online,
        aggregation="sum",
        value_type="integer",
        work_field="propaganda",
        description="Sự kiện tổ chức trực tuyến hoặc kết hợp trực tiếp với trực tuyến.",
    )
)
ONLINE_SHARE = register(
    DerivedElement(
        code="SK_TY_LE_TRUC_TUYEN",
        name="Tỷ lệ sự kiện trực tuyến hoặc kết hợp",
        compute=online_share,
        aggregation="avg",
        value_type="percent",
        work_field="propaganda",
        description="Tỷ lệ của riêng đơn vị tổ chức; khi cộng dồn theo cây hãy dùng chỉ tiêu "
        "#{SK_TRUC_TUYEN} / #{SK_SO_HOI_NGHI}.",
    )
)


def _where(event: Event) -> list[tuple[int, dt.datetime]]:
    """An event counts for its organising unit in the month of its first day."""
    return [(event.unit_id, event.start)] if event.unit_id and event.start else []


# Kept as values, refreshed when an event changes (the share online is a ratio: computed on read).
for _code in (STUDY_SESSIONS.code, MEMBERS_ATTENDING.code, EVENTS_HELD.code, EVENTS_ONLINE.code):
    depends_on(_code, Dependency("events.Event", _where))
