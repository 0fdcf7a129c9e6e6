"""Figures written as the review reports write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from tuyengiao.core import narrative


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        yield


@pytest.mark.smoke
@pytest.mark.parametrize(("value", "noun", "text"), [
    (3, "cuộc", "03 cuộc"), (6, "giải A", "06 giải A"), (0, "lớp", "00 lớp"), (12, "lớp", "12 lớp"),
    (47600, "đảng viên", "47.600 đảng viên"), (Decimal("2.5"), "", "2,5"), (None, "cuộc", ""),
])
def test_counts_under_ten_take_a_leading_zero(value, noun, text) -> None:  # type: ignore[no-untyped-def]
    assert narrative.count(value, noun) == text


@pytest.mark.smoke
def test_a_change_in_a_count_is_in_per_cent_and_in_a_rate_in_points() -> None:
    assert narrative.count_change(450, 400) == "tăng 12,5% so với cùng kỳ"
    assert narrative.count_change(300, 400) == "giảm 25% so với cùng kỳ"
    assert narrative.rate_change(Decimal("98.1"), Decimal("95.8")) == "tăng 2,3 điểm phần trăm so với cùng kỳ"
    assert narrative.rate_change(Decimal("90"), Decimal("92.5")) == "giảm 2,5 điểm phần trăm so với cùng kỳ"


@pytest.mark.smoke
def test_no_change_is_said_as_equal_never_as_zero_per_cent() -> None:
    assert narrative.count_change(400, 400) == "bằng cùng kỳ"
    assert narrative.count_change(Decimal("400.04"), 400) == "bằng cùng kỳ"  # 0,01% rounds to nothing
    assert narrative.rate_change(Decimal("97.51"), Decimal("97.49")) == "bằng cùng kỳ"
    assert "0%" not in narrative.count_change(1000001, 1000000)


@pytest.mark.smoke
def test_a_missing_figure_gives_no_phrase() -> None:
    assert narrative.count_change(None, 5) == "" and narrative.count_change(5, None) == ""
    assert narrative.rate_change(None, Decimal(5)) == "" and narrative.rate(None) == ""
    assert narrative.count_change(5, 0) == ""  # no per cent of nothing
    assert narrative.rate(Decimal("97.46")) == "97,5%"
