"""The analysis: representations, numerals, abbreviations, offsets, gaps, properties."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.language.abbreviations import Abbreviations
from indexer.language.analysis import analyse

WORDS, SYLLABLES, FOLDED, PAIRS = "words", "syllables", "folded", "pairs"


def terms(representation, text, table=None):
    analysis = analyse(text, table)
    return analysis.pairs() if representation == PAIRS else getattr(analysis, representation)


def test_three_representations():
    text = "Ban Tổ chức Tỉnh uỷ họp báo"
    assert terms(WORDS, text) == ["ban", "tổ chức", "tỉnh ủy", "họp báo"]
    assert terms(SYLLABLES, text) == ["ban", "tổ", "chức", "tỉnh", "ủy", "họp", "báo"]
    assert terms(FOLDED, text) == ["ban", "to", "chuc", "tinh", "uy", "hop", "bao"]


def test_pairs_never_span_punctuation():
    assert terms(PAIRS, "Lạng Sơn, Gia Lai") == ["lạng sơn", "gia lai"]
    # an abbreviation's expansion pairs inside itself and with its neighbours, not across
    assert terms(PAIRS, "cấp ủy, HĐND các cấp") == [
        "cấp ủy", "hội đồng", "đồng nhân", "nhân dân", "dân các", "các cấp"
    ]  # fmt: skip
    assert terms(PAIRS, "Cty TNHH Hòa Phát")[:2] == ["cty trách", "trách nhiệm"]


def test_no_stopwords_are_removed():
    assert terms(SYLLABLES, "và của là những") == ["và", "của", "là", "những"]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Tỉnh uỷ", "Tỉnh ủy"),  # tone placement
        ("HOÀ BÌNH", "hòa bình"),
        ("khoá", "khóa"),
        ("kĩ thuật", "kỹ thuật"),  # i/y spelling
        ("lí do", "lý do"),
        ("nước Mĩ", "nước Mỹ"),
        ("qui định", "quy định"),
        ("khóa XIII", "khóa 13"),  # Roman numerals after a cue word
        ("quý II", "quý 2"),
        ("quý I/2023", "quý 1/2023"),
        ("Đại hội XIII", "Đại hội 13"),
        ("lần thứ VII", "lần thứ 7"),
        ("Khoá X", "khóa 10"),
        ("thế kỷ XX", "thế kỷ 20"),
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),  # abbreviations, both ways
        ("ubnd tỉnh", "Uỷ ban nhân dân tỉnh"),
        ("Ban Tổ chức TƯ", "Ban Tổ chức Trung ương"),
        ("Nghị quyết 18-NQ/TW", "Nghị quyết 18 nghị quyết trung ương"),
        ("HĐND", "Hội đồng nhân dân"),
        ("MTTQ", "Mặt trận Tổ quốc"),
        ("BCH", "Ban Chấp hành"),
        ("BTV", "Ban Thường vụ"),
        ("ĐBQH", "đại biểu Quốc hội"),
        ("TP Hạ Long", "thành phố Hạ Long"),
        ("TP.HCM", "Thành phố Hồ Chí Minh"),
        ("TP. HCM", "Thành phố Hồ Chí Minh"),
        ("CNTT", "công nghệ thông tin"),
        ("THPT", "trung học phổ thông"),
    ],
)
def test_forms_that_find_each_other(one, other):
    assert terms(SYLLABLES, one) == terms(SYLLABLES, other)
    assert terms(FOLDED, one) == terms(FOLDED, other)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xã X", ["xã", "x"]),  # no cue word: a letter stays a letter
        ("vitamin C và I", ["vitamin", "c", "và", "i"]),
        ("thứ tư", ["thứ", "tư"]),  # "TƯ" is Trung ương only in capitals
        ("XIV", ["14"]),  # two or more letters always convert
        ("MC và CD", ["mc", "và", "cd"]),  # outside the I-V-X-L range
        ("Anh Huy", ["anh", "huy"]),
    ],
)
def test_forms_left_alone(text, expected):
    assert terms(SYLLABLES, text) == expected


def test_typed_spelling_kept_in_word_terms():
    # the word field keeps i/y as written, so the spelling the user typed ranks first
    assert terms(WORDS, "kĩ thuật") == ["kĩ thuật"]
    assert terms(WORDS, "kỹ thuật") == ["kỹ thuật"]


def test_user_abbreviations(tmp_path):
    path = tmp_path / "abbr.txt"
    path.write_text("# ours\nBCĐ, BCD = Ban Chỉ đạo\n", encoding="utf-8")
    table = Abbreviations.from_file(path)
    assert terms(SYLLABLES, "BCĐ tỉnh", table) == terms(SYLLABLES, "Ban Chỉ đạo tỉnh", table)
    assert terms(SYLLABLES, "UBND", table) == terms(SYLLABLES, "Ủy ban nhân dân", table)
    assert terms(SYLLABLES, "BCĐ tỉnh") == ["bcđ", "tỉnh"]  # only where the table is given


def test_bad_abbreviation_file_is_reported(tmp_path):
    path = tmp_path / "abbr.txt"
    path.write_text("UBND Ủy ban nhân dân\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"abbr.txt:1"):
        Abbreviations.from_file(path)


def test_positions_and_offsets():
    text = "Phó Bí thư Tỉnh uỷ, khóa XIII"
    analysis = analyse(text)
    shown = [(term, text[a:b]) for term, (a, b) in zip(analysis.syllables, analysis.spans)]
    assert shown == [
        ("phó", "Phó"),
        ("bí", "Bí"),
        ("thư", "thư"),
        ("tỉnh", "Tỉnh"),
        ("ủy", "uỷ"),
        ("khóa", "khóa"),
        ("13", "XIII"),
    ]
    assert analysis.gaps == [5]  # "khóa" follows the comma
    assert analysis.words == ["phó bí thư", "tỉnh ủy", "khóa", "13"]
    assert analysis.sizes == [3, 2, 1, 1]
    assert analysis.starts() == [0, 3, 5, 6]


def test_expansion_spans_the_abbreviation():
    text = "Văn phòng UBND TP.HCM"
    analysis = analyse(text)
    spans = {(term, text[a:b]) for term, (a, b) in zip(analysis.syllables, analysis.spans)}
    assert ("ủy", "UBND") in spans
    assert ("hồ", "TP.HCM") in spans
    assert analysis.surfaces[analysis.syllables.index("ủy")] == "UBND"
    assert analysis.surfaces[analysis.syllables.index("hồ")] is None  # TP . HCM merged


def test_accented():
    assert analyse("tổ chức").accented
    assert not analyse("to chuc").accented
    assert not analyse("").accented


# --- Properties ------------------------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạấầẩẫậếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
vietnamese_text = st.text(alphabet=VIETNAMESE + " .,;:-/\n–…0123456789XIV", max_size=200)
any_text = st.text(max_size=200)  # every code point: NFD, mixed scripts, emoji, controls


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def _check_offsets(text):
    analysis = analyse(text)
    n = len(analysis.syllables)
    assert len(analysis.folded) == len(analysis.spans) == len(analysis.surfaces) == n
    assert sum(analysis.sizes) == n == len(analysis.words) + sum(s - 1 for s in analysis.sizes)
    for (start, end), surface in zip(analysis.spans, analysis.surfaces):
        assert 0 <= start < end <= len(text)
        if surface is not None:  # None: several abbreviation syllables merged
            assert _nfc(text[start:end]) == surface
    assert all(0 <= gap < n for gap in analysis.gaps)
    assert len(analysis.pairs()) == max(n - 1, 0) - len([g for g in analysis.gaps if g])


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_any_text_analyses_and_offsets_slice_the_surface(text):
    _check_offsets(text)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_vietnamese_text_offsets(text):
    _check_offsets(text)
    _check_offsets(unicodedata.normalize("NFD", text))


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_nfd_input_behaves_like_nfc(text):
    nfc, nfd = _nfc(text), unicodedata.normalize("NFD", text)
    for representation in (WORDS, SYLLABLES, FOLDED, PAIRS):
        assert terms(representation, nfd) == terms(representation, nfc)


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_folded_terms_have_no_marks(text):
    for term in terms(FOLDED, text):
        assert re.fullmatch(r"[a-z0-9_.,]+", term) or not term.isascii(), term
