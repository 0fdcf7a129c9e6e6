"""The board's registers in a real browser: a class refused beside its field then saved, a class behind plan
flagged, a concern stored without the phone, e-mail and ID number it was typed with, a task without an
owner refused, and the lists at phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World, build_world
from tests.e2e.conftest import fits_a_phone, high_unit_ids
from tuyengiao.opinion.models import ConcernReport, ConcernTopic
from tuyengiao.outreach.models import Reporter
from tuyengiao.plans.models import KeyTask, WorkPlan
from tuyengiao.training.models import TrainingClass

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db: None) -> World:
    high_unit_ids()
    made = build_world()
    TrainingClass.objects.create(unit=made.commune, centre="Trung tâm chính trị", category="elementary",
                                 title="Lớp sơ cấp chưa mở", planned_open=dt.date(2025, 3, 1),
                                 planned_close=dt.date(2025, 5, 1), enrolled=0)
    TrainingClass.objects.create(unit=made.other_commune, centre="Trung tâm", category="elementary",
                                 title="Lớp của xã Tân Lập", planned_open=dt.date(2025, 3, 1),
                                 planned_close=dt.date(2025, 5, 1))
    WorkPlan.objects.create(unit=made.commune, year=2025, title="Chương trình công tác xã 2025")
    # a browser test's database is emptied between tests, the catalogue from the migration with it
    ConcernTopic.objects.get_or_create(code="DAT_DAI", defaults={"name": "Đất đai, bồi thường, giải phóng mặt bằng"})
    return made


def test_a_class_is_refused_beside_its_field_then_saved(page, login, world: World) -> None:  # type: ignore[no-untyped-def]
    login(page, world.commune_officer)
    page.goto("/training/")
    assert "Lớp sơ cấp chưa mở" in page.inner_text("[data-testid=records]")
    assert "Lớp của xã Tân Lập" not in page.content()
    assert "Chậm so với kế hoạch" in page.inner_text("[data-testid=notes]")
    page.click("text=Thêm mới")
    page.select_option("#id_unit", str(world.commune.pk))
    page.fill("#id_centre", "Trung tâm chính trị xã Chí Linh")
    page.select_option("#id_category", "new_members")
    page.fill("#id_title", "Lớp đảng viên mới khóa 1")
    page.fill("#id_planned_open", "01/03/2025")
    page.fill("#id_planned_close", "10/03/2025")
    page.fill("#id_opened_on", "01/03/2025")
    page.fill("#id_closed_on", "20/02/2025")
    page.fill("#id_enrolled", "40")
    page.fill("#id_completed", "45")
    page.click("main form[method=post] button[type=submit]")
    form_text = page.inner_text("main form[method=post]")
    assert "bế giảng trước khi khai giảng" in form_text and "45 nhiều hơn 40" in form_text
    assert TrainingClass.objects.count() == 2
    page.fill("#id_closed_on", "10/03/2025")
    page.fill("#id_completed", "38")
    page.click("main form[method=post] button[type=submit]")
    assert "Đã lưu lớp học." in page.content()
    assert "Lớp đảng viên mới khóa 1" in page.inner_text("h1")


def test_a_concern_is_stored_without_personal_details_and_the_official_is_told(page, login, world: World) -> None:  # type: ignore[no-untyped-def]
    login(page, world.commune_officer)
    page.goto("/opinion/new/")
    page.select_option("#id_unit", str(world.commune.pk))
    page.fill("#id_period", "2025Q2")
    page.select_option("#id_topic", str(ConcernTopic.objects.get(code="DAT_DAI").pk))
    page.fill("#id_reports", "14")
    page.fill("#id_summary", "Bà Trần Thị Hoa (0912 345 678, hoa.tran@gmail.com, CCCD 001203004567) "
                             "phản ánh chậm bồi thường.")
    page.click("main form[method=post] button[type=submit]")
    told = page.inner_text("main")
    assert "Đã xóa trước khi lưu" in told and "số điện thoại" in told and "địa chỉ thư điện tử" in told
    details = page.inner_text("[data-testid=details]")
    for piece in ("0912 345 678", "hoa.tran@gmail.com", "001203004567", "Trần Thị Hoa"):
        assert piece not in details
    assert "phản ánh chậm bồi thường" in details
    stored = ConcernReport.objects.get().summary
    assert "0912" not in stored and "@" not in stored and "001203004567" not in stored


def test_a_task_without_owner_or_due_date_is_refused(page, login, world: World) -> None:  # type: ignore[no-untyped-def]
    login(page, world.commune_officer)
    page.goto("/plans/tasks/new/")
    page.select_option("#id_plan", label="Chương trình công tác xã 2025")
    page.fill("#id_title", "Tổ chức hội nghị báo cáo viên")
    page.click("main form[method=post] button[type=submit]")
    text = page.inner_text("main form[method=post]")
    assert "Đơn vị chủ trì: mỗi nhiệm vụ" in text and "Thời hạn: mỗi nhiệm vụ" in text
    assert not KeyTask.objects.exists()


def test_a_reporters_dates_are_refused_when_backwards_and_the_year_lists_those_active(  # type: ignore[no-untyped-def]
    page, login, world: World
) -> None:
    login(page, world.commune_officer)
    page.goto("/outreach/new/")
    page.select_option("#id_unit", str(world.commune.pk))
    page.fill("#id_name", "Ngô Văn Dũng")
    page.select_option("#id_level", "commune")
    page.fill("#id_active_from", "01/06/2025")
    page.fill("#id_active_until", "01/01/2025")
    page.click("main form[method=post] button[type=submit]")
    assert "Đến ngày: 01/01/2025 trước ngày bắt đầu hoạt động (01/06/2025)." in page.inner_text(
        "main form[method=post]")
    assert not Reporter.objects.exists()
    page.fill("#id_active_until", "31/12/2025")
    page.click("main form[method=post] button[type=submit]")
    assert "Ngô Văn Dũng" in page.inner_text("h1")
    page.goto("/outreach/?year=2025")
    assert "Ngô Văn Dũng" in page.inner_text("[data-testid=records]")
    page.goto("/outreach/?year=2026")
    assert "Ngô Văn Dũng" not in page.content()


@pytest.mark.parametrize("path", ["/training/", "/outreach/", "/outreach/publications/", "/plans/tasks/", "/opinion/",
                                  "/history/"])
def test_the_lists_fit_a_phone(phone_page, login, world: World, path: str) -> None:  # type: ignore[no-untyped-def]
    login(phone_page, world.commune_officer)
    phone_page.goto(path)
    assert phone_page.locator("h1").count() == 1
    fits_a_phone(phone_page)
