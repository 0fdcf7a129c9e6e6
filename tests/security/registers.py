"""The board's registers in the access matrix: one record of each per place, and their routes.

Every register has the same pages (list, export, add, detail, edit, delete) and API operations, so
their entries are written out here from one table instead of by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

D = dt.date

# URL name prefix -> (page path prefix, API path, has delete page)
REGISTERS: dict[str, tuple[str, str, bool]] = {
    "training:class": ("/training/", "/api/training/classes/", True),
    "training:plan": ("/training/plans/", "/api/training/plans/", False),
    "outreach:reporter": ("/outreach/", "/api/outreach/reporters/", True),
    "outreach:briefing": ("/outreach/briefings/", "/api/outreach/briefings/", True),
    "outreach:publication": ("/outreach/publications/", "/api/outreach/publications/", True),
    "outreach:guidance": ("/outreach/guidance/", "/api/outreach/guidance/", True),
    "plans:plan": ("/plans/", "/api/plans/plans/", False),
    "plans:task": ("/plans/tasks/", "/api/plans/tasks/", True),
    "plans:review": ("/plans/reviews/", "/api/plans/reviews/", False),
    "opinion:report": ("/opinion/", "/api/opinion/reports/", True),
    "history:work": ("/history/", "/api/history/works/", True),
}


def build(unit: Any, label: str) -> dict[str, Any]:
    """One record of every register in ``unit``, each named with the unit's marker ``label``."""
    from tuyengiao.documents.choices import DocumentKind, Issuer
    from tuyengiao.documents.models import Document
    from tuyengiao.history.models import HistoryWork
    from tuyengiao.opinion.models import ConcernReport, ConcernTopic
    from tuyengiao.outreach.models import Briefing, PressGuidance, Publication, Reporter
    from tuyengiao.plans.models import DocumentReview, KeyTask, WorkPlan
    from tuyengiao.training.models import TrainingClass, TrainingPlan

    document = Document.objects.create(unit=unit, kind=DocumentKind.ORIENTATION, issuer=Issuer.BOARD,
                                       title=f"Định hướng {label}", issued_on=D(2025, 1, 2))
    plan = WorkPlan.objects.create(unit=unit, year=2025, title=f"Chương trình công tác {label}")
    return {
        "training:class": TrainingClass.objects.create(
            unit=unit, centre=f"Trung tâm {label}", category="elementary", title=f"Lớp {label}",
            planned_open=D(2025, 3, 1), planned_close=D(2025, 5, 1)),
        "training:plan": TrainingPlan.objects.create(unit=unit, year=2025, planned_classes=2),
        "outreach:reporter": Reporter.objects.create(unit=unit, name=f"Báo cáo viên {label}", level="commune"),
        "outreach:briefing": Briefing.objects.create(unit=unit, kind="reporters_conference",
                                                     title=f"Hội nghị {label}", held_on=D(2025, 3, 5)),
        "outreach:publication": Publication.objects.create(unit=unit, kind="video", title=f"Video {label}",
                                                           channel="social", published_on=D(2025, 3, 5)),
        "outreach:guidance": PressGuidance.objects.create(unit=unit, kind="orientation", subject=f"Định hướng {label}",
                                                          issued_on=D(2025, 1, 2), document=document),
        "plans:plan": plan,
        "plans:task": KeyTask.objects.create(plan=plan, title=f"Nhiệm vụ {label}", owner=unit, due_on=D(2025, 3, 1)),
        "plans:review": DocumentReview.objects.create(unit=unit, document=document, kind="interim",
                                                      due_on=D(2026, 1, 2)),
        "opinion:report": ConcernReport.objects.create(unit=unit, period="2025Q1", reports=3,
                                                       topic=ConcernTopic.objects.order_by("pk").first(),
                                                       summary=f"Tổng hợp dư luận {label}"),
        "history:work": HistoryWork.objects.create(unit=unit, kind="chronicle", title=f"Biên niên {label}",
                                                   started_on=D(2024, 1, 1)),
    }


def routes(route: Callable[..., Any], api: Callable[..., Any], fixed: Callable[[str], Any],
           places: tuple[str | None, ...], cells: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(pages, API operations) entries of every register for the access matrix."""
    redirect, any_place = frozenset({302}), (None,)
    pages: dict[str, Any] = {}
    operations: dict[str, Any] = {}

    def pk(key: str) -> Callable[[Any, str | None], int]:
        return lambda mw, p: mw.records[p or "commune"][key].pk

    for key, (prefix, api_path, deletes) in REGISTERS.items():
        record = pk(key)
        pages[f"{key}_list"] = route(fixed(prefix), read="login")
        pages[f"{key}_export"] = route(fixed(f"{prefix}export/"), read="login")
        pages[f"{key}_add"] = route(fixed(f"{prefix}new/"), read="enter-anywhere", write="enter-anywhere")
        pages[f"{key}_detail"] = route(lambda mw, p, r=record, x=prefix: f"{x}{r(mw, p)}/", places)
        pages[f"{key}_edit"] = route(lambda mw, p, r=record, x=prefix: f"{x}{r(mw, p)}/edit/", places,
                                     read="enter", write="enter")
        if deletes:
            pages[f"{key}_delete"] = route(lambda mw, p, r=record, x=prefix: f"{x}{r(mw, p)}/delete/", places,
                                           read=None, write="enter", ok_write=redirect)
        operations[api_path] = api(fixed(api_path), any_place, read="login", write="login",
                                   ok_write=frozenset({400}))
        operations[api_path + "{id}/"] = api(
            lambda mw, p, r=record, x=api_path: f"{x}{r(mw, p)}/", places, write="enter",
            methods=("PUT", "PATCH", "DELETE") if deletes else ("PUT", "PATCH"),
            ok_write=frozenset({200, 204, 400}))
    pages["plans:review_schedule"] = route(fixed("/plans/reviews/schedule/"), read="enter-anywhere",
                                           write="enter-anywhere")
    operations["/api/plans/reviews/schedule/"] = api(fixed("/api/plans/reviews/schedule/"), any_place, read=None,
                                                     write="login", ok_write=frozenset({400}))
    operations["/api/opinion/topics/"] = api(fixed("/api/opinion/topics/"), any_place, read="login")
    operations["/api/opinion/topics/{id}/"] = api(
        lambda mw, p: f"/api/opinion/topics/{mw.records['commune']['opinion:report'].topic_id}/", any_place,
        read="login")
    return pages, operations
