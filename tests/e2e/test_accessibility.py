"""Every page each demo persona can reach, checked with axe-core (WCAG 2.1 A/AA) on a phone and a
desktop, and held at twice the text size on a phone without sideways scrolling.

The crawl starts at the home page, opens every menu link, then one page of each kind linked from
those. ``MENU_PAGES`` lists the menu pages known to be checked: a page added to the menu without
being added here fails, so no menu page goes unchecked.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from tests.e2e.conftest import inject_axe, page_pattern

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "TuyenGiao@2025"
# The system administrator ("quantri") sees what the provincial unit admin sees, plus Django's own admin.
PERSONAS = ["tinh.quantri", "tinh.pheduyet", "xa.nhaplieu", "chibo.bithu", "dangvien"]
WIDTHS = [390, 1280]
# Menu pages and what is checked on them; add a page here when it joins the menu.
MENU_PAGES = {
    "/", "/org/", "/reporting/", "/documents/", "/events/", "/campaigns/", "/accounts/2fa/",
    "/org/changelog/", "/api/docs/", "/admin/", "/accounts/preferences/",
    "/accounts/password/", "/accounts/tokens/", "/accounts/users/", "/reviews/", "/handbook/",
    "/training/", "/outreach/", "/plans/", "/opinion/", "/history/", "/emulation/", "/inspections/",
}
# Not ours to fix (Django admin, the API's own viewer) or not pages (files, downloads).
SKIP = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout/", "/attachments/", "/photos/", "/excel/",
        "export", "download", "format=")
FITS = """() => {
  document.documentElement.style.fontSize = '200%';
  const root = document.documentElement;
  const cut = [...document.querySelectorAll('main *, header *')].filter(e => {
    const s = getComputedStyle(e);
    return e.tagName !== 'SELECT' && e.scrollWidth > e.clientWidth + 1 && s.overflowX === 'hidden' && e.clientWidth > 1;
  }).map(e => e.tagName + '.' + e.className);
  const wide = root.scrollWidth > root.clientWidth ? [`page ${root.scrollWidth} px wide`] : [];
  document.documentElement.style.fontSize = '';
  return wide.concat(cut);
}"""


# Beyond WCAG's own rules: one main landmark, one h1, headings in order, landmarks told apart.
STRUCTURE = """async () => {
  const rules = ['landmark-one-main', 'page-has-heading-one', 'heading-order', 'landmark-unique'];
  const result = await axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n => `${v.id}: ${v.help} -> ${n.html.slice(0, 120)}`));
}"""


def _links(page: object, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.href)")  # type: ignore[attr-defined]
    return [h for h in hrefs if h.startswith("http") and not any(s in h for s in SKIP)]


def crawl(page: object) -> tuple[list[str], list[str]]:
    """Visit home, the menu and one page of each kind linked from the menu pages; return the menu's
    page patterns and every problem found."""
    problems: list[str] = []
    seen: set[str] = set()

    def visit(url: str) -> bool:
        pattern = page_pattern(url)
        if pattern in seen:
            return False
        seen.add(pattern)
        try:
            page.goto(url)  # type: ignore[attr-defined]  # checked with axe as it lands
        except AssertionError as error:
            problems.append(str(error))
        if not page.evaluate("() => document.contentType === 'text/html'"):  # type: ignore[attr-defined]
            return False
        if (page.viewport_size or {}).get("width") != 390:  # type: ignore[attr-defined]
            inject_axe(page)
            structure = page.evaluate(STRUCTURE)  # type: ignore[attr-defined]
            if structure:
                problems.append(f"{url}: {structure}")
        else:
            overflow = page.evaluate(FITS)  # type: ignore[attr-defined]
            if overflow:
                problems.append(f"{url} at 200% text on a phone: {overflow[:5]}")
        return True

    page.goto("/")  # type: ignore[attr-defined]
    menu = [page_pattern(h) for h in page.eval_on_selector_all(  # type: ignore[attr-defined]
        "header nav a[href]", "els => els.map(e => e.href)")]
    missing = urljoin(page.url, "/khong-co-trang-nay/")  # type: ignore[attr-defined]  # the 404 page
    level = [page.url, *_links(page, "header nav a[href]"), missing]  # type: ignore[attr-defined]
    for _depth in range(3):  # the menu, the pages they link to, and one step further
        following: list[str] = []
        for url in level:
            if (urlsplit(url).path != "/" or not seen) and visit(url):
                following.extend(u for u in _links(page, "main a[href]") if page_pattern(u) not in seen)
        level = following
    return menu, problems


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_demo", "--quiet-logins", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_page_of_every_persona_meets_wcag_21_aa_on_a_phone_and_a_desktop(  # type: ignore[no-untyped-def]
    page_at, login, demo: None,
) -> None:
    from django.contrib.auth.models import User

    problems: list[str] = []
    unlisted: set[str] = set()
    for width in WIDTHS:
        for username in PERSONAS:
            page = page_at(width)
            try:
                login(page, User.objects.get(username=username), password=DEMO_PASSWORD)
            except AssertionError as error:  # the page after logging in failed its check
                problems.append(str(error))
            menu, found = crawl(page)
            problems.extend(found)
            unlisted |= {p for p in menu if p.split("?")[0] not in MENU_PAGES}
            page.context.close()
    assert not unlisted, f"Menu pages not in MENU_PAGES (add them so they are checked): {sorted(unlisted)}"
    assert not problems, "\n".join(problems)


def test_a_member_turns_on_large_text_and_the_page_still_fits_a_phone(phone_page, login) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import build_world

    world = build_world()
    page = phone_page
    login(page, world.member)
    page.goto("/org/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="Chữ lớn").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    page.goto("/documents/")  # kept from page to page
    large = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large >= normal * 1.25
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Chữ thường").click()
    page.wait_for_load_state()
    assert not page.evaluate("document.documentElement.classList.contains('large-text')")
