"""The reporting section of the review: the figures of every field of work, written as the
reports write them, and the shortcomings the data shows (units below plan, reports not sent).

Registered in ``core.review_sections`` by ``ReportingConfig.ready``; every number comes from the
analytics service through ``ReviewContext.figures``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tuyengiao.core import narrative
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.core.review_sections import DraftSection, ReviewContext, ReviewSection, Suggestion, register
from tuyengiao.org.models import Unit

from .models import DataElement, DataSet, Indicator, ValueType, WorkField

PLAN_SUFFIX = "_KE_HOACH"


@dataclass(frozen=True)
class Figure:
    """One figure a review quotes: kind is "count", "rate" (said in points) or "measure"."""

    code: str
    name: str
    kind: str
    work_field: str
    unit_label: str = ""
    plan_code: str = ""
    # an indicator of one figure over another (participants over those expected): said together
    numerator: str = ""
    denominator: str = ""


def datasets_for(unit: Unit, period: Period) -> list[DataSet]:
    """The data sets reported in the unit's subtree whose periods fit inside the review's period.

    A period type no such data set can fill is refused with the reason.
    """
    if period.type not in (PeriodType.HALF_YEAR, PeriodType.YEAR):
        raise UserError(
            _("A review covers a half-year (e.g. 2025S1) or a year (e.g. 2025), not “%(period)s”.")
            % {"period": period.code},
            field="period",
        )
    kinds = set(Unit.objects.filter(path__startswith=unit.path).values_list("kind", flat=True).distinct())
    reported = [ds for ds in DataSet.objects.order_by("code") if kinds & set(ds.unit_kinds)]
    fitting = [ds for ds in reported if PeriodType(ds.period_type).months <= period.type.months]
    if not fitting:
        words = {"month": _("month (reported by)"), "quarter": _("quarter (reported by)"),
                 "half_year": _("half-year (reported by)"), "year": _("year (reported by)")}
        names = ", ".join(sorted({str(words.get(ds.period_type, ds.period_type)) for ds in reported})) or "—"
        raise UserError(
            _("%(unit)s has no data set reported for %(period)s or a shorter period (its data sets are"
              " reported by: %(types)s), so there are no figures to review.")
            % {"unit": unit.name, "period": period.label, "types": names},
            field="period",
        )
    return fitting


def figures_for(unit: Unit, period: Period) -> list[Figure]:
    """The elements of the unit's data sets and the indicators built only on them, in form order."""
    datasets = datasets_for(unit, period)
    elements: dict[str, DataElement] = {}
    for ds in datasets:
        for member in ds.members.select_related("element").order_by("order", "id"):
            element = member.element
            if element.value_type not in (ValueType.TEXT, ValueType.BOOLEAN):
                elements.setdefault(element.code, element)
    plans = {c[: -len(PLAN_SUFFIX)]: c for c in elements if c.endswith(PLAN_SUFFIX)}
    out: list[Figure] = []
    for element in elements.values():
        plan = ""
        if not element.code.endswith(PLAN_SUFFIX):
            plan = next((p for prefix, p in plans.items() if element.code.startswith(prefix + "_")), "")
        kind = "rate" if element.value_type == ValueType.PERCENT else "count"
        out.append(Figure(element.code, element.name, kind, element.work_field, "", plan))
    from .expressions import parse

    known = set(elements) | {"DV_SO_LUONG"}
    for ind in Indicator.objects.order_by("code"):
        codes = parse(ind.numerator).codes | parse(ind.denominator).codes
        if codes and codes <= known and codes & set(elements):
            label = ind.unit_label.strip()
            kind = "rate" if label == "%" or ind.name.lower().startswith("tỷ lệ") else "measure"
            top, bottom = parse(ind.numerator).codes, parse(ind.denominator).codes
            single = len(top) == 1 and len(bottom) == 1
            out.append(Figure(ind.code, ind.name, kind, ind.work_field, "%" if kind == "rate" else label, "",
                              next(iter(top)) if single else "", next(iter(bottom)) if single else ""))
    return out


def field_paragraphs(ctx: ReviewContext, figs: list[Figure], now: dict[str, Decimal],
                     before: dict[str, Decimal]) -> list[str]:
    """The field's figures in the register of the reports (``core.narrative``): each with its own
    verb, a count with its participants, its plan and its rate in one sentence; a missing figure
    says nothing."""
    plans = {f.plan_code for f in figs if f.plan_code}
    facts = [
        narrative.Fact(
            code=f.code, name=f.name, kind="plan" if f.code in plans else f.kind, now=now.get(f.code),
            before=before.get(f.code), plan=now.get(f.plan_code) if f.plan_code else None, unit_label=f.unit_label,
            numerator=f.numerator, denominator=f.denominator,
        )
        for f in figs
    ]
    return narrative.field_paragraphs(ctx.period, ctx.unit.name, facts)


def build(ctx: ReviewContext) -> DraftSection | None:
    figs = figures_for(ctx.unit, ctx.period)
    if not figs:
        return None
    codes = [f.code for f in figs]
    now = ctx.figures(codes + [f.plan_code for f in figs if f.plan_code], ctx.period)
    before = ctx.figures(codes, ctx.last_year)
    section = DraftSection(title=_("Results in the fields of work"))
    labels = dict(WorkField.choices)
    by_code = {f.code: f for f in figs}

    def field_of(fig: Figure) -> str:
        """A rate without a field of its own goes with the count it is the share of."""
        if not fig.work_field and fig.numerator in by_code:
            return by_code[fig.numerator].work_field
        return fig.work_field

    for field_code, label in [*WorkField.choices, ("", _("Other work"))]:
        in_field = [f for f in figs if field_of(f) == field_code]
        if not in_field:
            continue
        paragraphs = field_paragraphs(ctx, in_field, now, before)
        if not paragraphs:
            continue
        section.subsections.append(DraftSection(title=str(labels.get(field_code, label)), paragraphs=paragraphs))
    for f in figs:
        if f.code in now:
            section.figures[f.code] = now[f.code]
        elif not f.code.endswith(PLAN_SUFFIX):
            section.missing.append(f.name)
    section.suggestions.extend(_below_plan(ctx, figs))
    section.suggestions.extend(_not_sent(ctx))
    return section


def _below_plan(ctx: ReviewContext, figs: list[Figure]) -> list[Suggestion]:
    """Units one level below that fall short of a plan (an indicator "… so với kế hoạch")."""
    if ctx.children is None:
        return []
    plan_rates = [f for f in figs if f.kind == "rate" and "KE_HOACH" in f.code]
    out = []
    for fig in plan_rates:
        rows = ctx.children([fig.code], ctx.period)
        short = sorted((name, v[fig.code]) for name, v in rows.items() if fig.code in v and v[fig.code] < 100)
        if not short:
            continue
        listed = ", ".join(f"{name} ({narrative.rate(value)})" for name, value in short[:8])
        more = len(short) - 8
        text = _("%(count)s of the units below are behind plan on %(name)s: %(units)s") % {
            "count": narrative.count(len(short), _("units")), "name": narrative.lower_first(fig.name),
            "units": listed,
        }
        if more > 0:
            text += _(" and %(more)s more") % {"more": format_number(more)}
        out.append(Suggestion(key=f"below_plan:{fig.code}", text=narrative.sentence(text)))
    return out


def _not_sent(ctx: ReviewContext) -> list[Suggestion]:
    """Reports of the review's own period not sent, or sent late."""
    from .completeness import completeness

    out = []
    for ds in DataSet.objects.filter(period_type=ctx.period.type.value).order_by("code"):
        report = completeness(ds, ctx.unit, ctx.period)
        root = report.root
        if not root.expected:
            continue
        missing = root.expected - root.submitted
        late = root.submitted - root.on_time
        if missing <= 0 and late <= 0:
            continue
        parts = []
        if missing > 0:
            parts.append(_("%(n)s not sent") % {"n": narrative.count(missing, _("units"))})
        if late > 0:
            parts.append(_("%(n)s sent after the due date") % {"n": narrative.count(late, _("units"))})
        text = _("Of %(expected)s expected to send “%(dataset)s”, %(parts)s") % {
            "expected": narrative.count(root.expected, _("units")), "dataset": ds.name, "parts": ", ".join(parts),
        }
        out.append(Suggestion(key=f"not_sent:{ds.code}", text=narrative.sentence(text)))
    return out


SECTION = ReviewSection(code="reporting", part="results", order=10, build=build)


def register_section() -> None:
    register(SECTION)
