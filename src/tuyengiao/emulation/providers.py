"""Figures the emulation records derive: models, exemplars, commendations, contest entries and prizes.

Codes start with ``TD_`` (thi đua) so they never clash with the typed elements of a catalogue
(HCM_MO_HINH, HCM_DIEN_HINH…) they replace once the records are kept here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Compute, Dependency, DerivedElement, Locate, depends_on, per_unit, register

from .models import (
    Commendation,
    CommendationForm,
    Contest,
    Entry,
    Exemplar,
    Grade,
    Issuer,
    ModelStatus,
    PracticeModel,
    Prize,
)


def _between(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def new_models(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(PracticeModel.objects.filter(_between("started_on", period)), unit_ids, Count("pk"))


def maintained_models(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Models started by the period's end and not stopped: a stock, kept as the last value."""
    qs = PracticeModel.objects.filter(started_on__lte=period.end).exclude(status=ModelStatus.STOPPED)
    return per_unit(qs, unit_ids, Count("pk"))


def replicated_models(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    """Models started by the period's end that other units took up: a stock, kept as the last value."""
    qs = PracticeModel.objects.filter(started_on__lte=period.end, status=ModelStatus.REPLICATED)
    return per_unit(qs, unit_ids, Count("pk"))


def _models_in_field(field: str) -> Compute:
    def compute(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
        qs = PracticeModel.objects.filter(_between("started_on", period), field=field)
        return per_unit(qs, unit_ids, Count("pk"))

    return compute


def exemplars(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(Exemplar.objects.filter(_between("honoured_on", period)), unit_ids, Count("pk"))


def _commendations(**where: str) -> Compute:
    def compute(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
        qs = Commendation.objects.filter(_between("awarded_on", period), **where)
        return per_unit(qs, unit_ids, Count("pk"))

    return compute


def _published(period: Period) -> QuerySet[Contest]:
    """Contests count in the period their results were published (locked)."""
    return Contest.objects.filter(published_at__date__gte=period.start, published_at__date__lte=period.end)


def contests(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    return per_unit(_published(period), unit_ids, Count("pk"))


def entries(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
    qs = Entry.objects.filter(contest__in=_published(period))
    return per_unit(qs, unit_ids, Count("pk"), unit_field="contest__unit_id")


def _prizes(grade: str) -> Compute:
    def compute(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
        qs = Prize.objects.filter(contest__in=_published(period), grade=grade)
        return per_unit(qs, unit_ids, Count("pk"), unit_field="contest__unit_id")

    return compute


def _element(code: str, name: str, compute: Compute, description: str, aggregation: str = "sum",
             work_field: str = "follow_ho") -> DerivedElement:
    return register(DerivedElement(code=code, name=name, compute=compute, aggregation=aggregation,
                                   value_type="integer", work_field=work_field, description=description))


NEW_MODELS = _element("TD_MO_HINH_MOI", "Số mô hình học tập và làm theo Bác mới xây dựng", new_models,
                      "Mô hình có ngày bắt đầu trong kỳ, tính cho đơn vị xây dựng mô hình.")
MAINTAINED_MODELS = _element("TD_MO_HINH_DUY_TRI", "Số mô hình học tập và làm theo Bác đang duy trì",
                             maintained_models, "Mô hình bắt đầu đến hết kỳ và chưa dừng.", aggregation="last")
REPLICATED_MODELS = _element("TD_MO_HINH_NHAN_RONG", "Số mô hình học tập và làm theo Bác được nhân rộng",
                             replicated_models, "Mô hình bắt đầu đến hết kỳ, đang ở trạng thái được nhân rộng.",
                             aggregation="last")
FIELD_CODES = {
    "follow_ho": ("TD_MO_HINH_MOI_LAM_THEO_BAC", "làm theo Bác"),
    "culture": ("TD_MO_HINH_MOI_VAN_HOA", "văn hóa, văn nghệ"),
    "study": ("TD_MO_HINH_MOI_HOC_TAP", "học tập, quán triệt"),
    "outreach": ("TD_MO_HINH_MOI_TUYEN_TRUYEN", "tuyên truyền"),
}
MODELS_BY_FIELD = {
    field: _element(code, f"Số mô hình mới xây dựng – lĩnh vực {label}", _models_in_field(field),
                    "Mô hình mới trong kỳ theo lĩnh vực công tác.")
    for field, (code, label) in FIELD_CODES.items()
}
EXEMPLARS = _element("TD_DIEN_HINH", "Số điển hình tiên tiến được biểu dương, khen thưởng", exemplars,
                     "Điển hình được tôn vinh trong kỳ, tính cho đơn vị ghi nhận.")
COMMENDATIONS = _element("TD_KHEN_THUONG", "Số hình thức khen thưởng", _commendations(),
                         "Bằng khen, giấy khen… có ngày trong kỳ.")
FORM_CODES: dict[str, tuple[str, str]] = {
    CommendationForm.CERTIFICATE_OF_MERIT: ("TD_BANG_KHEN", "Số bằng khen"),
    CommendationForm.CERTIFICATE_OF_COMMENDATION: ("TD_GIAY_KHEN", "Số giấy khen"),
}
BY_FORM = {
    form: _element(code, name, _commendations(form=form), "Khen thưởng trong kỳ theo hình thức.")
    for form, (code, name) in FORM_CODES.items()
}
ISSUER_CODES: dict[str, tuple[str, str]] = {
    Issuer.PEOPLES_COMMITTEE: ("TD_KHEN_UBND_TINH", "Số khen thưởng của UBND tỉnh"),
    Issuer.STANDING_COMMITTEE: ("TD_KHEN_BTV_TINH_UY", "Số khen thưởng của Ban Thường vụ Tỉnh ủy"),
    Issuer.BOARD: ("TD_KHEN_BAN", "Số khen thưởng của Ban Tuyên giáo và Dân vận"),
}
BY_ISSUER = {
    issuer: _element(code, name, _commendations(issuer=issuer), "Khen thưởng trong kỳ theo cơ quan khen.")
    for issuer, (code, name) in ISSUER_CODES.items()
}
CONTESTS = _element("TD_CUOC_THI", "Số cuộc thi đã công bố kết quả", contests,
                    "Cuộc thi công bố và khóa kết quả trong kỳ, tính cho đơn vị tổ chức.", work_field="outreach")
ENTRIES = _element("TD_BAI_DU_THI", "Số bài dự thi", entries,
                   "Bài dự thi của các cuộc thi công bố kết quả trong kỳ.", work_field="outreach")
GRADE_CODES: dict[str, str] = {
    Grade.A: "TD_GIAI_A", Grade.B: "TD_GIAI_B", Grade.C: "TD_GIAI_C", Grade.CONSOLATION: "TD_GIAI_KK",
}
GRADE_NAMES: dict[str, str] = {Grade.A: "Số giải A", Grade.B: "Số giải B", Grade.C: "Số giải C",
               Grade.CONSOLATION: "Số giải khuyến khích"}
PRIZES = {
    grade: _element(code, GRADE_NAMES[grade], _prizes(grade),
                    "Giải của các cuộc thi công bố kết quả trong kỳ.", work_field="outreach")
    for grade, code in GRADE_CODES.items()
}


# --- kept as values ----------------------------------------------------------------------------
# A record counts for its unit in the month of its date; the parts of a contest (entries, prizes)
# for the contest's organising unit in the month its results were published.

Places = list[tuple[int, Any]]


def _dated(date_field: str, **where: str) -> Locate:
    def locate(record: Any) -> Places:
        day = getattr(record, date_field)
        if not record.unit_id or day is None or any(getattr(record, k) != v for k, v in where.items()):
            return []
        return [(record.unit_id, day)]

    return locate


def _published_contest(contest: Contest) -> Places:
    """Where a contest counts: its organising unit, the local day its results were published."""
    return [(contest.unit_id, contest.published_at)] if contest.unit_id and contest.published_at else []


def _contest_part(**where: str) -> Locate:
    def locate(part: Entry | Prize) -> Places:
        if any(getattr(part, k) != v for k, v in where.items()):
            return []
        contest = Contest.objects.filter(pk=part.contest_id).only("unit_id", "published_at").first()
        return _published_contest(contest) if contest is not None else []

    return locate


depends_on(NEW_MODELS.code, Dependency("emulation.PracticeModel", _dated("started_on")))
for _field, _kept in MODELS_BY_FIELD.items():
    depends_on(_kept.code, Dependency("emulation.PracticeModel", _dated("started_on", field=_field)))
depends_on(EXEMPLARS.code, Dependency("emulation.Exemplar", _dated("honoured_on")))
depends_on(COMMENDATIONS.code, Dependency("emulation.Commendation", _dated("awarded_on")))
for _form, _kept in BY_FORM.items():
    depends_on(_kept.code, Dependency("emulation.Commendation", _dated("awarded_on", form=_form)))
for _issuer, _kept in BY_ISSUER.items():
    depends_on(_kept.code, Dependency("emulation.Commendation", _dated("awarded_on", issuer=_issuer)))
depends_on(CONTESTS.code, Dependency("emulation.Contest", _published_contest))
depends_on(ENTRIES.code, Dependency("emulation.Contest", _published_contest),
           Dependency("emulation.Entry", _contest_part()))
for _grade, _kept in PRIZES.items():
    depends_on(_kept.code, Dependency("emulation.Contest", _published_contest),
               Dependency("emulation.Prize", _contest_part(grade=_grade)))
