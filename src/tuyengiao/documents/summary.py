"""A draft extractive summary of a long document body, for an official to edit.

Sentences are ranked TextRank-style over TF-IDF vectors of Vietnamese words (underthesea keeps
"nghị quyết" or "tư tưởng" as one word), with a prior for the opening sentences and a bonus for
sentences that carry figures or targets, which is what members look for. The chosen sentences keep
their original order and wording: the draft never says anything the document does not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from tuyengiao.core.html import html_to_text, looks_like_html

if TYPE_CHECKING:
    from .models import Document

_DAMPING = 0.85
_ITERATIONS = 60
_MIN_WORDS = 5
_LONG_WORDS = 70

# Function words that say nothing about a sentence's topic.
_STOPWORDS = {
    "và", "của", "các", "là", "có", "được", "cho", "với", "trong", "những", "này", "đã", "để", "theo",
    "từ", "một", "không", "về", "thì", "mà", "như", "khi", "đến", "tại", "trên", "ra", "vào", "cũng",
    "còn", "nhằm", "đó", "lại", "nên", "sẽ", "đang", "bị", "do", "qua", "nữa", "rất", "hơn", "hay",
    "hoặc", "nhưng", "vì", "nếu", "việc", "sự", "thực hiện", "tiếp tục", "cần", "phải",
}  # fmt: skip
_TARGET_WORDS = re.compile(
    r"\b(chỉ tiêu|mục tiêu|phấn đấu|đạt|tăng|giảm|hoàn thành|100%|tỷ lệ|ít nhất|tối thiểu|đến năm)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")
_ENDS_SENTENCE = re.compile(r"[.!?…:;\"”’)]\s*$")
_WORD = re.compile(r"\w+", re.UNICODE)
_FALLBACK_SENTENCE = re.compile(r"(?<=[.!?…;])\s+(?=[\"“(]?[A-ZÀ-Ỹ0-9Đ])")


def _fallback_sentences(text: str) -> list[str]:
    return [part.strip() for part in _FALLBACK_SENTENCE.split(text) if part.strip()]


def _fallback_words(sentence: str) -> list[str]:
    return _WORD.findall(sentence)


def _tools() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    """underthesea's splitter and tokenizer, imported on first use; plain regexes without it."""
    try:
        from underthesea import sent_tokenize, word_tokenize
    except Exception:  # an import that fails for any reason must not stop the draft
        return _fallback_sentences, _fallback_words
    return sent_tokenize, word_tokenize


def split_sentences(text: str) -> list[str]:
    """Sentences of a plain text, paragraph by paragraph (a heading is its own sentence)."""
    sent_tokenize, _ = _tools()
    sentences: list[str] = []
    for paragraph in re.split(r"\n+", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        try:
            parts = sent_tokenize(paragraph)
        except Exception:
            parts = _fallback_sentences(paragraph)
        sentences.extend(part.strip() for part in parts if part.strip())
    return sentences


def _terms(sentence: str, word_tokenize: Callable[[str], list[str]]) -> list[str]:
    try:
        words = word_tokenize(sentence)
    except Exception:
        words = _fallback_words(sentence)
    terms = []
    for word in words:
        low = word.lower().strip()
        if not low or not any(ch.isalnum() for ch in low) or low in _STOPWORDS:
            continue
        terms.append(low)
    return terms


def _scores(term_lists: list[list[str]]) -> list[float]:
    """TextRank over TF-IDF cosine similarity; deterministic power iteration."""
    count = len(term_lists)
    documents = Counter(term for terms in term_lists for term in set(terms))
    vectors: list[dict[str, float]] = []
    for terms in term_lists:
        frequencies = Counter(terms)
        vector = {t: (1 + math.log(n)) * math.log(1 + count / documents[t]) for t, n in frequencies.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
    weights = [[0.0] * count for _ in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            small, large = sorted((vectors[i], vectors[j]), key=len)
            similarity = sum(value * large.get(term, 0.0) for term, value in small.items())
            weights[i][j] = weights[j][i] = similarity
    totals = [sum(row) for row in weights]
    incoming = [
        [(j, weights[j][i] / totals[j]) for j in range(count) if weights[j][i] and totals[j]]
        for i in range(count)
    ]
    rank = [1.0 / count] * count
    for _ in range(_ITERATIONS):
        rank = [
            (1 - _DAMPING) / count + _DAMPING * sum(share * rank[j] for j, share in incoming[i])
            for i in range(count)
        ]
    return rank


def rank_sentences(sentences: list[str]) -> list[float]:
    """A score per sentence: centrality, position prior, figures and targets, length."""
    _, word_tokenize = _tools()
    term_lists = [_terms(sentence, word_tokenize) for sentence in sentences]
    centrality = _scores(term_lists)
    top = max(centrality) or 1.0
    count = len(sentences)
    scores = []
    for index, (sentence, terms) in enumerate(zip(sentences, term_lists, strict=True)):
        score = centrality[index] / top
        score += 0.35 / (1 + index)  # the opening states the purpose
        if count > 3 and index == count - 1:
            score += 0.05  # the closing often states the task
        if _NUMBER.search(sentence):
            score += 0.15
        if _TARGET_WORDS.search(sentence):
            score += 0.15
        if not _ENDS_SENTENCE.search(sentence):
            score *= 0.2  # a heading or a caption, not a sentence
        if len(terms) < _MIN_WORDS:
            score *= 0.4  # fragments
        elif len(terms) > _LONG_WORDS:
            score *= 0.7  # a long list reads badly as a summary
        scores.append(score)
    return scores


def draft_summary(text_or_html: str, max_sentences: int = 5) -> str:
    """The best ``max_sentences`` sentences of the text, in their original order."""
    if max_sentences < 1 or not text_or_html or not text_or_html.strip():
        return ""
    text = html_to_text(text_or_html) if looks_like_html(text_or_html) else text_or_html
    sentences = split_sentences(text)
    if len(sentences) <= max_sentences:
        return " ".join(sentences)
    scores = rank_sentences(sentences)
    best = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:max_sentences]
    return " ".join(sentences[i] for i in sorted(best))


def apply_draft_summary(document: Document, max_sentences: int = 5) -> bool:
    """Fill an empty summary with a draft marked as such; a person's summary is never replaced.

    The caller saves; saving the form by a person clears ``summary_is_draft``.
    """
    if document.summary and not document.summary_is_draft:
        return False
    document.summary = draft_summary(document.body or "", max_sentences)
    document.summary_is_draft = bool(document.summary)
    return True
