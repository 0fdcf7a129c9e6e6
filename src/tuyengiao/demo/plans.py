"""Work plans of the demo province "Long Sơn" for 2025 and 2026 with key tasks (one overdue), and the
review schedule of resolutions created from the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction

from tuyengiao.documents.models import Document
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.plans.models import DocumentReview, KeyTask, ReviewKind, TaskStatus, WorkPlan

D = dt.date
MARKER = "Chương trình công tác năm 2025 của Ban Tuyên giáo và Dân vận Tỉnh ủy"
S = TaskStatus
# title, field, owner ("province" or "commune"), due, status, progress, done on
TASKS_2025: list[tuple[str, str, str, dt.date, str, int, dt.date | None]] = [
    ("Tham mưu tổ chức học tập, quán triệt Nghị quyết 57-NQ/TW", "Học tập nghị quyết", "province", D(2025, 3, 31),
     S.DONE, 100, D(2025, 3, 20)),
    ("Tổ chức hội nghị báo cáo viên định kỳ hằng tháng", "Báo cáo viên", "province", D(2025, 6, 30), S.DONE, 100,
     D(2025, 6, 27)),
    # the overdue task the review names under "Hạn chế"
    ("Tổng kết 5 năm thực hiện Kết luận 01-KL/TW về học tập và làm theo Bác", "Làm theo Bác", "province",
     D(2025, 5, 31), S.IN_PROGRESS, 70, None),
    ("Biên soạn tài liệu tuyên truyền sắp xếp đơn vị hành chính cấp xã", "Tuyên truyền", "province",
     D(2025, 4, 30), S.DONE, 100, D(2025, 5, 12)),
    ("Hướng dẫn tuyên truyền Đại hội Đảng bộ các cấp", "Tuyên truyền", "province", D(2025, 8, 31), S.DONE, 100,
     D(2025, 8, 25)),
    ("Kiện toàn đội ngũ báo cáo viên cấp xã sau sắp xếp", "Báo cáo viên", "commune", D(2025, 9, 30), S.DONE, 100,
     D(2025, 9, 26)),
    ("Mở các lớp bồi dưỡng lý luận chính trị theo kế hoạch năm", "Giáo dục lý luận chính trị", "province",
     D(2025, 12, 31), S.IN_PROGRESS, 85, None),
]
TASKS_2026: list[tuple[str, str, str, dt.date, str, int, dt.date | None]] = [
    ("Tuyên truyền kết quả Đại hội XIV của Đảng", "Tuyên truyền", "province", D(2026, 3, 31), S.IN_PROGRESS, 60,
     None),
    ("Sơ kết 5 năm thực hiện Kết luận 01-KL/TW", "Làm theo Bác", "province", D(2026, 5, 31), S.PLANNED, 0, None),
    ("Xuất bản Lịch sử Đảng bộ tỉnh Long Sơn (1930–2025)", "Lịch sử Đảng", "province", D(2026, 11, 30),
     S.IN_PROGRESS, 40, None),
]
# symbol in the registry, years after issue for interim reviews, final review, done (by due date)
REVIEWS = [("35-NQ/TW", [5], 10, {D(2023, 10, 22): D(2023, 11, 20)}),
           ("01-KL/TW", [3, 5], None, {D(2024, 5, 18): D(2024, 6, 14)}),
           ("04-NQ/TW", [5], 10, {D(2021, 10, 30): D(2021, 12, 2)}),
           ("05-CT/TW", [5], 10, {D(2021, 5, 15): D(2021, 6, 10)})]


def _years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years) if not (day.month == 2 and day.day == 29) else D(day.year + years, 2, 28)


def load(stdout: Any) -> None:
    province = Unit.objects.filter(code="LS").first()
    if province is None:
        return
    if WorkPlan.objects.filter(title=MARKER).exists():
        stdout.write("  chương trình công tác: đã có")
        return
    commune = Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path).order_by(
        "code").first() or province
    with disable_auditlog(), transaction.atomic():
        plans = {
            2025: WorkPlan.objects.create(unit=province, year=2025, title=MARKER),
            2026: WorkPlan.objects.create(unit=province, year=2026,
                                          title="Chương trình công tác năm 2026 của Ban Tuyên giáo và Dân vận Tỉnh ủy"),
        }
        tasks = [
            KeyTask(plan=plans[year], title=title, field=field, owner=province if who == "province" else commune,
                    due_on=due, status=status, progress=progress, done_on=done)
            for year, rows in ((2025, TASKS_2025), (2026, TASKS_2026))
            for title, field, who, due, status, progress, done in rows
        ]
        KeyTask.objects.bulk_create(tasks)
        reviews = []
        for symbol, interim, final, done in REVIEWS:
            document = Document.objects.filter(symbol=symbol, issued_on__isnull=False).first()
            if document is None or document.issued_on is None:
                continue
            wanted = [(ReviewKind.INTERIM, y) for y in interim] + ([(ReviewKind.FINAL, final)] if final else [])
            for kind, after in wanted:
                due = _years(document.issued_on, after)
                reviews.append(DocumentReview(unit=province, document=document, kind=kind, due_on=due,
                                              done_on=done.get(due), note=f"{after} năm sau khi ban hành"))
        DocumentReview.objects.bulk_create(reviews, ignore_conflicts=True)
    stdout.write(f"  chương trình công tác: {len(tasks)} nhiệm vụ trọng tâm, {len(reviews)} mốc sơ kết, tổng kết")
