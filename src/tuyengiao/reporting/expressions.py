"""A small, safe arithmetic language over data element codes: ``#{HOC_TAP} * 100 / #{DV_SO_LUONG}``.

Indicators and validation rules are data typed by board officials, so they are parsed here
(a recursive-descent parser over + − × ÷ and parentheses) and never handed to ``eval``.
Division by zero and a missing operand give ``None`` (no value), as boards expect "—" rather
than an error in a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import UserError

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:[.,]\d+)?)|#\{(?P<code>[A-Za-z0-9_.]+)\}|(?P<op>[-+*/×÷−()]))")
_OPS = {"×": "*", "÷": "/", "−": "-"}


class ExpressionError(UserError):
    """The expression cannot be parsed or names an unknown code."""


Node = tuple  # ("num", Decimal) | ("ref", code) | ("neg", node) | (op, left, right)


@dataclass(frozen=True)
class Expression:
    text: str
    tree: Node

    @property
    def codes(self) -> set[str]:
        found: set[str] = set()

        def walk(node: Node) -> None:
            if node[0] == "ref":
                found.add(node[1])
            elif node[0] == "neg":
                walk(node[1])
            elif node[0] in "+-*/":
                walk(node[1])
                walk(node[2])

        walk(self.tree)
        return found

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        return _eval(self.tree, values)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(
                _("The expression “%(text)s” has an invalid character at position %(pos)d: “%(near)s”.")
                % {"text": text, "pos": pos + 1, "near": text[pos:].strip()[:10]}
            )
        if match["num"] is not None:
            out.append(("num", match["num"].replace(",", ".")))
        elif match["code"] is not None:
            out.append(("ref", match["code"].upper()))
        else:
            out.append(("op", _OPS.get(match["op"], match["op"])))
        pos = match.end()
    return out


def parse(text: str) -> Expression:
    """Parse or raise ``ExpressionError`` with a Vietnamese reason."""
    if not text or not text.strip():
        raise ExpressionError(_("The expression is empty."))
    tokens = _tokens(text)
    pos = 0

    def peek() -> tuple[str, str] | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        return token

    def expr() -> Node:
        node = term()
        while (tok := peek()) and tok in (("op", "+"), ("op", "-")):
            take()
            node = (tok[1], node, term())
        return node

    def term() -> Node:
        node = factor()
        while (tok := peek()) and tok in (("op", "*"), ("op", "/")):
            take()
            node = (tok[1], node, factor())
        return node

    def factor() -> Node:
        tok = peek()
        if tok is None:
            raise ExpressionError(
                _("The expression “%(text)s” ends too early: a number or element code is missing.")
                % {"text": text}
            )
        take()
        if tok == ("op", "-"):
            return ("neg", factor())
        if tok == ("op", "+"):
            return factor()
        if tok == ("op", "("):
            node = expr()
            if peek() != ("op", ")"):
                raise ExpressionError(
                    _("The expression “%(text)s” lacks a closing parenthesis “)”.") % {"text": text}
                )
            take()
            return node
        if tok[0] == "num":
            return ("num", Decimal(tok[1]))
        if tok[0] == "ref":
            return ("ref", tok[1])
        raise ExpressionError(
            _("The expression “%(text)s” has “%(token)s” in the wrong place.")
            % {"text": text, "token": tok[1]}
        )

    tree = expr()
    if pos != len(tokens):
        raise ExpressionError(
            _("The expression “%(text)s” has something extra after “%(token)s”.")
            % {"text": text, "token": tokens[pos - 1][1]}
        )
    return Expression(text, tree)


def check(text: str, known: Callable[[str], bool]) -> Expression:
    """Parse and verify every ``#{CODE}`` names something that exists."""
    expression = parse(text)
    unknown = sorted(code for code in expression.codes if not known(code))
    if unknown:
        raise ExpressionError(
            _("The expression “%(text)s” uses codes that are not in the catalogue: %(codes)s.")
            % {"text": text, "codes": ", ".join(unknown)}
        )
    return expression


def _eval(node: Node, values: Mapping[str, Decimal | None]) -> Decimal | None:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "ref":
        return values.get(node[1])
    if kind == "neg":
        inner = _eval(node[1], values)
        return None if inner is None else -inner
    left = _eval(node[1], values)
    right = _eval(node[2], values)
    if left is None or right is None:
        return None
    try:
        if kind == "+":
            return left + right
        if kind == "-":
            return left - right
        if kind == "*":
            return left * right
        if right == 0:
            return None
        return left / right
    except (DivisionByZero, InvalidOperation):
        return None
