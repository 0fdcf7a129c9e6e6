"""The study campaigns' part of a review: members expected and attending, campaigns under target."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import (
    DraftSection,
    ReviewContext,
    ReviewSection,
    Suggestion,
    figures_section,
    register,
)

from .providers import ATTENDED, COMPLETED_ON_TIME, EXPECTED


def build(ctx: ReviewContext) -> DraftSection | None:
    items = [(e.code, e.name, "count") for e in (EXPECTED, ATTENDED, COMPLETED_ON_TIME)]
    section = figures_section(ctx, _("Study campaigns"), items)
    if section is None:
        return None
    expected, attended = section.figures.get(EXPECTED.code), section.figures.get(ATTENDED.code)
    if expected and attended is not None and attended < expected:
        section.suggestions.append(Suggestion(
            key="campaigns:under_target",
            text=narrative.sentence(_("The study campaigns due in the period reached %(attended)s of the %(expected)s"
                                      " members expected") % {
                "attended": narrative.count(attended), "expected": narrative.count(expected)}),
        ))
    return section


def register_section() -> None:
    register(ReviewSection(code="campaigns", part="results", order=40, build=build))
