"""The handbook's section of the half-year and annual review: how members used it, in rates."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, Suggestion, register

CODES = ["ST_DV_HO_SO", "ST_DV_HOAT_DONG", "ST_VB_DOC_XONG", "ST_THI_LUOT", "ST_THI_DAT", "ST_SH_DIEM_DANH",
         "ST_SH_CO_MAT", "ST_LTB_DANG_KY", "ST_LTB_HOAN_THANH"]


def _rate(figures: dict[str, Decimal], top: str, bottom: str) -> Decimal | None:
    if not figures.get(bottom):
        return None
    return Decimal(figures.get(top, 0)) * 100 / figures[bottom]


def build(context: ReviewContext) -> DraftSection | None:
    figures = context.figures(CODES, context.period)
    if not figures.get("ST_DV_HO_SO"):
        return None
    before = context.figures(CODES, context.last_year)
    section = DraftSection(title=_("Use of the member handbook"), figures=dict(figures))
    active = _rate(figures, "ST_DV_HOAT_DONG", "ST_DV_HO_SO")
    text = _("%(members)s members have a record in the member handbook; %(active)s of them used it in the period")
    sentence = text % {"members": narrative.count(figures["ST_DV_HO_SO"]),
                       "active": narrative.rate(active)}
    change = narrative.rate_change(active, _rate(before, "ST_DV_HOAT_DONG", "ST_DV_HO_SO"))
    section.paragraphs.append(sentence + (f", {change}" if change else "") + ".")
    parts = []
    if figures.get("ST_VB_DOC_XONG"):
        parts.append(_("%(n)s documents read to the end") % {"n": narrative.count(figures["ST_VB_DOC_XONG"])})
    passed = _rate(figures, "ST_THI_DAT", "ST_THI_LUOT")
    if passed is not None:
        parts.append(_("quiz pass rate %(r)s") % {"r": narrative.rate(passed)})
    present = _rate(figures, "ST_SH_CO_MAT", "ST_SH_DIEM_DANH")
    if present is not None:
        parts.append(_("cell meeting attendance %(r)s") % {"r": narrative.rate(present)})
    registered = _rate(figures, "ST_LTB_DANG_KY", "ST_DV_HO_SO")
    if registered is not None and figures.get("ST_LTB_DANG_KY"):
        parts.append(_("%(n)s members registered their commitment to follow Uncle Ho (%(r)s)")
                     % {"n": narrative.count(figures.get("ST_LTB_DANG_KY", 0)), "r": narrative.rate(registered)})
    completed = _rate(figures, "ST_LTB_HOAN_THANH", "ST_LTB_DANG_KY")
    if completed is not None and figures.get("ST_LTB_HOAN_THANH"):
        parts.append(_("%(r)s of them completed it") % {"r": narrative.rate(completed)})
    if parts:
        section.paragraphs.append(narrative.sentence("; ".join(parts)))
    if active is not None and active < 70:
        section.suggestions.append(Suggestion("handbook-low-use", _(
            "Some members do not use the member handbook regularly (%(r)s); cell secretaries record for members "
            "without a smartphone.") % {"r": narrative.rate(active)}))
    section.missing = [c for c in CODES if c not in figures]
    return section


SECTION = register(ReviewSection(code="handbook", part="results", order=35, build=build))
