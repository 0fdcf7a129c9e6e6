"""The wording rules of the review narrative, each pinned."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from tuyengiao.core import narrative
from tuyengiao.core.periods import Period


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(("code", "label"), [
    ("2025S1", "6 tháng đầu năm 2025"), ("2025S2", "6 tháng cuối năm 2025"), ("2025", "năm 2025"),
])
def test_period_labels_are_written_as_the_reports_write_them(code: str, label: str) -> None:
    assert narrative.period_label(Period.parse(code)) == label
    assert narrative.in_period(Period.parse(code)) == f"Trong {label}"


@pytest.mark.parametrize(("n", "word"), [(1, "thứ nhất"), (2, "thứ hai"), (4, "thứ tư"), (7, "thứ bảy"),
                                         (10, "thứ mười"), (12, "thứ 12")])
def test_ordinals(n: int, word: str) -> None:
    assert narrative.ordinal(n) == word


def test_a_count_named_by_its_element_drops_the_leading_so() -> None:
    assert narrative.count_phrase("Số lượt đảng viên tham gia", 45210) == "45.210 lượt đảng viên tham gia"
    assert narrative.count_phrase("Số cuộc kiểm tra", 3) == "03 cuộc kiểm tra"
    assert narrative.count_phrase("Lượt tiếp cận", 1200) == "lượt tiếp cận: 1.200"
    assert narrative.count_phrase("Số cuộc kiểm tra", None) == ""


def test_a_rate_reaches_its_value_and_changes_in_points() -> None:
    phrase = narrative.with_change(narrative.rate_phrase("Tỷ lệ đảng viên tham gia", Decimal("98.14")),
                                   narrative.rate_change(Decimal("98.14"), Decimal("95.8")))
    assert phrase == "tỷ lệ đảng viên tham gia đạt 98,1%, tăng 2,3 điểm phần trăm so với cùng kỳ"


def test_a_missing_change_leaves_the_figure_alone_and_never_says_zero_per_cent() -> None:
    assert narrative.with_change("12 lớp", narrative.count_change(12, None)) == "12 lớp"
    assert narrative.with_change("12 lớp", narrative.count_change(12, 12)) == "12 lớp, bằng cùng kỳ"
    assert "0%" not in narrative.count_change(Decimal("100.01"), 100)


def test_a_count_that_falls_says_giam() -> None:
    assert narrative.with_change(narrative.count_phrase("Số lớp", 9), narrative.count_change(9, 12)) == (
        "09 lớp, giảm 25% so với cùng kỳ")


def test_sentences_start_with_a_capital_and_end_with_a_stop() -> None:
    assert narrative.sentence("tỷ lệ đạt 98%") == "Tỷ lệ đạt 98%."
    assert narrative.sentence("") == ""
    assert narrative.join_clauses(["a", "", "b"]) == "a; b"


def test_none_at_all_is_said_as_chua_co_not_as_double_zero() -> None:
    assert narrative.count_phrase("Số công trình được xuất bản", 0) == "chưa có công trình được xuất bản"


def test_an_annual_review_compares_with_the_year_before() -> None:
    assert narrative.against(Period.parse("2025")) == "năm 2024"
    assert narrative.against(Period.parse("2025S1")) == "cùng kỳ"
    assert narrative.count_change(110, 100, narrative.against(Period.parse("2025"))) == "tăng 10% so với năm 2024"
