"""Free text of a concern report cleaned of anything that points to a person, before it is stored.

Removed: e-mail addresses, phone numbers (Vietnamese mobile and landline, with or without +84, written
with spaces, dots or dashes), ID-card numbers (9-digit identity cards, 12-digit citizen cards) and
personal names marked as such: a name after a form of address ("ông Nguyễn Văn A", "chị Lan",
"đ/c Hùng") or written in square brackets ("[Nguyễn Văn A]"). Each is replaced by a placeholder
saying what was there, and the caller is told how many of each kind went.

Amounts written with thousands separators ("1.250.000.000 đồng") are not numbers of a person and stay.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
WORD = f"[{UPPER}][{LOWER}]*"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits that may be split by single spaces, dots or dashes, optionally after "+".
DIGITS = re.compile(r"(?<![\w.,])\+?\d(?:[ .\-]?\d){7,13}(?![\w]|[.,]\d)")
AMOUNT = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+$")  # 1.250.000: a sum of money, not a number of a person
HONORIFIC = re.compile(
    rf"(?<!\w)((?i:ông|bà|anh|chị|cô|chú|bác|cụ|em|cháu|đồng chí|đ/c)\s+)({WORD}(?:\s+{WORD}){{0,3}})"
)
BRACKETED = re.compile(rf"\[\s*({WORD}(?:\s+{WORD}){{0,4}})\s*\]")

KINDS = {
    "email": gettext_lazy("e-mail address"),
    "phone": gettext_lazy("phone number"),
    "id": gettext_lazy("ID-card number"),
    "name": gettext_lazy("personal name"),
}
PLACEHOLDERS = {
    "email": gettext_lazy("[e-mail removed]"),
    "phone": gettext_lazy("[phone number removed]"),
    "id": gettext_lazy("[ID number removed]"),
    "name": gettext_lazy("[name removed]"),
}


@dataclass
class Scrubbed:
    text: str
    removed: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        """ "01 số điện thoại, 01 địa chỉ thư điện tử" ("" when nothing was removed)."""
        return ", ".join(f"{n:02d} {KINDS[kind]}" for kind, n in sorted(self.removed.items()) if n)


def _digit_kind(match: str) -> str | None:
    digits = re.sub(r"\D", "", match)
    if AMOUNT.match(match):
        return None
    if match.startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        return "phone"
    if len(digits) == 12:
        return "id"
    if len(digits) == 10 and digits.startswith("0"):
        return "phone"
    if len(digits) == 11 and digits.startswith("02"):
        return "phone"  # landline with the area code
    if len(digits) >= 9:
        return "id"  # 9-digit identity cards, and any other long number that may point to a person
    return None


def scrub(text: str) -> Scrubbed:
    """The text with every personal detail replaced, and what was removed."""
    text = unicodedata.normalize("NFC", text or "")
    removed: Counter[str] = Counter()

    def email(m: re.Match[str]) -> str:
        removed["email"] += 1
        return str(PLACEHOLDERS["email"])

    def number(m: re.Match[str]) -> str:
        kind = _digit_kind(m.group(0))
        if kind is None:
            return m.group(0)
        removed[kind] += 1
        return str(PLACEHOLDERS[kind])

    def named(m: re.Match[str]) -> str:
        removed["name"] += 1
        return m.group(1) + str(PLACEHOLDERS["name"])

    def bracketed(m: re.Match[str]) -> str:
        removed["name"] += 1
        return str(PLACEHOLDERS["name"])

    text = EMAIL.sub(email, text)
    text = DIGITS.sub(number, text)
    text = BRACKETED.sub(bracketed, text)
    text = HONORIFIC.sub(named, text)
    return Scrubbed(text=text, removed=removed)


def told(removed: Counter[str]) -> str:
    """What the official is told after saving ("" when nothing was removed)."""
    if not sum(removed.values()):
        return ""
    return _("Removed before saving, so that no one can be identified: %(what)s.") % {
        "what": Scrubbed("", removed).describe()}
