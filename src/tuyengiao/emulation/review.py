"""The emulation section of a review report: models, exemplars, commendations, contests and prizes."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, Table, register

from . import providers
from .models import Grade

CODES = [
    providers.NEW_MODELS.code, providers.MAINTAINED_MODELS.code, providers.EXEMPLARS.code,
    providers.COMMENDATIONS.code, *(e.code for e in providers.BY_FORM.values()),
    providers.CONTESTS.code, providers.ENTRIES.code, *(e.code for e in providers.PRIZES.values()),
]


def build(ctx: ReviewContext) -> DraftSection | None:
    from .services import prize_sentence

    figures = ctx.figures(CODES, ctx.period)
    if not any(figures.get(code) for code in CODES):
        return None
    before = ctx.figures([providers.NEW_MODELS.code, providers.EXEMPLARS.code], ctx.last_year)
    section = DraftSection(title=_("Emulation and commendation"), figures=dict(figures))
    sentences = []
    new = figures.get(providers.NEW_MODELS.code)
    if new:
        text = _("%(n)s new practice models of studying and following Ho Chi Minh were built") % {
            "n": narrative.count(new)
        }
        change = narrative.count_change(new, before.get(providers.NEW_MODELS.code), narrative.against(ctx.period))
        maintained = figures.get(providers.MAINTAINED_MODELS.code)
        if change:
            text += f" ({change})"
        if maintained:
            text += _(", %(n)s models maintained") % {"n": narrative.count(maintained)}
        sentences.append(text)
    honoured = figures.get(providers.EXEMPLARS.code)
    if honoured:
        sentences.append(_("%(n)s exemplars were praised and commended") % {"n": narrative.count(honoured)})
    commended = figures.get(providers.COMMENDATIONS.code)
    if commended:
        merit = figures.get(providers.BY_FORM["merit"].code, Decimal(0))
        letters = figures.get(providers.BY_FORM["commendation"].code, Decimal(0))
        sentences.append(
            _("%(n)s commendations were given (%(m)s certificates of merit, %(c)s certificates of commendation)")
            % {"n": narrative.count(commended), "m": narrative.count(merit), "c": narrative.count(letters)}
        )
    held = figures.get(providers.CONTESTS.code)
    if held:
        counts = {grade: figures.get(providers.PRIZES[grade].code, Decimal(0)) for grade in Grade.values}
        text = _("%(n)s contests were judged with %(e)s entries") % {
            "n": narrative.count(held), "e": narrative.count(figures.get(providers.ENTRIES.code, Decimal(0))),
        }
        prizes = prize_sentence(counts)
        if prizes:
            text += _(", awarding %(prizes)s") % {"prizes": prizes}
        sentences.append(text)
    section.paragraphs.append("; ".join(sentences) + ".")
    if held:
        section.tables.append(Table(
            caption=_("Contest prizes"),
            header=[str(label) for label in Grade.labels],
            rows=[[narrative.count(figures.get(providers.PRIZES[g].code, Decimal(0))) for g in Grade.values]],
        ))
    return section


SECTION = ReviewSection(code="emulation", part="results", order=60, build=build)


def register_sections() -> None:
    register(SECTION)
