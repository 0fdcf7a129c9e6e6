"""The demo's emulation and inspection records, and the figures derived from them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from tuyengiao.core import providers
from tuyengiao.core.periods import Period
from tuyengiao.demo import emulation as emulation_demo
from tuyengiao.demo import inspections as inspections_demo
from tuyengiao.demo import org as org_demo
from tuyengiao.emulation import services
from tuyengiao.emulation.models import Contest
from tuyengiao.inspections.models import Inspection, Recommendation
from tuyengiao.inspections.services import overdue_q


def total(code: str, period: str) -> Decimal:
    element = providers.get(code)
    assert element is not None
    return sum(element.compute(None, Period.parse(period)).values(), Decimal(0))


def test_demo_runs_a_contest_to_locked_results_and_inspections_with_overdue_follow_ups(db: None) -> None:
    out = io.StringIO()
    org_demo.load(out)
    emulation_demo.load(out)
    inspections_demo.load(out)
    contest = Contest.objects.get(title=emulation_demo.CONTEST_TITLE)
    assert contest.locked
    assert services.prize_counts(contest) == {"A": 6, "B": 8, "C": 13, "K": 20}
    assert [total(code, "2026S1") for code in ("TD_GIAI_A", "TD_GIAI_B", "TD_GIAI_C", "TD_GIAI_KK")] == [6, 8, 13, 20]
    assert total("TD_BAI_DU_THI", "2026") == emulation_demo.ENTRIES
    assert total("KTGS_CUOC", "2026") == 38
    assert total("KTGS_CAN_BO", "2026") == 206
    assert total("KTGS_TO_CHUC", "2026") == 50
    late = Recommendation.objects.filter(overdue_q(dt.date(2027, 1, 1))).count()
    assert late > 0 and total("KTGS_KIEN_NGHI_QUA_HAN", "2026") == late
    assert Inspection.objects.filter(status="planned").exists()
    # what the dashboard reads (the analytics roll-up for the province) equals the records
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import analytics

    province = Unit.objects.get(code="LS")
    codes = ["TD_GIAI_A", "TD_GIAI_B", "TD_GIAI_C", "TD_GIAI_KK", "KTGS_CUOC", "KTGS_CAN_BO", "KTGS_TO_CHUC",
             "TD_MO_HINH_MOI", "TD_DIEN_HINH"]
    rolled = {row.dx: row.value for row in analytics.values(codes, ["2026"], province)}
    assert [rolled[c] for c in codes[:7]] == [6, 8, 13, 20, 38, 206, 50]
    from tuyengiao.emulation.models import Exemplar, PracticeModel

    assert rolled["TD_MO_HINH_MOI"] == PracticeModel.objects.filter(started_on__year=2026).count()
    assert rolled["TD_DIEN_HINH"] == Exemplar.objects.filter(honoured_on__year=2026).count()
    emulation_demo.load(out)
    inspections_demo.load(out)
    assert Contest.objects.count() == 1 and Inspection.objects.count() == 44
