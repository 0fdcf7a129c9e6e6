"""Template output: ids stay plain, numbers go through the Vietnamese filters."""

from __future__ import annotations

import datetime as dt

from django.template import engines


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_plain_variables_are_never_grouped_so_ids_in_links_survive() -> None:
    assert render("?unit={{ pk }}", pk=12345) == "?unit=12345"


def test_the_filters_write_vietnamese_numbers_dates_and_periods() -> None:
    out = render("{% load vn %}{{ n|vn_number }} {{ r|vn_percent }} {{ d|vn_date }} {{ p|period_label }}",
                 n=47600, r=97.5, d=dt.date(2022, 12, 28), p="2023Q2")
    assert out == "47.600 97,5% 28/12/2022 quý II/2023"


def test_django_date_filter_uses_the_vietnamese_short_format() -> None:
    assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=dt.date(2022, 12, 28)) == "28/12/2022"
