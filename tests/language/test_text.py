"""Normalization tables: tone placement, i/y spelling, folding, Roman numerals, NFC offsets."""

import unicodedata

import pytest

from indexer.language.text import (
    canonical_iy,
    canonical_tone,
    fold,
    has_diacritics,
    is_vietnamese_syllable,
    nfc_with_offsets,
    normalize_syllable,
    roman_value,
    to_roman,
)

TONE_PAIRS = [
    # old style (mark on the second vowel) -> canonical (mark on the first)
    ("hoà", "hòa"),
    ("khoá", "khóa"),
    ("uỷ", "ủy"),
    ("thuỷ", "thủy"),
    ("loè", "lòe"),
    ("toà", "tòa"),
    ("hoá", "hóa"),
    ("xoá", "xóa"),
    ("oà", "òa"),
    ("thuý", "thúy"),
    ("tuỳ", "tùy"),
    ("luỹ", "lũy"),
    ("khoẻ", "khỏe"),
    ("hoạ", "họa"),
    ("huỷ", "hủy"),
    ("nguỵ", "ngụy"),
    ("uý", "úy"),
    # upper and title case keep their case
    ("Hoà", "Hòa"),
    ("HOÀ", "HÒA"),
    ("Khoá", "Khóa"),
    ("UỶ", "ỦY"),
    ("Thuỵ", "Thụy"),
    # already canonical
    ("hòa", "hòa"),
    ("khóa", "khóa"),
    ("ủy", "ủy"),
    ("Thủy", "Thủy"),
    # words that must not change
    ("quý", "quý"),  # qu is the onset: the vowel is y alone
    ("quỳ", "quỳ"),
    ("quỹ", "quỹ"),
    ("hoàn", "hoàn"),  # a final consonant: both styles agree
    ("toán", "toán"),
    ("khuyến", "khuyến"),
    ("Hoàng", "Hoàng"),
    ("khoảng", "khoảng"),
    ("loại", "loại"),  # oai, not oa
    ("ngoài", "ngoài"),
    ("thuyền", "thuyền"),
    ("khuỷu", "khuỷu"),
    ("thuế", "thuế"),
    ("của", "của"),
    ("hoa", "hoa"),  # no tone mark at all
    ("đường", "đường"),
    ("", ""),
    # a mark typed on the wrong vowel moves to where it belongs
    ("vịêt", "việt"),
    ("ngừơi", "người"),
    ("thúôc", "thuốc"),
    ("hòan", "hoàn"),
    ("qúa", "quá"),  # qu is the onset
    ("gìa", "già"),  # so is gi before a vowel
    ("khúyên", "khuyến"),
    ("ngóai", "ngoái"),
    ("Nguỳên", "Nguyền"),
    # but a word that is no Vietnamese syllable keeps its marks where they are
    ("café", "café"),
    ("José", "José"),
]


@pytest.mark.parametrize(("written", "canonical"), TONE_PAIRS)
def test_tone_placement(written, canonical):
    assert canonical_tone(written) == canonical


@pytest.mark.parametrize(("written", "canonical"), TONE_PAIRS)
def test_tone_placement_of_nfd_input(written, canonical):
    # NFD input is normalized by the caller; the NFC result must be the same word
    nfd = unicodedata.normalize("NFD", written)
    assert canonical_tone(unicodedata.normalize("NFC", nfd)) == canonical


def test_both_styles_meet():
    assert len(TONE_PAIRS) >= 30
    for old, new in [("hoà", "hòa"), ("khoá", "khóa"), ("Tỉnh uỷ", "Tỉnh ủy")]:
        assert [canonical_tone(s) for s in old.split()] == [canonical_tone(s) for s in new.split()]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("kĩ", "kỹ"),
        ("kỹ", "kỹ"),
        ("lí", "lý"),
        ("lý", "lý"),
        ("mĩ", "mỹ"),
        ("tỉ", "tỷ"),
        ("qui", "quy"),
        ("quí", "quý"),
        ("quĩ", "quỹ"),
        ("sĩ", "sỹ"),
        ("hi", "hy"),
        ("kì", "kỳ"),
        ("mì", "mỳ"),
        # must not change: other onsets, or more than a lone vowel
        ("chỉ", "chỉ"),
        ("nghỉ", "nghỉ"),
        ("gì", "gì"),
        ("bí", "bí"),
        ("kim", "kim"),
        ("quyết", "quyết"),
        ("tia", "tia"),
        ("y", "y"),
    ],
)
def test_i_y_spelling(written, canonical):
    assert canonical_iy(written) == canonical


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đường", "duong"),
        ("dương", "duong"),  # folding merges them: that is why exact forms are kept too
        ("Tỉnh uỷ", "tinh uy"),
        ("HĐND", "hdnd"),
        ("Nguyễn Phú Trọng", "nguyen phu trong"),
        ("ă â ê ô ơ ư", "a a e o o u"),
        ("khóa XIII", "khoa xiii"),
        ("Ðảng ðoàn", "dang doan"),  # Ð and ð (U+00D0, U+00F0) look like Đ and đ
        ("2023", "2023"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded


@pytest.mark.parametrize(
    ("typed", "matched"),
    [
        ("ÐẢNG", "đảng"),  # the look-alike Ð is Đ
        ("ðoàn", "đoàn"),
        ("Đảng", "đảng"),
        ("VỊÊT", "việt"),  # and the tone goes where it belongs
        ("Hoà", "hòa"),
    ],
)
def test_a_syllable_is_matched_in_one_form(typed, matched):
    assert normalize_syllable(typed) == matched
    assert (
        normalize_syllable(unicodedata.normalize("NFC", unicodedata.normalize("NFD", typed)))
        == matched
    )


def test_has_diacritics():
    assert has_diacritics("tổ chức")
    assert has_diacritics("đi")
    assert not has_diacritics("to chuc Dang 2023")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("tư", True),
        ("tu", True),
        ("nghiêng", True),
        ("ubnd", False),
        ("tand", False),
        ("hcm", False),
    ],
)
def test_syllable_shape(word, expected):
    assert is_vietnamese_syllable(word) is expected


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("I", 1),
        ("II", 2),
        ("IV", 4),
        ("IX", 9),
        ("XIII", 13),
        ("XIV", 14),
        ("XL", 40),
        ("LXXXIX", 89),
    ],
)
def test_roman_numerals(numeral, value):
    assert roman_value(numeral) == value
    assert to_roman(value) == numeral


@pytest.mark.parametrize("word", ["IIII", "VX", "xiii", "Xiii", "MC", "CD", "C", "IC", ""])
def test_not_roman_numerals(word):
    assert roman_value(word) is None


def test_nfc_offsets_identity_for_nfc_text():
    assert nfc_with_offsets("Tỉnh ủy") == ("Tỉnh ủy", None)


def test_nfc_offsets_map_back_into_nfd_text():
    original = unicodedata.normalize("NFD", "Tỉnh ủy Lạng Sơn")
    normalized, mapping = nfc_with_offsets(original)
    assert normalized == "Tỉnh ủy Lạng Sơn"
    start = normalized.index("ủy")
    span = original[mapping[start] : mapping[start + 2]]
    assert unicodedata.normalize("NFC", span) == "ủy"
    assert mapping[-1] == len(original)
