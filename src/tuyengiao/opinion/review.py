"""The public-opinion section of a review: concerns gathered by topic and answered, as anonymous counts."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, Suggestion, register

from .models import ConcernReport

CODES = ["DL_LUOT_PHAN_ANH", "DL_VAN_DE", "DL_DA_TRA_LOI", "DL_TANG"]


def build(ctx: ReviewContext) -> DraftSection | None:
    f = ctx.figures(CODES, ctx.period)
    if not f.get("DL_VAN_DE"):
        return None
    section = DraftSection(title=_("Grasping public opinion"), figures=dict(f))
    section.paragraphs.append(
        _("Gathered and reported %(n)s of public opinion (%(r)s); %(a)s have been answered.")
        % {"n": narrative.count(f["DL_VAN_DE"], _("concerns")), "r": narrative.count(f.get("DL_LUOT_PHAN_ANH", 0),
           _("reports")), "a": narrative.count(f.get("DL_DA_TRA_LOI", 0))})
    inside = [p.code for p in ctx.period.within()]
    rows = (ConcernReport.objects.filter(unit__path__startswith=ctx.unit.path, period__in=inside)
            .values("topic__name").annotate(n=Sum("reports"), open=Count("pk", filter=Q(answered=False)))
            .order_by("-n", "topic__name"))
    top = [r for r in rows if r["n"]][:3]
    if top:
        section.paragraphs.append(_("The concerns raised most: %(topics)s.") % {
            "topics": "; ".join(f"{r['topic__name'].lower()} ({narrative.count(r['n'])})" for r in top)})
    unanswered = (f.get("DL_VAN_DE") or 0) - (f.get("DL_DA_TRA_LOI") or 0)
    if unanswered > 0:
        section.suggestions.append(Suggestion(
            key="opinion-unanswered",
            text=_("%(n)s of public concern have not yet been answered.")
            % {"n": narrative.count(unanswered, _("concerns"))}))
        section.directions.append(_("Follow up the answers to the concerns still open and inform the people."))
    return section


SECTION = register(ReviewSection(code="opinion", part="results", order=30, build=build))
