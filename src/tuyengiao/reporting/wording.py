"""Validation-rule messages in the rule's own words, with the figures named, not in formula jargon.

"Số lượt đảng viên tham gia không được lớn hơn số đảng viên được triệu tập. Đã nhập: Số lượt đảng
viên tham gia 9; Số đảng viên được triệu tập 6." instead of "vế trái 9 ≤ vế phải 6 không thỏa".
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from tuyengiao.core import providers
from tuyengiao.core.numbers import format_number

from .models import DataElement, ValidationRule

_CODE = re.compile(r"#\{([A-Za-z0-9_.]+)\}")
_SIGNS = {"*": " × ", "/": " ÷ ", "+": " + ", "-": " − "}


def side_in_words(expression: str, names: dict[str, str]) -> str:
    """``#{LL_LOP_KE_HOACH} * 2`` -> "Số lớp theo kế hoạch × 2"."""
    text = _CODE.sub(lambda m: names.get(m.group(1).upper(), m.group(1)), expression.strip())
    text = re.sub(r"\s*([*/+-])\s*", lambda m: _SIGNS[m.group(1)], text)
    return text[:1].upper() + text[1:]


def rule_message(rule: ValidationRule, left: Decimal, right: Decimal) -> str:
    """The rule's message, then what each side came to, each named as the form names it."""
    codes = {c.upper() for c in _CODE.findall(rule.left + " " + rule.right)}
    names = dict(DataElement.objects.filter(code__in=codes).values_list("code", "name"))
    names |= {c: d.name for c in codes if c not in names and (d := providers.get(c)) is not None}
    message = rule.message.strip().rstrip(".") or rule.name
    return _("%(message)s. Figures entered: %(left_side)s: %(left)s; %(right_side)s: %(right)s.") % {
        "message": message,
        "left_side": side_in_words(rule.left, names),
        "left": format_number(left),
        "right_side": side_in_words(rule.right, names),
        "right": format_number(right),
    }
