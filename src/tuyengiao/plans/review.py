"""The work-plan section of a review: key tasks done on time, reviews of documents held; overdue tasks and
reviews go to "Hạn chế" as suggestions, and what falls due next (with what is overdue) to "Phương hướng"."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.numbers import format_date
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, Suggestion, register

from .models import OPEN, DocumentReview, KeyTask

CODES = ["KHN_NHIEM_VU", "KHN_DUNG_HAN", "KHN_QUA_HAN", "SKTK_DEN_HAN", "SKTK_DA_LAM", "SKTK_QUA_HAN"]


def _name(review: DocumentReview) -> str:
    return f"{review.get_kind_display().lower()} {review.document.symbol or review.document.title}"


def build(ctx: ReviewContext) -> DraftSection | None:
    f = ctx.figures(CODES, ctx.period)
    end, path = ctx.period.end, ctx.unit.path
    late_tasks = KeyTask.objects.filter(plan__unit__path__startswith=path, due_on__lte=end).filter(
        Q(status__in=OPEN, due_on__lt=end) | Q(done_on__gt=end)
    ).select_related("owner", "plan__unit").order_by("due_on", "pk")
    late_reviews = DocumentReview.objects.filter(unit__path__startswith=path, due_on__lt=end).filter(
        Q(done_on__isnull=True) | Q(done_on__gt=end)
    ).select_related("unit", "document").order_by("due_on", "pk")
    nxt = ctx.period.shift(1)
    coming_tasks = KeyTask.objects.filter(plan__unit__path__startswith=path, status__in=OPEN,
                                          due_on__range=(nxt.start, nxt.end)).order_by("due_on", "pk")
    coming_reviews = DocumentReview.objects.filter(unit__path__startswith=path, done_on__isnull=True,
                                                   due_on__range=(nxt.start, nxt.end)).select_related("document")
    if not any(f.get(c) for c in CODES) and not late_tasks.exists() and not late_reviews.exists() \
            and not coming_tasks.exists():
        return None
    section = DraftSection(title=_("Carrying out the work plan"), figures=dict(f))
    if f.get("KHN_NHIEM_VU"):
        section.paragraphs.append(_("Of %(due)s falling due, %(done)s were done on time and %(late)s are overdue.")
                                  % {"due": narrative.count(f["KHN_NHIEM_VU"], _("key tasks")),
                                     "done": narrative.count(f.get("KHN_DUNG_HAN", 0)),
                                     "late": narrative.count(f.get("KHN_QUA_HAN", 0))})
    if f.get("SKTK_DEN_HAN") or f.get("SKTK_DA_LAM"):
        section.paragraphs.append(_("Held %(done)s of resolutions and directives; %(due)s fell due in the period.")
                                  % {"done": narrative.count(f.get("SKTK_DA_LAM", 0), _("interim and final reviews")),
                                     "due": narrative.count(f.get("SKTK_DEN_HAN", 0))})
    for task in late_tasks[:15]:
        owner = task.owner.name if task.owner else task.plan.unit.name
        section.suggestions.append(Suggestion(
            key=f"plans-task-{task.pk}",
            text=_("The key task “%(title)s” (%(owner)s) was not done by %(day)s.")
            % {"title": task.title, "owner": owner, "day": format_date(task.due_on)}))
        section.directions.append(_("Finish the overdue key task “%(title)s” (%(owner)s).")
                                  % {"title": task.title, "owner": owner})
    for review in late_reviews[:15]:
        section.suggestions.append(Suggestion(
            key=f"plans-review-{review.pk}",
            text=_("The %(review)s due on %(day)s has not been held (%(unit)s).")
            % {"review": _name(review), "day": format_date(review.due_on), "unit": review.unit.name}))
        section.directions.append(_("Hold the overdue %(review)s.") % {"review": _name(review)})
    for task in coming_tasks[:15]:
        section.directions.append(_("%(title)s (due %(day)s).")
                                  % {"title": task.title, "day": format_date(task.due_on)})
    for review in coming_reviews[:15]:
        section.directions.append(_("Prepare the %(review)s (due %(day)s).")
                                  % {"review": _name(review), "day": format_date(review.due_on)})
    return section


SECTION = register(ReviewSection(code="plans", part="results", order=90, build=build))
