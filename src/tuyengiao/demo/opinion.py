"""Anonymous aggregate reports of public concerns in the demo province "Long Sơn", by quarter of 2025."""

from __future__ import annotations

import random
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction

from tuyengiao.opinion.catalogue import install
from tuyengiao.opinion.models import ConcernReport, ConcernTopic
from tuyengiao.opinion.services import clean_text, trend
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

# topic, reports in Q1..Q4, summary, proposed response, agency
CONCERNS = [
    ("BO_MAY", [180, 260, 140, 60], "Cán bộ, đảng viên và nhân dân quan tâm việc sắp xếp đơn vị hành chính cấp "
     "xã, bố trí trụ sở, giải quyết thủ tục hành chính sau sáp nhập.",
     "Tuyên truyền rõ lộ trình, công khai địa điểm tiếp nhận hồ sơ.", "UBND tỉnh, Sở Nội vụ"),
    ("DAT_DAI", [95, 110, 120, 90], "Phản ánh chậm chi trả bồi thường, hỗ trợ giải phóng mặt bằng một số dự án "
     "giao thông.", "Đề nghị công khai tiến độ chi trả, đối thoại với hộ bị ảnh hưởng.", "UBND các xã có dự án"),
    ("DOI_SONG", [70, 65, 80, 75], "Lo ngại giá vật tư nông nghiệp tăng, đầu ra nông sản bấp bênh.",
     "Thông tin kịp thời về giá cả, hỗ trợ liên kết tiêu thụ.", "Sở Nông nghiệp và Môi trường"),
    ("MOI_TRUONG", [20, 25, 90, 30], "Quan tâm công tác phòng, chống bão lũ và khắc phục hậu quả thiên tai.",
     "Tuyên truyền kỹ năng phòng tránh; công khai hỗ trợ sau thiên tai.", "Ban Chỉ huy phòng thủ dân sự tỉnh"),
    ("THAM_NHUNG", [40, 35, 30, 45], "Đồng tình với kết quả phòng, chống tham nhũng, tiêu cực; mong xử lý nghiêm "
     "sai phạm ở cơ sở.", "Thông tin kết quả xử lý các vụ việc được dư luận quan tâm.", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("Y_TE_GD", [30, 45, 60, 35], "Phản ánh thiếu giáo viên, cơ sở vật chất trường học ở một số xã sau sáp nhập.",
     "Rà soát, bố trí giáo viên trước năm học mới.", "Sở Giáo dục và Đào tạo"),
]


def load(stdout: Any) -> None:
    province = Unit.objects.filter(code="LS").first()
    if province is None:
        return
    if ConcernReport.objects.filter(unit=province).exists():
        stdout.write("  dư luận xã hội: đã có")
        return
    rng = random.Random(2025)
    install(ConcernTopic)
    topics = {t.code: t for t in ConcernTopic.objects.all()}
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
                    .order_by("code")[:6])
    reports = []
    for code, counts, summary, response, agency in CONCERNS:
        if code not in topics:
            continue
        previous = None
        for quarter, count in enumerate(counts, start=1):
            report = ConcernReport(unit=province, period=f"2025Q{quarter}", topic=topics[code], reports=count,
                                   summary=summary, proposed_response=response, responsible_agency=agency,
                                   answered=quarter < 4 or rng.random() < 0.4, previous_reports=previous,
                                   trend=trend(count, previous))
            clean_text(report)
            reports.append(report)
            previous = count
    for commune in communes:  # the communes' own reports from the second half, after the merger
        for quarter in (3, 4):
            report = ConcernReport(unit=commune, period=f"2025Q{quarter}", topic=topics["BO_MAY"],
                                   reports=rng.randint(5, 30), summary="Nhân dân quan tâm việc bố trí trụ sở và "
                                   "giải quyết thủ tục hành chính tại xã mới.", proposed_response="Niêm yết công "
                                   "khai quy trình, bố trí điểm tiếp nhận hồ sơ.", responsible_agency="UBND xã",
                                   answered=quarter == 3)
            clean_text(report)
            reports.append(report)
    with disable_auditlog(), transaction.atomic():
        ConcernReport.objects.bulk_create(reports)
    stdout.write(f"  dư luận xã hội: {len(reports)} báo cáo tổng hợp (không lưu thông tin cá nhân)")
