"""The member handbook on a 390-px phone, the whole check: a member reads, bookmarks, passes a quiz, confirms a
meeting, commits, sees points and reads again offline; the cell secretary records for a member without a phone,
confirms the commitment and keeps the cell's member list; the province's dashboard shows the new rates at once;
the bulletin's PNG is drawn; another member's records answer 404."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import build_world
from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: F401 - the same browser as every page test
from tests.handbook.fixtures import SUMMARY, Handbook, build_handbook, deliver, make_quiz
from tuyengiao.handbook import services
from tuyengiao.handbook.models import Bulletin, Commitment, Meeting
from tuyengiao.reporting.models import Indicator

pytestmark = pytest.mark.e2e


@pytest.fixture
def hb(transactional_db: None) -> Handbook:
    world = build_world()
    handbook = build_handbook(world)
    services.schedule_meeting(world.cell_secretary, Meeting(
        unit=world.cell, title="Sinh hoạt chi bộ tháng 12", start=timezone.now() + dt.timedelta(days=5),
        venue="Nhà văn hóa thôn Đông"), [handbook.document], [handbook.campaign])
    deliver(worker=True)  # the invitations, sent by a worker once the meeting is saved
    # the province's board follows two of the handbook's rates on its dashboard
    Indicator.objects.create(code="TL_DU_SINH_HOAT", name="Tỷ lệ dự sinh hoạt chi bộ", numerator="#{ST_SH_CO_MAT}",
                             denominator="#{ST_SH_DIEM_DANH}", factor=Decimal(100), unit_label="%")
    Indicator.objects.create(code="TL_DANG_KY_LTB", name="Tỷ lệ đăng ký làm theo Bác", numerator="#{ST_LTB_DANG_KY}",
                             denominator="#{ST_DV_HO_SO}", factor=Decimal(100), unit_label="%")
    return handbook


def phone_context(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(10_000)
    return context


def test_a_member_uses_the_handbook_on_a_phone_and_reads_offline(  # type: ignore[no-untyped-def]
    browser, live_server, login, hb: Handbook
) -> None:
    context = phone_context(browser, live_server)
    page = context.new_page()
    login(page, hb.world.member)
    assert page.url.endswith("/handbook/")
    assert "Việc cần làm" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")

    # Read the summary, bookmark it
    page.click("text=Tủ sách")
    page.fill("input[name=q]", "nen tang tu tuong")
    page.click("main button[type=submit]")
    page.click(f"text={hb.document.title}")
    assert SUMMARY in page.inner_text("[data-testid=summary]")
    assert not page.locator("[data-testid=full-text]").is_visible()  # the full text after, folded
    page.click("[data-testid=bookmark]")
    assert "Đã đánh dấu." in page.inner_text("main")
    document_url = page.url

    # Take and pass the quiz
    page.goto(f"/handbook/quizzes/{hb.quiz.pk}/")
    page.click("[data-testid=start-quiz]")
    for question in hb.quiz.questions.all():
        for option in question.options.filter(correct=True):
            page.check(f"input[name=q{question.pk}][value='{option.pk}']")
    page.click("[data-testid=submit-quiz]")
    assert "Đạt, 100%." in page.inner_text("[data-testid=result]")
    assert "Được cộng 10 điểm." in page.inner_text("main")

    # Confirm the meeting
    page.click("[data-testid=inbox-tab]")
    page.click("text=Mời sinh hoạt")
    page.check("input[name=reply][value=yes]")
    page.click("[data-testid=send-reply]")
    assert "Sẽ tham dự" in page.inner_text("[data-testid=reply-state]")

    # Register the yearly commitment, see the points
    page.goto("/handbook/commitments/")
    page.fill("textarea[name=text]", "Gương mẫu học tập và làm theo Bác; tham gia đầy đủ sinh hoạt chi bộ.")
    page.click("[data-testid=commitment-form] button[type=submit]")
    assert "Chờ chi bộ xác nhận" in page.inner_text("[data-testid=commitment]")
    page.goto("/handbook/points/")
    assert page.inner_text("[data-testid=total]") == "20"
    assert "Đạt một bài kiểm tra" in page.inner_text("[data-testid=history]")

    # No signal: the document read last is still there
    context.set_offline(True)
    page.goto(document_url)
    assert SUMMARY in page.inner_text("[data-testid=summary]")
    page.goto("/handbook/quizzes/")
    assert "Bạn đang không có kết nối" in page.inner_text("main")
    # each saved page is listed by its address, then by its title once read from the cache
    expect(page.locator("[data-testid=offline-list]")).to_contain_text(hb.document.title)
    context.set_offline(False)
    context.close()

    # The secretary records attendance for the member without a phone and confirms the commitment
    context = phone_context(browser, live_server)
    page = context.new_page()
    login(page, hb.world.cell_secretary)
    meeting = Meeting.objects.get(unit=hb.world.cell)
    page.goto(f"/handbook/meetings/{meeting.pk}/")
    page.select_option(f"select[name=presence-{hb.offline.pk}]", "present")
    page.select_option(f"select[name=presence-{hb.member.pk}]", "present")
    page.click("[data-testid=save-attendance]")
    assert "Đã lưu điểm danh." in page.inner_text("main")
    row = page.locator("[data-testid=attendance-row]", has_text="Nguyễn Thị Ổn")
    assert "bí thư chi bộ ghi nhận" in row.inner_text()
    page.goto(f"/handbook/cells/{hb.world.cell.pk}/")
    member_row = page.locator("[data-testid=member-row]", has_text="Hoàng Minh Quân")
    member_row.locator("[data-testid=confirm-commitment]").click()
    assert "Đã xác nhận cam kết." in page.inner_text("main")
    assert "đã xác nhận" in page.locator("[data-testid=member-row]", has_text="Hoàng Minh Quân").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The cell's members with their rates; one is exempted from activities and leaves the denominators
    page.click("[data-testid=member-board]")
    assert page.locator("[data-testid=member-board-row]").count() == 3
    mine = page.locator("[data-testid=member-board-row]", has_text="Hoàng Minh Quân")
    assert "1 / 1 (100%)" in mine.inner_text() and "đã xác nhận" in mine.inner_text()
    assert page.inner_text("[data-testid=rate-registered]") == "33,3%"
    row = page.locator("[data-testid=member-board-row]", has_text="Lê Văn Tám")
    row.locator("select[name=status]").select_option("exempt")
    row.locator("[data-testid=change-status]").click()
    assert "Lê Văn Tám: đã chuyển sang “Miễn sinh hoạt”." in page.inner_text("main")
    assert page.inner_text("[data-testid=rate-registered]") == "50%"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    # The province's dashboard shows the new rates at once (no one typed or refreshed anything)
    context = phone_context(browser, live_server)
    page = context.new_page()
    login(page, hb.world.province_approver)
    year = timezone.localdate(Meeting.objects.get(unit=hb.world.cell).start).year
    page.goto(f"/reporting/?unit={hb.world.province.pk}&period=năm {year}")
    assert page.inner_text(".card[data-code=TL_DU_SINH_HOAT] .value").startswith("100")
    assert page.inner_text(".card[data-code=TL_DANG_KY_LTB] .value").startswith("33,3")  # 1 of 3 active members
    context.close()

    # The province's bulletin carries the figures and is drawn as phone-sized PNG pages by a worker
    context = phone_context(browser, live_server)
    page = context.new_page()
    login(page, hb.world.province_admin)
    page.goto("/handbook/bulletins/new/")
    page.fill("input[name=title]", "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")
    page.fill("input[name=month]", timezone.localdate().strftime("%Y%m"))
    page.click("main button[type=submit]")
    assert "Dự sinh hoạt chi bộ" in page.inner_text("[data-testid=figures]")
    page.click("[data-testid=publish]")
    deliver(worker=True)
    bulletin = Bulletin.objects.get()
    context.close()
    context = phone_context(browser, live_server)
    page = context.new_page()
    login(page, hb.world.member)
    page.goto(f"/handbook/bulletins/{bulletin.pk}/")
    assert "Đẩy mạnh học tập và làm theo tư tưởng" in page.inner_text("h1")
    response = page.request.get(f"/handbook/bulletins/{bulletin.pk}/pages/1.png")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.body())).size == (1080, 1920)

    # Another member's records answer 404, on the pages and in the API
    stranger_quiz = make_quiz(hb.world, hb.other_document, unit=hb.world.other_commune, title="Kiểm tra xã khác")
    attempt = services.start_attempt(hb.stranger, stranger_quiz)
    commitment = Commitment.objects.create(member=hb.stranger, year=year, text="Cam kết của người khác, không xem.")
    for url in (f"/handbook/attempts/{attempt.pk}/", f"/handbook/quizzes/{stranger_quiz.pk}/",
                f"/handbook/documents/{hb.other_document.pk}/", f"/api/handbook/commitments/{commitment.pk}/",
                f"/handbook/cells/{hb.world.cell.pk}/members/"):
        assert page.request.get(url).status == 404, url
    context.close()
