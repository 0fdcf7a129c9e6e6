"""The world the access matrix runs in: the shared personas' tree, a reporting catalogue and one
record of every unit-owned kind at three places (the commune, the other commune, the cell).

Every record carries a marker naming its unit (``MK-T.X2``), so a response that shows another
unit's records is caught by the marker as well as by the unit's name and code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.conftest import World, build_world
from tests.reporting.conftest import Catalogue, build_catalogue

# Where records live, by the unit code of each place.
PLACES = {"commune": "T.X1", "other": "T.X2", "cell": "T.X1.C1"}
UNIT_CODES = ["T", "T.H1", "T.X1", "T.X2", "T.X1.C1", "T.X1.C2", "T.X2.C1"]

# Who is assigned where with which role: written out here, not read from the code under test.
ASSIGNED = {
    "province_admin": ("T", "unit_admin"),
    "province_approver": ("T", "approver"),
    "commune_officer": ("T.X1", "data_entry"),
    "other_commune_officer": ("T.X2", "data_entry"),
    "cell_secretary": ("T.X1.C1", "data_entry"),
    "member": ("T.X1.C1", "viewer"),
}
ROLE_ACTIONS = {
    "viewer": {"view"},
    "data_entry": {"view", "enter"},
    "approver": {"view", "approve"},
    "unit_admin": {"view", "enter", "approve", "admin"},
}


def marker(code: str) -> str:
    return f"MK-{code}"


def in_subtree(persona: str, code: str) -> bool:
    top, _role = ASSIGNED[persona]
    return code == top or code.startswith(top + ".")


PARENT = {"T.H1": "T", "T.X1": "T.H1", "T.X2": "T.H1", "T.X1.C1": "T.X1", "T.X1.C2": "T.X1", "T.X2.C1": "T.X2"}


def above(persona: str, code: str) -> bool:
    """The unit is an ancestor of the persona's own (documents and campaigns issued above reach down)."""
    top, _role = ASSIGNED[persona]
    parent = PARENT.get(top)
    while parent is not None:
        if parent == code:
            return True
        parent = PARENT.get(parent)
    return False


def may(persona: str, action: str, code: str | None = None) -> bool:
    """The persona holds ``action`` over the unit (anywhere, without a unit)."""
    _top, role = ASSIGNED[persona]
    return action in ROLE_ACTIONS[role] and (code is None or in_subtree(persona, code))


def foreign_tokens(persona: str, names: dict[str, str]) -> list[str]:
    """Names, codes and markers of the units a persona must never read about: neither in its
    subtree nor above it."""
    out: list[str] = []
    for code in UNIT_CODES:
        if not in_subtree(persona, code) and not above(persona, code):
            out += [names[code], marker(code), f'"{code}"', f">{code}<"]
    return out


@dataclass
class MatrixWorld:
    world: World
    catalogue: Catalogue
    units: dict[str, Any] = field(default_factory=dict)  # code -> Unit
    names: dict[str, str] = field(default_factory=dict)  # code -> name
    events: dict[str, Any] = field(default_factory=dict)  # place -> Event
    documents: dict[str, Any] = field(default_factory=dict)
    campaigns: dict[str, Any] = field(default_factory=dict)
    submissions: dict[str, Any] = field(default_factory=dict)
    jobs: dict[str, Any] = field(default_factory=dict)
    participations: dict[str, Any] = field(default_factory=dict)
    reviews: dict[str, Any] = field(default_factory=dict)  # place -> Review
    review_jobs: dict[str, Any] = field(default_factory=dict)  # place -> ReviewJob
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # place -> register -> record
    practice_models: dict[str, Any] = field(default_factory=dict)
    exemplars: dict[str, Any] = field(default_factory=dict)
    commendations: dict[str, Any] = field(default_factory=dict)
    contests: dict[str, Any] = field(default_factory=dict)
    judge_assignments: dict[str, Any] = field(default_factory=dict)
    contest_categories: dict[str, Any] = field(default_factory=dict)
    inspections: dict[str, Any] = field(default_factory=dict)
    recommendations: dict[str, Any] = field(default_factory=dict)


def build_matrix_world() -> MatrixWorld:
    from tuyengiao.campaigns import services as campaign_services
    from tuyengiao.documents import services as document_services
    from tuyengiao.documents.choices import DocumentKind, Issuer
    from tuyengiao.documents.models import Document
    from tuyengiao.events.models import Event, EventKind
    from tuyengiao.events.services import save_event
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import services as reporting_services
    from tuyengiao.reporting.models import ImportJob, JobStatus, Submission

    world = build_world()
    catalogue = build_catalogue()
    mw = MatrixWorld(world, catalogue)
    mw.units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_CODES)}
    mw.names = {code: unit.name for code, unit in mw.units.items()}
    officer = {"commune": world.commune_officer, "other": world.other_commune_officer, "cell": world.cell_secretary}
    start = timezone.make_aware(dt.datetime(2025, 3, 10, 8, 0))
    for index, (place, code) in enumerate(PLACES.items()):
        unit = mw.units[code]
        mw.events[place] = save_event(world.province_admin, Event(
            unit=unit, kind=EventKind.CONFERENCE, title=f"Hội nghị quán triệt {marker(code)}",
            start=start, end=start + dt.timedelta(hours=2), expected_attendees=20,
        ))
        document = Document(
            kind=DocumentKind.RESOLUTION, issuer=Issuer.POLITBURO, symbol=f"{40 + index}-NQ/TW", term="XII",
            issued_on=dt.date(2024, 1, 10 + index), unit=unit, title=f"Nghị quyết của {marker(code)}",
        )
        document_services.save_document(document)
        mw.documents[place] = document
        if place != "cell":
            reporting_services.save_value(officer[place], catalogue.sessions, unit, "202405", str(3 + index), None)
            mw.submissions[place] = Submission.objects.create(
                dataset=catalogue.monthly, unit=unit, period="202405", status="submitted",
            )
            mw.campaigns[place] = campaign_services.create_campaign(officer[place], campaign_services.CampaignData(
                title=f"Học tập chuyên đề {marker(code)}", unit=unit, scope=unit,
                start=dt.date(2025, 3, 1), deadline=dt.date(2025, 5, 31), target_rate=Decimal(90),
            ))
        mw.jobs[place] = ImportJob.objects.create(
            user=officer[place], unit=unit, dataset=catalogue.monthly, period="202405",
            file_name=f"{marker(code)}.xlsx", status=JobStatus.DONE,
        )
    province_campaign = campaign_services.create_campaign(world.province_admin, campaign_services.CampaignData(
        title="Học tập Nghị quyết toàn tỉnh", unit=world.province, scope=world.province,
        start=dt.date(2025, 3, 1), deadline=dt.date(2025, 5, 31),
    ))
    mw.campaigns["province"] = province_campaign
    for place in ("cell",):
        mw.participations[place] = province_campaign.participations.get(unit=mw.units[PLACES[place]])
    mw.participations["other"] = province_campaign.participations.get(unit=mw.units["T.X2.C1"])
    mw.participations["commune"] = province_campaign.participations.get(unit=mw.units["T.X1.C2"])
    from tuyengiao.reviews.models import Review, ReviewJob

    for place in ("commune", "other"):
        review = Review.objects.create(unit=mw.units[PLACES[place]], period="2025S1", symbol="BTG",
                                       title=f"Sơ kết {marker(PLACES[place])}")
        mw.reviews[place] = review
        mw.review_jobs[place] = ReviewJob.objects.create(review=review, kind="render", format="docx", status="done")

    from tests.security import registers

    mw.records = {place: registers.build(mw.units[code], marker(code)) for place, code in PLACES.items()}
    _add_records(mw)
    return mw


def _add_records(mw: MatrixWorld) -> None:
    """Emulation and inspection records at each place, and a judge who is none of the personas."""
    from django.contrib.auth.models import User

    from tuyengiao.emulation import models as em
    from tuyengiao.emulation import services as emulation
    from tuyengiao.inspections import models as ins
    from tuyengiao.inspections import services as inspections

    admin = mw.world.province_admin
    judge = User.objects.create_user(username="judge_outside")
    day = dt.date(2025, 3, 10)
    for place, code in PLACES.items():
        unit = mw.units[code]
        mw.practice_models[place] = emulation.save_record(admin, em.PracticeModel(
            unit=unit, name=f"Mô hình {marker(code)}", started_on=day))
        mw.exemplars[place] = emulation.save_record(admin, em.Exemplar(
            unit=unit, name=f"Điển hình {marker(code)}", achievement="Gương mẫu", honoured_on=day))
        mw.commendations[place] = emulation.save_record(admin, em.Commendation(
            unit=unit, form="merit", issuer="board", recipient_name=f"Người {marker(code)}", awarded_on=day))
        contest = emulation.save_record(admin, em.Contest(unit=unit, title=f"Cuộc thi {marker(code)}", year=2025))
        round_ = emulation.add_round(admin, contest, "Vòng 1")
        entry = emulation.add_entry(admin, contest, em.Entry(title=f"Bài {marker(code)}", authors="Tác giả",
                                                             received_on=day))
        mw.contests[place] = contest
        mw.contest_categories[place] = emulation.add_category(admin, contest, "Thể loại")
        mw.judge_assignments[place] = emulation.assign_judge(admin, round_, [entry], judge)[0]
        inspection = inspections.save_inspection(admin, ins.Inspection(
            unit=unit, title=f"Kiểm tra {marker(code)}", planned_on=day), recommendations=[
            ins.Recommendation(content=f"Kiến nghị {marker(code)}", owner_unit=unit, due_on=day)])
        mw.inspections[place] = inspection
        mw.recommendations[place] = inspection.recommendations.get()
