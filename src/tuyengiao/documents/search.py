"""Accent-insensitive ranked search over the document registry, with highlighted snippets.

Members type without diacritics ("nen tang tu tuong"), officials type symbols ("35-NQ"). On
PostgreSQL the text is folded by ``immutable_unaccent(lower(...))`` inside one weighted
``tsvector`` expression (title and symbol A, summary B, body C) that migration 0002 indexes with
GIN, next to a trigram index on the folded title for near misses; a symbol match ranks first.
Other databases (the SQLite demo) rank in Python over ``core.text.fold`` of the same fields.

Each result carries ``rank`` and a ``snippet``: an HTML-escaped fragment of the summary or body
with the matched words in ``<mark>``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import BooleanField, Case, F, FloatField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tuyengiao.core.html import html_to_text
from tuyengiao.core.text import fold

from .references import fold_keep_offsets

if TYPE_CHECKING:
    from .models import Document

SNIPPET_WIDTH = 180
_SYMBOL_QUERY = re.compile(r"(?<![a-z0-9])(\d{1,4})\s*[-‐‑–—]\s*([a-z]{1,8})(?:\s*/\s*([a-z0-9]{1,15}))?")
_TOKEN = re.compile(r"[a-z0-9]+(?:/[a-z0-9]+)*")


# Kind names as members type them, so "nghi quyet 35" finds 35-NQ/TW whatever its title says.
KIND_WORDS = {
    "resolution": "nghi quyet", "directive": "chi thi", "conclusion": "ket luan", "regulation": "quy dinh",
    "guidance": "huong dan", "plan": "ke hoach", "report": "bao cao", "notice": "thong bao",
    "official_letter": "cong van", "orientation": "dinh huong",
}  # fmt: skip


def _identity_sql(col: str) -> str:
    """Symbol (whole and in parts), number and the kind's name, as one text."""
    kinds = " ".join(f"WHEN '{kind}' THEN '{words}'" for kind, words in KIND_WORDS.items())
    return (
        f"coalesce({col}symbol, '') || ' ' || translate(coalesce({col}symbol, ''), '/-', '  ') || ' ' || "
        f"coalesce({col}number, '') || ' ' || (CASE {col}kind {kinds} ELSE '' END)"
    )


def search_vector_sql(table: str | None = None) -> str:
    """The indexed ``tsvector`` expression; must stay identical to the index of migration 0002."""
    col = f'"{table}".' if table else ""

    def part(expression: str, weight: str) -> str:
        folded = f"immutable_unaccent(lower({expression}))"
        return f"setweight(to_tsvector('simple'::regconfig, {folded}), '{weight}')"

    return "(" + " || ".join([
        part(f"coalesce({col}title, '')", "A"),
        part(_identity_sql(col), "A"),
        part(f"coalesce({col}summary, '')", "B"),
        part(f"regexp_replace(coalesce({col}body, ''), '<[^>]*>', ' ', 'g')", "C"),
    ]) + ")"


class Query:
    """A user's query, folded: words for full-text search and an optional symbol ("35-NQ")."""

    def __init__(self, raw: str) -> None:
        self.raw = raw or ""
        self.folded = fold(self.raw)
        symbol = _SYMBOL_QUERY.search(self.folded)
        self.symbol_number: str | None = None
        self.symbol_letters: str | None = None
        self.symbol_issuer: str | None = None
        if symbol:
            self.symbol_number = str(int(symbol.group(1)))
            self.symbol_letters = symbol.group(2)
            self.symbol_issuer = symbol.group(3)
        tokens = _TOKEN.findall(self.folded)
        # "số 35" is how a number is said; "chuyển đổi số" keeps its "số".
        following = [*tokens[1:], ""][:len(tokens)]
        pairs = zip(tokens, following, strict=True)
        self.tokens = [t for t, nxt in pairs if not (t == "so" and nxt[:1].isdigit())]
        # A number alone ("35") is most likely a document number.
        numbers = [t for t in self.tokens if t.isdigit()]
        self.number: str | None = str(int(numbers[0])) if len(numbers) == 1 and not symbol else None
        # Words to highlight: the plain words and the symbol's parts.
        self.words = [w for token in self.tokens for w in token.split("/") if w]

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def tsquery_text(self) -> str:
        """``to_tsquery`` input: every word required, the last one as a prefix (typing)."""
        parts = []
        for index, token in enumerate(self.tokens):
            prefix = index == len(self.tokens) - 1 and "/" not in token
            parts.append(f"'{token}'" + (":*" if prefix else ""))
        return " & ".join(parts)

    def symbol_regex(self) -> str | None:
        """POSIX regex on the folded, space-free symbol: "35-nq" -> ``^0*35-nq``."""
        if self.symbol_number is None:
            return None
        pattern = rf"^0*{self.symbol_number}-{self.symbol_letters}"
        if self.symbol_issuer:
            pattern += f"/{self.symbol_issuer}"
        return pattern


def search_documents(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents matching ``query``, best first, each with ``rank`` and ``snippet``.

    An empty query returns the queryset unchanged. Filters (kind, issuer, year, field) are the
    caller's plain queryset filters, before or after.
    """
    parsed = Query(query)
    if not parsed:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        results = _postgres(queryset, parsed)
    else:
        results = _python(queryset, parsed)
    results._iterable_class = type("SnippetIterable", (_SnippetIterable,), {"query": parsed})
    return results


def _postgres(queryset: QuerySet[Document], parsed: Query) -> QuerySet[Document]:
    table = queryset.model._meta.db_table
    vector = search_vector_sql(table)
    tsquery = "to_tsquery('simple'::regconfig, %s)"
    title = f'immutable_unaccent(lower("{table}".title))'
    symbol = f"""regexp_replace(immutable_unaccent(lower("{table}".symbol)), '\\s+', '', 'g')"""
    ts_text = parsed.tsquery_text()
    symbol_regex = parsed.symbol_regex()

    matches = [f"{vector} @@ {tsquery}", f"%s <%% {title}"]
    match_params: list[Any] = [ts_text, parsed.folded]
    rank_sql = (
        f"ts_rank({vector}, {tsquery}) + 0.5 * word_similarity(%s, {title})"
        f" + CASE WHEN strpos({title}, %s) > 0 THEN 1.0 ELSE 0.0 END"
    )
    rank_params: list[Any] = [ts_text, parsed.folded, parsed.folded]
    if parsed.number is not None:
        rank_sql += f""" + CASE WHEN ltrim("{table}".number, '0') = %s THEN 2.0 ELSE 0.0 END"""
        rank_params.append(parsed.number)
    if symbol_regex:
        matches.append(f"{symbol} ~ %s")
        match_params.append(symbol_regex)
        rank_sql += f" + CASE WHEN {symbol} ~ %s THEN 10.0 ELSE 0.0 END"
        rank_params.append(symbol_regex)
    # Only fixed SQL is interpolated; every user-typed value goes in as a parameter.
    matched = RawSQL("(" + " OR ".join(matches) + ")", match_params, output_field=BooleanField())  # noqa: S611
    rank = RawSQL(rank_sql, rank_params, output_field=FloatField())  # noqa: S611
    return (
        queryset.filter(matched)
        .annotate(rank=rank)
        .order_by("-rank", F("issued_on").desc(nulls_last=True), "-pk")
    )


def _python(queryset: QuerySet[Document], parsed: Query) -> QuerySet[Document]:
    """Rank in Python over folded fields: fine for a demo registry of a few hundred documents."""
    symbol_regex = parsed.symbol_regex()
    scores: dict[int, float] = {}
    rows = queryset.values_list("pk", "title", "symbol", "number", "kind", "summary", "body")
    for pk, title, symbol, number, kind, summary, body in rows:
        identity = f"{symbol} {re.sub(r'[/-]', ' ', symbol or '')} {number} {KIND_WORDS.get(kind, '')}"
        fields = {
            "title": fold(title or ""), "symbol": fold(identity), "summary": fold(summary or ""),
            "body": fold(html_to_text(body or "")),
        }
        score = 0.0
        if symbol_regex and re.search(symbol_regex, re.sub(r"\s+", "", fold(symbol or ""))):
            score += 10.0
        words_found = True
        for index, word in enumerate(parsed.words):
            last = index == len(parsed.words) - 1
            pattern = re.compile(rf"(?<![a-z0-9]){re.escape(word)}" + ("" if last else r"(?![a-z0-9])"))
            hits = {name: len(pattern.findall(text)) for name, text in fields.items()}
            if not any(hits.values()):
                words_found = False
                continue
            score += 0.4 * bool(hits["title"] or hits["symbol"]) + 0.2 * bool(hits["summary"])
            score += 0.1 * min(hits["body"], 5) / 5
        if not words_found and score < 10:
            continue
        if parsed.folded and parsed.folded in fields["title"]:
            score += 1.0
        if parsed.number is not None and (number or "").lstrip("0") == parsed.number:
            score += 2.0
        scores[pk] = score
    if not scores:
        return queryset.none()
    ranked = sorted(scores, key=lambda pk: -scores[pk])
    rank = Case(*(When(pk=pk, then=Value(scores[pk])) for pk in ranked), output_field=FloatField())
    return (
        queryset.filter(pk__in=ranked)
        .annotate(rank=rank)
        .order_by("-rank", F("issued_on").desc(nulls_last=True), "-pk")
    )


# --------------------------------------------------------------------------------------------
# Snippets


class _SnippetIterable(ModelIterable):
    query: Query

    def __iter__(self) -> Iterator[Any]:
        for obj in super().__iter__():
            obj.snippet = snippet_for(obj, self.query)
            yield obj


def snippet_for(document: Document, query: Query | str) -> SafeString:
    """The summary or body fragment that best shows why the document matched."""
    parsed = query if isinstance(query, Query) else Query(query)
    texts = [document.summary or "", html_to_text(document.body or ""), document.title or ""]
    for text in texts:
        if text and _spans(text, parsed.words):
            return highlight(text, parsed.words)
    return highlight(next((t for t in texts if t), ""), [])


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Original-text spans of the query's words, accent-insensitively: whole words, except the
    last one, which may be unfinished (as the search treats it)."""
    if not words:
        return []
    folded, index = fold_keep_offsets(text, lower=True)
    whole = {re.escape(w) + r"(?![a-z0-9])" for w in words[:-1]}
    alternatives = sorted(whole | {re.escape(words[-1])}, key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + ")")
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        start = index[match.start()]
        end = index[match.end() - 1] + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        # Extend to the end of the word so "tuyen" marks all of "Tuyên".
        while end < len(text) and (text[end].isalnum() or unicodedata.combining(text[end])):
            end += 1
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def highlight(text: str, words: list[str], width: int = SNIPPET_WIDTH) -> SafeString:
    """About ``width`` characters around the first match, escaped, matches in ``<mark>``."""
    text = re.sub(r"\s+", " ", text).strip()
    spans = _spans(text, words)
    if spans:
        first = spans[0][0]
        start = max(0, first - width // 3)
        if start:
            space = text.find(" ", start, first)
            start = space + 1 if space != -1 else start
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (spans[0][1] if spans else start) else end
    out = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(escape(text[cursor:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


__all__ = ["Query", "highlight", "search_documents", "search_vector_sql", "snippet_for"]
