"""The dashboard as boards meet it: the period it opens on, how many units each figure stands on,
last year's figures of a new commune, units of figures, the period box and the pivot picker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.support.personas import client_for
from tuyengiao.core.periods import Period
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise
from tuyengiao.reporting import dashboard, services
from tuyengiao.reporting.models import DataSet, Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def communes_report(catalogue: Catalogue) -> None:
    """Coverage here counts the districts and communes that send the monthly report; the cells'
    own report (a catalogue entry of its own) is left out so the counts stay the ones written."""
    DataSet.objects.filter(code="BC_CHI_BO").delete()



def enter(world: World, element, unit, period: str, value: object) -> None:  # type: ignore[no-untyped-def]
    services.save_value(world.province_admin, element, unit, period, str(value), None)


def fill_half(world: World, catalogue: Catalogue, half: str, units, value: int = 10) -> None:  # type: ignore[no-untyped-def]
    first = Period.parse(half).months()[0].code
    for unit in units:
        enter(world, catalogue.attendees, unit, first, value)
        enter(world, catalogue.expected, unit, first, value * 2)


def test_it_does_not_open_on_a_half_year_one_commune_has_started(world: World, catalogue: Catalogue) -> None:
    reporters = [world.district, world.commune, world.other_commune]
    fill_half(world, catalogue, "2025S1", reporters)
    fill_half(world, catalogue, "2025S2", [world.commune])  # one of three units, early
    # still running, then ended but neither due (10 days) nor mostly in: the first half stays
    assert dashboard.default_period(world.province, dt.date(2025, 12, 20)).code == "2025S1"
    assert dashboard.default_period(world.province, dt.date(2026, 1, 5)).code == "2025S1"
    # once due, the second half is shown whatever came in
    assert dashboard.default_period(world.province, dt.date(2026, 1, 11)).code == "2025S2"
    # before it is due, it is shown once most units are in
    fill_half(world, catalogue, "2025S2", [world.district, world.other_commune])
    assert dashboard.default_period(world.province, dt.date(2026, 1, 5)).code == "2025S2"


def test_it_steps_back_to_the_last_half_year_that_has_figures(world: World, catalogue: Catalogue) -> None:
    fill_half(world, catalogue, "2024S1", [world.commune])
    assert dashboard.default_period(world.province, dt.date(2025, 3, 1)).code == "2024S1"


def test_each_figure_says_how_many_units_it_covers_and_low_coverage_shows_no_change(
    world: World, catalogue: Catalogue
) -> None:
    fill_half(world, catalogue, "2024S1", [world.district, world.commune, world.other_commune], 100)
    fill_half(world, catalogue, "2025S1", [world.commune], 1)
    board = dashboard.build(world.province, Period.parse("2025S1"), "period")
    card = next(c for c in board.cards if c.code == "HT_LUOT_DV")
    assert (card.coverage, card.last_coverage) == (dashboard.Coverage(1, 3), dashboard.Coverage(3, 3))
    assert card.value == 1 and card.last_year == 300
    assert card.change is None and card.partial  # not "-99,7%"
    members = next(c for c in board.cards if c.code == "DV_SO_LUONG")
    assert members.coverage is None  # the tree knows every member: nothing to cover
    page = client_for(world.province_approver).get(
        reverse("reporting:dashboard") + f"?unit={world.province.pk}&period=2025S1&structure=period"
    )
    body = page.content.decode()
    assert "Từ 1/3 đơn vị" in body and "chưa đủ số liệu" in body and "-99" not in body
    assert "chưa đủ số liệu để so sánh" in body  # the note above the cards


def test_the_coverage_threshold_is_a_setting(world: World, catalogue: Catalogue, settings) -> None:  # type: ignore[no-untyped-def]
    fill_half(world, catalogue, "2024S1", [world.district, world.commune, world.other_commune], 100)
    fill_half(world, catalogue, "2025S1", [world.commune, world.other_commune], 75)
    settings.DASHBOARD_MIN_COVERAGE = 60
    card = next(c for c in dashboard.build(world.province, Period.parse("2025S1")).cards if c.code == "HT_LUOT_DV")
    assert card.coverage == dashboard.Coverage(2, 3) and card.change == Decimal(-50)
    settings.DASHBOARD_MIN_COVERAGE = 80
    card = next(c for c in dashboard.build(world.province, Period.parse("2025S1")).cards if c.code == "HT_LUOT_DV")
    assert card.change is None and card.partial


def test_a_new_commune_compares_with_what_its_predecessors_reported(world: World, catalogue: Catalogue) -> None:
    enter(world, catalogue.sessions, world.commune, "202402", 4)
    enter(world, catalogue.sessions, world.other_commune, "202403", 6)
    reorganise(
        Reorganisation(
            date=dt.date(2024, 7, 1),
            close=[world.commune, world.other_commune],
            open=[NewUnit(code="T.XM", name="Đảng bộ xã Chí Linh mới", kind=UnitKind.COMMUNE, parent=world.district)],
        )
    )
    merged = Unit.objects.get(code="T.XM")
    enter(world, catalogue.sessions, merged, "202502", 12)
    for structure in ("period", "current"):
        board = dashboard.build(merged, Period.parse("2025S1"), structure)
        card = next(c for c in board.cards if c.code == "HT_SO_BUOI")
        assert (card.value, card.last_year, card.change) == (12, 10, 20), structure
        assert card.last_coverage == dashboard.Coverage(2, 2)  # both old communes reported
        assert board.last_year_structure == "current"
    page = client_for(world.province_approver).get(
        reverse("reporting:dashboard") + f"?unit={merged.pk}&period=2025S1&structure=period"
    )
    assert "+20%" in page.content.decode() and "các đơn vị trước đây" in page.content.decode()


def test_a_rate_per_hundred_members_is_shown_in_its_own_unit(world: World, catalogue: Catalogue) -> None:
    Indicator.objects.create(
        code="BQ_LUOT_100",
        name="Lượt tham gia bình quân",
        numerator="#{HT_LUOT_DV}",
        denominator="#{HT_DV_TRIEU_TAP}",
        factor=Decimal(100),
        unit_label="lượt/100 đảng viên",
    )
    enter(world, catalogue.attendees, world.commune, "202502", 3)
    enter(world, catalogue.expected, world.commune, "202502", 300)
    board = dashboard.build(world.commune, Period.parse("2025S1"), "period")
    per_hundred = next(c for c in board.cards if c.code == "BQ_LUOT_100")
    rate = next(c for c in board.cards if c.code == "TL_THAM_GIA")
    assert per_hundred.value_text == "1 lượt/100 đảng viên" and not per_hundred.is_percent
    assert rate.value_text == "1%"
    page = client_for(world.province_approver).get(
        reverse("reporting:dashboard") + f"?unit={world.commune.pk}&period=2025S1"
    )
    body = page.content.decode()
    assert "1 lượt/100 đảng viên" in body and "Lượt tham gia bình quân (lượt/100 đảng viên)" in body


@pytest.mark.parametrize(
    ("typed", "label"),
    [("quý 4/2025", "quý IV/2025"), ("thang 12/2025", "tháng 12/2025"), ("6 tháng cuối năm 2025", "6 tháng cuối năm 2025"),
     ("2025", "năm 2025")],
)
def test_the_period_box_reads_what_people_type(world: World, catalogue: Catalogue, typed: str, label: str) -> None:
    page = client_for(world.province_approver).get(reverse("reporting:dashboard"), {"period": typed})
    body = page.content.decode()
    assert page.status_code == 200 and f"Số liệu {label}" in body and f'value="{label}"' in body
    assert '<datalist id="period-options">' in body


def test_an_unreadable_period_is_an_error_beside_the_box_not_another_period(world: World, catalogue: Catalogue) -> None:
    fill_half(world, catalogue, "2024S1", [world.commune])
    page = client_for(world.province_approver).get(reverse("reporting:dashboard"), {"period": "quý 5/2025"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="period-error"' in body and "Không đọc được kỳ “quý 5/2025”" in body
    assert 'value="quý 5/2025"' in body and 'aria-invalid="true"' in body
    assert "Cùng kỳ năm trước" not in body  # no figures of some other period


def test_the_pivot_takes_ticked_elements_and_typed_periods(world: World, catalogue: Catalogue) -> None:
    enter(world, catalogue.sessions, world.commune, "202402", 4)
    enter(world, catalogue.attendees, world.commune, "202402", 40)
    client = client_for(world.province_approver)
    page = client.get(
        reverse("reporting:pivot"),
        {"unit": world.district.pk, "periods": "6 thang dau nam 2024", "dx": ["HT_SO_BUOI", "HT_LUOT_DV"]},
    )
    body = page.content.decode()
    assert 'type="checkbox" name="dx" value="HT_SO_BUOI" checked' in body
    assert 'value="HT_DV_TRIEU_TAP"' in body and 'value="HT_DV_TRIEU_TAP" checked' not in body
    assert "Số buổi học tập, quán triệt" in body and '<td class="num">40</td>' in body
    bad = client.get(reverse("reporting:pivot"), {"unit": world.district.pk, "periods": "quý 9/2024", "dx": "KHONG_CO"})
    text = bad.content.decode()
    assert 'id="periods-error"' in text and "Không đọc được kỳ “quý 9/2024”" in text
    assert "KHONG_CO" in text and "<table>" not in text


def test_the_status_page_leaves_out_units_that_report_nothing(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.province_approver)
    page = client.get(reverse("reporting:approvals", args=[catalogue.monthly.pk, world.commune.pk, "202406"]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Chi bộ thôn Đông" not in body and "Chi bộ thôn Đoài" not in body  # cells report no monthly report
    assert "Không có đơn vị trực thuộc nào phải gửi biểu báo cáo này." in body
    district = client.get(reverse("reporting:approvals", args=[catalogue.monthly.pk, world.district.pk, "202406"]))
    assert "Đảng bộ xã Chí Linh" in district.content.decode()


def test_a_broken_rule_speaks_in_its_own_words_and_names_the_figures(world: World, catalogue: Catalogue) -> None:
    enter(world, catalogue.attendees, world.commune, "202406", 9)
    enter(world, catalogue.expected, world.commune, "202406", 6)
    [violation] = services.check_rules(catalogue.monthly, world.commune, Period.parse("202406"))
    assert violation.message == (
        "Số lượt đảng viên tham gia không được lớn hơn số đảng viên được triệu tập. Số liệu đã nhập: "
        "Số lượt đảng viên tham gia: 9; Số đảng viên được triệu tập: 6."
    )
    from tuyengiao.reporting.wording import side_in_words

    assert side_in_words("#{LL_LOP_KE_HOACH} * 2", {"LL_LOP_KE_HOACH": "số lớp theo kế hoạch"}) == (
        "Số lớp theo kế hoạch × 2"
    )


def test_its_trail_links_only_to_units_the_user_may_open(world: World) -> None:
    page = client_for(world.commune_officer).get(reverse("reporting:dashboard"), {"unit": world.commune.pk})
    crumbs = page.content.decode().split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert world.province.name in crumbs and world.district.name in crumbs
    assert "<a " not in crumbs
    admin = client_for(world.province_admin).get(reverse("reporting:dashboard"), {"unit": world.commune.pk})
    crumbs = admin.content.decode().split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert f"?unit={world.province.pk}" in crumbs and f"?unit={world.district.pk}" in crumbs


def test_it_requires_login(world: World) -> None:
    answer = client_for(None).get(reverse("reporting:dashboard") + f"?unit={world.commune.pk}")
    assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]


def test_it_requires_the_unit_in_scope(world: World) -> None:
    outsider = client_for(world.other_commune_officer)
    assert outsider.get(reverse("reporting:dashboard") + f"?unit={world.commune.pk}").status_code == 404


def test_above_the_exact_limit_coverage_comes_from_the_kept_rows_and_never_exceeds_the_exact_count(
    world: World, catalogue: Catalogue, settings  # type: ignore[no-untyped-def]
) -> None:
    fill_half(world, catalogue, "2024S1", [world.district, world.commune, world.other_commune], 100)
    fill_half(world, catalogue, "2025S1", [world.commune, world.other_commune], 75)
    enter(world, catalogue.sessions, world.commune, "202502", 4)
    enter(world, catalogue.sessions, world.other_commune, "202503", 6)
    figures = dashboard._figure_elements(["HT_LUOT_DV", "HT_SO_BUOI"])
    asked = [Period.parse("2025S1"), Period.parse("2024S1")]
    exact = dashboard.coverage(world.province, asked, figures)
    settings.DASHBOARD_EXACT_COVERAGE_UNITS = 0
    kept = dashboard.coverage(world.province, asked, figures)
    assert kept[("HT_LUOT_DV", "2025S1")] == exact[("HT_LUOT_DV", "2025S1")] == dashboard.Coverage(2, 3)
    assert kept[("HT_LUOT_DV", "2024S1")] == exact[("HT_LUOT_DV", "2024S1")] == dashboard.Coverage(3, 3)
    # two communes each reporting one different month: the largest month counts one of them
    assert exact[("HT_SO_BUOI", "2025S1")].reported == 2 and kept[("HT_SO_BUOI", "2025S1")].reported == 1
    assert all(kept[key].expected == exact[key].expected for key in exact)
