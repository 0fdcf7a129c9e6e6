"""Vietnamese text: accent folding for search and a collation key for sorting.

Python's default ordering puts "Đ" after "Z" and "Â" after "A" by code point; boards expect
the Vietnamese alphabet (a ă â b c d đ e ê …) with tones weighed only after letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# Combining marks that make separate letters (ă â ê ô ơ ư) versus tone marks.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Đảng bộ Chí Linh" -> "dang bo chi linh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """Split text into (base letter with its vowel marks, tone, is_upper)."""
    out: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        letter = base.lower()
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in (_BREVE, _CIRCUMFLEX, _HORN):
                letter = unicodedata.normalize("NFC", letter + mark)
        out.append((letter, tone, base.isupper()))
    return out


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Sort key in Vietnamese dictionary order: letters first, then tones, then case."""
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for letter, tone, upper in _letters(_SPACES.sub(" ", text.strip())):
        if letter in _RANK:
            primary.append(1000 + _RANK[letter])
        elif letter.isdigit():
            primary.append(100 + int(letter))
        elif letter == " ":
            primary.append(1)
        else:
            primary.append(2000 + ord(letter))
        tones.append(tone)
        cases.append(1 if upper else 0)
    return tuple(primary), tuple(tones), tuple(cases)


def vn_sorted(items: Iterable[T], key: Callable[[T], object] = lambda item: item) -> list[T]:
    """Sort any iterable by a text key in Vietnamese order."""
    return sorted(items, key=lambda item: collation_key(str(key(item))))


def matches(query: str, text: str) -> bool:
    """Accent-insensitive containment: "chi linh" matches "Thành phố Chí Linh"."""
    return fold(query) in fold(text)
