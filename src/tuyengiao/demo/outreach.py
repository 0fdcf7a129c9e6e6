"""Reporters, briefings, publications and press guidance of the demo province "Long Sơn" in 2025.

As in the province's reviews, each half-year: 03 press briefings, 06 monthly reporters' conferences,
02 current-affairs briefings, 06 orientation documents and about 30 outreach guidance documents,
infographics and video clips shared on social networks.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction

from tuyengiao.documents.models import Document
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.outreach.models import (
    Briefing,
    BriefingKind,
    Channel,
    GuidanceKind,
    PressGuidance,
    Publication,
    PublicationKind,
    Reporter,
    ReporterLevel,
)

D = dt.date
MARKER = "Hội nghị báo cáo viên tháng 01/2025"
REPORTERS = ["Nguyễn Văn Thành", "Trần Thị Hồng", "Lê Quang Vinh", "Phạm Thị Thu", "Hoàng Văn Đức",
             "Vũ Thị Lan", "Đặng Minh Tuấn", "Bùi Thị Hạnh", "Đỗ Văn Khải", "Ngô Thị Yến", "Dương Văn Sơn",
             "Lý Thị Ngọc"]
SUBJECTS = ["Thời sự trong nước", "Kinh tế - xã hội", "Quốc phòng, an ninh", "Xây dựng Đảng", "Văn hóa, xã hội"]
TOPICS = ["Nghị quyết 57-NQ/TW về khoa học, công nghệ", "Sắp xếp đơn vị hành chính cấp xã",
          "Kỷ niệm 50 năm Giải phóng miền Nam", "Đại hội Đảng bộ các cấp", "Phòng, chống thiên tai",
          "Chuyển đổi số", "Ngày Quốc khánh 2/9", "Phòng, chống tham nhũng, tiêu cực", "An toàn thực phẩm",
          "Bảo vệ nền tảng tư tưởng của Đảng"]


def load(stdout: Any) -> None:
    province = Unit.objects.filter(code="LS").first()
    if province is None:
        return
    if Briefing.objects.filter(title=MARKER).exists():
        stdout.write("  báo cáo viên, tuyên truyền: đã có")
        return
    rng = random.Random(2025)
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
                    .order_by("code")[:10])
    with disable_auditlog(), transaction.atomic():
        reporters = Reporter.objects.bulk_create([
            # the province's list was renewed for the 2020–2025 term; one reporter retired mid-2025,
            # one joined in the autumn
            Reporter(unit=province, name=name, position="Báo cáo viên Tỉnh ủy", level=ReporterLevel.PROVINCE,
                     subjects=SUBJECTS[i % len(SUBJECTS)],
                     active_from=D(2025, 9, 1) if i == 10 else D(2020, 11, 2),
                     active_until=D(2025, 6, 30) if i == 11 else None)
            for i, name in enumerate(REPORTERS)
        ] + [
            # the merged communes named their reporters when they were formed
            Reporter(unit=commune, name=f"Báo cáo viên {n} {commune.name.replace('Đảng bộ ', '')}",
                     position="Phó Bí thư Đảng ủy" if n == 1 else "Trưởng Ban Tuyên giáo và Dân vận",
                     level=ReporterLevel.COMMUNE, subjects="Thời sự, chính sách địa phương",
                     active_from=max(commune.valid_from, D(2025, 7, 1)))
            for commune in communes for n in (1, 2)
        ])
        # the speakers of a whole year: reporters on the list all year
        speakers = [r for r in reporters if r.level == ReporterLevel.PROVINCE and r.active_on(D(2025, 1, 1))
                    and r.active_on(D(2025, 12, 31))]
        briefings = []
        for month in range(1, 13):
            briefings.append(Briefing(unit=province, kind=BriefingKind.REPORTERS_CONFERENCE,
                                      title=f"Hội nghị báo cáo viên tháng {month:02d}/2025",
                                      held_on=D(2025, month, 5 + month % 3), audience=rng.randint(250, 420)))
        for quarter in range(1, 5):
            briefings.append(Briefing(unit=province, kind=BriefingKind.CURRENT_AFFAIRS,
                                      title=f"Hội nghị thông tin thời sự quý {quarter}/2025",
                                      held_on=D(2025, quarter * 3 - 1, 20), audience=rng.randint(300, 500)))
        for day in (D(2025, 1, 20), D(2025, 4, 25), D(2025, 6, 27), D(2025, 8, 29), D(2025, 10, 15),
                    D(2025, 12, 19)):
            briefings.append(Briefing(unit=province, kind=BriefingKind.PRESS_CONFERENCE,
                                      title=f"Họp báo thông tin kết quả công tác tháng {day.month}/2025",
                                      held_on=day, audience=rng.randint(30, 60)))
        Briefing.objects.bulk_create(briefings)
        Through = Briefing.reporters.through
        Through.objects.bulk_create([
            Through(briefing_id=b.pk, reporter_id=r.pk) for b in briefings
            for r in rng.sample(speakers, 2 if b.kind == BriefingKind.PRESS_CONFERENCE else 3)
        ])
        publications = []
        for half, months in ((1, range(1, 7)), (2, range(7, 13))):
            for i in range(8 + half):
                publications.append(Publication(
                    unit=province, kind=PublicationKind.INFOGRAPHIC, title=f"Infographic: {TOPICS[i % 10]}",
                    channel=Channel.SOCIAL, published_on=D(2025, months[i % 6], 3 + i),
                    views=rng.randint(4_000, 25_000), shares=rng.randint(80, 900)))
            for i in range(5):
                publications.append(Publication(
                    unit=province, kind=PublicationKind.VIDEO, title=f"Video clip: {TOPICS[(i + 3) % 10]}",
                    channel=Channel.SOCIAL, published_on=D(2025, months[i], 12 + i),
                    views=rng.randint(8_000, 60_000), shares=rng.randint(150, 2_000)))
            for month in months:
                publications.append(Publication(
                    unit=province, kind=PublicationKind.BULLETIN, title=f"Thông tin Tuyên giáo tháng {month}/2025",
                    channel=Channel.PRINT, published_on=D(2025, month, 28), copies=3_500,
                    views=rng.randint(1_000, 3_000), shares=rng.randint(20, 200)))
                for k in range(6):
                    publications.append(Publication(
                        unit=province, kind=PublicationKind.ARTICLE, title=f"Tin, bài: {TOPICS[(month + k) % 10]}",
                        channel=Channel.WEBSITE, published_on=D(2025, month, 2 + 4 * k),
                        views=rng.randint(500, 6_000), shares=rng.randint(0, 120)))
        publications.append(Publication(unit=province, kind=PublicationKind.HANDBOOK,
                                        title="Sổ tay tuyên truyền Đại hội Đảng bộ các cấp", channel=Channel.PRINT,
                                        published_on=D(2025, 3, 15), copies=12_000))
        Publication.objects.bulk_create(publications)
        orientation_docs = list(Document.objects.filter(unit=province, kind="orientation").order_by("issued_on"))
        guidance = []
        for half, start in ((1, D(2025, 1, 6)), (2, D(2025, 7, 7))):
            for i in range(6):
                guidance.append(PressGuidance(
                    unit=province, kind=GuidanceKind.ORIENTATION, subject=f"Định hướng thông tin: {TOPICS[i]}",
                    issued_on=start + dt.timedelta(days=27 * i), recipients="Báo Long Sơn, Đài PT-TH tỉnh",
                    document=orientation_docs[i] if half == 1 and i < len(orientation_docs) else None))
            for i in range(30 if half == 1 else 28):
                guidance.append(PressGuidance(
                    unit=province, kind=GuidanceKind.GUIDANCE, subject=f"Hướng dẫn tuyên truyền: {TOPICS[i % 10]}",
                    issued_on=start + dt.timedelta(days=5 * i + 1), recipients="Các đảng ủy xã, phường"))
        PressGuidance.objects.bulk_create(guidance)
    stdout.write(f"  báo cáo viên, tuyên truyền: {len(reporters)} báo cáo viên, {len(briefings)} hội nghị, "
                 f"{len(publications)} sản phẩm, {len(guidance)} văn bản định hướng, hướng dẫn")
