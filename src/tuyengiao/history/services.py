"""History works: a stage follows its dates (appraised before published), checked before saving."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tuyengiao.core.records import count_problems, delete_checked, save_checked, scoped_querysets

from .models import HistoryWork, Stage

visible_works, editable_works = scoped_querysets(HistoryWork)


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
    return save_checked(user, work, work_problems, text=("title", "notes", "appraisal_decision", "covers"))


def delete_work(user: Any, work: HistoryWork) -> None:
    delete_checked(user, work)
