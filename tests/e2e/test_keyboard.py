"""Everything by keyboard: a skip link, focus that is always visible, a menu that gives focus back,
and the two daily jobs, entering figures and approving a report, without a mouse."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import World, build_world
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataValue, Status, Submission

pytestmark = pytest.mark.e2e
PERIOD = "202606"
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName, id: e.id, text: (e.textContent || '').trim().slice(0, 40), name: e.name || '',
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0};
}"""


@pytest.fixture
def kb_world(transactional_db: None) -> tuple[World, Catalogue]:
    return build_world(), build_catalogue()


def tab_to(page, test: str, limit: int = 120) -> dict:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element passes ``test`` (a JS predicate on document.activeElement);
    every element passed on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] and focused["shown"], f"focus not visible on {focused}"
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({test}); }}"):
            return focused  # type: ignore[no-any-return]
    raise AssertionError(f"never reached by Tab: {test}")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_skip_link_comes_first_and_moves_to_the_content(page_at, login, kb_world, width: int) -> None:  # type: ignore[no-untyped-def]
    world, _catalogue = kb_world
    page = page_at(width)
    login(page, world.province_admin)
    page.goto("/org/")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["text"] == "Bỏ qua, đến nội dung chính" and focused["shown"] and focused["outline"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the first control of the page itself, not the menu
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_the_menu_opens_by_keyboard_and_escape_gives_focus_back(page, login, kb_world) -> None:  # type: ignore[no-untyped-def]
    world, _catalogue = kb_world
    login(page, world.province_admin)
    page.goto("/documents/")
    tab_to(page, "e.tagName === 'SUMMARY' && e.closest('details[data-menu]')")
    page.keyboard.press("Enter")
    assert page.locator("details[data-menu]").get_attribute("open") is not None
    focused = tab_to(page, "e.closest('details[data-menu] ul')")
    assert focused["tag"] == "A"
    page.keyboard.press("Escape")
    assert page.locator("details[data-menu]").get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_an_officer_enters_figures_with_the_keyboard_alone(phone_page, login, kb_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = kb_world
    page = phone_page
    login(page, world.commune_officer)
    page.goto(f"/reporting/entry/{catalogue.monthly.pk}/{world.commune.pk}/{PERIOD}/")
    tab_to(page, f"e.id === 'v-{catalogue.sessions.pk}'")
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    page.wait_for_selector(f"#field-{catalogue.sessions.pk} [role=status]")
    assert page.evaluate("document.activeElement.id") == f"v-{catalogue.attendees.pk}"
    page.keyboard.type("120")
    page.keyboard.press("Tab")
    page.wait_for_selector(f"#field-{catalogue.attendees.pk} [role=status]")
    stored = dict(DataValue.objects.filter(unit=world.commune, period=PERIOD).values_list("element__code", "value"))
    assert stored == {"HT_SO_BUOI": Decimal(6), "HT_LUOT_DV": Decimal(120)}


def test_an_approver_approves_a_report_with_the_keyboard_alone(page, login, kb_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = kb_world
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, PERIOD, "3", 0)
    services.submit(world.commune_officer, catalogue.monthly, world.commune, PERIOD)
    login(page, world.province_approver)
    page.goto(f"/reporting/approvals/{catalogue.monthly.pk}/{world.district.pk}/{PERIOD}/")
    tab_to(page, "(e.tagName === 'BUTTON' || e.getAttribute('role') === 'button') "
                 "&& e.textContent.trim() === 'Phê duyệt'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Submission.objects.get(unit=world.commune, period=PERIOD).status == Status.APPROVED


def test_a_dialog_keeps_focus_inside_and_gives_it_back_when_closed(page, login, kb_world) -> None:  # type: ignore[no-untyped-def]
    world, _catalogue = kb_world
    login(page, world.province_admin)
    page.goto("/org/")
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('afterbegin',
      '<button type="button" id="opener" data-dialog="confirm">Mở</button>' +
      '<dialog id="confirm" aria-labelledby="confirm-title"><h2 id="confirm-title">Xác nhận</h2>' +
      '<button type="button" id="yes">Đồng ý</button><button type="button" data-close>Đóng</button></dialog>')""")
    page.focus("#opener")
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('confirm').open")
    for _ in range(4):  # Tab stays within the open dialog
        page.keyboard.press("Tab")
        assert page.evaluate("!document.activeElement.closest('dialog') ? document.activeElement.tagName : 'in'") \
            in ("in", "BODY")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('confirm').open")
    assert page.evaluate("document.activeElement.id") == "opener"
    page.keyboard.press("Enter")
    page.focus("dialog [data-close]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "opener"
