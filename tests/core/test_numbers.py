"""Numbers, percents and dates as Vietnamese reports write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.core.numbers import (
    format_count,
    format_date,
    format_number,
    format_percent,
    parse_date,
    parse_number,
)


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("value", "text"),
    [(47600, "47.600"), (2082, "2.082"), (5_600_000, "5.600.000"), (0, "0"), (999, "999"), (-1234, "-1.234"),
     (Decimal("2.5"), "2,5"), (1234.75, "1.234,75")],
)
def test_numbers_use_dot_thousands_and_comma_decimals(value: object, text: str) -> None:
    assert format_number(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "text"), [(97.5, "97,5%"), (100, "100%"), (95.04, "95%"), (270, "270%"),
                                             (Decimal("98.25"), "98,3%"), (0.5, "0,5%")])
def test_percents(value: object, text: str) -> None:
    assert format_percent(value) == text  # type: ignore[arg-type]


def test_small_counts_get_a_leading_zero() -> None:
    assert [format_count(n) for n in (3, 6, 10, 1500)] == ["03", "06", "10", "1.500"]


def test_dates_are_day_month_year() -> None:
    assert format_date(dt.date(2022, 12, 28)) == "28/12/2022"
    assert parse_date("28/12/2022") == dt.date(2022, 12, 28)
    assert parse_date("2022-12-28") == dt.date(2022, 12, 28)
    with pytest.raises(ValueError, match="không phải ngày hợp lệ"):
        parse_date("31/02/2022")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integers_round_trip(value: int) -> None:
    assert parse_number(format_number(value)) == value


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_decimals_round_trip(value: Decimal) -> None:
    text = format_number(value, 2)
    assert parse_number(text) == value.quantize(Decimal("0.01"))


def test_parse_number_refuses_words() -> None:
    with pytest.raises(ValueError, match="không phải số"):
        parse_number("mười")
