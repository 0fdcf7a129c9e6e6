"""Periods as people type them: labels, short forms, without accents; unreadable text is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.core.periods import Period, PeriodType, parse_text, recent


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("typed", "code"),
    [("12/2025", "202512"), ("tháng 12/2025", "202512"), ("thang 12/2025", "202512"),
     ("Tháng 3 năm 2025", "202503"), ("t3/2025", "202503"), ("2025-03", "202503"),
     ("6 tháng cuối năm 2025", "2025S2"), ("6 tháng đầu năm 2025", "2025S1"),
     ("6 thang dau nam 2025", "2025S1"), ("sáu tháng cuối 2025", "2025S2"),
     ("quý 4/2025", "2025Q4"), ("quý IV/2025", "2025Q4"), ("quy 4 2025", "2025Q4"),
     ("Quy iv nam 2025", "2025Q4"), ("q1/2025", "2025Q1"), ("QUÝ II / 2025", "2025Q2"),
     ("năm 2025", "2025"), ("nam 2025", "2025"), ("2025", "2025"), ("  2025  ", "2025"),
     ("2025S1", "2025S1"), ("2025q3", "2025Q3"), ("202506", "202506")],
)
def test_what_people_type_reads_as_the_period_they_mean(typed: str, code: str) -> None:
    assert parse_text(typed).code == code


@pytest.mark.parametrize(
    "bad", ["", "tháng 13/2025", "quý 5/2025", "quý V/2025", "6 tháng giữa năm 2025", "hôm qua", "25", "12/25"]
)
def test_unreadable_text_is_refused_with_a_vietnamese_hint(bad: str) -> None:
    with pytest.raises(ValueError, match="Không đọc được kỳ") as info:
        parse_text(bad)
    assert "quý IV/2025" in str(info.value)


periods = st.builds(
    lambda kind, year, seed: Period(kind, year, seed % (12 // kind.months) + 1),
    st.sampled_from(list(PeriodType)),
    st.integers(1930, 2100),
    st.integers(0, 11),
)


@given(periods)
def test_a_label_reads_back_as_the_same_period(period: Period) -> None:
    assert parse_text(period.label) == period
    assert parse_text(period.label.upper()) == period
    assert parse_text(period.code) == period


def test_recent_periods_are_the_finished_ones_latest_first() -> None:
    codes = [p.code for p in recent(PeriodType.HALF_YEAR, dt.date(2026, 2, 10), 3)]
    assert codes == ["2025S2", "2025S1", "2024S2"]
