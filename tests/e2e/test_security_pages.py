"""Key pages run under the Content-Security-Policy without a single violation: htmx, ECharts,
the QR code of the 2FA set-up and the API docs all work with scripts and styles from files only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import World, build_world
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.reporting.models import DataValue

pytestmark = pytest.mark.e2e
PERIOD = "202606"

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def csp_world(transactional_db: None) -> tuple[World, Catalogue]:
    return build_world(), build_catalogue()


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    messages: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def _violations(page, console: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    return [*page.evaluate("window.__csp || []"), *console]


def test_key_pages_raise_no_csp_violation(page, login, csp_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = csp_world
    console = _watch(page)
    login(page, world.province_admin)
    seen: dict[str, list[str]] = {}

    # The tree: htmx loads the children when a node opens.
    response = page.goto("/org/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    page.locator("details summary").first.click()
    page.wait_for_load_state("networkidle")
    seen["tree"] = _violations(page, console)

    # Data entry: a value typed is saved by htmx and the field swapped in place.
    page.goto(f"/reporting/entry/{catalogue.monthly.pk}/{world.commune.pk}/{PERIOD}/")
    field = page.locator(f"#v-{catalogue.sessions.pk}")
    field.fill("4")
    field.press("Tab")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert DataValue.objects.get(element=catalogue.sessions, unit=world.commune).value == Decimal(4)
    seen["entry"] = _violations(page, console)

    # The dashboard: ECharts draws on a canvas and shows its tooltip on hover.
    page.goto(f"/reporting/?unit={world.province.pk}&period=2026")
    chart = page.locator("#trend-chart canvas, #children-chart canvas").first
    chart.wait_for()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    seen["dashboard"] = _violations(page, console)

    # Two-factor set-up: the QR code is an SVG drawn on the server.
    page.goto("/accounts/2fa/")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=qr] svg").count() == 1
    seen["2fa"] = _violations(page, console)

    # The API docs (Swagger UI) from the sidecar files.
    page.goto("/api/docs/")
    page.locator(".swagger-ui .information-container").wait_for()
    page.wait_for_load_state("networkidle")
    seen["api-docs"] = _violations(page, console)

    assert {name: found for name, found in seen.items() if found} == {}
    # The listener does catch a violation: an inline style attribute is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert _violations(page, console)
    page.goto("about:blank")
