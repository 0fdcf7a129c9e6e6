"""The party-history section of a review: works in hand, appraised and published."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, register

CODES = ["LSD_DANG_BIEN_SOAN", "LSD_THAM_DINH", "LSD_XUAT_BAN"]


def build(ctx: ReviewContext) -> DraftSection | None:
    f = ctx.figures(CODES, ctx.period)
    if not any(f.get(c) for c in CODES):
        return None
    section = DraftSection(title=_("Compiling the Party's history"), figures=dict(f))
    section.paragraphs.append(
        _("%(hand)s are being compiled or appraised; %(appraised)s were appraised and %(published)s published "
          "in the period.") % {
            "hand": narrative.count(f.get("LSD_DANG_BIEN_SOAN", 0), _("party history works")),
            "appraised": narrative.count(f.get("LSD_THAM_DINH", 0)),
            "published": narrative.count(f.get("LSD_XUAT_BAN", 0))})
    return section


SECTION = register(ReviewSection(code="history", part="results", order=70, build=build))
