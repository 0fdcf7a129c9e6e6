"""Demo figures of the province "Long Sơn": a catalogue of the board's work and two years of
reports (2024–2025) from every commune.

The 120 old communes report up to June 2025, the 40 merged communes from July 2025. Most
reports arrive on time, some late, a few never; the first half-year 2024 report is approved
everywhere. Values are written in bulk so the load stays quick on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit, UnitPlacement
from tuyengiao.reporting.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    Status,
    Submission,
    ValidationRule,
)
from tuyengiao.reporting.rebuild import rebuild_kept

from . import org

# code, name, value type, aggregation, work field
ELEMENTS: list[tuple[str, str, str, str, str]] = [
    ("HT_HOI_NGHI", "Số hội nghị học tập, quán triệt nghị quyết, chỉ thị", "integer", "sum", "study"),
    ("HT_DV_TRIEU_TAP", "Số đảng viên được triệu tập học tập", "integer", "sum", "study"),
    ("HT_DV_THAM_GIA", "Số lượt đảng viên tham gia học tập", "integer", "sum", "study"),
    ("HT_QC_THAM_GIA", "Số lượt quần chúng tham gia học tập", "integer", "sum", "study"),
    ("HT_BAI_THU_HOACH", "Số bài thu hoạch đạt yêu cầu", "integer", "sum", "study"),
    ("HD_DE_CUONG", "Số đề cương, tài liệu tuyên truyền được biên soạn", "integer", "sum", "outreach"),
    ("TT_TRUC_QUAN", "Số pa-nô, áp phích, băng rôn tuyên truyền trực quan", "integer", "sum", "culture"),
    ("LL_NHAN_THUC_DANG", "Số lớp bồi dưỡng nhận thức về Đảng", "integer", "sum", "theory"),
    (
        "HCM_DANG_KY",
        "Số đảng viên đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "integer",
        "last",
        "follow_ho",
    ),
    ("SH_TY_LE_CHUYEN_DE", "Tỷ lệ chi bộ sinh hoạt chuyên đề hằng quý", "percent", "avg", "study"),
    ("VH_HOAT_DONG", "Số hoạt động văn hóa, văn nghệ chào mừng các ngày lễ lớn", "integer", "sum", "culture"),
    ("KG_HOI_THAO", "Số hội thảo, tọa đàm khoa học, giáo dục", "integer", "sum", "science"),
    ("GHI_CHU_KHO_KHAN", "Khó khăn, vướng mắc, kiến nghị", "text", "sum", "ideology"),
]

MONTHLY = [
    "HT_HOI_NGHI",
    "HT_DV_TRIEU_TAP",
    "HT_DV_THAM_GIA",
    "HT_QC_THAM_GIA",
    "HT_BAI_THU_HOACH",
    "HD_DE_CUONG",
    "TT_TRUC_QUAN",
]
HALF = [
    "LL_NHAN_THUC_DANG",
    "HCM_DANG_KY",
    "SH_TY_LE_CHUYEN_DE",
    "VH_HOAT_DONG",
    "KG_HOI_THAO",
    "GHI_CHU_KHO_KHAN",
]
SECTIONS = {
    "study": "I. Học tập, quán triệt, tuyên truyền nghị quyết",
    "follow_ho": "II. Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "ideology": "III. Kiểm tra, giám sát; nắm bắt tư tưởng",
    "outreach": "IV. Định hướng thông tin, báo cáo viên, báo chí",
    "culture": "V. Văn hóa, văn nghệ, tuyên truyền trực quan",
    "theory": "VI. Giáo dục lý luận chính trị",
    "history": "VII. Lịch sử Đảng bộ",
    "science": "VIII. Khoa giáo",
}

INDICATORS = [
    (
        "TL_THAM_GIA_HOC_TAP",
        "Tỷ lệ đảng viên tham gia học tập nghị quyết",
        "#{HT_DV_THAM_GIA}",
        "#{HT_DV_TRIEU_TAP}",
        100,
        "%",
        "study",
    ),
    (
        "TL_DANG_KY_LAM_THEO",
        "Tỷ lệ đảng viên đăng ký làm theo Bác",
        "#{HCM_DANG_KY}",
        "#{DV_SO_LUONG}",
        100,
        "%",
        "follow_ho",
    ),
    (
        "TL_LOP_MO_KE_HOACH",
        "Tỷ lệ lớp bồi dưỡng lý luận đã mở so với kế hoạch",
        "#{BD_LOP_DA_MO}",
        "#{BD_LOP_KE_HOACH}",
        100,
        "%",
        "theory",
    ),
    (
        "BQ_TIEP_CAN_TIN_BAI",
        "Bình quân lượt xem mỗi sản phẩm tuyên truyền",
        "#{XB_LUOT_XEM}",
        "#{XB_SAN_PHAM}",
        1,
        "lượt",
        "outreach",
    ),
    (
        "MO_HINH_100_DV",
        "Số mô hình làm theo Bác trên 100 đảng viên",
        "#{TD_MO_HINH_DUY_TRI}",
        "#{DV_SO_LUONG}",
        100,
        "",
        "follow_ho",
    ),
]

# Typed elements of earlier catalogues whose figures the registers now derive (the code each became):
# they are taken out of the data sets and their rules, so nobody types a number the system knows.
RETIRED: dict[str, tuple[str, ...]] = {
    "HCM_MO_HINH": ("TD_MO_HINH_MOI",),
    "HCM_MO_HINH_DUY_TRI": ("TD_MO_HINH_DUY_TRI",),
    "HCM_DIEN_HINH": ("TD_DIEN_HINH",),
    "KT_CUOC": ("KTGS_CUOC",),
    "KT_CAN_BO": ("KTGS_CAN_BO",),
    "KT_TO_CHUC": ("KTGS_TO_CHUC",),
    "LL_LOP_KE_HOACH": ("BD_LOP_KE_HOACH",),
    "LL_LOP_MO": ("BD_LOP_DA_MO",),
    "LL_HOC_VIEN": ("BD_HV_HOAN_THANH",),
    "BC_GIAO_BAN": ("BCV_HOI_NGHI", "BCV_HOP_BAO"),
    "BC_BCV_THAM_DU": ("BCV_LUOT_BCV",),
    "BC_TIN_BAI": ("XB_TIN_BAI",),
    "BC_LUOT_TIEP_CAN": ("XB_LUOT_XEM",),
    "HD_VAN_BAN": ("DH_VAN_BAN_DINH_HUONG", "DH_HUONG_DAN"),
    "TT_BAO_CAO_DU_LUAN": ("DL_VAN_DE",),
    "LS_CONG_TRINH": ("LSD_DANG_BIEN_SOAN",),
    "LS_XUAT_BAN": ("LSD_XUAT_BAN",),
}

FIRST = Period.parse("202401")
LAST = Period.parse("202512")
MERGED_ON = dt.date(2025, 7, 1)


def catalogue() -> tuple[DataSet, DataSet]:
    elements = {}
    for code, name, value_type, aggregation, field in ELEMENTS:
        elements[code], _ = DataElement.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "value_type": value_type,
                "aggregation": aggregation,
                "work_field": field,
                "zero_is_significant": aggregation != "last",
            },
        )
    monthly, _ = DataSet.objects.update_or_create(
        code="BC_THANG",
        defaults={
            "name": "Báo cáo tháng công tác tuyên giáo",
            "period_type": PeriodType.MONTH,
            "unit_kinds": [UnitKind.COMMUNE],
            "due_days": 5,
            "expiry_days": 0,
        },
    )
    half, _ = DataSet.objects.update_or_create(
        code="BC_6THANG",
        defaults={
            "name": "Báo cáo sơ kết 6 tháng công tác tuyên giáo",
            "period_type": PeriodType.HALF_YEAR,
            "unit_kinds": [UnitKind.COMMUNE],
            "due_days": 10,
            "expiry_days": 0,
        },
    )
    for ds, codes in ((monthly, MONTHLY), (half, HALF)):
        for order, code in enumerate(codes):
            element = elements[code]
            DataSetElement.objects.update_or_create(
                dataset=ds,
                element=element,
                defaults={"section": SECTIONS.get(element.work_field, "Khác"), "order": order},
            )
    rules = [
        (
            monthly,
            "Tham gia không vượt số được triệu tập",
            "#{HT_DV_THAM_GIA}",
            "<=",
            "#{HT_DV_TRIEU_TAP}",
            "Số lượt đảng viên tham gia không được lớn hơn số đảng viên được triệu tập",
        ),
        (
            monthly,
            "Triệu tập không vượt số đảng viên",
            "#{HT_DV_TRIEU_TAP}",
            "<=",
            "#{DV_SO_LUONG} * #{HT_HOI_NGHI}",
            "Số đảng viên được triệu tập không được lớn hơn số đảng viên của đảng bộ nhân với số hội nghị",
        ),
    ]
    _retire([monthly, half])
    for ds, name, left, op, right, message in rules:
        ValidationRule.objects.update_or_create(
            dataset=ds, name=name, defaults={"left": left, "operator": op, "right": right, "message": message}
        )
    for code, name, num, den, factor, label, field in INDICATORS:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "numerator": num,
                "denominator": den,
                "factor": Decimal(factor),
                "unit_label": label,
                "work_field": field,
                "decimals": 1,
            },
        )
    return monthly, half


def _retire(datasets: list[DataSet]) -> None:
    """A catalogue loaded before the registers kept these figures: drop the retired elements from the
    data sets and the rules that name them (their past values stay, under their own codes)."""
    DataSetElement.objects.filter(dataset__in=datasets, element__code__in=list(RETIRED)).delete()
    for rule in ValidationRule.objects.filter(dataset__in=datasets):
        text = rule.left + " " + rule.right
        if any("#{" + code + "}" in text for code in RETIRED):
            rule.delete()


def _members_by_commune() -> dict[int, tuple[Unit, int, dt.date, dt.date | None]]:
    """Each commune of the demo with its members (cells placed under it while it was open)."""
    communes = {u.pk: u for u in Unit.objects.filter(kind=UnitKind.COMMUNE, code__startswith="LS.")}
    totals: dict[int, int] = defaultdict(int)
    for parent_id, members in UnitPlacement.objects.filter(parent_id__in=communes).values_list(
        "parent_id", "unit__member_count"
    ):
        totals[parent_id] += members
    return {pk: (u, totals[pk], u.valid_from, u.valid_to) for pk, u in communes.items()}


def _monthly_values(rng: random.Random, members: int, period: Period, growth: float) -> dict[str, int]:
    v: dict[str, int] = {}
    meetings = rng.choice([0, 1, 1, 1, 2, 2, 3]) + (1 if period.index in (1, 2, 8, 9) else 0)
    v["HT_HOI_NGHI"] = meetings
    called = int(members * rng.uniform(0.92, 1.0)) if meetings else 0
    v["HT_DV_TRIEU_TAP"] = called * meetings
    v["HT_DV_THAM_GIA"] = int(called * meetings * min(1.0, rng.uniform(0.86, 0.97) * growth))
    v["HT_QC_THAM_GIA"] = int(members * rng.uniform(0.2, 0.9) * meetings)
    v["HT_BAI_THU_HOACH"] = (
        int(v["HT_DV_THAM_GIA"] * rng.uniform(0.5, 0.8)) if meetings and rng.random() < 0.5 else 0
    )
    v["HD_DE_CUONG"] = rng.choice([0, 0, 1])
    v["TT_TRUC_QUAN"] = rng.randint(4, 30)
    return v


def _half_values(rng: random.Random, members: int, growth: float) -> dict[str, int | str]:
    return {
        "LL_NHAN_THUC_DANG": rng.choice([0, 1, 1]),
        "HCM_DANG_KY": int(members * min(1.0, rng.uniform(0.9, 0.97) * growth)),
        "SH_TY_LE_CHUYEN_DE": rng.randint(70, 100),
        "VH_HOAT_DONG": rng.randint(3, 10),
        "KG_HOI_THAO": rng.choice([0, 0, 1, 2]),
        "GHI_CHU_KHO_KHAN": rng.choice(
            [
                "",
                "",
                "Kinh phí tổ chức hội nghị còn hạn chế",
                "Một số chi bộ xa trung tâm, đi lại khó khăn",
                "Cần bổ sung tài liệu sinh hoạt chuyên đề",
            ]
        ),
    }


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def figures(monthly: DataSet, half: DataSet) -> tuple[int, int]:
    rng = random.Random(2024)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=MONTHLY + HALF)}
    communes = _members_by_commune()
    approver = get_user_model().objects.filter(username="tinh.pheduyet").first()
    entry_user = get_user_model().objects.filter(username="xa.nhaplieu").first()
    values: list[DataValue] = []
    subs: list[Submission] = []
    months = []
    current = FIRST
    while current <= LAST:
        months.append(current)
        current = current.shift(1)
    halves = [Period.parse(c) for c in ("2024S1", "2024S2", "2025S1", "2025S2")]
    for _pk, (unit, members, start, end) in sorted(communes.items(), key=lambda item: item[1][0].code):
        members = max(members, 60)
        reliability = rng.random()  # some communes are habitually late
        for ds, periods in ((monthly, months), (half, halves)):
            for period in periods:
                if period.start < start or (end is not None and period.end >= end):
                    continue
                growth = 1.0 if period.year == 2024 else rng.uniform(1.01, 1.08)
                fate = rng.random()
                first_half_2024 = ds == half and period.code == "2024S1"
                missing = not first_half_2024 and fate < (0.02 if reliability > 0.15 else 0.12)
                if missing:
                    continue
                figures_ = (
                    _monthly_values(rng, members, period, growth)
                    if ds == monthly
                    else _half_values(rng, members, growth)
                )
                stamp = _at(period.end + dt.timedelta(days=1))
                for code, value in figures_.items():
                    element = elements[code]
                    if isinstance(value, str):
                        if value:
                            values.append(
                                DataValue(
                                    element=element,
                                    unit=unit,
                                    period=period.code,
                                    text_value=value,
                                    stored_by=entry_user,
                                    created_at=stamp,
                                    updated_at=stamp,
                                )
                            )
                        continue
                    values.append(
                        DataValue(
                            element=element,
                            unit=unit,
                            period=period.code,
                            value=Decimal(value),
                            stored_by=entry_user,
                            created_at=stamp,
                            updated_at=stamp,
                        )
                    )
                due = ds.due_date(period)
                is_demo_draft = unit.code == "LS.XM01" and period.code in ("202512", "2025S2")
                if is_demo_draft or (not first_half_2024 and fate < 0.05):
                    subs.append(Submission(dataset=ds, unit=unit, period=period.code, status=Status.DRAFT))
                    continue
                late = rng.random() < (0.08 if reliability > 0.15 else 0.45)
                submitted_on = (
                    due + dt.timedelta(days=rng.randint(1, 12))
                    if late
                    else due - dt.timedelta(days=rng.randint(0, ds.due_days))
                )
                recent = period.code in ("202511", "202512", "2025S2")
                status = Status.SUBMITTED if recent else Status.APPROVED
                if first_half_2024:
                    status = Status.APPROVED
                elif not recent and rng.random() < 0.03:
                    status = Status.RETURNED
                decided = submitted_on + dt.timedelta(days=rng.randint(1, 6))
                subs.append(
                    Submission(
                        dataset=ds,
                        unit=unit,
                        period=period.code,
                        status=status,
                        reason="Đề nghị rà soát lại số lượt đảng viên tham gia học tập"
                        if status == Status.RETURNED
                        else "",
                        submitted_at=_at(submitted_on, 15),
                        submitted_by=entry_user,
                        decided_at=_at(decided, 10) if status != Status.SUBMITTED else None,
                        decided_by=approver if status != Status.SUBMITTED else None,
                    )
                )
    DataValue.objects.bulk_create(values, batch_size=5000)
    Submission.objects.bulk_create(subs, batch_size=5000)
    # bulk_create stamps "now" on auto_now fields; date the figures the day after their period
    for code in {v.period for v in values}:
        stamp = _at(Period.parse(code).end + dt.timedelta(days=1))
        # by the communes' ids: a join to the units makes PostgreSQL plan badly over rows it has no
        # statistics of yet (written in this transaction), for minutes on a busy machine
        DataValue.objects.filter(period=code, unit_id__in=list(communes)).update(created_at=stamp, updated_at=stamp)
    return len(values), len(subs)


def load(stdout: Any) -> None:
    if org.loaded_province() is None:
        stdout.write("  báo cáo: chưa có tỉnh mẫu, bỏ qua")
        return
    with disable_auditlog(), transaction.atomic():
        monthly, half = catalogue()
        if DataValue.objects.filter(unit__code__startswith="LS.").exists():
            stdout.write("  báo cáo: đã có số liệu, bỏ qua")
            return
        count, subs = figures(monthly, half)
        rows = rebuild_kept().rows  # the figures and the reports were written in bulk, past the write path
    stdout.write(
        f"  báo cáo: {len(ELEMENTS)} chỉ tiêu, {len(INDICATORS)} chỉ số, {count} giá trị, {subs} báo cáo,"
        f" {rows} dòng tổng hợp"
    )
