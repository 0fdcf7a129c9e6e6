"""The events' part of a review: conferences, study sessions and who attended, in the period."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, figures_section, register

from .providers import EVENTS_HELD, EVENTS_ONLINE, MEMBERS_ATTENDING, STUDY_SESSIONS


def build(ctx: ReviewContext) -> DraftSection | None:
    items = [(e.code, e.name, "count") for e in (EVENTS_HELD, EVENTS_ONLINE, STUDY_SESSIONS, MEMBERS_ATTENDING)]
    return figures_section(ctx, _("Conferences, study sessions and briefings"), items)


def register_section() -> None:
    register(ReviewSection(code="events", part="results", order=30, build=build))
