"""Figures written as the review reports write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from tuyengiao.core import narrative
from tuyengiao.core.narrative import Fact
from tuyengiao.core.periods import Period


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        yield


@pytest.mark.smoke
@pytest.mark.parametrize(("value", "noun", "text"), [
    (3, "cuộc", "03 cuộc"), (6, "giải A", "06 giải A"), (0, "lớp", "00 lớp"), (12, "lớp", "12 lớp"),
    (47600, "đảng viên", "47.600 đảng viên"), (Decimal("2.5"), "", "2,5"), (None, "cuộc", ""),
])
def test_counts_under_ten_take_a_leading_zero(value, noun, text) -> None:  # type: ignore[no-untyped-def]
    assert narrative.count(value, noun) == text


@pytest.mark.smoke
def test_a_change_in_a_count_is_in_per_cent_and_in_a_rate_in_points() -> None:
    assert narrative.count_change(450, 400) == "tăng 12,5% so với cùng kỳ"
    assert narrative.count_change(300, 400) == "giảm 25% so với cùng kỳ"
    assert narrative.rate_change(Decimal("98.1"), Decimal("95.8")) == "tăng 2,3 điểm phần trăm so với cùng kỳ"
    assert narrative.rate_change(Decimal("90"), Decimal("92.5")) == "giảm 2,5 điểm phần trăm so với cùng kỳ"


@pytest.mark.smoke
def test_no_change_is_said_as_equal_never_as_zero_per_cent() -> None:
    assert narrative.count_change(400, 400) == "bằng cùng kỳ"
    assert narrative.count_change(Decimal("400.04"), 400) == "bằng cùng kỳ"  # 0,01% rounds to nothing
    assert narrative.rate_change(Decimal("97.51"), Decimal("97.49")) == "bằng cùng kỳ"
    assert "0%" not in narrative.count_change(1000001, 1000000)


@pytest.mark.smoke
def test_a_missing_figure_gives_no_phrase() -> None:
    assert narrative.count_change(None, 5) == "" and narrative.count_change(5, None) == ""
    assert narrative.rate_change(None, Decimal(5)) == "" and narrative.rate(None) == ""
    assert narrative.count_change(5, 0) == ""  # no per cent of nothing
    assert narrative.rate(Decimal("97.46")) == "97,5%"


# --- figures in the register of the reports ----------------------------------------------------


HALF = Period.parse("2025S1")


def _study(**now: object) -> list[Fact]:
    values = {"HT_HOI_NGHI": 312, "HT_DV_THAM_GIA": 45210, "HT_DV_TRIEU_TAP": 46085,
              "TL_THAM_GIA_HOC_TAP": Decimal("98.1"), **now}
    before = {"HT_HOI_NGHI": 300, "HT_DV_THAM_GIA": 40000, "HT_DV_TRIEU_TAP": 42000,
              "TL_THAM_GIA_HOC_TAP": Decimal("95.8")}

    def value(code: str) -> Decimal | None:
        v = values.get(code)
        return None if v is None else Decimal(str(v))

    return [
        Fact("HT_HOI_NGHI", "Số hội nghị học tập, quán triệt nghị quyết, chỉ thị", "count", value("HT_HOI_NGHI"),
             Decimal(before["HT_HOI_NGHI"])),
        Fact("HT_DV_TRIEU_TAP", "Số đảng viên được triệu tập học tập", "count", value("HT_DV_TRIEU_TAP"),
             Decimal(before["HT_DV_TRIEU_TAP"])),
        Fact("HT_DV_THAM_GIA", "Số lượt đảng viên tham gia học tập", "count", value("HT_DV_THAM_GIA"),
             Decimal(before["HT_DV_THAM_GIA"])),
        Fact("TL_THAM_GIA_HOC_TAP", "Tỷ lệ đảng viên tham gia học tập nghị quyết", "rate",
             value("TL_THAM_GIA_HOC_TAP"), before["TL_THAM_GIA_HOC_TAP"], numerator="HT_DV_THAM_GIA",
             denominator="HT_DV_TRIEU_TAP"),
    ]


def test_a_count_its_participants_and_their_rate_make_one_sentence_with_their_own_verbs() -> None:
    assert narrative.field_paragraphs(HALF, "Đảng bộ tỉnh Hòa An", _study()) == [
        "Trong 6 tháng đầu năm 2025, toàn Đảng bộ tỉnh Hòa An đã tổ chức 312 hội nghị học tập, quán triệt "
        "nghị quyết, chỉ thị, tăng 4% so với cùng kỳ, với 45.210 lượt đảng viên tham gia trên tổng số 46.085 "
        "đảng viên được triệu tập học tập, đạt 98,1%, tăng 2,3 điểm phần trăm so với cùng kỳ."
    ]


def test_a_missing_figure_leaves_its_words_out_and_the_rest_still_reads() -> None:
    text = narrative.field_paragraphs(HALF, "Đảng bộ xã An Xuân", _study(HT_HOI_NGHI=None))[0]
    assert text == ("Trong 6 tháng đầu năm 2025, toàn Đảng bộ xã An Xuân có 45.210 lượt đảng viên tham gia trên "
                    "tổng số 46.085 đảng viên được triệu tập học tập, đạt 98,1%, tăng 2,3 điểm phần trăm so với "
                    "cùng kỳ.")
    alone = narrative.field_paragraphs(HALF, "Đảng bộ xã An Xuân", _study(HT_DV_THAM_GIA=None))
    assert alone == [
        "Trong 6 tháng đầu năm 2025, toàn Đảng bộ xã An Xuân đã tổ chức 312 hội nghị học tập, quán triệt nghị "
        "quyết, chỉ thị, tăng 4% so với cùng kỳ; triệu tập 46.085 đảng viên học tập, tăng 9,7% so với cùng kỳ.",
        "Tỷ lệ đảng viên tham gia học tập nghị quyết đạt 98,1%, tăng 2,3 điểm phần trăm so với cùng kỳ.",
    ]
    assert narrative.field_paragraphs(HALF, "Đảng bộ xã An Xuân", [
        Fact("X", "Số hội nghị", "count", None), Fact("Y", "Tỷ lệ tham gia", "rate", None)]) == []


def test_small_counts_take_a_leading_zero_none_at_all_says_chua_and_no_change_says_bang() -> None:
    facts = [
        Fact("KT_CUOC", "Số cuộc kiểm tra, giám sát công tác tuyên giáo", "count", Decimal(3), Decimal(3)),
        Fact("KT_CAN_BO", "Số cán bộ, đảng viên được kiểm tra, giám sát", "count", Decimal(24), Decimal(20)),
        Fact("KT_TO_CHUC", "Số tổ chức đảng được kiểm tra, giám sát", "count", Decimal(5)),
        Fact("LS_XUAT_BAN", "Số công trình lịch sử đảng bộ được xuất bản", "count", Decimal(0), Decimal(2)),
    ]
    assert narrative.field_paragraphs(Period.parse("2025"), "Đảng bộ xã An Xuân", facts) == [
        "Trong năm 2025, toàn Đảng bộ xã An Xuân đã tiến hành 03 cuộc kiểm tra, giám sát công tác tuyên giáo, "
        "bằng năm 2024, đối với 24 cán bộ, đảng viên và 05 tổ chức đảng; chưa xuất bản công trình lịch sử "
        "đảng bộ nào."
    ]


def test_a_count_against_its_plan_says_the_plan_and_the_share_of_it() -> None:
    facts = [
        Fact("LL_LOP_KE_HOACH", "Số lớp bồi dưỡng lý luận chính trị theo kế hoạch", "count", Decimal(344)),
        Fact("LL_LOP_MO", "Số lớp bồi dưỡng lý luận chính trị đã mở", "count", Decimal(285), Decimal(300),
             plan=Decimal(344)),
        Fact("TL_LOP_MO_KE_HOACH", "Tỷ lệ lớp đã mở so với kế hoạch", "rate", Decimal("82.8"), Decimal("87.1"),
             numerator="LL_LOP_MO", denominator="LL_LOP_KE_HOACH"),
    ]
    assert narrative.field_paragraphs(HALF, "Đảng bộ tỉnh Hòa An", facts) == [
        "Trong 6 tháng đầu năm 2025, toàn Đảng bộ tỉnh Hòa An đã mở 285 lớp bồi dưỡng lý luận chính trị "
        "(kế hoạch 344), đạt 82,8% kế hoạch, giảm 4,3 điểm phần trăm so với cùng kỳ."
    ]


@pytest.mark.parametrize(("name", "verb", "noun"), [
    ("Số cán bộ được kiểm tra", "kiểm tra", "cán bộ"),
    ("Số lớp đã mở", "mở", "lớp"),
    ("Số mô hình mới xây dựng", "xây dựng mới", "mô hình"),
    ("Số công trình đang biên soạn", "đang biên soạn", "công trình"),
    ("Số buổi học tập, quán triệt", "", "buổi học tập, quán triệt"),
])
def test_a_figure_outside_the_phrasebook_is_worded_from_its_name(name: str, verb: str, noun: str) -> None:
    said = narrative.wording("UNKNOWN", name)
    assert (said.verb, said.noun) == (verb, noun)


def test_an_unchanged_count_is_never_said_to_rise_by_zero_per_cent() -> None:
    facts = [Fact("KG_HOI_THAO", "Số hội thảo", "count", Decimal("400.04"), Decimal(400))]
    text = narrative.field_paragraphs(HALF, "Đảng bộ tỉnh Hòa An", facts)[0]
    assert text.endswith("tổ chức 400,04 hội thảo, tọa đàm khoa học, giáo dục, bằng cùng kỳ.") and "0%" not in text


def test_a_plan_without_a_rate_is_said_beside_its_count_and_never_alone() -> None:
    facts = [
        Fact("LL_LOP_KE_HOACH", "Số lớp bồi dưỡng lý luận chính trị theo kế hoạch", "plan", Decimal(12)),
        Fact("LL_LOP_MO", "Số lớp bồi dưỡng lý luận chính trị đã mở", "count", Decimal(9), Decimal(10),
             plan=Decimal(12)),
    ]
    assert narrative.field_paragraphs(HALF, "Đảng bộ xã An Xuân", facts) == [
        "Trong 6 tháng đầu năm 2025, toàn Đảng bộ xã An Xuân đã mở 09 lớp bồi dưỡng lý luận chính trị "
        "(kế hoạch 12), giảm 10% so với cùng kỳ."
    ]
