"""Political theory classes of the demo province "Long Sơn" in 2025 and the yearly plans, one class behind plan."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction

from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.training.models import ClassCategory, TrainingClass, TrainingPlan

D = dt.date
MARKER = "Lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới khóa I/2025"
C = ClassCategory
# category, title, planned open, planned close, opened (None: not yet), closed, enrolled, off payroll, who holds it
CLASSES: list[tuple[str, str, dt.date, dt.date, dt.date | None, dt.date | None, int, int, str]] = [
    (C.NEW_MEMBERS, MARKER, D(2025, 2, 17), D(2025, 2, 28), D(2025, 2, 17), D(2025, 2, 28), 62, 18, "district"),
    (C.ELEMENTARY, "Lớp sơ cấp lý luận chính trị khóa 12", D(2025, 3, 3), D(2025, 5, 30), D(2025, 3, 3),
     D(2025, 5, 30), 58, 31, "district"),
    (C.ELEMENTARY, "Lớp sơ cấp lý luận chính trị khóa 13", D(2025, 3, 10), D(2025, 6, 6), D(2025, 3, 12),
     D(2025, 6, 10), 55, 29, "district"),
    (C.PARTY_AWARENESS, "Lớp bồi dưỡng nhận thức về Đảng khóa I/2025", D(2025, 4, 7), D(2025, 4, 11),
     D(2025, 4, 7), D(2025, 4, 11), 85, 70, "district"),
    (C.KNOWLEDGE_UPDATE, "Lớp cập nhật kiến thức cho bí thư chi bộ", D(2025, 4, 21), D(2025, 4, 25),
     D(2025, 4, 21), D(2025, 4, 25), 120, 64, "province"),
    # the reviews: "một số lớp mở chậm so với kế hoạch do khó khăn trong huy động học viên"
    (C.ELEMENTARY, "Lớp sơ cấp lý luận chính trị khóa 14", D(2025, 4, 14), D(2025, 7, 11), D(2025, 6, 2),
     D(2025, 8, 29), 47, 33, "province"),  # ran past the end of the districts: the province's centre
    (C.NEW_MEMBERS, "Lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới khóa II/2025", D(2025, 5, 19),
     D(2025, 5, 30), D(2025, 5, 19), D(2025, 5, 30), 54, 12, "district"),
    (C.INTERMEDIATE, "Lớp trung cấp lý luận chính trị - hành chính khóa 25", D(2025, 9, 8), D(2026, 6, 30),
     D(2025, 9, 8), None, 95, 0, "province"),
    (C.NEW_MEMBERS, "Lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới khóa III/2025", D(2025, 10, 6),
     D(2025, 10, 17), D(2025, 10, 6), D(2025, 10, 17), 70, 20, "commune"),
    (C.ELEMENTARY, "Lớp sơ cấp lý luận chính trị khóa 15", D(2025, 10, 13), D(2026, 1, 9), D(2025, 10, 13),
     D(2026, 1, 9), 60, 35, "commune"),
    (C.PARTY_AWARENESS, "Lớp bồi dưỡng nhận thức về Đảng khóa II/2025", D(2025, 11, 10), D(2025, 11, 14), None,
     None, 0, 0, "commune"),
]


def load(stdout: Any) -> None:
    province = Unit.objects.filter(code="LS").first()
    if province is None:
        return
    if TrainingClass.objects.filter(title=MARKER).exists():
        stdout.write("  lớp lý luận chính trị: đã có")
        return
    rng = random.Random(2025)
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT, path__startswith=province.path).order_by("code"))
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
                    .order_by("code"))
    holders = {"province": [province], "district": districts or [province], "commune": communes or [province]}
    classes = []
    for index, (category, title, p_open, p_close, opened, closed, enrolled, off, level) in enumerate(CLASSES):
        unit = holders[level][index % len(holders[level])]
        completed = enrolled - rng.randint(0, 3) if closed else 0
        classes.append(TrainingClass(
            unit=unit, centre=f"Trung tâm chính trị {unit.name.replace('Đảng bộ ', '')}", category=category,
            title=title, planned_open=p_open, planned_close=p_close, opened_on=opened, closed_on=closed,
            enrolled=enrolled, completed=max(completed, 0), enrolled_off_payroll=off,
            completed_off_payroll=min(off, max(completed, 0)),
        ))
    plans = [
        TrainingPlan(unit=province, year=2025, planned_classes=12, planned_learners=800, planned_off_payroll=300),
        TrainingPlan(unit=province, year=2026, planned_classes=14, planned_learners=900, planned_off_payroll=320),
    ]
    with disable_auditlog(), transaction.atomic():
        TrainingClass.objects.bulk_create(classes)
        TrainingPlan.objects.bulk_create(plans, ignore_conflicts=True)
    stdout.write(f"  lớp lý luận chính trị: {len(classes)} lớp, kế hoạch 2025–2026")
