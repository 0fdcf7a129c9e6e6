"""Inspections of the demo province "Long Sơn": the province's and the communes' checks of how
Directive 05 and Resolution 35 are carried out, covering cadres and organisations, with
recommendations followed up — some done, some overdue."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction

from tuyengiao.inspections.models import FollowUp, Inspection, InspectionStatus, Recommendation
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

MARKER = "Kiểm tra việc thực hiện Chỉ thị 05-CT/TW năm 2026 – đợt 1"
TOPICS = [
    ("Chỉ thị 05-CT/TW", "Kiểm tra việc thực hiện Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo Bác"),
    ("Nghị quyết 35-NQ/TW", "Giám sát công tác bảo vệ nền tảng tư tưởng của Đảng theo Nghị quyết 35-NQ/TW"),
    ("Quy định 144-QĐ/TW", "Kiểm tra việc thực hiện chuẩn mực đạo đức cách mạng theo Quy định 144-QĐ/TW"),
]
# (inspecting unit: province or commune index, cadres covered, organisations covered) for the held ones;
# 38 held inspections covering 206 cadres and members and 50 grassroots organisations.
HELD = 38
CADRES = [5 + (1 if n < 16 else 0) for n in range(HELD)]  # 206 in all
ORGS = [1 + (1 if n < 24 and n % 2 == 0 else 0) for n in range(HELD)]  # 50 in all
RECOMMENDATIONS = [
    "Bổ sung kế hoạch học tập chuyên đề năm của chi bộ",
    "Cập nhật sổ theo dõi đăng ký làm theo Bác của đảng viên",
    "Tổ chức sinh hoạt chuyên đề định kỳ hằng quý",
    "Hoàn thiện hồ sơ đánh giá mô hình điểm",
]


def load(stdout: Any) -> None:
    province = Unit.objects.filter(code="LS").first()
    if province is None:
        return
    if Inspection.objects.filter(unit=province, title=MARKER).exists():
        stdout.write("  kiểm tra, giám sát: đã có")
        return
    rng = random.Random(505)
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
                    .order_by("code"))
    cells = {c.pk: list(Unit.objects.current().filter(parent=c, kind=UnitKind.CELL).order_by("code")[:3])
             for c in communes}
    inspections: list[tuple[Inspection, list[Unit]]] = []
    for n, (cadres, orgs) in enumerate(zip(CADRES, ORGS, strict=True)):
        by_province = n < 8
        commune = communes[n % len(communes)]
        unit = province if by_province else commune
        symbol, title = TOPICS[n % len(TOPICS)]
        end = dt.date(2026, 2, 20) + dt.timedelta(days=7 * n)
        inspected = [commune] if by_province else cells[commune.pk][:max(1, min(orgs, 3))]
        inspections.append((Inspection(
            unit=unit, title=MARKER if n == 0 else f"{title} – đợt {n + 1}", topic=symbol,
            status=InspectionStatus.HELD, planned_on=end - dt.timedelta(days=14), held_from=end - dt.timedelta(days=2),
            held_to=end, cadres_covered=cadres, organisations_covered=orgs,
            findings="Cấp ủy đã ban hành kế hoạch, tổ chức học tập đầy đủ; một số chi bộ chưa cập nhật hồ sơ.",
            conclusions="Cơ bản thực hiện tốt; cần khắc phục các hạn chế đã chỉ ra.",
        ), inspected))
    for n in range(6):  # planned for the end of the year
        commune = communes[(n * 5) % len(communes)]
        inspections.append((Inspection(
            unit=province, title=f"Giám sát chuyên đề cuối năm 2026 – {commune.name.replace('Đảng bộ ', '')}",
            topic=TOPICS[1][0], status=InspectionStatus.PLANNED,
            planned_on=dt.date(2026, 12, 10) + dt.timedelta(days=n),
        ), [commune]))
    with transaction.atomic(), disable_auditlog():
        created = Inspection.objects.bulk_create([i for i, _u in inspections])
        through = Inspection.inspected_units.through
        through.objects.bulk_create([
            through(inspection_id=i.pk, unit_id=u.pk)
            for i, (_i, units) in zip(created, inspections, strict=True) for u in units
        ])
        recs = []
        for n, (inspection, (_i, units)) in enumerate(zip(created, inspections, strict=True)):
            if inspection.status != InspectionStatus.HELD:
                continue
            for k in range(1 + n % 2):
                assert inspection.held_to is not None
                due = inspection.held_to + dt.timedelta(days=45 + 15 * k)
                done = n % 3 != 0 or due > dt.date(2026, 11, 1)
                owner = units[k % len(units)]
                recs.append(Recommendation(
                    inspection=inspection, content=RECOMMENDATIONS[(n + k) % len(RECOMMENDATIONS)], owner_unit=owner,
                    due_on=due, status=FollowUp.DONE if done and n % 7 else (
                        FollowUp.IN_PROGRESS if n % 2 else FollowUp.OPEN),
                    done_on=due - dt.timedelta(days=rng.randint(1, 20)) if done and n % 7 else None,
                    evidence="Biên bản sinh hoạt chi bộ, kế hoạch đã ban hành" if done and n % 7 else "",
                ))
        Recommendation.objects.bulk_create(recs)
    stdout.write(f"  kiểm tra, giám sát: {len(created)} cuộc, {len(recs)} kiến nghị")
