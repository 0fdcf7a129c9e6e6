"""The organisation pages in a real browser, at phone and desktop widths."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World, build_world
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_world(transactional_db: None) -> World:
    return build_world()


def test_login_shows_errors_in_vietnamese_then_lets_the_officer_in(page, login, e2e_world: World) -> None:  # type: ignore[no-untyped-def]
    login(page, e2e_world.commune_officer, password="sai-mat-khau")
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.content()
    login(page, e2e_world.commune_officer)
    assert page.locator("h1").inner_text() == "Đảng bộ xã Chí Linh"


def test_tree_search_finds_units_without_diacritics_on_a_phone(phone_page, login, e2e_world: World) -> None:  # type: ignore[no-untyped-def]
    page = phone_page
    login(page, e2e_world.province_admin)
    page.goto("/org/")
    page.fill("input[name=q]", "chi linh")
    page.wait_for_selector("#search-results li")
    assert "Đảng bộ xã Chí Linh" in page.locator("#search-results").inner_text()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_tree_expands_and_collapses(page, login, e2e_world: World) -> None:  # type: ignore[no-untyped-def]
    login(page, e2e_world.province_admin)
    page.goto("/org/")
    district = page.locator("li[data-unit='T.H1'] > details")
    district.locator("summary > .muted").first.click()
    page.wait_for_selector("li[data-unit='T.X1']")
    assert page.locator("li[data-unit='T.X2']").is_visible()
    district.locator("summary > .muted").first.click()
    assert not page.locator("li[data-unit='T.X2']").is_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_unit_page_shows_history_and_the_tree_as_of_a_date(page_at, login, e2e_world: World,  # type: ignore[no-untyped-def]
                                                          width: int) -> None:
    w = e2e_world
    reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[w.commune, w.other_commune],
                              open=[NewUnit("T.XM", "Đảng bộ xã Hợp Nhất", UnitKind.COMMUNE, w.province)]))
    page = page_at(width)
    login(page, w.province_admin)
    page.goto(f"/org/units/{w.district.pk}/?on=2024-06-01")
    children = page.locator("[data-testid=children]").inner_text()
    assert "Đảng bộ xã Chí Linh" in children and "Đảng bộ xã Tân Lập" in children
    page.goto(f"/org/units/{w.district.pk}/")
    assert page.locator("[data-testid=children]").count() == 0
    merged = w.province.children.get(code="T.XM")
    page.goto(f"/org/units/{merged.pk}/")
    assert page.locator("[data-testid=member-total]").inner_text() == "95"
    history = page.locator("[data-testid=history]").inner_text()
    assert "Đảng bộ xã Chí Linh" in history and "01/07/2025" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_officer_gets_404_for_another_communes_page(page, login, e2e_world: World) -> None:  # type: ignore[no-untyped-def]
    login(page, e2e_world.commune_officer)
    response = page.goto(f"/org/units/{e2e_world.other_commune.pk}/")
    assert response.status == 404
