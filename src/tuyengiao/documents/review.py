"""The documents' part of a review: guidance and orientation documents issued in the period."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, figures_section, register

from .providers import GUIDANCE_ISSUED, ORIENTATION_ISSUED


def build(ctx: ReviewContext) -> DraftSection | None:
    items = [(e.code, e.name, "count") for e in (GUIDANCE_ISSUED, ORIENTATION_ISSUED)]
    return figures_section(ctx, _("Guidance and orientation documents"), items)


def register_section() -> None:
    register(ReviewSection(code="documents", part="results", order=20, build=build))
