"""Accent folding and Vietnamese collation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.core.text import collation_key, fold, matches, vn_sorted

VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
vn_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " -0123456789", max_size=40)


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("text", "folded"),
    [("Tuyên giáo", "tuyen giao"), ("Đảng bộ", "dang bo"), ("ĐẢNG", "dang"), ("Chí  Linh", "chi linh"),
     ("nền tảng tư tưởng", "nen tang tu tuong"), ("Nghị quyết 35-NQ/TW", "nghi quyet 35-nq/tw")],
)
def test_fold_removes_every_diacritic_including_d_bar(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(vn_text)
def test_fold_output_is_plain_ascii_for_vietnamese_letters(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert fold(folded) == folded


@given(vn_text)
def test_fold_ignores_unicode_normalisation_form(text: str) -> None:
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_matches_is_accent_and_case_insensitive() -> None:
    assert matches("chi linh", "Thành phố Chí Linh")
    assert matches("DANG", "Đảng bộ")
    assert not matches("chi lang", "Chí Linh")


@pytest.mark.smoke
def test_collation_follows_the_vietnamese_alphabet() -> None:
    words = ["Đông", "Dung", "Ân", "An", "Ăn", "Bình", "Ơn", "Ôn", "On", "Ưng", "Ung", "Yên", "Zê"]
    assert vn_sorted(words) == ["An", "Ăn", "Ân", "Bình", "Dung", "Đông", "On", "Ôn", "Ơn", "Ung", "Ưng", "Yên", "Zê"]


def test_tones_weigh_only_after_letters() -> None:
    assert vn_sorted(["má", "mà", "ma", "mả", "mã", "mạ", "mb"]) == ["ma", "mà", "mả", "mã", "má", "mạ", "mb"]
    # A tone never outweighs a later letter.
    assert collation_key("cạ") < collation_key("cb")


@given(st.lists(vn_text, max_size=8))
def test_collation_is_a_total_order_consistent_with_equality(words: list[str]) -> None:
    ordered = vn_sorted(words)
    assert sorted(ordered, key=collation_key) == ordered
    for a in words:
        for b in words:
            if collation_key(a) == collation_key(b):
                assert unicodedata.normalize("NFC", a.strip()) .split() == unicodedata.normalize("NFC", b.strip()).split()
