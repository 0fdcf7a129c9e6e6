"""Lists of codes typed in a box or a query string: ``HT_SO_BUOI;TL_THAM_GIA`` or ``2024S1, 2024S2``."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[;,\s]+")


def parse_codes(text: str | None) -> list[str]:
    """Split on ``;``, ``,`` or spaces, drop blanks and repeats, keep the order given.

    The pivot page and the API read element, indicator and period lists through this one function,
    so a list that works in one works in the other.
    """
    seen: dict[str, None] = {}
    for part in _SEPARATORS.split(text or ""):
        if part:
            seen.setdefault(part, None)
    return list(seen)
