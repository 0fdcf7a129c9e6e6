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
    hand = f.get("LSD_DANG_BIEN_SOAN")
    if hand:
        section.paragraphs.append(_("%(n)s are being compiled or appraised.") % {
            "n": narrative.count(hand, _("party history works"))})
    appraised = narrative.count(f.get("LSD_THAM_DINH") or None, _("history works counted"))
    published = narrative.count(f.get("LSD_XUAT_BAN") or None, _("history works counted"))
    if appraised and published:
        done = _("In the period %(a)s were appraised and %(p)s published.") % {"a": appraised, "p": published}
    elif appraised or published:
        done = (_("In the period %(n)s were appraised.") % {"n": appraised} if appraised
                else _("In the period %(n)s were published.") % {"n": published})
    else:
        done = ""
    if done:
        section.paragraphs.append(done)
    return section


SECTION = register(ReviewSection(code="history", part="results", order=70, build=build))
