"""The event pages in a real browser: the calendar and its agenda, the form, scope and safe notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import World, build_world
from tests.e2e.conftest import fits_a_phone, high_unit_ids
from tuyengiao.events.models import Event, EventFormat, EventKind
from tuyengiao.events.services import save_event

pytestmark = pytest.mark.e2e

def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, minute))


def make_event(world: World, unit, title: str, day: int, **fields) -> Event:  # type: ignore[no-untyped-def]
    event = Event(unit=unit, kind=EventKind.CONFERENCE, title=title, start=at(day, 8), end=at(day, 11),
                  expected_attendees=120, **fields)
    return save_event(world.province_admin, event)


class Events:
    def __init__(self, world: World) -> None:
        self.world = world
        self.hybrid = make_event(world, world.province, "Hội nghị báo cáo viên tháng 3", 12,
                                 format=EventFormat.HYBRID, connected_sites=40,
                                 venue="Hội trường Tỉnh ủy")
        self.local = make_event(world, world.commune, "Hội nghị quán triệt tại xã Chí Linh", 12,
                                venue="Hội trường xã")
        self.neighbour = make_event(world, world.other_commune, "Hội nghị của xã Tân Lập", 20)


@pytest.fixture
def events(transactional_db: None) -> Events:
    high_unit_ids()
    return Events(build_world())


@pytest.mark.parametrize("width", [390, 1280])
def test_a_hybrid_conference_shows_its_connected_sites_on_the_calendar(  # type: ignore[no-untyped-def]
    page_at, login, events: Events, width: int
) -> None:
    phone = width == 390
    page = page_at(width)
    login(page, events.world.province_admin)
    page.goto(f"/events/?unit={events.world.province.pk}&month=2026-03")
    assert page.locator("[data-testid=month]").inner_text() == "Tháng 3/2026"
    agenda = page.locator("[data-testid=agenda-item]", has_text=events.hybrid.title)
    assert "40 điểm cầu" in agenda.inner_text()
    assert "08:00–11:00" in agenda.inner_text()
    assert "12/03/2026" in page.locator("[data-testid=agenda]").inner_text()
    local = page.locator("[data-testid=agenda-item]", has_text=events.local.title)
    assert "điểm cầu" not in local.inner_text()
    grid = page.locator("[data-testid=month-grid]")
    if phone:
        assert not grid.is_visible()  # the agenda alone on a phone
        fits_a_phone(page)
    else:
        day = grid.locator("td", has_text=events.hybrid.title[:20])
        assert day.locator("[data-testid=sites]").inner_text() == "40 điểm cầu"
    agenda.get_by_role("link").click()
    page.wait_for_url(f"**/events/{events.hybrid.pk}/")
    assert page.locator("[data-testid=connected-sites]").inner_text() == "40"
    if phone:
        fits_a_phone(page)


def test_a_commune_officer_gets_404_for_another_communes_event(page, login, events: Events) -> None:  # type: ignore[no-untyped-def]
    login(page, events.world.commune_officer)
    assert page.goto(f"/events/{events.local.pk}/").status == 200
    assert page.goto(f"/events/{events.neighbour.pk}/").status == 404
    assert page.goto(f"/events/{events.neighbour.pk}/edit/").status == 404
    assert page.goto(f"/events/?unit={events.world.other_commune.pk}&month=2026-03").status == 404
    page.goto(f"/events/?unit={events.world.commune.pk}&month=2026-03")
    assert events.neighbour.title not in page.locator("main").inner_text()


def fill_event(page, world: World, title: str, expected: str, present: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/events/new/")
    page.select_option("#id_unit", str(world.commune.pk))
    page.select_option("#id_kind", EventKind.CONFERENCE)
    page.fill("#id_title", title)
    page.fill("#id_start", "10/03/2026 08:00")
    page.fill("#id_end", "10/03/2026 10:30")
    page.fill("#id_expected_attendees", expected)
    page.fill("#id_present_attendees", present)


def test_more_present_than_expected_is_refused_beside_the_field_on_a_phone(phone_page, login, events: Events) -> None:  # type: ignore[no-untyped-def]
    page = phone_page
    login(page, events.world.commune_officer)
    before = Event.objects.count()
    fill_event(page, events.world, "Hội nghị tổng kết", "30", "35")
    fits_a_phone(page)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    error = page.locator("[data-field=present_attendees] .errorlist")
    assert error.inner_text() == "Số người có mặt: 35 nhiều hơn số dự kiến 30."
    assert page.locator("#id_present_attendees").get_attribute("aria-invalid") == "true"
    assert page.input_value("#id_title") == "Hội nghị tổng kết"  # what was typed is kept
    assert Event.objects.count() == before
    fits_a_phone(page)
    # Corrected, it is saved and shown with Vietnamese figures and dates.
    page.fill("#id_present_attendees", "28")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=attendance]")
    assert page.locator("[data-testid=attendance]").inner_text() == "28 / 30"
    assert "10/03/2026 08:00–10:30" in page.locator("main").inner_text()
    assert Event.objects.count() == before + 1
    saved = Event.objects.latest("pk")
    page.goto(f"/events/{saved.pk}/edit/")
    assert page.input_value("#id_start") == "10/03/2026 08:00"


def test_html_typed_into_an_event_is_not_executed(page, login, events: Events) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, events.world.commune_officer)
    fill_event(page, events.world, "Hội nghị <script>alert('tieu-de')</script>", "30", "")
    page.fill("#id_venue", "<img src=x onerror=alert('dia-diem')>Hội trường")
    page.fill("#id_notes", "<p>Ghi chú <strong>quan trọng</strong></p><script>alert('ghi-chu')</script>"
                           "<img src=x onerror=\"alert('anh')\"><svg onload=alert('svg')></svg>")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=notes]")
    page.wait_for_load_state("networkidle")
    main = page.locator("main")
    assert main.locator("script").count() == 0
    assert main.locator("[onerror], [onload]").count() == 0
    assert page.locator("[data-testid=notes] strong").inner_text() == "quan trọng"
    assert page.locator("h1").inner_text() == "Hội nghị"
    assert "alert" not in main.inner_text()
    page.goto(f"/events/?unit={events.world.commune.pk}&month=2026-03")
    page.wait_for_load_state("networkidle")
    assert page.locator("main script").count() == 0
    assert dialogs == []


def test_the_calendar_moves_down_to_a_unit_and_back_from_an_event_on_a_phone(phone_page, login, events: Events) -> None:  # type: ignore[no-untyped-def]
    page = phone_page
    login(page, events.world.province_admin)
    page.goto("/events/?month=2026-03")
    page.locator("[data-testid=unit-picker] summary").click()
    page.get_by_role("link", name="Đảng bộ huyện Đông Sơn").click()
    page.wait_for_selector("hgroup:has-text('Đảng bộ huyện Đông Sơn')")
    assert page.locator("[data-testid=month]").inner_text() == "Tháng 3/2026"
    agenda = page.locator("[data-testid=agenda]").inner_text()
    assert events.local.title in agenda and events.hybrid.title not in agenda
    fits_a_phone(page)
    page.get_by_role("link", name=events.local.title).click()
    page.wait_for_url(f"**/events/{events.local.pk}/")
    page.locator(".breadcrumbs a").click()
    page.wait_for_selector("[data-testid=agenda]")
    assert "Đảng bộ xã Chí Linh" in page.locator("hgroup").inner_text()
    assert events.local.title in page.locator("[data-testid=agenda]").inner_text()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_hybrid_conference_records_attendance_per_connected_site(  # type: ignore[no-untyped-def]
    page_at, login, events: Events, width: int
) -> None:
    world = events.world
    page = page_at(width)
    login(page, world.commune_officer)
    page.goto("/events/new/")
    page.select_option("#id_unit", str(world.commune.pk))
    page.select_option("#id_kind", EventKind.CONFERENCE)
    page.fill("#id_title", "Hội nghị trực tuyến quán triệt Nghị quyết")
    page.fill("#id_start", "10/03/2026 08:00")
    page.fill("#id_end", "10/03/2026 10:30")
    page.select_option("#id_format", EventFormat.HYBRID)
    page.fill("#id_expected_attendees", "100")
    page.fill("#id_present_attendees", "90")
    page.select_option("#id_sites-0-unit", str(world.cell.pk))
    page.fill("#id_sites-0-present", "50")
    page.fill("#id_sites-1-name", "Nhà văn hóa thôn Đoài")
    page.fill("#id_sites-1-present", "30")
    if width == 390:
        fits_a_phone(page)
    page.get_by_role("button", name="Lưu").click()
    # The sites add up to 80, not 90: the message stands beside the attendees, nothing is saved.
    beside = page.locator("[data-field=present_attendees]")
    assert "80" in beside.inner_text() and "90" in beside.inner_text()
    assert page.locator("#id_sites-1-name").input_value() == "Nhà văn hóa thôn Đoài"
    assert not Event.objects.filter(unit=world.commune, format=EventFormat.HYBRID).exists()
    if width == 390:
        fits_a_phone(page)
    page.fill("#id_sites-1-present", "40")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("table[data-testid=sites]")
    sites = page.locator("table[data-testid=sites]").inner_text()
    assert "Chi bộ thôn Đông" in sites and "Nhà văn hóa thôn Đoài" in sites
    assert page.locator("[data-testid=connected-sites]").inner_text() == "2"
    if width == 390:
        fits_a_phone(page)
