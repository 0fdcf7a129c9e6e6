"""Figures the study campaigns derive, for campaigns whose deadline falls in the period."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet, Sum

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, depends_on, per_unit, register

from .models import Campaign, CampaignParticipation


def _due_in(period: Period) -> QuerySet[CampaignParticipation]:
    return CampaignParticipation.objects.filter(
        campaign__deadline__gte=period.start, campaign__deadline__lte=period.end
    )


def expected(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Members expected to study, per cell (summed over the campaigns due in the period)."""
    return per_unit(_due_in(period), unit_ids, Sum("expected"))


def attended(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_due_in(period).filter(attended__isnull=False), unit_ids, Sum("attended"))


def completed_on_time(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Campaigns organised by the unit, due in the period, fully reported by the deadline and on target."""
    from .services import completed_on_time as done

    qs = Campaign.objects.filter(deadline__gte=period.start, deadline__lte=period.end).select_related("scope")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    result: dict[int, Decimal] = {}
    for campaign in qs:
        result.setdefault(campaign.unit_id, Decimal(0))
        if done(campaign):
            result[campaign.unit_id] += 1
    return result


EXPECTED = register(
    DerivedElement(
        code="HT_DV_CAN_HOC",
        name="Số đảng viên phải học tập, quán triệt",
        compute=expected,
        aggregation="sum",
        value_type="integer",
        work_field="theory",
        description="Theo từng chi bộ, cộng các đợt học tập có hạn hoàn thành trong kỳ.",
    )
)
ATTENDED = register(
    DerivedElement(
        code="HT_DV_DA_HOC",
        name="Số đảng viên đã tham gia học tập, quán triệt",
        compute=attended,
        aggregation="sum",
        value_type="integer",
        work_field="theory",
        description="Tỷ lệ tham gia = #{HT_DV_DA_HOC} / #{HT_DV_CAN_HOC} × 100.",
    )
)
COMPLETED_ON_TIME = register(
    DerivedElement(
        code="HT_DOT_DUNG_HAN",
        name="Số đợt học tập hoàn thành đúng hạn",
        compute=completed_on_time,
        aggregation="sum",
        value_type="integer",
        work_field="theory",
        description="Đợt học tập mọi chi bộ báo cáo trước hạn và đạt tỷ lệ mục tiêu.",
    )
)


def _campaign_cells(campaign: Campaign) -> list[tuple[int, object]]:
    """A campaign counts for its organising unit and each cell in it, in its deadline's month."""
    cells = CampaignParticipation.objects.filter(campaign=campaign).values_list("unit_id", flat=True)
    return [(campaign.unit_id, campaign.deadline)] + [(cell, campaign.deadline) for cell in cells]


def _participation(row: CampaignParticipation) -> list[tuple[int, object]]:
    campaign = Campaign.objects.filter(pk=row.campaign_id).only("unit_id", "deadline").first()
    if campaign is None:  # deleted with its campaign: the campaign's own deletion counts
        return []
    return [(row.unit_id, campaign.deadline), (campaign.unit_id, campaign.deadline)]


# Kept as values, refreshed when a campaign or a cell's participation changes.
for _code in (EXPECTED.code, ATTENDED.code, COMPLETED_ON_TIME.code):
    depends_on(_code, Dependency("campaigns.Campaign", _campaign_cells),
               Dependency("campaigns.CampaignParticipation", _participation))
