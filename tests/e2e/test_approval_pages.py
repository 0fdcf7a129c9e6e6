"""Approving on a phone and on a desk: one card per unit, the approve button in reach, names on
one or two lines, several reports ticked and approved at once; and the entry form in the report's
order."""

from __future__ import annotations

import pytest

from tests.conftest import World, build_world
from tests.e2e.conftest import fits_a_phone
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.services import create_unit
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataElement, DataSetElement, Status, Submission

pytestmark = pytest.mark.e2e
PERIOD = "202606"


@pytest.fixture
def sent_world(transactional_db: None) -> tuple[World, Catalogue]:
    world, catalogue = build_world(), build_catalogue()
    import datetime as dt

    extra = [
        create_unit(code=f"T.X{n}", name=f"Đảng bộ xã Quảng Phú Cầu Thượng {n}", kind=UnitKind.COMMUNE,
                    parent=world.district, valid_from=dt.date(2015, 1, 1))
        for n in range(3, 6)
    ]
    for commune in [world.commune, world.other_commune, *extra]:
        services.save_value(world.province_admin, catalogue.sessions, commune, PERIOD, "3", 0)
        services.submit(world.province_admin, catalogue.monthly, commune, PERIOD)
    return world, catalogue


def _approvals(world: World, catalogue: Catalogue) -> str:
    return f"/reporting/approvals/{catalogue.monthly.pk}/{world.district.pk}/{PERIOD}/"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_approver_ticks_several_cards_and_approves_them_at_once(page_at, login, sent_world, width) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = sent_world
    page = page_at(width)
    login(page, world.province_approver)
    page.goto(_approvals(world, catalogue))
    cards = page.locator(".approval-card")
    assert cards.count() == 5
    for i in range(cards.count()):
        card = cards.nth(i)
        button = card.get_by_role("button", name="Phê duyệt", exact=True)
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width  # in reach, not off-screen
        name = card.locator(".unit-name")
        lines = name.evaluate("e => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))")
        assert lines <= 2, name.inner_text()
    if width == 390:
        fits_a_phone(page)
    for code in ("T.X1", "T.X3", "T.X4"):
        sub = Submission.objects.get(unit__code=code, period=PERIOD)
        page.check(f"#pick-{sub.pk}")
    page.click("#approve-selected")
    page.wait_for_load_state()
    message = page.get_by_text("Đã duyệt 3 báo cáo").first
    assert message.is_visible()
    approved = set(Submission.objects.filter(status=Status.APPROVED).values_list("unit__code", flat=True))
    assert approved == {"T.X1", "T.X3", "T.X4"}
    assert page.locator(".approval-card .badge.status-approved").count() == 3


def test_entry_sections_appear_in_the_reports_order(page, login, sent_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = sent_world
    titles = ["VI. Giáo dục lý luận chính trị", "II. Học tập và làm theo Bác", "I. Học tập nghị quyết"]
    for order, title in enumerate(titles):
        element = DataElement.objects.create(code=f"PHAN_{order}", name=f"Chỉ tiêu phần {title[:3]}")
        DataSetElement.objects.create(dataset=catalogue.monthly, element=element, section=title, order=10 + order)
    note = DataElement.objects.create(code="KHO_KHAN", name="Khó khăn, vướng mắc, kiến nghị", value_type="text")
    DataSetElement.objects.create(dataset=catalogue.monthly, element=note, section="I. Học tập nghị quyết", order=30)
    login(page, world.commune_officer)
    page.goto(f"/reporting/entry/{catalogue.monthly.pk}/{world.commune.pk}/202607/")
    shown = page.locator(".entry-section h2").all_inner_texts()
    assert shown == ["I. Học tập nghị quyết", "II. Học tập và làm theo Bác", "VI. Giáo dục lý luận chính trị", "Học tập"]
    box = page.locator(f"#v-{note.pk}")
    assert box.evaluate("e => e.tagName") == "TEXTAREA"
    box.fill("Thiếu kinh phí.\nĐề nghị hỗ trợ tài liệu.")
    box.blur()
    page.wait_for_selector(f"#field-{note.pk} [role=status]")
    from tuyengiao.reporting.models import DataValue

    assert DataValue.objects.get(element=note).text_value == "Thiếu kinh phí.\nĐề nghị hỗ trợ tài liệu."
