"""Inspections with recommendations: refusals, follow-up, the overdue list, figures and the review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.conftest import World
from tests.support.personas import client_for
from tuyengiao.core import providers
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.periods import Period
from tuyengiao.core.review_sections import ReviewContext, all_sections
from tuyengiao.inspections import services
from tuyengiao.inspections.models import FollowUp, Inspection, InspectionStatus, Recommendation

TODAY = dt.date.today()


def held(world: World, unit, title: str, end: dt.date, cadres: int, orgs: int, recs=()) -> Inspection:  # type: ignore[no-untyped-def]
    return services.save_inspection(
        world.province_admin,
        Inspection(unit=unit, title=title, topic="Chỉ thị 05-CT/TW", status=InspectionStatus.HELD,
                   planned_on=end - dt.timedelta(days=10), held_from=end - dt.timedelta(days=2), held_to=end,
                   cadres_covered=cadres, organisations_covered=orgs),
        inspected_units=[world.commune],
        recommendations=list(recs),
    )


def rec(world: World, due: dt.date | None, owner=None, text: str = "Bổ sung sổ sách") -> Recommendation:  # type: ignore[no-untyped-def]
    return Recommendation(content=text, owner_unit=owner if owner is not None else world.commune, due_on=due)


@pytest.mark.parametrize(("owner", "due", "field", "words"), [
    (None, dt.date(2026, 6, 30), "owner_unit", "Đơn vị chịu trách nhiệm"),
    ("commune", None, "due_on", "Hạn hoàn thành"),
])
def test_a_recommendation_without_owner_or_due_date_is_refused_and_nothing_saved(  # type: ignore[no-untyped-def]
    world: World, owner, due, field, words
) -> None:
    bad = Recommendation(content="Khắc phục hạn chế", owner_unit=getattr(world, owner) if owner else None, due_on=due)
    with pytest.raises(UserError) as caught:
        held(world, world.province, "Kiểm tra Chỉ thị 05", dt.date(2026, 3, 10), 12, 3, [rec(world, TODAY), bad])
    assert caught.value.field == field
    assert words in caught.value.message and "Kiến nghị 2" in caught.value.message
    assert not Inspection.objects.exists() and not Recommendation.objects.exists()
    inspection = held(world, world.province, "Kiểm tra", dt.date(2026, 3, 10), 1, 1)
    with pytest.raises(UserError):
        services.add_recommendation(world.province_admin, inspection, bad)
    assert not Recommendation.objects.exists()


def test_overdue_recommendations_are_listed_for_the_board_until_done(world: World) -> None:
    late = rec(world, TODAY - dt.timedelta(days=5), text="Tổ chức học tập bổ sung")
    fine = rec(world, TODAY + dt.timedelta(days=5), text="Cập nhật hồ sơ")
    elsewhere = rec(world, TODAY - dt.timedelta(days=9), owner=world.other_commune, text="Kiến nghị xã Tân Lập")
    held(world, world.province, "Kiểm tra", TODAY - dt.timedelta(days=30), 10, 2, [late, fine, elsewhere])
    assert list(services.overdue(world.province_admin)) == [elsewhere, late]
    assert list(services.overdue(world.commune_officer)) == [late]  # the owner sees its own, not its neighbour's
    page = client_for(world.province_admin).get(reverse("inspections:overdue_list"))
    assert "Tổ chức học tập bổ sung" in page.content.decode() and "Cập nhật hồ sơ" not in page.content.decode()
    with pytest.raises(UserError) as caught:
        services.follow_up(world.commune_officer, late, FollowUp.DONE, "Biên bản", None)
    assert caught.value.field == "done_on"
    with pytest.raises(PermissionDenied):
        services.follow_up(world.other_commune_officer, late, FollowUp.DONE, "", TODAY)
    services.follow_up(world.commune_officer, late, FollowUp.DONE, "Biên bản học tập", TODAY)
    assert list(services.overdue(world.province_admin)) == [elsewhere]


def test_other_units_inspections_answer_404_for_reads_and_writes(world: World) -> None:
    mine = held(world, world.other_commune, "Kiểm tra của xã Tân Lập", dt.date(2026, 3, 10), 5, 1)
    late = Recommendation.objects.create(inspection=mine, content="X", owner_unit=world.other_commune,
                                         due_on=dt.date(2026, 1, 1))
    client = client_for(world.commune_officer)
    assert client.get(reverse("inspections:inspection_detail", args=[mine.pk])).status_code == 404
    assert client.post(reverse("inspections:inspection_edit", args=[mine.pk]), {}).status_code == 404
    assert client.post(reverse("inspections:recommendation_add", args=[mine.pk]), {}).status_code == 404
    assert client.post(reverse("inspections:recommendation_follow_up", args=[late.pk]), {}).status_code == 404
    assert "Kiểm tra của xã Tân Lập" not in client.get(reverse("inspections:inspection_list")).content.decode()


def test_providers_equal_the_records(world: World) -> None:
    held(world, world.province, "Kiểm tra 1", dt.date(2026, 3, 10), 12, 3,
         [rec(world, dt.date(2026, 5, 1)), rec(world, dt.date(2026, 8, 1))])
    held(world, world.commune, "Kiểm tra 2", dt.date(2026, 4, 20), 8, 2)
    held(world, world.commune, "Kiểm tra 3", dt.date(2026, 7, 20), 4, 1)
    services.save_inspection(world.province_admin, Inspection(unit=world.province, title="Dự kiến",
                                                              planned_on=dt.date(2026, 6, 1)))

    def compute(code: str, period: str) -> dict[int, Decimal]:
        element = providers.get(code)
        assert element is not None
        return element.compute(None, Period.parse(period))

    p, c = world.province.pk, world.commune.pk
    assert compute("KTGS_CUOC", "2026S1") == {p: 1, c: 1}
    assert compute("KTGS_CAN_BO", "2026S1") == {p: 12, c: 8}
    assert compute("KTGS_TO_CHUC", "2026") == {p: 3, c: 3}
    assert compute("KTGS_CUOC_KE_HOACH", "2026S1") == {p: 2, c: 1}
    assert compute("KTGS_KIEN_NGHI_QUA_HAN", "2026S1") == {c: 1}
    assert compute("KTGS_KIEN_NGHI_QUA_HAN", "2025") == {}
    stored = {"KT_CUOC", "KT_CAN_BO", "KT_TO_CHUC"}
    assert not stored & {e.code for e in providers.all_elements()}


def test_overdue_recommendations_feed_the_review_reports_shortcomings(world: World) -> None:
    held(world, world.province, "Kiểm tra Chỉ thị 05", dt.date(2026, 3, 10), 12, 3,
         [rec(world, dt.date(2026, 5, 1), text="Sửa đổi quy chế")])
    shortcomings = {s.code: s for s in all_sections("shortcomings")}
    results = {s.code: s for s in all_sections("results")}
    ctx = ReviewContext(unit=world.province, period=Period.parse("2026S1"),
                        figures=lambda codes, period: {
                            code: sum(providers.get(code).compute(None, period).values(), Decimal(0))  # type: ignore[union-attr]
                            for code in codes})
    draft = shortcomings["inspections_overdue"].build(ctx)
    assert draft is not None
    texts = [s.text for s in draft.suggestions]
    assert texts[0] == "Còn 01 kiến nghị sau kiểm tra, giám sát chưa được thực hiện đúng hạn."
    assert "Sửa đổi quy chế" in texts[1] and "01/05/2026" in texts[1]
    summary = results["inspections"].build(ctx)
    assert summary is not None
    assert summary.paragraphs[0].startswith("Tiến hành 01 cuộc kiểm tra, giám sát đối với 12 cán bộ, đảng viên")
    assert shortcomings["inspections_overdue"].build(
        ReviewContext(unit=world.other_commune, period=ctx.period, figures=ctx.figures)) is None
