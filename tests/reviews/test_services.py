"""Drafting, editing, regenerating and finalising reviews; numbers checked against the analytics."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from tests.reviews.conftest import Filled, put
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.narrative import count_change, rate_change
from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period
from tuyengiao.reporting import analytics
from tuyengiao.reporting.models import DataSet
from tuyengiao.reviews import services
from tuyengiao.reviews.models import ReviewState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        yield


def _text(review) -> str:  # type: ignore[no-untyped-def]
    return " ".join(re.sub(r"<[^>]+>", " ", b["html"]) for b in services.blocks_of(review, "results"))


def test_every_number_in_the_narrative_is_a_figure_of_the_analytics_service(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.province_admin, w.province, "2025S1")
    text = _text(review)
    assert "Trong 6 tháng đầu năm 2025" in text
    period = Period.parse("2025S1")
    codes = list(review.figures)
    now = {r.dx: r.value for r in analytics.values(codes, [period], w.province, "self", review.structure)}
    before = {r.dx: r.value for r in analytics.values(codes, [period.same_period_last_year], w.province, "self",
                                                      review.structure)}
    allowed = {format_number(v) for v in now.values()} | {format_number(round(v, 1)) for v in now.values()}
    allowed |= {f"{int(v):02d}" for v in now.values() if v == int(v) and v < 10}
    for code, value in now.items():
        if code in before:
            change = count_change(value, before[code]) + " " + rate_change(value, before[code])
            allowed |= set(re.findall(r"\d[\d.]*(?:,\d+)?", change))
    allowed |= {"6", "2025"}  # the period label
    for name in (f["name"] for f in review.figures.values()):
        text = text.replace(name, " ").replace(name[0].lower() + name[1:], " ")
    numbers = re.findall(r"\d[\d.]*(?:,\d+)?", text)
    assert numbers, text
    for number in numbers:
        assert number.rstrip(".") in allowed, (number, text)
    # the figures quoted: 18 sessions (2×6 + 1×6), 540 attendances, up on last year's 6 sessions
    assert "có 18 buổi học tập, quán triệt, tăng 200% so với cùng kỳ" in text
    # the participants, those called and the rate in one clause, the rate's change in points
    assert "; có 540 lượt đảng viên tham gia trên tổng số 570 đảng viên được triệu tập, đạt 94,7%" in text


def test_a_missing_figure_gives_no_sentence_and_a_visible_note(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.province_admin, w.province, "2025S1")
    assert "Tỷ lệ tự đánh giá đạt" in review.missing
    assert "tự đánh giá" not in _text(review)
    assert review.figures["HT_TY_LE_TU_DANH_GIA"]["now"] is None


def test_a_period_type_the_data_sets_lack_is_refused_with_the_reason(filled: Filled) -> None:
    w = filled.world
    with pytest.raises(UserError, match="6 tháng hoặc năm"):
        services.create(w.province_admin, w.province, "2025Q1")
    DataSet.objects.update(period_type="year")
    with pytest.raises(UserError) as refused:
        services.create(w.province_admin, w.province, "2025S1")
    assert "6 tháng đầu năm 2025" in refused.value.message and "theo: năm" in refused.value.message
    with pytest.raises(UserError, match=r"không phải là một kỳ"):
        services.create(w.province_admin, w.province, "hai nghìn")


def test_html_in_sections_is_sanitised(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1")
    review = services.edit(w.commune_officer, review, blocks={
        "lessons": '<p onclick="x()">Một là <script>alert(1)</script><strong>đoàn kết</strong></p>'})
    lessons = services.blocks_of(review, "lessons")[0]["html"]
    assert "script" not in lessons and "onclick" not in lessons and "<strong>đoàn kết</strong>" in lessons


def test_regenerating_keeps_the_officials_text_and_lists_the_changed_figures(filled: Filled) -> None:
    w, cat = filled.world, filled.catalogue
    review = services.create(w.commune_officer, w.commune, "2025S1")
    study = next(b for b in services.blocks_of(review, "results") if b["level"] == 2)
    review = services.edit(w.commune_officer, review, blocks={study["id"]: "<p>Đoạn tự viết.</p>"})
    put(w.commune_officer, cat.sessions, w.commune, "202506", 5)
    review = services.regenerate(w.commune_officer, review)
    again = next(b for b in services.blocks_of(review, "results") if b["id"] == study["id"])
    assert again["html"] == "<p>Đoạn tự viết.</p>" and "15 buổi" in again["generated"]
    assert {"code": "HT_SO_BUOI", "name": cat.sessions.name, "before": "12", "after": "15"} in review.changes
    assert review.versions.count() == 3


def test_a_finalised_review_is_numbered_and_refuses_edits_with_the_reason(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.province_admin, w.province, "2025S1")
    with pytest.raises(PermissionDenied):
        services.finalise(w.commune_officer, review)
    review = services.finalise(w.province_approver, review)
    assert review.state == ReviewState.FINAL and review.number == 1
    assert review.reference == "01-BC/BTG"
    with pytest.raises(services.ReviewLocked) as locked:
        services.edit(w.province_admin, review, blocks={"lessons": "<p>x</p>"})
    assert "không thể sửa" in locked.value.message
    with pytest.raises(services.ReviewLocked):
        services.regenerate(w.province_admin, review)
    second = services.create(w.province_admin, w.province, "2025")
    assert services.finalise(w.province_admin, second).number == 2


def test_only_those_who_enter_figures_draft_and_edit(filled: Filled) -> None:
    w = filled.world
    with pytest.raises(PermissionDenied):
        services.create(w.province_approver, w.province, "2025S1")
    with pytest.raises(PermissionDenied):
        services.create(w.other_commune_officer, w.commune, "2025S1")
    review = services.create(w.commune_officer, w.commune, "2025S1")
    with pytest.raises(PermissionDenied):
        services.edit(w.member, review, blocks={"lessons": "<p>x</p>"})
    assert not services.visible(w.other_commune_officer).filter(pk=review.pk).exists()


def test_the_figure_table_holds_last_year_the_previous_period_and_the_units_below(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.province_admin, w.province, "2025S1")
    sessions = review.figures["HT_SO_BUOI"]
    assert Decimal(sessions["now"]) == 18 and Decimal(sessions["last_year"]) == 6
    assert review.figures["TL_THAM_GIA"]["kind"] == "rate"
    assert [row[0] for row in review.children["rows"]] == [w.district.name]


def test_a_missing_figure_is_listed_by_its_name_even_when_a_section_gave_its_code(filled: Filled) -> None:
    from tuyengiao.core import providers
    from tuyengiao.core.review_sections import DraftSection, ReviewSection, register, unregister

    derived = providers.all_elements()[0]
    register(ReviewSection(code="test_missing", part="results", order=99,
                           build=lambda ctx: DraftSection(title="x", missing=[derived.code])))
    try:
        review = services.create(filled.world.province_admin, filled.world.province, "2025S1")
    finally:
        unregister("test_missing")
    assert derived.name in review.missing and derived.code not in review.missing
