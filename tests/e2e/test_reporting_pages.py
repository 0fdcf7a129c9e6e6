"""Data entry in a real browser: typed values save as they are typed, keyboard only, and two
officers editing one value get a conflict instead of a lost update."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import World, build_world
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.reporting.models import DataValue

pytestmark = pytest.mark.e2e
PERIOD = "202606"


@pytest.fixture
def entry_world(transactional_db: None) -> tuple[World, Catalogue]:
    return build_world(), build_catalogue()


def _entry_url(world: World, catalogue: Catalogue) -> str:
    return f"/reporting/entry/{catalogue.monthly.pk}/{world.commune.pk}/{PERIOD}/"


def test_an_officer_fills_the_form_on_a_phone_with_the_keyboard_alone(phone_page, login, entry_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = entry_world
    page = phone_page
    login(page, world.commune_officer)
    page.goto(_entry_url(world, catalogue))
    first = page.locator(f"#v-{catalogue.sessions.pk}")
    first.focus()
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.wait_for_selector(f"#field-{catalogue.sessions.pk} [role=status]")
    # The next field in tab order is the attendees' one; typing there saves it too.
    page.keyboard.type("1.250")
    page.keyboard.press("Tab")
    page.wait_for_selector(f"#field-{catalogue.attendees.pk} [role=status]")
    stored = dict(DataValue.objects.filter(unit=world.commune, period=PERIOD).values_list("element__code", "value"))
    assert stored == {"HT_SO_BUOI": Decimal(4), "HT_LUOT_DV": Decimal(1250)}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_negative_count_is_refused_beside_the_field(page, login, entry_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = entry_world
    login(page, world.commune_officer)
    page.goto(_entry_url(world, catalogue))
    page.fill(f"#v-{catalogue.sessions.pk}", "-3")
    page.press(f"#v-{catalogue.sessions.pk}", "Tab")
    alert = page.wait_for_selector(f"#field-{catalogue.sessions.pk} [role=alert]")
    assert "âm" in alert.inner_text()
    assert not DataValue.objects.filter(unit=world.commune, period=PERIOD).exists()


def test_two_browsers_editing_one_value_get_a_conflict_not_a_lost_update(page_at, login, entry_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = entry_world
    from tuyengiao.org.choices import Role
    from tuyengiao.org.models import Assignment

    Assignment.objects.create(user=world.cell_secretary, unit=world.commune, role=Role.DATA_ENTRY)
    pages = []
    for user in (world.commune_officer, world.cell_secretary):
        page = page_at(1280)
        login(page, user)
        page.goto(_entry_url(world, catalogue))
        pages.append(page)
    field = f"#v-{catalogue.sessions.pk}"
    first, second = pages
    first.fill(field, "5")
    first.press(field, "Tab")
    first.wait_for_selector(f"#field-{catalogue.sessions.pk} [role=status]")
    second.fill(field, "7")  # this page still holds the version it loaded
    second.press(field, "Tab")
    alert = second.wait_for_selector(f"#field-{catalogue.sessions.pk} [role=alert]")
    text = alert.inner_text()
    assert "5" in text and "7" in text
    assert DataValue.objects.get(element=catalogue.sessions, unit=world.commune, period=PERIOD).value == 5


def test_another_communes_entry_page_is_404(page, login, entry_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = entry_world
    login(page, world.commune_officer)
    response = page.goto(f"/reporting/entry/{catalogue.monthly.pk}/{world.other_commune.pk}/{PERIOD}/")
    assert response.status == 404
