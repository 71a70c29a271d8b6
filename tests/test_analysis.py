"""The analyzers: representations, numerals, abbreviations, offsets, pickling, properties."""

import pickle
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, query
from whoosh.filedb.filestore import RamStorage

from indexer.language.abbreviations import Abbreviations
from indexer.language.analysis import folded_analyzer, syllable_analyzer, word_analyzer

WORDS = word_analyzer()
SYLLABLES = syllable_analyzer()
FOLDED = folded_analyzer()


def terms(analyzer, text, mode="index"):
    return [t.text for t in analyzer(text, mode=mode)]


def test_three_representations():
    text = "Ban Tổ chức Tỉnh uỷ họp báo"
    assert terms(WORDS, text) == ["ban", "tổ chức", "tỉnh ủy", "họp báo"]
    assert terms(SYLLABLES, text) == ["ban", "tổ", "chức", "tỉnh", "ủy", "họp", "báo"]
    assert terms(FOLDED, text) == ["ban", "to", "chuc", "tinh", "uy", "hop", "bao"]


def test_query_mode_is_the_same_analysis():
    text = "Tổ chức Đảng khóa XIII, UBND TP.HCM"
    for analyzer in (WORDS, SYLLABLES, FOLDED):
        assert terms(analyzer, text, mode="query") == terms(analyzer, text)


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
    analyzer = syllable_analyzer(table)
    assert terms(analyzer, "BCĐ tỉnh") == terms(analyzer, "Ban Chỉ đạo tỉnh")
    assert terms(analyzer, "UBND") == terms(analyzer, "Ủy ban nhân dân")  # built-ins stay


def test_bad_abbreviation_file_is_reported(tmp_path):
    path = tmp_path / "abbr.txt"
    path.write_text("UBND Ủy ban nhân dân\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"abbr.txt:1"):
        Abbreviations.from_file(path)


def test_positions_and_offsets():
    text = "Phó Bí thư Tỉnh uỷ, khóa XIII"
    tokens = [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in SYLLABLES(text, positions=True, chars=True)
    ]
    assert tokens == [
        ("phó", 0, "Phó"),
        ("bí", 1, "Bí"),
        ("thư", 2, "thư"),
        ("tỉnh", 3, "Tỉnh"),
        ("ủy", 4, "uỷ"),
        ("khóa", 5, "khóa"),
        ("13", 6, "XIII"),
    ]
    folded = [(t.text, t.pos) for t in FOLDED(text, positions=True, chars=True)]
    assert [p for _, p in folded] == [p for _, p, _ in tokens]


def test_expansion_spans_the_abbreviation():
    text = "Văn phòng UBND TP.HCM"
    spans = {(t.text, text[t.startchar : t.endchar]) for t in SYLLABLES(text, chars=True)}
    assert ("ủy", "UBND") in spans
    assert ("hồ", "TP.HCM") in spans


def test_start_pos_and_start_char_are_honoured():
    tokens = SYLLABLES("tổ chức", positions=True, chars=True, start_pos=10, start_char=100)
    assert [(t.pos, t.startchar, t.endchar) for t in tokens] == [(10, 100, 102), (11, 103, 107)]


def test_analyzers_pickle():
    for analyzer in (WORDS, SYLLABLES, FOLDED, syllable_analyzer(Abbreviations("X1 = Xin chào"))):
        copy = pickle.loads(pickle.dumps(analyzer))
        assert copy == analyzer
        assert terms(copy, "Tỉnh uỷ khóa XIII X1") == terms(analyzer, "Tỉnh uỷ khóa XIII X1")


def test_whoosh_finds_each_form(tmp_path):
    schema = fields.Schema(
        id=fields.ID(stored=True),
        words=fields.TEXT(analyzer=WORDS),
        syllables=fields.TEXT(analyzer=SYLLABLES, phrase=True),
        folded=fields.TEXT(analyzer=FOLDED, phrase=True),
    )
    ix = RamStorage().create_index(schema)
    docs = {
        "a": "Phó Bí thư Thường trực Tỉnh uỷ dự hội nghị khóa XIII của UBND tỉnh",
        "b": "Tỉnh ủy tổ chức Đại hội 13, Ủy ban nhân dân tỉnh họp báo",
        "c": "Đường về quê dương liễu",
    }
    with ix.writer() as writer:
        for key, text in docs.items():
            writer.add_document(id=key, words=text, syllables=text, folded=text)

    def found(field, analyzer, text):
        phrase = query.Phrase(field, terms(analyzer, text, mode="query"))
        with ix.searcher() as searcher:
            return {hit["id"] for hit in searcher.search(phrase)}

    assert found("syllables", SYLLABLES, "Tỉnh ủy") == {"a", "b"}
    assert found("syllables", SYLLABLES, "khoá 13") == {"a"}
    assert found("syllables", SYLLABLES, "UBND tỉnh") == {"a", "b"}
    assert found("syllables", SYLLABLES, "uỷ ban nhân dân tỉnh") == {"a", "b"}
    assert found("syllables", SYLLABLES, "họp") == {"b"}  # a syllable of "họp báo"
    assert found("folded", FOLDED, "tinh uy") == {"a", "b"}
    assert found("folded", FOLDED, "duong") == {"c"}
    assert found("syllables", SYLLABLES, "đường") == {"c"}
    with ix.searcher() as searcher:
        assert {h["id"] for h in searcher.search(query.Term("words", "tổ chức"))} == {"b"}


# --- Properties ------------------------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạấầẩẫậếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
vietnamese_text = st.text(alphabet=VIETNAMESE + " .,;:-/\n–…0123456789XIV", max_size=200)
any_text = st.text(max_size=200)  # every code point: NFD, mixed scripts, emoji, controls


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def _check_offsets(text):
    for token in SYLLABLES(text, positions=True, chars=True):
        assert 0 <= token.startchar < token.endchar <= len(text)
        if token.surface is not None:  # None: several abbreviation syllables merged
            assert _nfc(text[token.startchar : token.endchar]) == token.surface
    for token in WORDS(text, chars=True):
        sliced = _nfc(text[token.startchar : token.endchar])
        first, last = token.parts[0][3], token.parts[-1][3]
        if first is not None and last is not None:
            assert sliced.startswith(first)
            assert sliced.endswith(last)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_any_text_analyses_and_offsets_slice_the_surface(text):
    for analyzer in (WORDS, SYLLABLES, FOLDED):
        list(analyzer(text, positions=True, chars=True, mode="index"))
        list(analyzer(text, mode="query"))
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
    for analyzer in (WORDS, SYLLABLES, FOLDED):
        assert terms(analyzer, nfd) == terms(analyzer, nfc)


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_folded_terms_have_no_marks(text):
    for term in terms(FOLDED, text):
        assert re.fullmatch(r"[a-z0-9_.,]+", term) or not term.isascii(), term
