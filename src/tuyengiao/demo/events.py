"""A year of the province's events: monthly briefings, hybrid conferences to the communes, workshops."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from tuyengiao.documents.models import Document
from tuyengiao.events.models import Event, EventFormat, EventKind
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

from . import org

FIRST_MONTH = dt.date(2025, 12, 1)
MARKER = "Hội nghị báo cáo viên tháng 12/2025"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _weekday(year: int, month: int, nth: int) -> dt.date:
    """The nth working day (Monday–Friday) of a month."""
    day = dt.date(year, month, 1)
    count = 0
    while True:
        if day.weekday() < 5:
            count += 1
            if count == nth:
                return day
        day += dt.timedelta(days=1)


def load(stdout: Any) -> None:
    province = org.loaded_province()
    if province is None:
        return
    if Event.objects.filter(unit=province, title=MARKER).exists():
        stdout.write("  sự kiện: đã có")
        return
    rng = random.Random(2026)
    communes = list(
        Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path).order_by("code")
    )
    sites = len(communes)
    docs = {d.symbol: d for d in Document.objects.filter(unit=province).exclude(symbol="")}
    events: list[tuple[Event, list[Document]]] = []

    def add(
        unit: Unit,
        kind: str,
        title: str,
        start: dt.datetime,
        hours: float,
        fmt: str,
        connected: int,
        venue: str,
        presenters: str,
        expected: int,
        present: int,
        notes: str = "",
        documents: list[Document] | None = None,
    ) -> None:
        events.append(
            (
                Event(
                    unit=unit,
                    kind=kind,
                    title=title,
                    start=start,
                    end=start + dt.timedelta(hours=hours),
                    format=fmt,
                    connected_sites=connected,
                    venue=venue,
                    presenters=presenters,
                    expected_attendees=expected,
                    present_attendees=present,
                    notes=notes,
                ),
                documents or [],
            )
        )

    hall = "Hội trường Tỉnh ủy Long Sơn"
    for i in range(12):
        month_start = (FIRST_MONTH + dt.timedelta(days=31 * i)).replace(day=1)
        y, m = month_start.year, month_start.month
        expected = 120 + sites * 6
        add(
            province,
            EventKind.REPORTERS_BRIEFING,
            f"Hội nghị báo cáo viên tháng {m}/{y}",
            _at(_weekday(y, m, 3), 8),
            3.5,
            EventFormat.HYBRID,
            sites,
            hall,
            "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
            expected,
            expected - rng.randint(5, 25),
            "<p>Thông tin thời sự trong nước, quốc tế và định hướng tuyên truyền tháng.</p>",
        )
        if m in (1, 4, 7, 10):
            add(
                province,
                EventKind.CURRENT_AFFAIRS_BRIEFING,
                f"Thông tin thời sự quý {(m - 1) // 3 + 1}/{y}",
                _at(_weekday(y, m, 8), 14),
                3,
                EventFormat.ONLINE,
                sites,
                "Phòng họp trực tuyến Tỉnh ủy",
                "Báo cáo viên Trung ương",
                400,
                380 + rng.randint(0, 20),
            )
    add(
        province,
        EventKind.CONFERENCE,
        "Hội nghị trực tuyến học tập, quán triệt các văn bản về bảo vệ nền tảng tư tưởng của Đảng",
        _at(dt.date(2026, 3, 10), 7, 30),
        4,
        EventFormat.HYBRID,
        sites,
        hall,
        "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
        2800,
        2735,
        "<p>Điểm cầu chính tại Tỉnh ủy, kết nối đến tất cả các xã, phường.</p>",
        [d for s, d in docs.items() if s in ("35-NQ/TW", "10-HD/BTGDVTU")],
    )
    add(
        province,
        EventKind.CONFERENCE,
        "Hội nghị quán triệt Nghị quyết 23-NQ/TW về văn học, nghệ thuật",
        _at(dt.date(2026, 10, 20), 8),
        3.5,
        EventFormat.HYBRID,
        12,
        hall,
        "Phó Bí thư Thường trực Tỉnh ủy",
        900,
        872,
        documents=[d for s, d in docs.items() if s == "23-NQ/TW"],
    )
    add(
        province,
        EventKind.WORKSHOP,
        "Hội thảo khoa học: Đảng bộ tỉnh sau một năm sắp xếp đơn vị hành chính",
        _at(dt.date(2026, 6, 25), 8),
        4,
        EventFormat.IN_PERSON,
        0,
        hall,
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        150,
        142,
    )
    add(
        province,
        EventKind.AWARD_CEREMONY,
        "Lễ trao giải Cuộc thi viết về học tập và làm theo Bác năm 2026",
        _at(dt.date(2026, 5, 19), 9),
        2,
        EventFormat.IN_PERSON,
        0,
        "Nhà văn hóa tỉnh",
        "Thường trực Tỉnh ủy",
        200,
        196,
    )
    for n, commune in enumerate(communes):
        day = dt.date(2026, 3, 16) + dt.timedelta(days=n % 20)
        cells_members = sum(
            Unit.objects.filter(path__startswith=commune.path, kind=UnitKind.CELL).values_list(
                "member_count", flat=True
            )
        )
        expected = max(30, cells_members // 3)
        add(
            commune,
            EventKind.STUDY_SESSION,
            f"Hội nghị học tập, quán triệt Nghị quyết 35 – {commune.name}",
            _at(day, 14),
            3,
            EventFormat.IN_PERSON if n % 3 else EventFormat.HYBRID,
            0 if n % 3 else 1,
            f"Hội trường {commune.name.replace('Đảng bộ ', '')}",
            "Báo cáo viên cấp xã",
            expected,
            expected - rng.randint(0, max(1, expected // 12)),
            documents=[d for s, d in docs.items() if s == "35-NQ/TW"],
        )
    with transaction.atomic(), disable_auditlog():
        created = Event.objects.bulk_create([e for e, _ in events])
        links = [
            Event.documents.through(event_id=e.pk, document_id=d.pk)
            for e, (_, ds) in zip(created, events, strict=True)
            for d in ds
        ]
        Event.documents.through.objects.bulk_create(links)
    stdout.write(f"  sự kiện: {len(created)}")
