"""The demo's emulation and inspection records, and the figures derived from them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from tuyengiao.core import providers
from tuyengiao.core.periods import Period
from tuyengiao.emulation import demo as emulation_demo
from tuyengiao.emulation import services
from tuyengiao.emulation.models import Contest
from tuyengiao.inspections import demo as inspections_demo
from tuyengiao.inspections.models import Inspection, Recommendation
from tuyengiao.inspections.services import overdue_q
from tuyengiao.org import demo as org_demo


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
    emulation_demo.load(out)
    inspections_demo.load(out)
    assert Contest.objects.count() == 1 and Inspection.objects.count() == 44
