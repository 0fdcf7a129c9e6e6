"""References to Party documents in free Vietnamese text: a pure parser, no database.

Linking what it finds to the registry is ``linking.py``'s work.

Reports cite documents in many shapes ("Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính
trị", "Chỉ thị 05 của Bộ Chính trị", "Nghị quyết Trung ương 4 (khóa XII)", "Nghị quyết Đại hội
XIII của Đảng", a bare "35-NQ/TW"). Matching runs on an accent-folded copy of the text that keeps a
map back to the original, so "khoá"/"khóa", "uỷ"/"ủy" and decomposed Unicode all match while
every span still indexes the text exactly as the caller gave it.

State documents ("Nghị định", "Nghị quyết số 01/NQ-CP", anything "của Chính phủ") are not
Party documents and are left alone; so is a plain "nghị quyết" that names no document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from tuyengiao.core.text import fold

from .choices import KIND_ABBREVIATIONS

KINDS = (
    "resolution", "directive", "conclusion", "regulation", "guidance", "plan", "report", "notice",
    "official_letter",
)  # fmt: skip

# Letters of a symbol (folded, upper-case) -> kind.
SYMBOL_KINDS = {
    "NQ": "resolution", "CT": "directive", "KL": "conclusion", "QD": "regulation", "QDI": "regulation",
    "HD": "guidance", "KH": "plan", "BC": "report", "TB": "notice", "CV": "official_letter",
}  # fmt: skip

NATIONAL_CONGRESS = "Đại hội đại biểu toàn quốc"
CENTRAL_COMMITTEE = "Ban Chấp hành Trung ương"


@dataclass(frozen=True)
class FoundReference:
    """One reference found in a text; ``text`` is exactly ``source[start:end]``."""

    text: str
    start: int
    end: int
    kind: str
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    term: str | None = None
    date: dt.date | None = None
    plenum: int | None = None  # "Trung ương 4": the plenum, not a document number

    @property
    def full_symbol(self) -> str | None:
        """ "35-NQ/TW" when both parts are known."""
        if self.number and self.symbol:
            return f"{self.number}-{self.symbol}"
        return None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("plenum")
        data["date"] = self.date.isoformat() if self.date else None
        return data


# --------------------------------------------------------------------------------------------
# Folding with offsets


def fold_keep_offsets(text: str, lower: bool = False) -> tuple[str, list[int]]:
    """Strip diacritics (đ -> d) and return the folded text with, per folded character, the
    index of the original character it came from. Combining marks vanish into their letter."""
    out: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        if char in "đĐ":
            pieces = "d" if char == "đ" else "D"
        elif char.isascii():
            pieces = char
        else:
            decomposed = unicodedata.normalize("NFD", char)
            pieces = "".join(c for c in decomposed if not unicodedata.combining(c))
            if not pieces:
                continue  # a lone combining mark belongs to the letter before it
        if lower:
            lowered = pieces.lower()
            pieces = lowered if len(lowered) == len(pieces) else pieces
        for piece in pieces:
            out.append(piece)
            index.append(position)
    return "".join(out), index


class _Folded:
    """The folded text of a source with the way back to original offsets."""

    def __init__(self, text: str) -> None:
        self.source = text
        self.text, self._index = fold_keep_offsets(text)

    def start(self, folded_pos: int) -> int:
        return self._index[folded_pos]

    def end(self, folded_end: int) -> int:
        """Original end offset for a folded end; trailing combining marks stay with their letter."""
        end = self._index[folded_end - 1] + 1
        while end < len(self.source) and unicodedata.combining(self.source[end]):
            end += 1
        return end

    def original(self, start: int, end: int) -> str:
        """The original text of a folded span, NFC, spaces collapsed."""
        raw = self.source[self.start(start):self.end(end)]
        return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw)).strip()


# --------------------------------------------------------------------------------------------
# Patterns (on folded text: no diacritics, case kept; IGNORECASE unless scoped otherwise)

H = r"[^\S\r\n]"  # horizontal white space
DASH = r"[-‐‑‒–—]"
ROMAN = r"(?-i:(?=[IVXL])L?X{0,3}(?:IX|IV|VI{0,3}|I{1,3})?)(?![A-Za-z0-9])"
_ORDINALS = {
    "nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
    "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "muoi ba": 13, "muoi bon": 14,
    "muoi lam": 15, "muoi sau": 16, "muoi bay": 17, "muoi tam": 18,
}  # fmt: skip
ORDINAL_WORD = "|".join(sorted((w.replace(" ", H + "+") for w in _ORDINALS), key=len, reverse=True))
FLAGS = re.IGNORECASE

NOUNS = {
    "resolution": r"nghi" + H + r"+quyet|(?-i:NQ)",
    "directive": r"chi" + H + r"+thi",
    "conclusion": r"ket" + H + r"+luan|(?-i:KL)",
    "regulation": r"qu[yi]" + H + r"+dinh",
    "guidance": r"huong" + H + r"+dan",
    "plan": r"ke" + H + r"+hoach",
    "report": r"bao" + H + r"+cao",
    "notice": r"thong" + H + r"+bao(?:" + H + r"+ket" + H + r"+luan)?",
    "official_letter": r"cong" + H + r"+van",
    "decision": r"quyet" + H + r"+dinh",  # "Quyết định số 99-QĐ/TW": filed with the QĐ regulations
}
STRONG_NOUNS = {"resolution", "directive", "conclusion", "regulation"}
NOUN_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(f"(?P<{kind}>{rx})" for kind, rx in NOUNS.items())
    + r")(?![A-Za-z0-9])",
    FLAGS,
)

NUMBER_RE = re.compile(
    rf"(?:{H}+so(?:{H}*[:.])?)?{H}+(?P<number>\d{{1,4}})(?![\d/]|[.,]\d)", FLAGS
)
SYMBOL_AFTER_NUMBER_RE = re.compile(
    rf"{H}*{DASH}{H}*(?P<symbol>[A-Za-z]{{1,8}}(?:{H}*/{H}*[A-Za-z0-9]{{1,15}}){{0,3}})(?![A-Za-z0-9])"
)
BARE_SYMBOL_RE = re.compile(
    rf"(?<![\w/.\-])(?P<number>\d{{1,4}}){H}*{DASH}{H}*"
    rf"(?P<symbol>(?P<code>NQ|CT|KL|QDi|QD|HD|KH|BC|TB|CV){H}*/{H}*[A-Za-z0-9]{{1,15}}"
    rf"(?:{H}*/{H}*[A-Za-z0-9]{{1,15}}){{0,2}})(?![A-Za-z0-9])",
    FLAGS,
)

# Committee words: Tỉnh ủy, Thành ủy, Huyện ủy, Quận ủy, Thị ủy, Đảng ủy.
_COMMITTEES = {"tinh": "Tỉnh ủy", "thanh": "Thành ủy", "huyen": "Huyện ủy", "quan": "Quận ủy",
               "thi": "Thị ủy", "dang": "Đảng ủy"}  # fmt: skip
COMMITTEE = rf"(?P<committee>tinh|thanh|huyen|quan|thi|dang){H}+uy"
_NOT_NAMES = r"(?:Khoa|Ngay|Ve|Va|Lan|Nhiem|Hoi|So|Tai|Trong|Tren|Nam|Thang|Cua|Ban|Nghi|Chi|Ket|Quy|Huong)"
NAME = rf"(?P<name>(?:{H}+(?!{_NOT_NAMES}(?![A-Za-z]))(?-i:[A-Z][A-Za-z]*)(?![A-Za-z0-9])){{0,4}})"
ISSUER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("politburo", re.compile(rf"bo{H}+chinh{H}+tri|(?-i:BCT)(?![A-Za-z])", FLAGS)),
    ("secretariat", re.compile(rf"ban{H}+bi{H}+thu(?:{H}+trung{H}+uong(?:{H}+dang)?)?", FLAGS)),
    ("central_committee", re.compile(
        rf"(?:ban{H}+chap{H}+hanh|(?-i:BCH)){H}*(?:trung{H}+uong|(?-i:TW))"
        rf"(?:{H}+dang(?:{H}+cong{H}+san{H}+viet{H}+nam)?)?(?![A-Za-z0-9])", FLAGS)),
    # A bare "Trung ương" names the issuer only after "của"/"do".
    ("central_plain", re.compile(rf"trung{H}+uong(?:{H}+dang)?(?![A-Za-z0-9])", FLAGS)),
    ("standing", re.compile(rf"(?:ban{H}+thuong{H}+vu|(?-i:BTV)){H}+{COMMITTEE}{NAME}", FLAGS)),
    ("board", re.compile(
        rf"ban{H}+tuyen{H}+giao(?P<dv>{H}+va{H}+dan{H}+van)?{H}+(?:(?P<central>trung{H}+uong)|{COMMITTEE}{NAME})",
        FLAGS)),
    ("committee", re.compile(rf"{COMMITTEE}(?![A-Za-z]){NAME}", FLAGS)),
]
STATE_ISSUER_RE = re.compile(
    rf"{H}*,?{H}*(?:cua{H}+)?(?:chinh{H}+phu|quoc{H}+hoi|thu{H}+tuong|hoi{H}+dong{H}+nhan{H}+dan|(?-i:HDND|UBND)"
    rf"|uy{H}+ban{H}+nhan{H}+dan|(?-i:Bo){H}+(?!chinh{H}+tri)(?-i:[A-Z]))",
    FLAGS,
)

DATE_NUMERIC_RE = re.compile(
    rf"(?P<lead>(?:ban{H}+hanh{H}+)?ngay{H}*)?(?P<d>\d{{1,2}}){H}*(?P<sep>[/.-]){H}*(?P<m>\d{{1,2}})"
    rf"{H}*(?P=sep){H}*(?P<y>\d{{4}})(?!\d)",
    FLAGS,
)
DATE_WORDS_RE = re.compile(
    rf"(?:ban{H}+hanh{H}+)?ngay{H}+(?P<d>\d{{1,2}}){H}+thang{H}+(?P<m>\d{{1,2}}){H}*,?{H}*nam{H}+(?P<y>\d{{4}})(?!\d)",
    FLAGS,
)
TERM_RE = re.compile(rf"khoa{H}+(?:(?P<roman>{ROMAN})|(?P<arabic>\d{{1,2}})(?!\d))", FLAGS)
PLENUM_RE = re.compile(
    rf"(?:cua{H}+)?hoi{H}+nghi{H}+(?:lan{H}+thu{H}+(?P<ord1>{ORDINAL_WORD}|\d{{1,2}}|{ROMAN}){H}+)?"
    rf"(?:(?:ban{H}+chap{H}+hanh|(?-i:BCH)){H}*)?(?:trung{H}+uong|(?-i:TW|TU))(?:{H}+dang)?"
    rf"(?:{H}*(?P<ord2>\d{{1,2}})(?!\d)|{H}+lan{H}+thu{H}+(?P<ord3>{ORDINAL_WORD}|\d{{1,2}}|{ROMAN})(?![A-Za-z0-9]))?",
    FLAGS,
)
TERM_YEARS_RE = re.compile(rf"nhiem{H}+ky{H}+\d{{4}}{H}*{DASH}{H}*\d{{4}}", FLAGS)

# Cores that follow a kind noun without a number.
CENTRAL_CORE_RE = re.compile(
    rf"{H}+(?:cua{H}+)?(?:hoi{H}+nghi{H}+(?:lan{H}+thu{H}+(?P<ord1>{ORDINAL_WORD}|\d{{1,2}}|{ROMAN}){H}+)?)?"
    rf"(?:(?:ban{H}+chap{H}+hanh|(?-i:BCH)){H}*)?(?:trung{H}+uong|(?-i:TW|TU))(?:{H}+dang)?"
    rf"(?:{H}*(?P<ord2>\d{{1,2}})(?!\d)|{H}+lan{H}+thu{H}+(?P<ord3>{ORDINAL_WORD}|\d{{1,2}}|{ROMAN})(?![A-Za-z0-9]))?(?![A-Za-z0-9])",
    FLAGS,
)
_PARTY = rf"(?:{H}+cua)?{H}+dang(?:{H}+cong{H}+san{H}+viet{H}+nam)?(?![A-Za-z])"
CONGRESS_LOCAL_RE = re.compile(
    rf"{H}+(?:cua{H}+)?(?P<head>dai{H}+hoi(?:{H}+dai{H}+bieu)?{H}+dang{H}+bo"
    rf"(?:{H}+(?:tinh|thanh{H}+pho|huyen|quan|thi{H}+xa|xa|phuong|thi{H}+tran|khoi))?{NAME})"
    rf"(?:{H}*,)?{H}+lan{H}+thu{H}+(?:(?P<roman>{ROMAN})|(?P<arabic>\d{{1,2}})(?!\d))",
    FLAGS,
)
CONGRESS_NATIONAL_RE = re.compile(
    rf"{H}+(?:cua{H}+)?dai{H}+hoi(?:{H}+dai{H}+bieu)?(?:{H}+dang(?:{H}+cong{H}+san{H}+viet{H}+nam)?)?"
    rf"(?:{H}+toan{H}+quoc)?(?:{H}+lan{H}+thu)?{H}+(?:(?P<roman>{ROMAN})|(?P<arabic>\d{{1,2}})(?!\d))"
    rf"(?:{_PARTY})?",
    FLAGS,
)

# What may follow "Nghị quyết 35" (no "số", no symbol) for it to be a reference.
NUMBER_FOLLOW_RE = re.compile(
    rf"{H}*(?:$|[\r\n,.;:)\]\"'”’…(]|(?:ve|va|cua|cung|da|duoc|tai|trong|theo|nham|tren|voi|hoac|la)(?![A-Za-z]))",
    FLAGS,
)
SPACES_RE = re.compile(rf"{H}+")
SO_RE = re.compile(rf"{H}+so(?![A-Za-z])", FLAGS)
CUA_RE = re.compile(rf"(?:(?:cua|do)(?-i:{H})+)?", FLAGS)
OPEN_RE = re.compile(rf"{H}*(?:[,;]{H}*)?(?P<paren>\({H}*)?")
CLOSE_RE = re.compile(rf"{H}*\)")


_ROMAN_VALUES = [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
ROMAN_NUMERAL_RE = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def roman(value: int) -> str:
    """12 -> "XII": terms of the Central Committee and congresses are written this way."""
    out = ""
    for amount, numeral in _ROMAN_VALUES:
        while value >= amount:
            out += numeral
            value -= amount
    return out


def roman_value(numeral: str) -> int:
    """ "XIII" -> 13 (the caller checks the numeral is well formed with ``is_roman``)."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for index, char in enumerate(numeral):
        value = values[char]
        if index + 1 < len(numeral) and values[numeral[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


def is_roman(term: str) -> bool:
    return bool(term) and bool(ROMAN_NUMERAL_RE.match(term))


def _ordinal(folded: str | None) -> int | None:
    if not folded:
        return None
    if folded.isdigit():
        return int(folded)
    word = re.sub(r"\s+", " ", folded.lower())
    if word in _ORDINALS:
        return _ORDINALS[word]
    if re.fullmatch(r"[IVXL]+", folded):
        return roman_value(folded)
    return None


def _term(match: re.Match[str]) -> str | None:
    if match.group("roman"):
        return match.group("roman")
    number = int(match.group("arabic"))
    return roman(number) if 0 < number < 40 else None


def _plenum(match: re.Match[str]) -> int | None:
    return _ordinal(match.group("ord1") or match.group("ord2") or match.group("ord3"))


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _clean_symbol(raw: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", raw))


# --------------------------------------------------------------------------------------------
# Parsing


@dataclass
class _Draft:
    start: int
    end: int
    kind: str
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    term: str | None = None
    date: dt.date | None = None
    plenum: int | None = None
    qualified: bool = False  # an issuer, date, term or plenum follows


class _Parser:
    def __init__(self, text: str) -> None:
        self.folded = _Folded(text)
        self.f = self.folded.text

    # Issuers -----------------------------------------------------------------------------
    def issuer_at(self, pos: int, need_cua: bool = False) -> tuple[int, str] | None:
        """An issuer at ``pos``; after a comma only "của X"/"do X" is one ("…, Tỉnh ủy đã…" is not)."""
        match = CUA_RE.match(self.f, pos)
        begin = match.end() if match else pos
        has_cua = begin > pos
        if need_cua and not has_cua:
            return None
        for name, pattern in ISSUER_PATTERNS:
            if name == "central_plain" and not has_cua:
                continue
            found = pattern.match(self.f, begin)
            if found:
                return found.end(), self._issuer_text(name, found)
        return None

    def _issuer_text(self, name: str, match: re.Match[str]) -> str:
        if name == "politburo":
            return "Bộ Chính trị"
        if name == "secretariat":
            return "Ban Bí thư"
        if name in ("central_committee", "central_plain"):
            return CENTRAL_COMMITTEE
        groups = match.groupdict()
        head = ""
        if groups.get("committee"):
            head = _COMMITTEES[groups["committee"].lower()]
        elif groups.get("central"):
            head = "Trung ương"
        if groups.get("name"):
            place = self.folded.original(match.start("name"), match.end("name"))
            if place:
                head = f"{head} {place}"
        if name == "standing":
            return f"Ban Thường vụ {head}"
        if name == "board":
            return ("Ban Tuyên giáo và Dân vận " if groups.get("dv") else "Ban Tuyên giáo ") + head
        return head

    # Qualifiers --------------------------------------------------------------------------
    def qualifiers(self, draft: _Draft) -> None:
        """Consume issuer, date, term and plenum phrases after a core, in any order."""
        pos = draft.end
        inside = False  # within a "(" opened by an earlier qualifier
        for _ in range(6):
            opening = OPEN_RE.match(self.f, pos)
            assert opening is not None
            paren = bool(opening.group("paren"))
            comma = "," in opening.group() or ";" in opening.group()
            step = self._qualifier(draft, opening.end(), in_parens=paren or inside, after_comma=comma)
            if step is None:
                break
            pos = step
            inside = inside or paren
            if inside:
                closing = CLOSE_RE.match(self.f, pos)
                if closing:
                    pos = closing.end()
                    inside = False
            draft.end = pos

    def _qualifier(self, draft: _Draft, at: int, in_parens: bool, after_comma: bool = False) -> int | None:
        f = self.f
        if draft.date is None:
            match = DATE_WORDS_RE.match(f, at)
            numeric = DATE_NUMERIC_RE.match(f, at)
            if match is None and numeric and (in_parens or numeric.group("lead")):
                match = numeric
            if match:
                draft.date = _date(match.group("d"), match.group("m"), match.group("y"))
                draft.qualified = True
                return match.end()
        if draft.term is None:
            match = TERM_RE.match(f, at)
            if match:
                draft.term = _term(match)
                draft.qualified = True
                return match.end()
        if draft.plenum is None and draft.number is not None:
            match = PLENUM_RE.match(f, at)
            if match:
                draft.plenum = _plenum(match)
                draft.issuer = draft.issuer or CENTRAL_COMMITTEE
                draft.qualified = True
                return match.end()
        if draft.issuer is None:
            found = self.issuer_at(at, need_cua=after_comma and not in_parens)
            if found:
                draft.issuer = found[1]
                draft.qualified = True
                return found[0]
        match = TERM_YEARS_RE.match(f, at)
        if match:
            return match.end()
        return None

    # Cores -------------------------------------------------------------------------------
    def after_noun(self, kind: str, noun: re.Match[str]) -> _Draft | None:
        pos = noun.end()
        f = self.f
        draft = self._numbered(kind, noun.start(), pos)
        if draft is not None:
            return draft
        if kind not in ("resolution", "conclusion", "directive"):
            return None
        central = CENTRAL_CORE_RE.match(f, pos)
        if central:
            draft = _Draft(noun.start(), central.end(), kind, issuer=CENTRAL_COMMITTEE,
                           plenum=_plenum(central))
            self.qualifiers(draft)
            if draft.plenum is None and draft.term is None:
                return None  # "nghị quyết của Trung ương" names no document
            return draft
        local = CONGRESS_LOCAL_RE.match(f, pos)
        if local:
            draft = _Draft(noun.start(), local.end(), kind, term=_term(local),
                           issuer=self._congress_head(local.start("head"), local.end("head")))
            self.qualifiers(draft)
            return draft
        national = CONGRESS_NATIONAL_RE.match(f, pos)
        if national:
            draft = _Draft(noun.start(), national.end(), kind, term=_term(national), issuer=NATIONAL_CONGRESS)
            self.qualifiers(draft)
            return draft
        return None

    def _congress_head(self, start: int, end: int) -> str:
        """ "đại hội đảng bộ tỉnh Lai Châu" -> "Đại hội Đảng bộ tỉnh Lai Châu"."""
        original = self.folded.original(start, end)
        original = re.sub(r"^đại\s+hội", "Đại hội", original, flags=re.IGNORECASE)
        original = re.sub(r"đại\s+biểu\s+", "đại biểu ", original, flags=re.IGNORECASE)
        return re.sub(r"đảng\s+bộ", "Đảng bộ", original, flags=re.IGNORECASE)

    def _numbered(self, kind: str, start: int, pos: int) -> _Draft | None:
        f = self.f
        pre_issuer: str | None = None
        number_match = NUMBER_RE.match(f, pos)
        if number_match is None:
            # "Chỉ thị của Ban Bí thư số 05-CT/TW"
            lead = SPACES_RE.match(f, pos)
            found = self.issuer_at(lead.end()) if lead else None
            if found is None:
                return None
            number_match = NUMBER_RE.match(f, found[0])
            if number_match is None or not SO_RE.match(f, number_match.start()):
                return None
            pre_issuer = found[1]
        has_so = bool(SO_RE.match(f, number_match.start()))
        number = f[number_match.start("number"):number_match.end("number")]
        draft = _Draft(start, number_match.end(), kind, number=number, issuer=pre_issuer)
        symbol = SYMBOL_AFTER_NUMBER_RE.match(f, draft.end)
        if symbol and self._plausible_symbol(symbol):
            draft.symbol = self._symbol_text(symbol)
            draft.end = symbol.end()
        if STATE_ISSUER_RE.match(f, draft.end) and not (draft.symbol and "/" in draft.symbol):
            return None  # "Nghị quyết 01 của Chính phủ" is a state document
        end_of_core = draft.end
        self.qualifiers(draft)
        if draft.symbol or has_so or pre_issuer:
            return draft
        if len(number) == 4:
            return None  # "Kế hoạch 2023" is a year
        if draft.qualified and draft.end > end_of_core:
            return draft
        if kind in STRONG_NOUNS and NUMBER_FOLLOW_RE.match(f, end_of_core):
            return draft
        return None

    def _symbol_text(self, match: re.Match[str]) -> str:
        start, end = self.folded.start(match.start("symbol")), self.folded.end(match.end("symbol"))
        return _clean_symbol(self.folded.source[start:end])

    def _plausible_symbol(self, match: re.Match[str]) -> bool:
        if "/" in match.group("symbol"):
            return True
        # "Nghị quyết 35-NQ" without issuer part: only a known kind code in capitals.
        original = self._symbol_text(match)
        return match.group("symbol").upper() in SYMBOL_KINDS and original.upper() == original

    def bare(self, match: re.Match[str]) -> _Draft:
        code = match.group("code").upper()
        draft = _Draft(match.start(), match.end(), SYMBOL_KINDS[code], number=match.group("number"),
                       symbol=self._symbol_text(match))
        self.qualifiers(draft)
        return draft

    def run(self) -> list[FoundReference]:
        drafts: list[_Draft] = []
        taken_until = -1
        for noun in NOUN_RE.finditer(self.f):
            if noun.start() < taken_until:
                continue
            kind = next(k for k, v in noun.groupdict().items() if v is not None)
            draft = self.after_noun(kind, noun)
            if draft is not None:
                if draft.kind == "decision":
                    draft.kind = "regulation"
                drafts.append(draft)
                taken_until = draft.end
        covered = [(d.start, d.end) for d in drafts]
        for match in BARE_SYMBOL_RE.finditer(self.f):
            if any(s < match.end() and match.start() < e for s, e in covered):
                continue
            draft = self.bare(match)
            drafts.append(draft)
            covered.append((draft.start, draft.end))
        drafts.sort(key=lambda d: d.start)
        out: list[FoundReference] = []
        last_end = -1
        for d in drafts:
            start, end = self.folded.start(d.start), self.folded.end(d.end)
            if start < last_end:
                continue  # a bare symbol's qualifiers ran into the next reference
            last_end = end
            out.append(FoundReference(
                text=self.folded.source[start:end], start=start, end=end, kind=d.kind, number=d.number,
                symbol=d.symbol, issuer=d.issuer, term=d.term, date=d.date, plenum=d.plenum,
            ))
        return out


def find_references(text: str) -> list[FoundReference]:
    """All references to Party documents in ``text``, in order; spans index ``text`` itself."""
    if not text:
        return []
    return _Parser(text).run()


# --------------------------------------------------------------------------------------------
# Resolution against the registry

_ISSUER_CODES = [
    ("bo chinh tri", "politburo"),
    ("ban bi thu", "secretariat"),
    ("dai hoi dai bieu toan quoc", "national_congress"),
    ("ban tuyen giao", "board"),
    ("ban thuong vu tinh uy", "provincial_committee"),
    ("ban thuong vu thanh uy", "provincial_committee"),
    ("ban thuong vu huyen uy", "district_committee"),
    ("ban thuong vu quan uy", "district_committee"),
    ("ban thuong vu thi uy", "district_committee"),
    ("ban thuong vu dang uy", "commune_committee"),
    ("ban chap hanh trung uong", "central_committee"),
    ("tinh uy", "provincial_committee"),
    ("thanh uy", "provincial_committee"),
    ("huyen uy", "district_committee"),
    ("quan uy", "district_committee"),
    ("thi uy", "district_committee"),
    ("dang uy", "commune_committee"),
]
CENTRAL_ISSUER_CODES = {"politburo", "secretariat", "central_committee"}


def issuer_code(issuer: str | None) -> str | None:
    """The registry's issuer code for an issuer as written ("Bộ Chính trị" -> "politburo")."""
    if not issuer:
        return None
    folded = fold(issuer)
    for prefix, code in _ISSUER_CODES:
        if folded.startswith(prefix):
            return code
    if folded.startswith("dai hoi"):
        return None  # a local congress: no code of its own
    return "other"


def symbol_issuers(symbol: str | None) -> set[str] | None:
    """Issuer codes a symbol's last part allows ("NQ/TW" -> the central bodies)."""
    if not symbol or "/" not in symbol:
        return None
    tail = fold(symbol).split("/")[-1].replace(" ", "")
    if tail == "tw":
        return set(CENTRAL_ISSUER_CODES)
    if tail.startswith("btg") or tail.startswith("b"):
        return {"board", "other"}
    if tail in ("tu", "thu"):
        return {"provincial_committee"}
    if tail in ("hu", "qu"):
        return {"district_committee", "provincial_committee"}
    if tail == "du":
        return {"commune_committee", "district_committee", "provincial_committee"}
    return None


def normalise_symbol(symbol: str) -> str:
    """Comparable form: folded, upper-case, no spaces, one kind of dash, no leading zeros."""
    compact = re.sub(r"\s+", "", fold(symbol)).upper()
    compact = re.sub(DASH, "-", compact)
    return re.sub(r"^0+(?=\d)", "", compact)


def number_variants(number: str) -> list[str]:
    value = int(number)
    return sorted({str(value), f"{value:02d}", f"{value:03d}", f"{value:04d}", number})


def plenum_in_title(title: str, plenum: int) -> bool:
    folded = fold(title)
    words = [w for w, n in _ORDINALS.items() if n == plenum]
    patterns = [
        rf"(trung uong|tw)\s*{plenum}(?!\d)",
        rf"lan thu {plenum}(?!\d)",
        rf"lan thu {roman(plenum).lower()}\b",
    ]
    patterns += [rf"lan thu {w}\b" for w in words]
    return any(re.search(p, folded) for p in patterns)


# --------------------------------------------------------------------------------------------
# A registered document's own number and symbol ("số và ký hiệu")

SYMBOL_RE = re.compile(
    r"^(?P<number>\d{1,5})-(?P<kind>[A-ZĐ]{2,6})(?:-[A-ZĐ]{2,6})?/(?P<issuer>[A-ZĐ][A-ZĐ0-9]{1,15}(?:-[A-ZĐ0-9]{1,15})*)$"
)


@dataclass(frozen=True)
class ParsedSymbol:
    number: str
    kind: str  # the abbreviation: NQ, CT, KL, HD…
    issuer: str  # TW, TU, BTGTU, BTGDVTU…
    valid: bool

    @property
    def formatted(self) -> str:
        return f"{self.number}-{self.kind}/{self.issuer}" if self.valid else ""


def parse_symbol(symbol: str) -> ParsedSymbol:
    """Read "35-NQ/TW"; spaces around the dash and slash are tolerated, nothing else is guessed."""
    match = SYMBOL_RE.match(re.sub(r"\s+", "", symbol or "").upper())
    if not match:
        return ParsedSymbol("", "", "", False)
    return ParsedSymbol(match["number"], match["kind"], match["issuer"], True)


def format_symbol(number: str, kind: str, issuer_code: str) -> str:
    """The Party way: number, dash, kind abbreviation, slash, issuer ("01-KL/TW")."""
    abbreviation = KIND_ABBREVIATIONS.get(kind, kind)
    return f"{number}-{abbreviation}/{issuer_code}"
