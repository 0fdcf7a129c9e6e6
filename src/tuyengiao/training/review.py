"""The training section of a half-year or annual review: classes against plan, learners, those behind plan."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, Suggestion, register

from .models import TrainingClass

CODES = ["BD_LOP_KE_HOACH", "BD_LOP_DA_MO", "BD_LOP_CHAM", "BD_HOC_VIEN", "BD_HV_NGOAI_BIEN_CHE", "BD_HV_HOAN_THANH"]


def build(ctx: ReviewContext) -> DraftSection | None:
    f = ctx.figures(CODES, ctx.period)
    if not any(f.get(c) for c in CODES):
        return None
    section = DraftSection(title=_("Political theory education"), figures=dict(f))
    planned, opened = f.get("BD_LOP_KE_HOACH"), f.get("BD_LOP_DA_MO", Decimal(0))
    text = _("Opened %(opened)s political theory classes") % {"opened": narrative.count(opened, _("classes"))}
    if planned:
        text += _(" against %(planned)s planned (%(rate)s)") % {
            "planned": narrative.count(planned), "rate": narrative.rate(opened * 100 / planned)}
    if f.get("BD_HOC_VIEN"):
        text += _(", with %(n)s learners, of whom %(off)s not on the state payroll") % {
            "n": narrative.count(f["BD_HOC_VIEN"]), "off": narrative.count(f.get("BD_HV_NGOAI_BIEN_CHE", 0))}
    if f.get("BD_HV_HOAN_THANH"):
        text += _("; %(n)s learners completed their programme") % {"n": narrative.count(f["BD_HV_HOAN_THANH"])}
    section.paragraphs.append(text + ".")
    behind = TrainingClass.objects.filter(
        unit__path__startswith=ctx.unit.path, planned_open__range=(ctx.period.start, ctx.period.end)
    ).behind_plan(ctx.period.end).select_related("unit").order_by("planned_open", "pk")
    for c in behind[:10]:
        section.suggestions.append(Suggestion(
            key=f"training-behind-{c.pk}",
            text=_("The class “%(title)s” (%(unit)s) opened behind plan.") % {"title": c.title, "unit": c.unit.name},
        ))
    if f.get("BD_HV_NGOAI_BIEN_CHE") is not None and f.get("BD_LOP_CHAM"):
        section.directions.append(_("Open the %(n)s classes behind plan and mobilise learners not on the state "
                                    "payroll to attend.") % {"n": narrative.count(f["BD_LOP_CHAM"], _("classes"))})
    return section


SECTION = register(ReviewSection(code="training", part="results", order=60, build=build))
