"""Period codes: parsing, ordering, containment and Vietnamese labels."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.core.periods import Period, PeriodType, period_range


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("code", "label", "start", "end"),
    [("2023", "năm 2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
     ("2023S1", "6 tháng đầu năm 2023", dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
     ("2023S2", "6 tháng cuối năm 2023", dt.date(2023, 7, 1), dt.date(2023, 12, 31)),
     ("2023Q2", "quý II/2023", dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
     ("202306", "tháng 6/2023", dt.date(2023, 6, 1), dt.date(2023, 6, 30)),
     ("202402", "tháng 2/2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29))],
)
def test_codes_parse_to_dates_and_labels(code: str, label: str, start: dt.date, end: dt.date) -> None:
    period = Period.parse(code)
    assert (period.code, period.label, period.start, period.end) == (code, label, start, end)


@pytest.mark.parametrize("bad", ["2023S3", "2023Q5", "202313", "23", "2023-06", "", "năm 2023"])
def test_bad_codes_are_refused_in_vietnamese(bad: str) -> None:
    with pytest.raises(ValueError, match="không hợp lệ"):
        Period.parse(bad)


def test_containment_month_quarter_half_year() -> None:
    year, half, quarter, month = (Period.parse(c) for c in ("2023", "2023S1", "2023Q2", "202306"))
    assert year.contains(half) and half.contains(quarter) and quarter.contains(month)
    assert not Period.parse("2023S2").contains(month)
    assert [p.code for p in half.subperiods(PeriodType.QUARTER)] == ["2023Q1", "2023Q2"]
    assert month.parent(PeriodType.HALF_YEAR) == half
    assert Period.parse("2023Q1").same_period_last_year.code == "2022Q1"


months = st.builds(lambda y, m: Period(PeriodType.MONTH, y, m), st.integers(2000, 2040), st.integers(1, 12))


@given(months, st.sampled_from(list(PeriodType)))
def test_every_month_lies_in_exactly_one_period_of_each_type(month: Period, kind: PeriodType) -> None:
    parent = month.parent(kind)
    assert parent.contains(month)
    assert month in parent.months()
    assert Period.parse(parent.code) == parent


@given(months, st.integers(-30, 30))
def test_shift_and_order_agree(month: Period, steps: int) -> None:
    moved = month.shift(steps)
    assert (moved > month) == (steps > 0)
    assert moved.shift(-steps) == month


def test_range_lists_consecutive_periods() -> None:
    codes = [p.code for p in period_range(Period.parse("2023Q3"), Period.parse("2024Q2"))]
    assert codes == ["2023Q3", "2023Q4", "2024Q1", "2024Q2"]


def test_a_period_knows_the_periods_inside_it_and_those_it_counts_for() -> None:
    year = Period.parse("2024")
    assert len(year.within()) == 12 + 4 + 2 + 1 and Period.parse("2024S2") in year.within()
    assert [p.code for p in Period.parse("2024Q3").within()] == ["202407", "202408", "202409", "2024Q3"]
    assert [p.code for p in Period.parse("202408").enclosing()] == ["202408", "2024Q3", "2024S2", "2024"]
    assert [p.code for p in Period.parse("2024S1").enclosing()] == ["2024S1", "2024"]
    for code in ("202402", "2024Q2", "2024S1", "2024"):
        assert all(Period.parse(code) in outer.within() for outer in Period.parse(code).enclosing())
