"""The campaign pages in a real browser: progress by unit, laggards, attendance entry, study sessions
counted at once, scope and safe text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import World, build_world
from tests.e2e.conftest import fits_a_phone, high_unit_ids
from tuyengiao.campaigns import services
from tuyengiao.campaigns.models import Campaign, CampaignParticipation
from tuyengiao.events.models import Event, EventKind
from tuyengiao.org.models import Unit

pytestmark = pytest.mark.e2e

class Campaigns:
    """A province campaign running now: cell Đông reported 29 of 30, Đoài nothing yet, Bắc 30 of 40."""

    def __init__(self, world: World) -> None:
        self.world = world
        today = timezone.localdate()
        self.start, self.deadline = today - dt.timedelta(days=20), today + dt.timedelta(days=40)
        self.campaign = services.create_campaign(world.province_admin, services.CampaignData(
            title="Học tập, quán triệt Nghị quyết 35-NQ/TW", unit=world.province, scope=world.province,
            start=self.start, deadline=self.deadline, target_rate=Decimal(95)))
        self.doai = Unit.objects.get(code="T.X1.C2")
        services.record_attendance(world.province_admin, self.campaign, {
            world.cell.pk: (None, 29), world.other_cell.pk: (None, 30)})
        self.neighbours = services.create_campaign(world.province_admin, services.CampaignData(
            title="Chuyên đề riêng của xã Tân Lập", unit=world.other_commune, scope=world.other_commune,
            start=self.start, deadline=self.deadline))

    def attended(self, unit: Unit) -> int | None:
        return CampaignParticipation.objects.get(campaign=self.campaign, unit=unit).attended


@pytest.fixture
def camps(transactional_db: None) -> Campaigns:
    high_unit_ids()
    return Campaigns(build_world())


@pytest.mark.parametrize("width", [390, 1280])
def test_the_campaign_page_shows_bars_per_unit_and_the_laggards(  # type: ignore[no-untyped-def]
    page_at, login, camps: Campaigns, width: int
) -> None:
    phone = width == 390
    page = page_at(width)
    login(page, camps.world.province_admin)
    page.goto("/campaigns/")
    row = page.locator("table[data-testid=campaigns] tbody tr", has_text=camps.campaign.title)
    assert "62,1%" in row.inner_text()  # 59 of 95
    assert camps.deadline.strftime("%d/%m/%Y") in row.inner_text()
    if phone:
        fits_a_phone(page)
    row.get_by_role("link", name=camps.campaign.title).click()
    page.wait_for_selector("[data-testid=rate]")
    assert page.locator("[data-testid=rate]").inner_text() == "62,1%"
    page.get_by_role("link", name="Đảng bộ huyện Đông Sơn").first.click()
    page.wait_for_url("**unit=*")
    progress = page.locator("table[data-testid=progress]")
    chi_linh = progress.locator("tr[data-unit='T.X1']")
    tan_lap = progress.locator("tr[data-unit='T.X2']")
    assert chi_linh.locator("[data-testid=row-rate]").inner_text() == "52,7%"  # 29 of 55
    assert tan_lap.locator("[data-testid=row-rate]").inner_text() == "75%"  # 30 of 40
    assert chi_linh.locator("progress").get_attribute("value").startswith("52.7")
    assert "29 / 55" in chi_linh.inner_text()
    assert progress.locator("thead").is_visible() is (not phone)  # stacked cards on a phone
    # Both are below the target, the furthest first: Chí Linh, still reporting, then Tân Lập.
    laggards = page.locator("[data-testid=laggards]").inner_text()
    assert "Đảng bộ xã Chí Linh: 52,7%" in laggards and "Đảng bộ xã Tân Lập: 75%" in laggards
    assert laggards.index("Chí Linh") < laggards.index("Tân Lập")
    if phone:
        fits_a_phone(page)


def test_figures_are_typed_and_shown_the_vietnamese_way(page, login, camps: Campaigns) -> None:  # type: ignore[no-untyped-def]
    login(page, camps.world.province_admin)
    page.goto(f"/campaigns/{camps.campaign.pk}/units/{camps.world.other_commune.pk}/attendance/")
    page.fill(f"#expected-{camps.world.other_cell.pk}", "47.600")
    page.fill(f"#attended-{camps.world.other_cell.pk}", "46.410")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=rate]")
    assert camps.attended(camps.world.other_cell) == 46410
    assert page.locator("[data-testid=rate]").inner_text() == "97,5%"
    assert "46.410 / 47.600" in page.locator("main").inner_text()


def test_an_officer_records_a_study_session_and_the_rate_changes_at_once(phone_page, login, camps: Campaigns) -> None:  # type: ignore[no-untyped-def]
    page = phone_page
    login(page, camps.world.commune_officer)
    page.goto(f"/campaigns/{camps.campaign.pk}/")
    assert page.locator("[data-testid=rate]").inner_text() == "52,7%"  # the officer sees their commune
    doai = page.locator("table[data-testid=progress] tr[data-unit='T.X1.C2']")
    assert doai.locator("[data-testid=row-rate]").inner_text() == "0%"
    fits_a_phone(page)

    page.goto("/events/new/")
    page.select_option("#id_unit", str(camps.doai.pk))
    page.select_option("#id_kind", EventKind.STUDY_SESSION)
    page.fill("#id_title", "Sinh hoạt chuyên đề Nghị quyết 35")
    day = camps.start + dt.timedelta(days=5)
    page.fill("#id_start", day.strftime("%d/%m/%Y") + " 19:30")
    page.fill("#id_end", day.strftime("%d/%m/%Y") + " 21:00")
    page.select_option("#id_campaign", str(camps.campaign.pk))
    page.fill("#id_expected_attendees", "25")
    page.fill("#id_present_attendees", "20")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=attendance]")
    assert Event.objects.filter(unit=camps.doai, campaign=camps.campaign).count() == 1

    page.goto(f"/campaigns/{camps.campaign.pk}/")
    assert page.locator("[data-testid=rate]").inner_text() == "89,1%"  # 49 of 55
    doai = page.locator("table[data-testid=progress] tr[data-unit='T.X1.C2']")
    assert doai.locator("[data-testid=row-rate]").inner_text() == "80%"
    assert "20 / 25" in doai.inner_text()


def test_more_attended_than_expected_is_refused_beside_the_row_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    phone_page, login, camps: Campaigns
) -> None:
    page = phone_page
    w = camps.world
    login(page, w.commune_officer)
    page.goto(f"/campaigns/{camps.campaign.pk}/")
    page.get_by_role("button", name="Nhập kết quả học tập").click()
    page.wait_for_selector(f"#attended-{camps.doai.pk}")
    fits_a_phone(page)
    page.fill(f"#attended-{w.cell.pk}", "30")  # a valid change that must not be saved alone
    page.fill(f"#attended-{camps.doai.pk}", "26")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    row = page.locator("tr[data-unit='T.X1.C2']")
    assert row.locator("[data-testid=row-error]").inner_text() == (
        "Chi bộ thôn Đoài: số đã học (26) lớn hơn số phải học (25)."
    )
    assert page.locator(f"#attended-{camps.doai.pk}").get_attribute("aria-invalid") == "true"
    assert page.locator("tr[data-unit='T.X1.C1'] [data-testid=row-error]").count() == 0
    assert "Chưa lưu dữ liệu nào." in page.locator("main").inner_text()
    # What was typed stays in the fields to be corrected; the database is untouched.
    assert page.input_value(f"#attended-{w.cell.pk}") == "30"
    assert page.input_value(f"#attended-{camps.doai.pk}") == "26"
    assert camps.attended(w.cell) == 29
    assert camps.attended(camps.doai) is None
    fits_a_phone(page)
    page.fill(f"#attended-{camps.doai.pk}", "25")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=rate]")
    assert page.locator("[data-testid=rate]").inner_text() == "100%"
    assert (camps.attended(w.cell), camps.attended(camps.doai)) == (30, 25)


def test_a_commune_officer_gets_404_for_another_communes_campaign(page, login, camps: Campaigns) -> None:  # type: ignore[no-untyped-def]
    w = camps.world
    login(page, w.commune_officer)
    assert page.goto(f"/campaigns/{camps.campaign.pk}/").status == 200
    assert page.goto(f"/campaigns/{camps.neighbours.pk}/").status == 404
    assert page.goto(f"/campaigns/{camps.campaign.pk}/?unit={w.other_commune.pk}").status == 404
    assert page.goto(f"/campaigns/{camps.campaign.pk}/units/{w.other_commune.pk}/attendance/").status == 404
    page.goto("/campaigns/")
    assert camps.neighbours.title not in page.locator("main").inner_text()


def test_html_typed_into_a_campaign_is_not_executed(page, login, camps: Campaigns) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, camps.world.province_admin)
    page.goto("/campaigns/new/")
    page.fill("#id_title", "Chuyên đề <script>alert('tieu-de')</script><img src=x onerror=alert('anh')>")
    page.select_option("#id_unit", str(camps.world.province.pk))
    page.select_option("#id_scope", str(camps.world.commune.pk))
    page.fill("#id_start", "01/03/2026")
    page.fill("#id_deadline", "31/05/2026")
    page.fill("#id_target_rate", "95")
    page.fill("#id_description", "Mô tả <b>đậm</b><script>alert('mo-ta')</script>")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=rate]")
    page.wait_for_load_state("networkidle")
    campaign = Campaign.objects.latest("pk")
    assert (campaign.start, campaign.deadline) == (dt.date(2026, 3, 1), dt.date(2026, 5, 31))
    assert "01/03/2026 – 31/05/2026" in page.locator("hgroup").inner_text()
    main = page.locator("main")
    assert main.locator("script, img, b").count() == 0
    assert main.locator("[onerror]").count() == 0
    page.goto("/campaigns/")
    page.wait_for_load_state("networkidle")
    assert page.locator("main script, main img").count() == 0
    assert dialogs == []
