"""The demo province's registers: loaded once, figures in kind with its reviews reaching the dashboards and
the review report through the providers; a class behind plan and an overdue task in the lists and the review."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.support.demo_catalogue import assert_catalogue_types_no_derived_figure, figures_against_records
from tests.support.personas import client_for
from tests.support.records import draft, figure
from tuyengiao.history.models import HistoryWork
from tuyengiao.opinion.models import ConcernReport
from tuyengiao.org.models import Unit
from tuyengiao.outreach.models import Briefing, PressGuidance, Publication
from tuyengiao.plans.models import KeyTask
from tuyengiao.training.models import TrainingClass


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (TrainingClass, Briefing, Publication, PressGuidance, KeyTask,
                                              ConcernReport, HistoryWork))


@pytest.mark.django_db
def test_the_demo_registers_give_the_reviews_their_figures() -> None:
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    assert counts() == first and all(first)
    province = Unit.objects.get(code="LS")
    assert figure("BCV_HOP_BAO", "2025S1", province) == 3
    assert figure("DH_VAN_BAN_DINH_HUONG", "2025S1", province) == 6
    assert figure("DH_HUONG_DAN", "2025S1", province) == 30
    assert figure("BD_LOP_CHAM", "2025S1", province) == 2  # khóa 13 opened two days late, khóa 14 seven weeks
    assert figure("XB_TRUC_QUAN", "2025S1", province) == 14
    assert figure("LSD_XUAT_BAN", "2025S1", province) == 1
    assert figure("KHN_QUA_HAN", "2025S1", province) == 2  # one still open, one done late
    outreach = " ".join(draft("outreach", province, "2025S1").paragraphs)
    assert "03 cuộc họp báo" in outreach and "06 văn bản định hướng" in outreach and "30 văn bản hướng dẫn" in outreach
    training = draft("training", province, "2025S1")
    assert any("Lớp sơ cấp lý luận chính trị khóa 14" in s.text for s in training.suggestions)
    plans = draft("plans", province, "2025S1")
    assert any("Tổng kết 5 năm thực hiện Kết luận 01-KL/TW" in s.text for s in plans.suggestions)
    assert any("Tổng kết 5 năm thực hiện Kết luận 01-KL/TW" in d for d in plans.directions)
    from django.contrib.auth import get_user_model

    admin = client_for(get_user_model().objects.get(username="tinh.quantri"))
    assert "Lớp sơ cấp lý luận chính trị khóa 14" in admin.get("/training/?behind=true").content.decode()
    assert "Tổng kết 5 năm thực hiện Kết luận 01-KL/TW" in admin.get("/plans/tasks/?overdue=true").content.decode()
    dashboard = admin.get(f"/reporting/?unit={province.pk}&period=2025S1&dx=BCV_HOP_BAO")
    assert dashboard.status_code == 200
    # the catalogue types none of the registers' figures; what the dashboards read equals the records
    assert_catalogue_types_no_derived_figure()
    periods = ["2024S1", "2024S2", "2025S1", "2025S2", "2026S1", "2024", "2025", "2026"]
    for unit in (province, *Unit.objects.filter(code__in=["LS.XM01", "LS.XM02"])):
        differ = figures_against_records(unit, periods)
        assert not differ, "\n".join(map(str, differ))
    from tuyengiao.core.periods import Period
    from tuyengiao.reporting import dashboard as boards

    cards = {c.code: c for c in boards.build(province, Period.parse("2025S1")).cards}
    classes = TrainingClass.objects.filter(planned_open__range=("2025-01-01", "2025-06-30")).count()
    opened = TrainingClass.objects.filter(opened_on__range=("2025-01-01", "2025-06-30")).count()
    assert cards["TL_LOP_MO_KE_HOACH"].value is not None
    assert abs(cards["TL_LOP_MO_KE_HOACH"].value - Decimal(opened * 100) / classes) < Decimal("0.05")
    first_half = Publication.objects.filter(published_on__range=("2025-01-01", "2025-06-30"))
    reach = Decimal(sum(first_half.values_list("views", flat=True))) / first_half.count()
    assert cards["BQ_TIEP_CAN_TIN_BAI"].value is not None
    assert abs(cards["BQ_TIEP_CAN_TIN_BAI"].value - reach) < Decimal("0.05")
