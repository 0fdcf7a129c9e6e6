"""History works: a stage follows its dates (appraised before published), checked before saving."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuyengiao.core.html import plain_text
from tuyengiao.core.records import count_problems, refuse, require_enter

from .models import HistoryWork, Stage


def visible_works(user: Any) -> QuerySet[HistoryWork]:
    return HistoryWork.objects.restrict(user, "view")


def editable_works(user: Any) -> QuerySet[HistoryWork]:
    return HistoryWork.objects.restrict(user, "enter")


def work_problems(work: HistoryWork) -> list[tuple[str, str]]:
    found = count_problems(work, {"copies": _("Copies printed")})
    if not work.title:
        found.append(("title", _("Name of the work: required.")))
    if work.appraised_on and work.started_on and work.appraised_on < work.started_on:
        found.append(("appraised_on", _("Appraised on: before drafting started.")))
    if work.published_on and work.appraised_on and work.published_on < work.appraised_on:
        found.append(("published_on", _("Published on: before the appraisal.")))
    if work.stage == Stage.PUBLISHED and not work.published_on:
        found.append(("published_on", _("Published on: a published work has its publication date.")))
    if work.stage == Stage.PUBLISHED and not (work.appraisal_decision and work.appraised_on):
        found.append(("appraisal_decision", _("Appraisal decision: a work is appraised before it is published.")))
    if work.stage == Stage.DRAFTING and (work.appraised_on or work.published_on):
        found.append(("stage", _("Stage: a work with an appraisal or publication date is past drafting.")))
    return found


def save_work(user: Any, work: HistoryWork) -> HistoryWork:
    require_enter(user, work)
    work.title, work.notes = plain_text(work.title), plain_text(work.notes)
    work.appraisal_decision, work.covers = plain_text(work.appraisal_decision), plain_text(work.covers)
    refuse(work_problems(work))
    with transaction.atomic():
        work.save()
    return work


def delete_work(user: Any, work: HistoryWork) -> None:
    require_enter(user, work)
    work.delete()
