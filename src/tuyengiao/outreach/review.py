"""The outreach section of a review: briefings held, guidance issued, publications and their reach."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, register

CODES = ["BCV_HOI_NGHI", "BCV_THOI_SU", "BCV_HOP_BAO", "BCV_LUOT_NGHE", "DH_VAN_BAN_DINH_HUONG", "DH_HUONG_DAN",
         "XB_SAN_PHAM", "XB_TRUC_QUAN", "XB_LUOT_XEM", "XB_LUOT_CHIA_SE", "BCV_SO_LUONG"]


def build(ctx: ReviewContext) -> DraftSection | None:
    f = ctx.figures(CODES, ctx.period)
    if not any(f.get(c) for c in CODES):
        return None
    section = DraftSection(title=_("Information orientation, reporters and the press"), figures=dict(f))
    parts = []
    if f.get("BCV_HOP_BAO"):
        parts.append(_("held %(n)s") % {"n": narrative.count(f["BCV_HOP_BAO"], _("press briefings"))})
    if f.get("BCV_HOI_NGHI"):
        parts.append(_("held %(n)s") % {"n": narrative.count(f["BCV_HOI_NGHI"], _("reporters' conferences"))})
    if f.get("BCV_THOI_SU"):
        parts.append(_("held %(n)s") % {"n": narrative.count(f["BCV_THOI_SU"], _("current-affairs briefings"))})
    if f.get("BCV_LUOT_NGHE"):
        parts.append(_("reaching %(n)s") % {"n": narrative.count(f["BCV_LUOT_NGHE"], _("listener attendances"))})
    if f.get("DH_VAN_BAN_DINH_HUONG") or f.get("DH_HUONG_DAN"):
        parts.append(_("issued %(o)s and %(g)s") % {
            "o": narrative.count(f.get("DH_VAN_BAN_DINH_HUONG", 0), _("orientation documents")),
            "g": narrative.count(f.get("DH_HUONG_DAN", 0), _("outreach guidance documents"))})
    if parts:
        section.paragraphs.append(_("The board %(parts)s.") % {"parts": "; ".join(parts)})
    if f.get("XB_SAN_PHAM"):
        text = _("Published %(n)s, of which %(v)s shared on social networks") % {
            "n": narrative.count(f["XB_SAN_PHAM"], _("outreach products")),
            "v": narrative.count(f.get("XB_TRUC_QUAN", 0), _("infographics and video clips"))}
        if f.get("XB_LUOT_XEM"):
            text += _(", with %(views)s and %(shares)s") % {
                "views": narrative.count(f["XB_LUOT_XEM"], _("views")),
                "shares": narrative.count(f.get("XB_LUOT_CHIA_SE", 0), _("shares"))}
        section.paragraphs.append(text + ".")
    return section


SECTION = register(ReviewSection(code="outreach", part="results", order=40, build=build))
