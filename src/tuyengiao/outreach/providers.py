"""Figures outreach derives: reporters, briefings held, publications and their reach by kind, guidance issued.

They replace the typed counts BC_GIAO_BAN, BC_TIN_BAI, BC_LUOT_TIEP_CAN and HD_VAN_BAN where records exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.signals import m2m_changed, pre_delete

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, Locate, changed_at, depends_on, per_unit, register

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


# --- kept as values ----------------------------------------------------------------------------
# A record counts for its unit in the month of its date; a reporter's turn at a briefing (a link
# between the two) where the briefing counts.

Places = list[tuple[int, Any]]
Link = Briefing.reporters.through


def _dated(field: str, kinds: Iterable[str] | None = None) -> Locate:
    wanted = None if kinds is None else set(kinds)

    def locate(record: Any) -> Places:
        day = getattr(record, field)
        if not record.unit_id or day is None or (wanted is not None and record.kind not in wanted):
            return []
        return [(record.unit_id, day)]

    return locate


def _briefing_dependency(kind: str | None = None) -> Dependency:
    return Dependency("outreach.Briefing", _dated("held_on", None if kind is None else [kind]))


def _publication_dependency(kinds: Iterable[str] | None = None) -> Dependency:
    return Dependency("outreach.Publication", _dated("published_on", kinds))


def _guidance_dependency(kind: str) -> Dependency:
    return Dependency("outreach.PressGuidance", _dated("issued_on", [kind]))


KEPT: dict[str, tuple[Dependency, ...]] = {
    "BCV_HOI_NGHI": (_briefing_dependency(BriefingKind.REPORTERS_CONFERENCE),),
    "BCV_THOI_SU": (_briefing_dependency(BriefingKind.CURRENT_AFFAIRS),),
    "BCV_HOP_BAO": (_briefing_dependency(BriefingKind.PRESS_CONFERENCE),),
    "BCV_LUOT_NGHE": (_briefing_dependency(),),
    "BCV_LUOT_BCV": (_briefing_dependency(),),
    "XB_SAN_PHAM": (_publication_dependency(),),
    "XB_TRUC_QUAN": (_publication_dependency(VISUAL),),
    "XB_TIN_BAI": (_publication_dependency([PublicationKind.ARTICLE]),),
    "XB_LUOT_XEM": (_publication_dependency(),),
    "XB_LUOT_CHIA_SE": (_publication_dependency(),),
    "DH_VAN_BAN_DINH_HUONG": (_guidance_dependency(GuidanceKind.ORIENTATION),),
    "DH_HUONG_DAN": (_guidance_dependency(GuidanceKind.GUIDANCE),),
}
for _code, _dependencies in KEPT.items():
    depends_on(_code, *_dependencies)


def _announce(briefing_ids: Iterable[int], using: str) -> None:
    """Links are inserted and deleted in bulk, without the save and delete signals a kept figure
    follows: the reporters figure is told where the briefings count, read in one query."""
    rows = Briefing.objects.using(using).filter(pk__in=sorted(set(briefing_ids))).values_list("unit_id", "held_on")
    changed_at("BCV_LUOT_BCV", [(unit_id, day) for unit_id, day in rows if unit_id and day is not None])


def _links_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, using: str,
                   **kwargs: Any) -> None:
    if not reverse:  # a briefing's reporters were set, added, removed or cleared
        if action in ("post_add", "post_remove", "post_clear"):
            _announce([instance.pk], using)
    elif action == "pre_clear":  # a reporter is taken off every briefing: which ones, while the links exist
        _announce(instance.briefings.values_list("pk", flat=True), using)
    elif action in ("post_add", "post_remove"):
        _announce(pk_set or (), using)


def _reporter_deleted(sender: Any, instance: Reporter, using: str, **kwargs: Any) -> None:
    """Deleting a reporter deletes their links without a signal: their briefings change."""
    _announce(instance.briefings.values_list("pk", flat=True), using)


m2m_changed.connect(_links_changed, sender=Link, dispatch_uid="outreach.kept_links")
pre_delete.connect(_reporter_deleted, sender=Reporter, dispatch_uid="outreach.kept_reporter_deleted")
