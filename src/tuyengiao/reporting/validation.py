"""Validation rules of a data set: which hold, which do not, and how to say so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tuyengiao.core.periods import Period
from tuyengiao.org.models import Unit

from .expressions import ExpressionError, parse
from .models import DataSet, DataValue, ValidationRule


@dataclass
class Violation:
    rule: ValidationRule
    left: Decimal
    right: Decimal

    @property
    def message(self) -> str:
        from .wording import rule_message

        return rule_message(self.rule, self.left, self.right)


def values_map(unit: Unit, period: Period, codes: Iterable[str] | None = None) -> dict[str, Decimal | None]:
    qs = DataValue.objects.filter(unit=unit, period=period.code, value__isnull=False)
    if codes is not None:
        qs = qs.filter(element__code__in=list(codes))
    return dict(qs.values_list("element__code", "value"))


def check_rules(
    dataset: DataSet, unit: Unit, period: Period, values: dict[str, Decimal | None] | None = None
) -> list[Violation]:
    """Rules whose both sides have values and do not hold (a missing side is skipped).

    A rule may name derived elements (``#{DV_SO_LUONG}``: members the tree already knows);
    those come from the analytics service for this unit and period.
    """
    from tuyengiao.core import providers

    values = dict(values) if values is not None else values_map(unit, period)
    out: list[Violation] = []
    parsed = []
    for rule in dataset.rules.all():
        try:
            parsed.append((rule, parse(rule.left), parse(rule.right)))
        except ExpressionError:
            continue
    derived = {
        c for _r, left, right in parsed for c in left.codes | right.codes if providers.get(c) is not None
    }
    if derived:
        from . import analytics

        for row in analytics.values(sorted(derived), [period], unit):
            values[row.dx] = row.value
    for rule, left_expr, right_expr in parsed:
        left = left_expr.evaluate(values)
        right = right_expr.evaluate(values)
        if left is None or right is None:
            continue
        if not rule.holds(left, right):
            out.append(Violation(rule, left, right))
    return out


