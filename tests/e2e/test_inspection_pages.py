"""Inspections in a real browser: a recommendation refused without its due date, the overdue list,
and the owner unit recording the follow-up; at 390 and 1280 px."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import build_world
from tests.e2e.conftest import high_unit_ids
from tuyengiao.inspections import services
from tuyengiao.inspections.models import FollowUp, Inspection, InspectionStatus, Recommendation

pytestmark = pytest.mark.e2e


@pytest.fixture
def inspected(transactional_db: None):  # type: ignore[no-untyped-def]
    high_unit_ids()
    world = build_world()
    today = dt.date.today()
    inspection = services.save_inspection(world.province_admin, Inspection(
        unit=world.province, title="Kiểm tra thực hiện Chỉ thị 05", topic="Chỉ thị 05-CT/TW",
        status=InspectionStatus.HELD, planned_on=today - dt.timedelta(days=40),
        held_from=today - dt.timedelta(days=32), held_to=today - dt.timedelta(days=30),
        cadres_covered=14, organisations_covered=3), inspected_units=[world.commune], recommendations=[
        Recommendation(content="Bổ sung kế hoạch học tập chuyên đề", owner_unit=world.commune,
                       due_on=today - dt.timedelta(days=6))])
    return world, inspection


@pytest.mark.parametrize("width", [390, 1280])
def test_an_overdue_recommendation_is_listed_and_followed_up(page_at, login, inspected, width: int) -> None:  # type: ignore[no-untyped-def]
    world, inspection = inspected
    board = page_at(width)
    login(board, world.province_admin)
    board.goto(f"/inspections/{inspection.pk}/")
    board.locator("details:has([data-testid=add-recommendation]) summary").click()
    board.fill("#id_content", "Cập nhật sổ theo dõi")
    board.select_option("#id_owner_unit", str(world.cell.pk))
    with board.expect_navigation():
        board.locator("[data-testid=add-recommendation] button[type=submit]").click()
    assert "Hạn hoàn thành: bắt buộc" in board.content()
    assert Recommendation.objects.count() == 1
    board.goto("/inspections/")
    assert "1 kiến nghị quá hạn" in board.locator("[data-testid=overdue-banner]").inner_text()
    board.locator("[data-testid=overdue-banner] a").click()
    row = board.locator("[data-testid=overdue-item]")
    assert row.count() == 1 and "Bổ sung kế hoạch học tập chuyên đề" in row.inner_text()
    assert "6" in row.inner_text()
    if width == 390:
        assert board.evaluate("document.documentElement.scrollWidth") <= 390

    commune = page_at(width)
    login(commune, world.commune_officer)
    commune.goto("/inspections/overdue/")
    item = commune.locator("[data-testid=overdue-item]")
    item.locator("summary").click()
    rec = Recommendation.objects.get()
    commune.select_option(f"#id_r{rec.pk}-status", FollowUp.DONE)
    commune.fill(f"#id_r{rec.pk}-evidence", "Kế hoạch số 12-KH/ĐU")
    commune.fill(f"#id_r{rec.pk}-done_on", dt.date.today().strftime("%d/%m/%Y"))
    with commune.expect_navigation():
        item.locator("button[type=submit]").click()
    assert "Đã lưu tình hình thực hiện." in commune.content()
    assert commune.locator("[data-testid=overdue-item]").count() == 0
    board.goto("/inspections/")
    assert board.locator("[data-testid=overdue-banner]").count() == 0
