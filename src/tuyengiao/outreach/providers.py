"""Figures outreach derives: reporters, briefings held, publications and their reach by kind, guidance issued.

They replace the typed counts BC_GIAO_BAN, BC_TIN_BAI, BC_LUOT_TIEP_CAN and HD_VAN_BAN where records exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Sum

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import DerivedElement, per_unit, register

from .models import (
    Briefing,
    BriefingKind,
    GuidanceKind,
    PressGuidance,
    Publication,
    PublicationKind,
    Reporter,
    active_between,
)


def _briefings(period: Period, kind: str | None = None):
    qs = Briefing.objects.filter(held_on__range=(period.start, period.end))
    return qs.filter(kind=kind) if kind else qs


def _publications(period: Period, kinds: Iterable[str] | None = None):
    qs = Publication.objects.filter(published_on__range=(period.start, period.end))
    return qs.filter(kind__in=list(kinds)) if kinds else qs


def _guidance(period: Period, kind: str):
    return PressGuidance.objects.filter(issued_on__range=(period.start, period.end), kind=kind)


def active_reporters(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Reporters active on some day of the period (from their first to their last day on the list)."""
    return per_unit(Reporter.objects.filter(active_between(period.start, period.end)), unit_ids, Count("pk"))


def _make(compute_qs, aggregate):
    def compute(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
        return per_unit(compute_qs(period), unit_ids, aggregate)

    return compute


VISUAL = (PublicationKind.INFOGRAPHIC, PublicationKind.VIDEO)
ELEMENTS = [
    ("BCV_SO_LUONG", "Số báo cáo viên hoạt động trong kỳ", active_reporters, "last",
     "Báo cáo viên, tuyên truyền viên hoạt động trong kỳ, theo ngày bắt đầu và ngày thôi hoạt động."),
    ("BCV_HOI_NGHI", "Số hội nghị báo cáo viên đã tổ chức",
     _make(lambda p: _briefings(p, BriefingKind.REPORTERS_CONFERENCE), Count("pk")), "sum",
     "Hội nghị báo cáo viên định kỳ trong kỳ."),
    ("BCV_THOI_SU", "Số hội nghị thông tin thời sự",
     _make(lambda p: _briefings(p, BriefingKind.CURRENT_AFFAIRS), Count("pk")), "sum",
     "Hội nghị thông tin thời sự hằng quý trong kỳ."),
    ("BCV_HOP_BAO", "Số cuộc họp báo, giao ban báo chí",
     _make(lambda p: _briefings(p, BriefingKind.PRESS_CONFERENCE), Count("pk")), "sum",
     "Cuộc họp báo, giao ban báo chí trong kỳ."),
    ("BCV_LUOT_NGHE", "Số lượt người nghe báo cáo viên", _make(_briefings, Sum("audience")), "sum",
     "Tổng số người dự các buổi hội nghị, thông tin thời sự, họp báo trong kỳ."),
    ("BCV_LUOT_BCV", "Số lượt báo cáo viên trình bày", _make(_briefings, Count("reporters")), "sum",
     "Mỗi báo cáo viên trình bày tại một buổi tính một lượt."),
    ("XB_SAN_PHAM", "Số sản phẩm tuyên truyền đã phát hành", _make(_publications, Count("pk")), "sum",
     "Infographic, video clip, tin bài, sách, bản tin, sổ tay phát hành trong kỳ."),
    ("XB_TRUC_QUAN", "Số infographic, video clip chia sẻ trên mạng xã hội",
     _make(lambda p: _publications(p, VISUAL), Count("pk")), "sum",
     "Infographic và video clip phát hành trong kỳ."),
    ("XB_TIN_BAI", "Số tin, bài đã đăng", _make(lambda p: _publications(p, [PublicationKind.ARTICLE]), Count("pk")),
     "sum", "Tin, bài phát hành trong kỳ."),
    ("XB_LUOT_XEM", "Số lượt xem sản phẩm tuyên truyền", _make(_publications, Sum("views")), "sum",
     "Lượt xem ban tuyên giáo ghi nhận cho các sản phẩm phát hành trong kỳ."),
    ("XB_LUOT_CHIA_SE", "Số lượt chia sẻ sản phẩm tuyên truyền", _make(_publications, Sum("shares")), "sum",
     "Lượt chia sẻ ghi nhận cho các sản phẩm phát hành trong kỳ."),
    ("DH_VAN_BAN_DINH_HUONG", "Số văn bản định hướng tuyên truyền đã ban hành",
     _make(lambda p: _guidance(p, GuidanceKind.ORIENTATION), Count("pk")), "sum",
     "Văn bản định hướng thông tin, báo chí ban hành trong kỳ."),
    ("DH_HUONG_DAN", "Số văn bản hướng dẫn tuyên truyền đã ban hành",
     _make(lambda p: _guidance(p, GuidanceKind.GUIDANCE), Count("pk")), "sum",
     "Hướng dẫn tuyên truyền ban hành trong kỳ."),
]
for _code, _name, _compute, _aggregation, _description in ELEMENTS:
    register(DerivedElement(code=_code, name=_name, compute=_compute, aggregation=_aggregation,
                            value_type="integer", work_field="outreach", description=_description))
