"""What the demo catalogue shows for the registers' figures, checked against the records themselves.

Every count here is taken straight from the records with the ORM (not through the providers), so a
provider or a catalogue that drifts from the records makes the demo test fail.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q, Sum

from tuyengiao.core.periods import Period
from tuyengiao.demo import reporting as demo_catalogue
from tuyengiao.emulation.models import Exemplar, ModelStatus, PracticeModel
from tuyengiao.history.models import HistoryWork
from tuyengiao.inspections.models import Inspection, InspectionStatus
from tuyengiao.opinion.models import ConcernReport
from tuyengiao.org.models import Unit
from tuyengiao.outreach.models import Briefing, BriefingKind, GuidanceKind, PressGuidance, Publication, PublicationKind
from tuyengiao.reporting.expressions import parse
from tuyengiao.reporting.models import DataSetElement, DataValue, Indicator, ValidationRule
from tuyengiao.training.models import TrainingClass

Count = Callable[[Period, Unit], Decimal]


def _n(value: object) -> Decimal:
    return Decimal(str(value or 0))


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _mine(unit: Unit, field: str = "unit") -> Q:
    return Q(**{f"{field}__path__startswith": unit.path})


def _briefings(kind: str) -> Count:
    return lambda p, u: _n(Briefing.objects.filter(_in("held_on", p), _mine(u), kind=kind).count())


def _guidance(kind: str) -> Count:
    return lambda p, u: _n(PressGuidance.objects.filter(_in("issued_on", p), _mine(u), kind=kind).count())


def _concerns(p: Period, u: Unit) -> Decimal:
    """Each topic in a report made for a period inside ``p`` counts one."""
    qs = ConcernReport.objects.filter(_mine(u))
    codes = [r for r in qs.values_list("period", flat=True).distinct()
             if p.start <= Period.parse(r).start and Period.parse(r).end <= p.end]
    return _n(qs.filter(period__in=codes).count())


RECORDS: dict[str, Count] = {
    "TD_MO_HINH_MOI": lambda p, u: _n(PracticeModel.objects.filter(_in("started_on", p), _mine(u)).count()),
    "TD_MO_HINH_DUY_TRI": lambda p, u: _n(PracticeModel.objects.filter(_mine(u), started_on__lte=p.end)
                                          .exclude(status=ModelStatus.STOPPED).count()),
    "TD_DIEN_HINH": lambda p, u: _n(Exemplar.objects.filter(_in("honoured_on", p), _mine(u)).count()),
    "KTGS_CUOC": lambda p, u: _n(Inspection.objects.filter(_in("held_to", p), _mine(u),
                                                          status=InspectionStatus.HELD).count()),
    "KTGS_CAN_BO": lambda p, u: _n(Inspection.objects.filter(_in("held_to", p), _mine(u), status=InspectionStatus.HELD)
                                   .aggregate(s=Sum("cadres_covered"))["s"]),
    "KTGS_TO_CHUC": lambda p, u: _n(Inspection.objects.filter(_in("held_to", p), _mine(u), status=InspectionStatus.HELD)
                                    .aggregate(s=Sum("organisations_covered"))["s"]),
    "BD_LOP_KE_HOACH": lambda p, u: _n(TrainingClass.objects.filter(_in("planned_open", p), _mine(u)).count()),
    "BD_LOP_DA_MO": lambda p, u: _n(TrainingClass.objects.filter(_in("opened_on", p), _mine(u)).count()),
    "BD_HV_HOAN_THANH": lambda p, u: _n(TrainingClass.objects.filter(_in("closed_on", p), _mine(u))
                                        .aggregate(s=Sum("completed"))["s"]),
    "BCV_HOI_NGHI": _briefings(BriefingKind.REPORTERS_CONFERENCE),
    "BCV_HOP_BAO": _briefings(BriefingKind.PRESS_CONFERENCE),
    "BCV_LUOT_BCV": lambda p, u: _n(Briefing.reporters.through.objects.filter(
        _in("briefing__held_on", p), _mine(u, "briefing__unit")).count()),
    "XB_TIN_BAI": lambda p, u: _n(Publication.objects.filter(_in("published_on", p), _mine(u),
                                                            kind=PublicationKind.ARTICLE).count()),
    "XB_LUOT_XEM": lambda p, u: _n(Publication.objects.filter(_in("published_on", p), _mine(u))
                                   .aggregate(s=Sum("views"))["s"]),
    "DH_VAN_BAN_DINH_HUONG": _guidance(GuidanceKind.ORIENTATION),
    "DH_HUONG_DAN": _guidance(GuidanceKind.GUIDANCE),
    "DL_VAN_DE": _concerns,
    "LSD_DANG_BIEN_SOAN": lambda p, u: _n(HistoryWork.objects.filter(_mine(u), started_on__lte=p.end).filter(
        Q(published_on__isnull=True) | Q(published_on__gt=p.end)).count()),
    "LSD_XUAT_BAN": lambda p, u: _n(HistoryWork.objects.filter(_in("published_on", p), _mine(u)).count()),
}


def assert_catalogue_types_no_derived_figure() -> None:
    """No data set of the demo asks for a retired code, no value of one is stored, no rule or
    indicator names one; every code the retired ones became is counted from the records above."""
    retired = set(demo_catalogue.RETIRED)
    assert not DataSetElement.objects.filter(element__code__in=retired).exists()
    assert not DataValue.objects.filter(element__code__in=retired).exists()
    named = set()
    for rule in ValidationRule.objects.all():
        named |= parse(rule.left).codes | parse(rule.right).codes
    for indicator in Indicator.objects.all():
        named |= parse(indicator.numerator).codes | parse(indicator.denominator).codes
    assert not named & retired, named & retired
    became = {code for codes in demo_catalogue.RETIRED.values() for code in codes}
    assert became == set(RECORDS)


def figures_against_records(unit: Unit, periods: list[str]) -> list[tuple[str, str, Decimal, Decimal]]:
    """(code, period, what the analytics service gives, what the records count) where they differ."""
    from tuyengiao.reporting import analytics

    out = []
    for code_ in periods:
        period = Period.parse(code_)
        got = {row.dx: row.value for row in analytics.values(list(RECORDS), [period], unit)}
        for code, count in RECORDS.items():
            expected = count(period, unit)
            value = got.get(code, Decimal(0))
            if value != expected:
                out.append((code, code_, value, expected))
    return out
