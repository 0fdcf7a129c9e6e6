"""The inspections' part of a review report: what was inspected, and overdue recommendations as shortcomings."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, Suggestion, register

from . import providers
from .models import Recommendation
from .services import overdue_q

CODES = [providers.PLANNED.code, providers.HELD.code, providers.CADRES.code, providers.ORGANISATIONS.code]


def results(ctx: ReviewContext) -> DraftSection | None:
    figures = ctx.figures(CODES, ctx.period)
    held = figures.get(providers.HELD.code)
    if not held:
        return None
    before = ctx.figures([providers.HELD.code], ctx.last_year).get(providers.HELD.code)
    text = _("%(n)s inspections were held, covering %(c)s cadres and members and %(o)s party organisations") % {
        "n": narrative.count(held),
        "c": narrative.count(figures.get(providers.CADRES.code, 0)),
        "o": narrative.count(figures.get(providers.ORGANISATIONS.code, 0)),
    }
    planned = figures.get(providers.PLANNED.code)
    if planned:
        text += _(" (%(p)s planned)") % {"p": narrative.count(planned)}
    change = narrative.count_change(held, before)
    if change:
        text += f", {change}"
    return DraftSection(title=_("Inspection and supervision"), paragraphs=[text + "."], figures=dict(figures))


def shortcomings(ctx: ReviewContext) -> DraftSection | None:
    """One suggestion per overdue recommendation owned in the unit's subtree, as of the period's end."""
    day = ctx.period.end + dt.timedelta(days=1)
    late = list(
        Recommendation.objects.filter(overdue_q(day), owner_unit__path__startswith=ctx.unit.path)
        .select_related("owner_unit", "inspection")
        .order_by("due_on", "pk")
    )
    if not late:
        return None
    total = narrative.count(len(late))
    section = DraftSection(title=_("Inspection and supervision"), figures={providers.OVERDUE.code: len(late)})  # type: ignore[dict-item]
    section.suggestions.append(Suggestion(
        key="inspections:overdue",
        text=_("%(n)s recommendations after inspections were not carried out by their due date.") % {"n": total},
    ))
    for rec in late:
        section.suggestions.append(Suggestion(
            key=f"inspections:overdue:{rec.pk}",
            text=_("%(unit)s has not carried out the recommendation “%(text)s” (due %(due)s, inspection “%(i)s”).")
            % {"unit": rec.owner_unit.name if rec.owner_unit else "", "text": rec.content[:200],
               "due": rec.due_on.strftime("%d/%m/%Y") if rec.due_on else "", "i": rec.inspection.title},
        ))
    return section


RESULTS = ReviewSection(code="inspections", part="results", order=70, build=results)
SHORTCOMINGS = ReviewSection(code="inspections_overdue", part="shortcomings", order=70, build=shortcomings)


def register_sections() -> None:
    register(RESULTS)
    register(SHORTCOMINGS)
