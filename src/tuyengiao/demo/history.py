"""Party-history works of the demo province "Long Sơn": in drafting, in appraisal and published."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction

from tuyengiao.history.models import HistoryWork, Stage, WorkKind
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

D = dt.date
MARKER = "Lịch sử Đảng bộ tỉnh Long Sơn (1930–2025)"


def load(stdout: Any) -> None:
    province = Unit.objects.filter(code="LS").first()
    if province is None:
        return
    if HistoryWork.objects.filter(title=MARKER).exists():
        stdout.write("  lịch sử Đảng bộ: đã có")
        return
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
                    .order_by("code")[:5])
    works = [
        HistoryWork(unit=province, kind=WorkKind.COMMITTEE_HISTORY, title=MARKER, covers="1930–2025",
                    stage=Stage.APPRAISAL, started_on=D(2023, 3, 1), appraisal_decision="", notes=""),
        HistoryWork(unit=province, kind=WorkKind.CHRONICLE, title="Biên niên sự kiện Đảng bộ tỉnh (2020–2025)",
                    covers="2020–2025", stage=Stage.PUBLISHED, started_on=D(2024, 2, 1),
                    appraisal_decision="215-QĐ/TU", appraised_on=D(2025, 3, 14), published_on=D(2025, 5, 19),
                    copies=1_500),
        HistoryWork(unit=province, kind=WorkKind.DOCUMENT_COLLECTION,
                    title="Văn kiện Đại hội Đảng bộ tỉnh Long Sơn qua các thời kỳ", covers="1946–2025",
                    stage=Stage.PUBLISHED, started_on=D(2024, 6, 1), appraisal_decision="240-QĐ/TU",
                    appraised_on=D(2025, 8, 20), published_on=D(2025, 10, 10), copies=800),
        HistoryWork(unit=province, kind=WorkKind.YEARBOOK, title="Kỷ yếu Đại hội Đảng bộ tỉnh lần thứ XXI",
                    covers="2025", stage=Stage.DRAFTING, started_on=D(2025, 10, 20)),
    ]
    for index, commune in enumerate(communes):
        place = commune.name.replace("Đảng bộ ", "")
        works.append(HistoryWork(unit=commune, kind=WorkKind.COMMITTEE_HISTORY,
                                 title=f"Lịch sử Đảng bộ {place} (1945–2025)", covers="1945–2025",
                                 stage=Stage.DRAFTING, started_on=D(2025, 8 + index % 3, 1)))
    with disable_auditlog(), transaction.atomic():
        HistoryWork.objects.bulk_create(works)
    stdout.write(f"  lịch sử Đảng bộ: {len(works)} công trình")
