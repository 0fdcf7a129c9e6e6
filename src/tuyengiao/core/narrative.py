"""Figures written the way review reports write them, for every app's review section.

"312 hội nghị", "03 cuộc", "45.210 lượt đảng viên tham gia, đạt 98,1%, tăng 2,3 điểm phần trăm so
với cùng kỳ". The rules: Vietnamese number formats; counts under ten with a leading zero; a change
in a rate in percentage points, a change in a count in per cent; "tăng", "giảm" or "bằng cùng kỳ"
by the sign, never "tăng 0%"; no phrase at all for a missing figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from .numbers import format_number


def count(value: Decimal | int | None, noun: str = "") -> str:
    """A count as the reports write it: "03 cuộc", "12 lớp", "47.600 đảng viên" ("" when missing)."""
    if value is None:
        return ""
    number = Decimal(value)
    small = number == number.to_integral_value() and 0 <= number < 10
    text = f"{int(number):02d}" if small else format_number(number)
    return f"{text} {noun}".strip()


def rate(value: Decimal | None, decimals: int = 1) -> str:
    """97,5% ("" when missing)."""
    if value is None:
        return ""
    return f"{format_number(_round(value, decimals))}%"


def _round(value: Decimal, decimals: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def count_change(now: Decimal | int | None, before: Decimal | int | None, against: str | None = None) -> str:
    """", tăng 12,5% so với cùng kỳ" for counts; "" when either figure is missing or the base is 0."""
    if now is None or before is None:
        return ""
    against = against or _("the same period last year")
    now, before = Decimal(now), Decimal(before)
    if now == before:
        return _("equal to %(against)s") % {"against": against}
    if before == 0:
        return ""
    change = _round(abs(now - before) / before * 100, 1)
    if change == 0:
        return _("equal to %(against)s") % {"against": against}
    word = _("up") if now > before else _("down")
    return _("%(word)s %(change)s%% on %(against)s") % {
        "word": word, "change": format_number(change), "against": against,
    }


def rate_change(now: Decimal | None, before: Decimal | None, against: str | None = None) -> str:
    """"tăng 2,3 điểm phần trăm so với cùng kỳ" for rates; "" when either rate is missing."""
    if now is None or before is None:
        return ""
    against = against or _("the same period last year")
    change = _round(Decimal(now) - Decimal(before), 1)
    if change == 0:
        return _("equal to %(against)s") % {"against": against}
    word = _("up") if change > 0 else _("down")
    return _("%(word)s %(change)s percentage points on %(against)s") % {
        "word": word, "change": format_number(abs(change)), "against": against,
    }


# --- period labels, ordinals and phrases built from figures ------------------------------------

def ordinal(position: int) -> str:
    """"thứ nhất", "thứ hai", "thứ tư"… (1-based); past ten "thứ 11"."""
    words = {
        1: _("first (ordinal)"), 2: _("second (ordinal)"), 3: _("third (ordinal)"), 4: _("fourth (ordinal)"),
        5: _("fifth (ordinal)"), 6: _("sixth (ordinal)"), 7: _("seventh (ordinal)"), 8: _("eighth (ordinal)"),
        9: _("ninth (ordinal)"), 10: _("tenth (ordinal)"),
    }  # fmt: skip
    return words.get(position) or _("number %(n)s (ordinal)") % {"n": position}


def period_label(period: Any) -> str:
    """"6 tháng đầu năm 2025", "6 tháng cuối năm 2025", "năm 2025" (as inside a sentence)."""
    return str(period.label)


def in_period(period: Any) -> str:
    """"Trong 6 tháng đầu năm 2025", "Trong năm 2025": how a review opens a field's paragraph."""
    return _("In %(period)s") % {"period": period_label(period)}


def sentence(text: str) -> str:
    """Capital first letter and a closing full stop ("" stays "")."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def lower_first(text: str) -> str:
    """"Số lượt đảng viên" -> "số lượt đảng viên" (names inside a sentence)."""
    return text[:1].lower() + text[1:] if text else text


_COUNT_PREFIX = ("Số ", "số ")


def against(period: Any) -> str:
    """What a change is measured against: "cùng kỳ" for a half-year, "năm 2024" for a year."""
    if period.type.value == "year":
        return str(period.same_period_last_year.label)
    return _("the same period last year")


def count_phrase(name: str, value: Decimal | int | None) -> str:
    """A count named by its element: "Số lượt đảng viên tham gia" + 45210 -> "45.210 lượt đảng viên
    tham gia"; none at all -> "chưa có công trình…"; a name that does not start with "Số" -> "tên:
    45.210" ("" when missing)."""
    if value is None:
        return ""
    for prefix in _COUNT_PREFIX:
        if name.startswith(prefix):
            noun = name[len(prefix):].strip()
            if Decimal(value) == 0:
                return _("no %(noun)s yet") % {"noun": noun}
            return count(value, noun)
    return f"{lower_first(name)}: {count(value)}"


def rate_phrase(name: str, value: Decimal | None, unit_label: str = "%") -> str:
    """"tỷ lệ đảng viên tham gia học tập đạt 98,1%" ("" when missing)."""
    if value is None:
        return ""
    shown = rate(value) if unit_label == "%" else f"{format_number(_round(value, 1))} {unit_label}".strip()
    return _("%(name)s reached %(value)s") % {"name": lower_first(name), "value": shown}


def with_change(phrase: str, change: str) -> str:
    """"45.210 lượt…, tăng 2,3% so với cùng kỳ" (the change left out when there is none)."""
    if not phrase:
        return ""
    return f"{phrase}, {change}" if change else phrase


def join_clauses(clauses: list[str]) -> str:
    """Clauses of one sentence separated by semicolons, empty ones left out."""
    return "; ".join(c for c in clauses if c)


# --- figures in the register of the reports: verb + count + noun, related figures in one sentence ---


@dataclass(frozen=True)
class Wording:
    """How the reports say one figure: "tổ chức" + "312" + "hội nghị học tập, quán triệt".

    ``verb`` is what was done (empty: the count is simply stated, "có"); ``noun`` what is counted,
    measure word first ("lượt đảng viên tham gia"); ``joins`` the code of the figure this one
    completes, after ``link`` ("tổ chức 312 hội nghị…, với 45.210 lượt đảng viên tham gia").
    A verb of something under way ("đang biên soạn") is not preceded by "đã".
    """

    verb: str = ""
    noun: str = ""
    joins: str = ""
    link: str = ""

    @property
    def done(self) -> bool:
        return bool(self.verb) and not self.verb.startswith(("đang ", "có "))


# The wording of the figures of the standard catalogue (the element names are Vietnamese data, and so
# are these completions of them). A figure not listed here is worded from its name: "Số X được Y" is
# said "Y n X", "Số X" is said "n X".
WORDING: dict[str, Wording] = {
    # học tập, quán triệt
    "HT_HOI_NGHI": Wording("tổ chức", "hội nghị học tập, quán triệt nghị quyết, chỉ thị"),
    "HT_DV_THAM_GIA": Wording("", "lượt đảng viên tham gia", joins="HT_HOI_NGHI", link="với"),
    "HT_DV_TRIEU_TAP": Wording("triệu tập", "đảng viên học tập"),
    "HT_QC_THAM_GIA": Wording("thu hút", "lượt quần chúng tham gia học tập"),
    "HT_BAI_THU_HOACH": Wording("", "bài thu hoạch đạt yêu cầu"),
    # lý luận chính trị
    "LL_LOP_MO": Wording("mở", "lớp bồi dưỡng lý luận chính trị"),
    "LL_HOC_VIEN": Wording("", "học viên hoàn thành chương trình", joins="LL_LOP_MO", link="với"),
    "LL_NHAN_THUC_DANG": Wording("mở", "lớp bồi dưỡng nhận thức về Đảng"),
    # lịch sử Đảng
    "LS_CONG_TRINH": Wording("đang biên soạn", "công trình lịch sử đảng bộ"),
    "LS_XUAT_BAN": Wording("xuất bản", "công trình lịch sử đảng bộ"),
    # học tập và làm theo Bác
    "HCM_DANG_KY": Wording("", "đảng viên đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    "HCM_MO_HINH": Wording("xây dựng mới", "mô hình, cách làm hay học tập và làm theo Bác"),
    "HCM_MO_HINH_DUY_TRI": Wording("duy trì", "mô hình làm theo Bác"),
    "HCM_DIEN_HINH": Wording("biểu dương, khen thưởng", "điển hình tiên tiến"),
    # công tác tư tưởng, kiểm tra
    "KT_CUOC": Wording("tiến hành", "cuộc kiểm tra, giám sát công tác tuyên giáo"),
    "KT_CAN_BO": Wording("", "cán bộ, đảng viên", joins="KT_CUOC", link="đối với"),
    "KT_TO_CHUC": Wording("", "tổ chức đảng", joins="KT_CUOC", link="và"),
    "TT_BAO_CAO_DU_LUAN": Wording("xây dựng", "báo cáo tình hình tư tưởng, dư luận xã hội"),
    # tuyên truyền, báo chí
    "HD_VAN_BAN": Wording("ban hành", "văn bản định hướng, hướng dẫn tuyên truyền"),
    "HD_DE_CUONG": Wording("biên soạn", "đề cương, tài liệu tuyên truyền"),
    "BC_GIAO_BAN": Wording("tổ chức", "hội nghị báo cáo viên, giao ban báo chí"),
    "BC_BCV_THAM_DU": Wording("", "lượt báo cáo viên, tuyên truyền viên tham dự", joins="BC_GIAO_BAN", link="với"),
    "BC_TIN_BAI": Wording("đăng tải", "tin, bài trên trang thông tin điện tử, bản tin"),
    "BC_LUOT_TIEP_CAN": Wording("", "lượt tiếp cận", joins="BC_TIN_BAI", link="thu hút"),
    # khoa giáo, văn hóa văn nghệ
    "KG_HOI_THAO": Wording("tổ chức", "hội thảo, tọa đàm khoa học, giáo dục"),
    "VH_HOAT_DONG": Wording("tổ chức", "hoạt động văn hóa, văn nghệ chào mừng các ngày lễ lớn"),
    "TT_TRUC_QUAN": Wording("treo, dựng", "pa-nô, áp phích, băng rôn tuyên truyền trực quan"),
}

_NAME_VERBS = (" được ", " đã ", " mới ", " đang ")
_CONJUNCTIONS = ("và", "cùng")


def _name_noun(name: str) -> str:
    """"Số đảng viên được triệu tập" -> "đảng viên được triệu tập"."""
    for prefix in _COUNT_PREFIX:
        if name.startswith(prefix):
            return name[len(prefix):].strip()
    return lower_first(name)


def wording(code: str, name: str) -> Wording:
    """The figure's wording: from the phrasebook, else from its name ("Số cán bộ được kiểm tra, giám
    sát" -> verb "kiểm tra, giám sát", noun "cán bộ"; "Số lớp đã mở" -> "mở", "lớp")."""
    known = WORDING.get(code)
    if known is not None:
        return known
    noun = name
    for prefix in _COUNT_PREFIX:
        if noun.startswith(prefix):
            noun = noun[len(prefix):].strip()
            break
    else:
        return Wording("", lower_first(name))
    for marker in _NAME_VERBS:
        head, found, verb = noun.partition(marker)
        if found and head and verb:
            if marker == " mới ":
                return Wording(f"{verb} mới", head)
            return Wording(f"đang {verb}" if marker == " đang " else verb, head)
    return Wording("", noun)


@dataclass
class Fact:
    """One figure of a field of work as a review quotes it. ``numerator``/``denominator``: the codes a
    rate is computed from (a rate said beside the count it is the share of); ``plan``: the plan's value."""

    code: str
    name: str
    kind: str  # "count", "rate", "measure" or "plan" (the plan of a count: said beside it, never alone)
    now: Decimal | None
    before: Decimal | None = None
    plan: Decimal | None = None
    unit_label: str = ""
    numerator: str = ""
    denominator: str = ""


def _count_clause(fact: Fact, said: Wording) -> str:
    """"tổ chức 312 hội nghị…"; none at all: "chưa tổ chức hội nghị… nào" (the change is added apart)."""
    assert fact.now is not None
    if fact.now == 0:
        if said.verb and not said.verb.startswith("đang "):
            return _("not yet %(verb)s any %(noun)s") % {"verb": said.verb, "noun": said.noun}
        return _("no %(noun)s yet") % {"noun": said.noun}
    return f"{said.verb or _('there were (before a count)')} {count(fact.now, said.noun)}"


def _rate_tail(rate_fact: Fact, against_text: str, of_plan: bool) -> str:
    """", đạt 98,1%, tăng 2,3 điểm phần trăm so với cùng kỳ" (of a plan: "đạt 82,8% kế hoạch")."""
    assert rate_fact.now is not None
    shown = rate(rate_fact.now)
    reached = (_("reaching %(rate)s of the plan") if of_plan else _("reaching %(rate)s")) % {"rate": shown}
    return with_change(reached, rate_change(rate_fact.now, rate_fact.before, against_text))


def field_paragraphs(period: Any, unit_name: str, facts: list[Fact]) -> list[str]:
    """The paragraphs of one field of work: one sentence of what was done, related figures joined
    as the reports join them (a count with its participants and their rate, a count against its
    plan), then one sentence of the rates and measures that stand alone. A figure without a value
    says nothing; every number is one of the ``facts`` or its change."""
    against_text = against(period)
    present = {f.code: f for f in facts if f.now is not None}
    rates_of: dict[str, Fact] = {}  # count code -> the rate that is its share
    bases: dict[str, Fact] = {}  # count code -> the count it is a share of
    used: set[str] = set()
    for fact in facts:
        if fact.kind != "rate" or fact.code not in present:
            continue
        top = present.get(fact.numerator)
        if top is None or top.kind != "count" or top.code in rates_of:
            continue
        rates_of[top.code] = fact
        used.add(fact.code)
        base = present.get(fact.denominator)
        if base is not None and base.kind in ("count", "plan") and base.code != top.code:
            bases[top.code] = base
            used.add(base.code)
    joined: dict[str, list[Fact]] = {}
    for fact in facts:
        lead = wording(fact.code, fact.name).joins
        if fact.code in present and fact.code not in used and lead in present and lead not in used \
                and present[lead].kind == "count" and present[lead].now:
            joined.setdefault(lead, []).append(fact)
            used.add(fact.code)

    def share(top: Fact, text: str) -> str:
        """The count followed by what it is a share of and the rate: "…trên tổng số 600 đảng viên
        được triệu tập, đạt 90%…" or, against a plan, "…/344 … theo kế hoạch, đạt 82,8% kế hoạch"."""
        rate_fact = rates_of.get(top.code)
        if rate_fact is None or not top.now:
            if top.plan is not None and top.now is not None:
                text += " " + _("(plan %(value)s)") % {"value": count(top.plan)}
            return text
        base = bases.get(top.code)
        of_plan = base is not None and top.plan is not None and base.now == top.plan
        if base is not None and not of_plan:
            text += " " + _("out of %(total)s") % {"total": count(base.now, _name_noun(base.name))}
        elif of_plan:
            text += " " + _("(plan %(value)s)") % {"value": count(top.plan)}
        return f"{text}, {_rate_tail(rate_fact, against_text, of_plan)}"

    clauses: list[str] = []
    for fact in facts:
        if fact.kind != "count" or fact.code not in present or fact.code in used:
            continue
        said = wording(fact.code, fact.name)
        clause = share(fact, _count_clause(fact, said))
        if fact.code not in rates_of and fact.now != 0:  # beside its rate, a count says the rate's change
            clause = with_change(clause, count_change(fact.now, fact.before, against_text))
        for extra in joined.get(fact.code, []):
            extra_said = wording(extra.code, extra.name)
            if extra.kind == "count" and extra.now:
                piece = count(extra.now, extra_said.noun)
                piece = share(extra, piece)
            elif extra.kind == "count":
                continue
            else:
                piece = rate_phrase(extra.name, extra.now, extra.unit_label or "%")
            glue = " " if extra_said.link in _CONJUNCTIONS else ", "
            clause += f"{glue}{extra_said.link} {piece}" if extra_said.link else f", {piece}"
        if not clauses and said.done and fact.now != 0:
            clause = f"{_('did (before a verb)')} {clause}"
        clauses.append(clause)
    paragraphs: list[str] = []
    if clauses:
        paragraphs.append(sentence(_("%(when)s, the whole %(unit)s %(figures)s") % {
            "when": in_period(period), "unit": unit_name, "figures": join_clauses(clauses)}))
    alone = []
    for fact in facts:
        if fact.kind in ("count", "plan") or fact.code not in present or fact.code in used:
            continue
        if fact.kind == "rate":
            alone.append(with_change(rate_phrase(fact.name, fact.now), rate_change(fact.now, fact.before,
                                                                                  against_text)))
        else:
            label = fact.unit_label if fact.unit_label and fact.unit_label != "%" else ""
            alone.append(with_change(rate_phrase(fact.name, fact.now, label),
                                     count_change(fact.now, fact.before, against_text)))
    if alone:
        paragraphs.append(sentence(join_clauses(alone)))
    return paragraphs
