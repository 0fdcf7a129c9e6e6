"""The dashboard in a real browser, on a phone and a desktop: the coverage note beside partial
figures, a typed period, and an unreadable period shown as an error beside the box."""

from __future__ import annotations

import pytest

from tests.conftest import World, build_world
from tests.e2e.conftest import fits_a_phone
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.reporting import services

pytestmark = pytest.mark.e2e


@pytest.fixture
def board_world(transactional_db: None) -> tuple[World, Catalogue]:
    world, catalogue = build_world(), build_catalogue()
    admin = world.province_admin
    for unit in (world.district, world.commune, world.other_commune):
        services.save_value(admin, catalogue.attendees, unit, "202402", "100", None)
    services.save_value(admin, catalogue.attendees, world.commune, "202502", "3", None)  # 1 of 6 so far
    return world, catalogue


@pytest.mark.parametrize("width", [390, 1280])
def test_a_partial_figure_says_how_many_units_it_covers(page_at, login, board_world, width: int) -> None:  # type: ignore[no-untyped-def]
    world, _catalogue = board_world
    page = page_at(width)
    login(page, world.province_approver)
    page.goto(f"/reporting/?unit={world.province.pk}&period=6 tháng đầu năm 2025&structure=period")
    card = page.locator(".card[data-code=HT_LUOT_DV]")
    # the district, the two communes and their cells all send a report with this figure
    assert "Từ 1/6 đơn vị" in card.inner_text()
    assert "chưa đủ số liệu" in card.inner_text() and "%" not in card.locator(".muted").inner_text()
    assert page.locator(".coverage-note").is_visible()
    assert page.locator("#id_period").input_value() == "6 tháng đầu năm 2025"
    # the chart of the units below draws one bar per unit
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('children-chart'))")
    bars = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('children-chart')).getOption().series[0].data"
    )
    assert [b for b in bars if b is not None]
    if width < 600:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("width", [390, 1280])
def test_a_typed_period_is_read_and_a_bad_one_is_an_error_beside_the_box(page_at, login, board_world, width: int) -> None:  # type: ignore[no-untyped-def]
    world, _catalogue = board_world
    page = page_at(width)
    login(page, world.province_approver)
    page.goto(f"/reporting/?unit={world.province.pk}")
    page.fill("#id_period", "quy 1 2024")
    page.press("#id_period", "Enter")
    page.wait_for_load_state()
    assert "quý I/2024" in page.locator("h1 + p").inner_text()
    assert page.locator("#id_period").input_value() == "quý I/2024"
    page.fill("#id_period", "quý 5/2024")
    page.press("#id_period", "Enter")
    page.wait_for_load_state()
    error = page.locator("#period-error")
    assert error.is_visible() and "Không đọc được kỳ “quý 5/2024”" in error.inner_text()
    assert page.locator("#id_period").get_attribute("aria-invalid") == "true"
    assert page.locator(".cards").count() == 0  # no figures of another period in its place
    box, message = page.locator("#id_period").bounding_box(), error.bounding_box()
    assert box and message and message["y"] >= box["y"] + box["height"] - 1  # right under the box
    assert abs(message["x"] - box["x"]) < 40
    if width < 600:
        fits_a_phone(page)
