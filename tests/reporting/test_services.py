"""Entry, conflicts, locks and the submit → return → approve cycle, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.org.models import today
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataValue, Status

MAY = Period.parse("202405")


@pytest.mark.smoke
def test_a_commune_officer_enters_and_submits_a_month(world: World, catalogue: Catalogue) -> None:
    officer = world.commune_officer
    services.save_value(officer, catalogue.sessions, world.commune, MAY, "4", 0)
    dv = services.save_value(
        officer, catalogue.attendees, world.commune, MAY, "1.250", 0, comment="Có 2 buổi trực tuyến"
    )
    assert dv.value == Decimal(1250) and dv.version == 1 and dv.stored_by == officer
    sub = services.submit(officer, catalogue.monthly, world.commune, MAY)
    assert sub.status == Status.SUBMITTED and sub.submitted_by == officer


@pytest.mark.parametrize(
    "element, raw, fragment",
    [
        ("attendees", "-3", "không được âm"),
        ("attendees", "2,5", "số nguyên"),
        ("attendees", "mười", "không phải là số"),
        ("rate", "120", "từ 0 đến 100"),
    ],
)
def test_bad_values_are_refused_in_vietnamese(
    world: World, catalogue: Catalogue, element: str, raw: str, fragment: str
) -> None:
    with pytest.raises(services.ValueError_) as info:
        services.save_value(world.commune_officer, getattr(catalogue, element), world.commune, MAY, raw, 0)
    assert fragment in info.value.message
    assert not DataValue.objects.exists()


def test_an_officer_cannot_enter_for_another_commune(world: World, catalogue: Catalogue) -> None:
    with pytest.raises(UserError):
        services.save_value(world.commune_officer, catalogue.sessions, world.other_commune, MAY, "1", 0)
    with pytest.raises(UserError):
        services.save_value(world.member, catalogue.sessions, world.cell, MAY, "1", 0)


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(world: World, catalogue: Catalogue) -> None:
    first = services.save_value(world.commune_officer, catalogue.attendees, world.commune, MAY, "100", 0)
    # a colleague with the same page open saves first
    services.save_value(world.province_admin, catalogue.attendees, world.commune, MAY, "120", first.version)
    with pytest.raises(ConflictError) as info:
        services.save_value(
            world.commune_officer, catalogue.attendees, world.commune, MAY, "90", first.version
        )
    assert "120" in info.value.message
    assert info.value.current.value == Decimal(120)
    # and two people both creating the same value: the second is a conflict, not an overwrite
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "3", 0)
    with pytest.raises(ConflictError):
        services.save_value(world.province_admin, catalogue.sessions, world.commune, MAY, "5", 0)
    assert DataValue.objects.get(element=catalogue.attendees).value == Decimal(120)
    assert DataValue.objects.get(element=catalogue.sessions).value == Decimal(3)


def test_a_multi_value_save_is_atomic(world: World, catalogue: Catalogue) -> None:
    with pytest.raises(services.ValueError_):
        services.save_values(
            world.commune_officer,
            world.commune,
            MAY,
            [
                services.ValueInput(catalogue.sessions, "2", 0),
                services.ValueInput(catalogue.attendees, "-1", 0),
            ],
        )
    assert not DataValue.objects.exists()


def test_return_with_reason_then_approve_after_correction_then_locked(
    world: World, catalogue: Catalogue
) -> None:
    officer, approver = world.commune_officer, world.province_approver
    services.save_value(officer, catalogue.expected, world.commune, MAY, "55", 0)
    attended = services.save_value(officer, catalogue.attendees, world.commune, MAY, "50", 0)
    sub = services.submit(officer, catalogue.monthly, world.commune, MAY)
    with pytest.raises(UserError):  # the unit cannot approve itself
        services.approve(officer, sub)
    with pytest.raises(UserError):  # a reason is required
        services.return_(approver, sub, "  ")
    sub = services.return_(approver, sub, "Số lượt tham gia chưa khớp sổ sinh hoạt")
    assert sub.status == Status.RETURNED and "sổ sinh hoạt" in sub.reason
    attended = services.save_value(officer, catalogue.attendees, world.commune, MAY, "52", attended.version)
    sub = services.submit(officer, catalogue.monthly, world.commune, MAY)
    sub = services.approve(approver, sub)
    assert sub.status == Status.APPROVED and sub.decided_by == approver
    with pytest.raises(UserError) as info:
        services.save_value(officer, catalogue.attendees, world.commune, MAY, "53", attended.version)
    assert "đã được duyệt" in info.value.message
    assert DataValue.objects.get(element=catalogue.attendees).value == Decimal(52)
    services.unlock(approver, sub, "Điều chỉnh theo kiểm tra")
    services.save_value(officer, catalogue.attendees, world.commune, MAY, "53", attended.version)


def test_validation_rules_block_submission_and_explain(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.commune_officer, catalogue.expected, world.commune, MAY, "40", 0)
    services.save_value(world.commune_officer, catalogue.attendees, world.commune, MAY, "45", 0)
    violations = services.check_rules(catalogue.monthly, world.commune, MAY)
    assert len(violations) == 1 and "không được lớn hơn" in violations[0].message
    with pytest.raises(UserError) as info:
        services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    assert "chưa hợp lệ" in info.value.message


def test_children_are_approved_before_the_parent(world: World, catalogue: Catalogue) -> None:
    # the monthly set is reported by communes and districts: the district waits for its communes
    district_officer = world.province_admin
    for commune, officer in (
        (world.commune, world.commune_officer),
        (world.other_commune, world.other_commune_officer),
    ):
        services.save_value(officer, catalogue.sessions, commune, MAY, "1", 0)
    services.save_value(district_officer, catalogue.sessions, world.district, MAY, "2", 0)
    district_sub = services.submit(district_officer, catalogue.monthly, world.district, MAY)
    with pytest.raises(UserError) as info:
        services.approve(world.province_approver, district_sub)
    assert "Đảng bộ xã Chí Linh" in info.value.message
    for commune, officer in (
        (world.commune, world.commune_officer),
        (world.other_commune, world.other_commune_officer),
    ):
        services.approve(world.province_approver, services.submit(officer, catalogue.monthly, commune, MAY))
    assert services.approve(world.province_approver, district_sub).status == Status.APPROVED
    # a child cannot be unlocked while its parent stays approved
    child = services.submission_for(catalogue.monthly, world.commune, MAY)
    with pytest.raises(UserError):
        services.unlock(world.province_approver, child)


def test_completeness_counts_every_level_and_lists_late_units(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "1", 0)
    services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    report = services.completeness(catalogue.monthly, world.province, MAY)
    # expected: the district and its two communes
    assert (report.root.expected, report.root.submitted, report.root.on_time) == (3, 1, 0)
    assert report.due == dt.date(2024, 6, 5)
    district = report.children[0]
    assert district.unit == world.district and district.expected == 3
    assert {u.code for u in report.late} == {"T.H1", "T.X2"}


def test_a_rule_may_compare_with_members_the_tree_already_knows(world: World, catalogue: Catalogue) -> None:
    from tuyengiao.reporting.models import ValidationRule

    ValidationRule.objects.create(
        dataset=catalogue.monthly,
        name="Triệu tập không vượt số đảng viên",
        left="#{HT_DV_TRIEU_TAP}",
        operator="<=",
        right="#{DV_SO_LUONG}",
        message="Số được triệu tập vượt số đảng viên của đảng bộ",
    )
    services.save_value(world.commune_officer, catalogue.expected, world.commune, MAY, "56", 0)
    violations = services.check_rules(catalogue.monthly, world.commune, MAY)
    assert [v.rule.name for v in violations] == ["Triệu tập không vượt số đảng viên"]
    assert "55" in violations[0].message  # the commune's two cells: 30 + 25 members


def test_entry_closes_after_the_expiry_except_for_unit_administrators(
    world: World, catalogue: Catalogue
) -> None:
    catalogue.monthly.expiry_days = 30
    catalogue.monthly.save()
    with pytest.raises(UserError) as info:
        services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "2", 0)
    assert "quá hạn" in info.value.message and "30/06/2024" in info.value.message
    services.save_value(world.province_admin, catalogue.sessions, world.commune, MAY, "2", 0)
    assert DataValue.objects.get().value == Decimal(2)


def test_a_period_that_has_not_begun_is_refused_to_everyone_and_the_current_one_is_open(
    world: World, catalogue: Catalogue
) -> None:
    """A month typed a year ahead (3/2027 for 3/2026) would file figures nobody reads."""
    this_month = Period.of(PeriodType.MONTH, today())
    ahead = this_month.shift(1)
    for user in (world.commune_officer, world.province_admin):
        with pytest.raises(UserError) as info:
            services.save_value(user, catalogue.sessions, world.commune, ahead, "2", 0)
        assert "chưa bắt đầu" in info.value.message and ahead.label in info.value.message
    assert not DataValue.objects.exists()
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, this_month, "2", 0)
    assert DataValue.objects.get().period == this_month.code


def test_a_report_for_a_period_not_yet_begun_cannot_be_sent(world: World, catalogue: Catalogue) -> None:
    """Sending follows the entry's rule on periods: otherwise a report ahead could be sent (and
    lock its figures) on derived figures alone."""
    ahead = Period.of(PeriodType.MONTH, today()).shift(1)
    with pytest.raises(UserError) as info:
        services.submit(world.commune_officer, catalogue.monthly, world.commune, ahead)
    assert "chưa bắt đầu" in info.value.message and ahead.label in info.value.message
