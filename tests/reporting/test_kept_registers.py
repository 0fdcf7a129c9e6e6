"""The registers' figures kept as values: after their records are created, edited, moved to another
unit or month, and deleted, and the task queue has run, every kept figure's values equal what its
provider computes, month by month. The check runs over every kept figure, so a record whose
``locate`` names the wrong unit or day leaves a stale value behind and fails it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import World
from tuyengiao.core import providers
from tuyengiao.core.periods import Period
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.models import Document
from tuyengiao.emulation.models import (
    Commendation,
    CommendationForm,
    Contest,
    Entry,
    Exemplar,
    Grade,
    PracticeModel,
    Prize,
)
from tuyengiao.emulation.models import Issuer as Awarder
from tuyengiao.handbook.models import Attempt, Attendance, Meeting, Member, Presence, Quiz, Reading
from tuyengiao.history.models import HistoryWork, WorkKind
from tuyengiao.inspections.models import Inspection, InspectionStatus
from tuyengiao.opinion.catalogue import TOPICS
from tuyengiao.outreach.models import (
    Briefing,
    BriefingKind,
    Channel,
    GuidanceKind,
    PressGuidance,
    Publication,
    PublicationKind,
    Reporter,
    ReporterLevel,
)
from tuyengiao.plans.models import DocumentReview, KeyTask, ReviewKind, TaskStatus, WorkPlan
from tuyengiao.reporting import aggregates, derived
from tuyengiao.reporting.models import DataValue
from tuyengiao.training.models import ClassCategory, TrainingClass

pytestmark = pytest.mark.django_db(transaction=True)

MONTHS = [f"2024{m:02d}" for m in range(1, 13)]

# Figures that add up but stay computed on read, and why. A new figure that adds up is either kept
# (its provider declares ``depends_on``) or named here.
TODAY = "counts records late as of today: it changes with the date, with no record changing"
ON_READ: dict[str, str] = {
    "BD_LOP_CHAM": TODAY,
    "KHN_QUA_HAN": TODAY,
    "SKTK_QUA_HAN": TODAY,
    "BD_KE_HOACH_NAM": "a figure of whole years only: no month holds a part of it",
    **{
        code: "reports belong to a report period (month, quarter or half-year), not to a day"
        for code in ["DL_LUOT_PHAN_ANH", "DL_VAN_DE", "DL_DA_TRA_LOI", "DL_TANG"]
        + [f"DL_CD_{topic}" for topic, _name in TOPICS]
    },
}


def test_every_figure_that_adds_up_is_kept_or_said_why_not() -> None:
    adding_up = {e.code for e in providers.all_elements() if e.aggregation == "sum"}
    kept = {e.code for e in providers.kept()}
    assert adding_up - kept == set(ON_READ)
    assert not kept & set(ON_READ)


# --- helpers -------------------------------------------------------------------------------------


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def small_hours(day: dt.date) -> dt.datetime:
    """Half past midnight, local: still the day before in UTC, so a record located by the UTC date
    lands in the wrong month when ``day`` is a 1st."""
    return at(day, 0, 30)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def kept_values(code: str, month: str) -> dict[int, Decimal]:
    return dict(DataValue.objects.filter(element__code=code, period=month).values_list("unit_id", "value"))


def assert_kept_equal_computed() -> None:
    """After the queue has run: every kept figure, every month, equals its provider's computation;
    the aggregate rows equal a recomputation."""
    run_worker()
    for element in providers.kept():
        for month in MONTHS:
            assert kept_values(element.code, month) == element.compute(None, Period.parse(month)), (element.code, month)
    assert aggregates.check() == []


def app_of(element: providers.DerivedElement) -> str:
    return element.compute.__module__.split(".")[1]


# --- the registers' records: made, then changed (edited, moved), then deleted ----------------------


def documents(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    def doc(kind: str, unit: Any, day: dt.date | None) -> Document:
        return Document.objects.create(kind=kind, issuer=Issuer.PROVINCIAL_COMMITTEE, title="Văn bản", unit=unit,
                                       issued_on=day)

    guidance = doc(DocumentKind.GUIDANCE, w.commune, dt.date(2024, 3, 5))
    orientation = doc(DocumentKind.ORIENTATION, w.district, dt.date(2024, 3, 20))
    resolution = doc(DocumentKind.RESOLUTION, w.commune, dt.date(2024, 3, 1))
    doc(DocumentKind.GUIDANCE, w.commune, None)

    def change() -> None:
        guidance.unit, guidance.issued_on = w.other_commune, dt.date(2024, 4, 10)
        guidance.save()
        resolution.kind = DocumentKind.ORIENTATION  # joins the orientations
        resolution.save()
        orientation.kind = DocumentKind.REPORT  # leaves them
        orientation.save()
        doc(DocumentKind.GUIDANCE, w.province, dt.date(2024, 6, 30))

    def delete() -> None:
        guidance.delete()
        Document.objects.filter(kind=DocumentKind.ORIENTATION).delete()

    return change, delete


def emulation(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    models = {field: PracticeModel.objects.create(unit=w.cell, name=f"Mô hình {field}", field=field,
                                                  started_on=dt.date(2024, 2, 10 + n))
              for n, field in enumerate(["follow_ho", "culture", "study", "outreach"])}
    exemplar = Exemplar.objects.create(unit=w.commune, name="Ông A", achievement="Gương mẫu",
                                       honoured_on=dt.date(2024, 3, 3))
    awards = [
        Commendation.objects.create(unit=unit, form=form, issuer=issuer, recipient_name="Chi bộ", awarded_on=day)
        for unit, form, issuer, day in [
            (w.district, CommendationForm.CERTIFICATE_OF_MERIT, Awarder.PEOPLES_COMMITTEE, dt.date(2024, 4, 1)),
            (w.commune, CommendationForm.CERTIFICATE_OF_COMMENDATION, Awarder.STANDING_COMMITTEE,
             dt.date(2024, 4, 30)),
            (w.commune, CommendationForm.OTHER, Awarder.BOARD, dt.date(2024, 5, 2)),
        ]
    ]
    contest = Contest.objects.create(unit=w.province, title="Cuộc thi", year=2024,
                                     published_at=small_hours(dt.date(2024, 6, 1)))
    unpublished = Contest.objects.create(unit=w.province, title="Cuộc thi chưa công bố", year=2024)
    entries = [Entry.objects.create(contest=c, title=f"Bài {n}", authors="Tác giả", received_on=dt.date(2024, 5, 1))
               for n, c in enumerate([contest] * 5 + [unpublished])]
    prizes = [Prize.objects.create(contest=contest, entry=entry, grade=grade, rank=n + 1)
              for n, (entry, grade) in enumerate(zip(entries, [Grade.A, Grade.B, Grade.C, Grade.CONSOLATION],
                                                     strict=False))]
    Prize.objects.create(contest=unpublished, entry=entries[-1], grade=Grade.A, rank=1)

    def change() -> None:
        models["culture"].field = "study"
        models["culture"].save()
        models["follow_ho"].unit, models["follow_ho"].started_on = w.commune, dt.date(2024, 5, 31)
        models["follow_ho"].save()
        exemplar.unit = w.district
        exemplar.save()
        awards[0].form = CommendationForm.CERTIFICATE_OF_COMMENDATION
        awards[0].save()
        awards[1].issuer, awards[1].awarded_on = Awarder.BOARD, dt.date(2024, 7, 1)
        awards[1].save()
        prizes[0].grade = Grade.B
        prizes[0].save()
        entries[3].delete()  # and its prize
        Entry.objects.create(contest=contest, title="Bài mới", authors="Tác giả", received_on=dt.date(2024, 5, 2))
        contest.published_at, contest.unit = small_hours(dt.date(2024, 7, 1)), w.district
        contest.save()
        unpublished.published_at = at(dt.date(2024, 8, 31), 23, 30)  # the last evening of August, local
        unpublished.save()

    def delete() -> None:
        contest.delete()  # with its entries and prizes
        Prize.objects.filter(contest=unpublished).delete()
        awards[2].delete()
        models["study"].delete()

    return change, delete


def outreach(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    first, second, third = (Reporter.objects.create(unit=w.commune, name=name, level=ReporterLevel.COMMUNE)
                            for name in ["Nguyễn A", "Trần B", "Lê C"])

    def briefing(kind: str, unit: Any, day: dt.date, audience: int) -> Briefing:
        return Briefing.objects.create(unit=unit, kind=kind, title="Hội nghị", held_on=day, audience=audience)

    monthly = briefing(BriefingKind.REPORTERS_CONFERENCE, w.commune, dt.date(2024, 3, 4), 50)
    monthly.reporters.set([first, second])
    quarterly = briefing(BriefingKind.CURRENT_AFFAIRS, w.district, dt.date(2024, 3, 15), 100)
    quarterly.reporters.set([first])
    press = briefing(BriefingKind.PRESS_CONFERENCE, w.province, dt.date(2024, 5, 5), 30)
    extra = briefing(BriefingKind.CURRENT_AFFAIRS, w.commune, dt.date(2024, 6, 10), 80)
    extra.reporters.set([second, third])
    moved = briefing(BriefingKind.REPORTERS_CONFERENCE, w.commune, dt.date(2024, 7, 1), 40)
    moved.reporters.set([second])
    products = [
        Publication.objects.create(unit=unit, kind=kind, title="Sản phẩm", channel=Channel.SOCIAL, published_on=day,
                                   views=views, shares=views // 10)
        for unit, kind, day, views in [
            (w.commune, PublicationKind.INFOGRAPHIC, dt.date(2024, 2, 1), 1000),
            (w.commune, PublicationKind.VIDEO, dt.date(2024, 2, 29), 500),
            (w.district, PublicationKind.ARTICLE, dt.date(2024, 3, 1), 300),
            (w.district, PublicationKind.BOOK, dt.date(2024, 3, 2), 0),
        ]
    ]
    guidance = [PressGuidance.objects.create(unit=w.province, kind=kind, subject="Định hướng", issued_on=day)
                for kind, day in [(GuidanceKind.ORIENTATION, dt.date(2024, 4, 2)),
                                  (GuidanceKind.GUIDANCE, dt.date(2024, 4, 3))]]

    def change() -> None:
        # links change without the briefing being saved: from either side, added, removed, cleared
        monthly.reporters.set([second])
        quarterly.reporters.add(second, third)
        first.briefings.add(press)
        third.briefings.clear()
        moved.unit, moved.held_on, moved.audience = w.other_commune, dt.date(2024, 8, 1), 70
        moved.kind = BriefingKind.PRESS_CONFERENCE
        moved.save()
        products[2].kind, products[2].views = PublicationKind.VIDEO, 350
        products[2].save()
        products[0].unit, products[0].published_on = w.province, dt.date(2024, 6, 15)
        products[0].save()
        guidance[0].kind, guidance[1].issued_on = GuidanceKind.GUIDANCE, dt.date(2024, 5, 3)
        for row in guidance:
            row.save()

    def delete() -> None:
        first.delete()  # their links go with them, without a signal of their own
        extra.delete()
        products[1].delete()
        guidance[0].delete()

    return change, delete


def training(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    def course(unit: Any, planned: dt.date, **done: Any) -> TrainingClass:
        return TrainingClass.objects.create(unit=unit, centre="Trung tâm", category=ClassCategory.ELEMENTARY,
                                            title="Lớp sơ cấp", planned_open=planned,
                                            planned_close=planned + dt.timedelta(days=60), **done)

    held = course(w.district, dt.date(2024, 2, 1), opened_on=dt.date(2024, 2, 5), closed_on=dt.date(2024, 4, 20),
                  enrolled=40, enrolled_off_payroll=5, completed=38, completed_off_payroll=4)
    waiting = course(w.province, dt.date(2024, 3, 1))

    def change() -> None:
        waiting.opened_on, waiting.enrolled, waiting.enrolled_off_payroll = dt.date(2024, 3, 10), 30, 2
        waiting.save()
        held.unit, held.closed_on, held.planned_open = w.province, dt.date(2024, 5, 2), dt.date(2024, 1, 25)
        held.save()

    def delete() -> None:
        held.delete()

    return change, delete


def history(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    def work(unit: Any, **days: dt.date) -> HistoryWork:
        return HistoryWork.objects.create(unit=unit, kind=WorkKind.CHRONICLE, title="Lịch sử Đảng bộ",
                                          started_on=dt.date(2023, 1, 1), **days)

    published = work(w.commune, appraised_on=dt.date(2024, 3, 1), published_on=dt.date(2024, 6, 1))
    appraised = work(w.district, appraised_on=dt.date(2024, 4, 1))

    def change() -> None:
        appraised.published_on = dt.date(2024, 7, 15)
        appraised.save()
        published.unit, published.appraised_on = w.other_commune, dt.date(2024, 2, 20)
        published.save()

    def delete() -> None:
        published.delete()

    return change, delete


def inspections(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    held = Inspection.objects.create(unit=w.district, title="Kiểm tra", planned_on=dt.date(2024, 2, 10),
                                     status=InspectionStatus.HELD, held_from=dt.date(2024, 2, 28),
                                     held_to=dt.date(2024, 3, 2), cadres_covered=10, organisations_covered=3)
    planned = Inspection.objects.create(unit=w.commune, title="Giám sát", planned_on=dt.date(2024, 3, 5),
                                        held_to=dt.date(2024, 3, 25), cadres_covered=7)

    def change() -> None:
        planned.status, planned.held_to, planned.cadres_covered = InspectionStatus.HELD, dt.date(2024, 3, 20), 5
        planned.save()
        held.status, held.planned_on, held.unit = InspectionStatus.PLANNED, dt.date(2024, 1, 15), w.province
        held.save()

    def delete() -> None:
        planned.delete()

    return change, delete


def plans(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    plan = WorkPlan.objects.create(unit=w.commune, year=2024, title="Kế hoạch năm 2024")

    def task(due: dt.date, done: dt.date | None = None) -> KeyTask:
        return KeyTask.objects.create(plan=plan, title="Nhiệm vụ", due_on=due, done_on=done,
                                      status=TaskStatus.DONE if done else TaskStatus.IN_PROGRESS)

    on_time, still_open, late = task(dt.date(2024, 3, 31), dt.date(2024, 3, 30)), task(dt.date(2024, 3, 15)), \
        task(dt.date(2024, 5, 10), dt.date(2024, 5, 20))
    source = Document.objects.create(kind=DocumentKind.RESOLUTION, issuer=Issuer.PROVINCIAL_COMMITTEE,
                                     title="Nghị quyết", unit=w.province)
    done_review = DocumentReview.objects.create(unit=w.district, document=source, kind=ReviewKind.INTERIM,
                                                due_on=dt.date(2024, 4, 1), done_on=dt.date(2024, 3, 28))
    due_review = DocumentReview.objects.create(unit=w.commune, document=source, kind=ReviewKind.FINAL,
                                               due_on=dt.date(2024, 6, 30))

    def change() -> None:
        plan.unit = w.other_commune  # the plan moves with its tasks
        plan.save()
        still_open.status, still_open.done_on = TaskStatus.DONE, dt.date(2024, 3, 14)
        still_open.save()
        on_time.done_on = dt.date(2024, 4, 2)
        on_time.save()
        late.due_on = dt.date(2024, 6, 1)
        late.save()
        due_review.done_on = dt.date(2024, 7, 2)
        due_review.save()
        done_review.unit = w.other_commune
        done_review.save()

    def delete() -> None:
        on_time.delete()
        plan.delete()  # with its tasks
        due_review.delete()

    return change, delete


def handbook(w: World) -> tuple[Callable[[], None], Callable[[], None]]:
    one, two, three = (Member.objects.create(unit=unit, full_name=name, birth_year=1980,
                                             joined_on=dt.date(2010, 1, 1))
                       for unit, name in [(w.cell, "Đảng viên A"), (w.cell, "Đảng viên B"),
                                          (w.other_cell, "Đảng viên C")])
    text = Document.objects.create(kind=DocumentKind.RESOLUTION, issuer=Issuer.PROVINCIAL_COMMITTEE,
                                   title="Nghị quyết", unit=w.province)
    finished = Reading.objects.create(member=one, document=text, opened_at=at(dt.date(2024, 3, 30)),
                                      finished_at=small_hours(dt.date(2024, 4, 1)))
    opened = Reading.objects.create(member=two, document=text, opened_at=at(dt.date(2024, 4, 2)))
    Reading.objects.create(member=three, document=text, opened_at=at(dt.date(2024, 4, 15)),
                           finished_at=at(dt.date(2024, 4, 15)))
    quiz = Quiz.objects.create(unit=w.commune, title="Kiểm tra", opens_at=at(dt.date(2024, 3, 1)),
                               deadline=at(dt.date(2024, 3, 31)))
    passed = Attempt.objects.create(quiz=quiz, member=one, started_at=at(dt.date(2024, 3, 10)),
                                    submitted_at=at(dt.date(2024, 3, 10), 10), score=90, passed=True)
    failed = Attempt.objects.create(quiz=quiz, member=two, started_at=at(dt.date(2024, 3, 11)),
                                    submitted_at=small_hours(dt.date(2024, 5, 1)), score=40)
    Attempt.objects.create(quiz=quiz, member=three, started_at=at(dt.date(2024, 3, 12)))
    meeting = Meeting.objects.create(unit=w.cell, title="Sinh hoạt tháng 5", start=small_hours(dt.date(2024, 5, 1)))
    rows = [Attendance.objects.create(meeting=meeting, member=member, presence=presence)
            for member, presence in [(one, Presence.PRESENT), (two, Presence.EXCUSED), (three, "")]]
    Meeting.objects.create(unit=w.other_cell, title="Sinh hoạt chưa điểm danh", start=at(dt.date(2024, 6, 5)))

    def change() -> None:
        opened.finished_at = at(dt.date(2024, 4, 3))
        opened.save()
        one.unit = w.other_cell  # a member moves, taking their readings and attempts along
        one.save()
        failed.score, failed.passed = 85, True
        failed.save()
        rows[2].presence = Presence.PRESENT
        rows[2].save()
        meeting.start, meeting.unit = at(dt.date(2024, 6, 3)), w.other_cell
        meeting.save()

    def delete() -> None:
        three.delete()  # with their readings, attempts and attendance
        finished.delete()
        passed.delete()
        meeting.delete()

    return change, delete


REGISTERS = [documents, emulation, outreach, training, history, inspections, plans, handbook]


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.__name__)
def test_kept_figures_follow_their_records(world: World, register: Callable[..., Any]) -> None:
    change, delete = register(world)
    derived.keep_all(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    mine = [e for e in providers.kept() if app_of(e) == register.__name__]
    assert mine, register.__name__
    empty = [e.code for e in mine if not DataValue.objects.filter(element__code=e.code).exclude(value=0).exists()]
    assert empty == []  # every figure of the register has a value to keep track of
    assert_kept_equal_computed()
    before = {e.code: list(DataValue.objects.filter(element__code=e.code).values_list("unit_id", "period", "value"))
              for e in mine}

    change()
    assert_kept_equal_computed()
    after = {e.code: list(DataValue.objects.filter(element__code=e.code).values_list("unit_id", "period", "value"))
             for e in mine}
    assert after != before

    delete()
    assert_kept_equal_computed()
