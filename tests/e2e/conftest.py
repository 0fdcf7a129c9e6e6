"""Browser tests: Playwright drives the system's Chromium against the app served by the test run.

Fixtures: ``browser`` (one per session), ``page`` (a fresh context per test at desktop width),
``phone_page`` (390 px wide, touch), and ``login(page, user)``. A failing test leaves a
screenshot in ``test-artifacts/``.

Every page a browser test opens with ``page.goto`` (and the page a test ends on) is checked with
axe-core against WCAG 2.1 A and AA, once per page pattern, width and persona; a violation fails the
test with the rule, the element and the page. The pages checked are listed at the end of the run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is missing: install the 'chromium' package (make test does it as root)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for name in ("page", "phone_page"):
            page = item.funcargs.get(name) if hasattr(item, "funcargs") else None
            if page is not None:
                ARTIFACTS.mkdir(exist_ok=True)
                safe = re.sub(r"[^\w.-]+", "_", item.nodeid)
                page.screenshot(path=str(ARTIFACTS / f"{safe}-{name}.png"), full_page=True)


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_URL = "/static/vendor/axe-core/axe.min.js"
# page pattern -> {"persona@width", ...}: what the run checked, printed at its end.
CHECKED: dict[str, set[str]] = {}
_AUDITED: set[tuple[str, int, str]] = set()
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n =>
    `${v.id} (${v.impact}): ${v.help} -> ${n.target.join(' ')} ${n.html.slice(0, 160)}`));
}"""


def page_pattern(url: str) -> str:
    """The page a URL shows, ids and query values left out: /documents/12/?q=x -> /documents/<id>/?q."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/)", "/<id>", parts.path)
    path = re.sub(r"/(\d{4}(?:S\d|Q\d|\d\d)?)/", "/<period>/", path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path + (f"?{'&'.join(keys)}" if keys else "")


def inject_axe(page: object) -> None:
    """Load axe-core into the page from the site's own static files (allowed by a strict CSP)."""
    if not page.evaluate("() => !!window.axe"):  # type: ignore[attr-defined]
        page.add_script_tag(url=AXE_URL)  # type: ignore[attr-defined]


def axe_violations(page: object) -> list[str]:
    """Run axe-core on the page as it is now; each violation as 'rule (impact): help -> element'."""
    inject_axe(page)
    return page.evaluate(AXE_RUN, AXE_TAGS)  # type: ignore[attr-defined,no-any-return]


def audit(page: object, *, force: bool = False) -> None:
    """Check the page with axe unless this pattern, width and persona were checked already."""
    url = page.url  # type: ignore[attr-defined]
    if not url.startswith("http") or "/static/" in url or "/admin/" in url or "/api/" in url:
        return
    if not page.evaluate("() => document.contentType === 'text/html'"):  # type: ignore[attr-defined]
        return
    width = (page.viewport_size or {}).get("width", 0)  # type: ignore[attr-defined]
    persona = getattr(page, "persona", "anonymous")
    key = (page_pattern(url), width, persona)
    if key in _AUDITED and not force:
        return
    _AUDITED.add(key)
    CHECKED.setdefault(key[0], set()).add(f"{persona}@{width}")
    found = axe_violations(page)
    lang = page.evaluate("() => document.documentElement.lang")  # type: ignore[attr-defined]
    if lang != "vi":
        found.append(f"html lang is {lang!r}, not 'vi'")
    assert not found, f"WCAG 2.1 AA violations on {url} at {width} px as {persona}:\n  " + "\n  ".join(found)


def watch(page: object) -> object:
    """Make every ``page.goto`` of a test also check the page it lands on."""
    original = page.goto  # type: ignore[attr-defined]

    def goto(url: str, **kwargs: object) -> object:
        response = original(url, **kwargs)
        page.wait_for_load_state()  # type: ignore[attr-defined]
        audit(page)
        return response

    page.goto = goto  # type: ignore[attr-defined]
    return page


def pytest_terminal_summary(terminalreporter: object) -> None:
    if not CHECKED:
        return
    write = terminalreporter.write_line  # type: ignore[attr-defined]
    terminalreporter.section("pages checked with axe-core (WCAG 2.1 A/AA)")  # type: ignore[attr-defined]
    for pattern in sorted(CHECKED):
        write(f"{pattern:60} {' '.join(sorted(CHECKED[pattern]))}")
    write(f"{len(CHECKED)} pages, {len(_AUDITED)} checks")


def _new_page(browser: object, live_server: object, **options: object) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", **options)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    page = watch(context.new_page())
    yield page
    if not page.is_closed():  # type: ignore[attr-defined]
        audit(page)  # the page the test ended on, reached by a click or a form
    context.close()


@pytest.fixture
def page(browser: object, live_server: object, transactional_db: None) -> Iterator[object]:
    yield from _new_page(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser: object, live_server: object, transactional_db: None) -> Iterator[object]:
    yield from _new_page(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True,
                         has_touch=True, device_scale_factor=2)


@pytest.fixture
def page_at(browser: object, live_server: object, transactional_db: None) -> Iterator[Callable[[int], object]]:
    """Pages at any width (phone-like below 600 px); the tests parametrised by width use it."""
    contexts: list[object] = []

    def make(width: int) -> object:
        phone = width < 600
        context = browser.new_context(  # type: ignore[attr-defined]
            base_url=live_server.url, viewport={"width": width, "height": 900},  # type: ignore[attr-defined]
            is_mobile=phone, has_touch=phone, locale="vi-VN",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return watch(context.new_page())

    yield make
    for context in contexts:
        for open_page in context.pages:  # type: ignore[attr-defined]
            audit(open_page)
        context.close()  # type: ignore[attr-defined]


SMALL_TARGETS = """() => [...document.querySelectorAll(
    '.tg-page a, .tg-page button, .tg-page input, .tg-page select, .tg-page textarea, .tg-page summary')]
  .filter(e => e.type !== 'checkbox' && e.type !== 'radio' && e.type !== 'hidden')
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 0 && r.height > 0 && r.height < 40)
  .map(([e, r]) => e.tagName + ' ' + (e.name || e.textContent.trim().slice(0, 30)) + ' ' + Math.round(r.height))"""


def fits_a_phone(page: object) -> None:
    """No sideways scrolling on a 390-px phone, and every tap target at least 40 px tall."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # type: ignore[attr-defined]
    assert page.evaluate(SMALL_TARGETS) == []  # type: ignore[attr-defined]


def high_unit_ids() -> None:
    """Start unit ids above a thousand, as in a real province, so that an id printed with a thousands
    separator (4.359) in a link or a field name shows up in the tests."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('org_unit', 'id'), 12344)")


@pytest.fixture
def login() -> Callable[[object, object], None]:
    from tests.conftest import PASSWORD

    def do_login(page: object, user: object, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")  # type: ignore[attr-defined]
        page.fill("#id_username", user.username)  # type: ignore[attr-defined]
        page.fill("#id_password", password)  # type: ignore[attr-defined]
        page.click("button[type=submit]")  # type: ignore[attr-defined]
        page.wait_for_load_state()  # type: ignore[attr-defined]
        page.persona = user.username  # type: ignore[attr-defined]
        audit(page)

    return do_login
