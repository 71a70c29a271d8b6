"""The Whoosh analyzers: views of the one analysis that pickle into an index."""

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, query
from whoosh.filedb.filestore import RamStorage

from indexer.language.abbreviations import Abbreviations
from indexer.language.analysis import REPRESENTATIONS, analyse
from indexer.whoosh.analyzers import RepresentationAnalyzer

WORDS, SYLLABLES, FOLDED, PAIRS = (RepresentationAnalyzer(r) for r in REPRESENTATIONS)


def terms(analyzer, text, mode="index"):
    return [t.text for t in analyzer(text, mode=mode)]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="aăâđeêoôơuưyiAĐÊỦYáàảãạếềểễệ .,-\nXIVUBNDTP0123456789", max_size=120))
def test_each_analyzer_gives_its_representation_of_the_analysis(text):
    analysis = analyse(text)
    assert terms(WORDS, text) == analysis.words
    assert terms(SYLLABLES, text) == analysis.syllables
    assert terms(FOLDED, text) == analysis.folded
    assert terms(PAIRS, text) == analysis.pairs()
    assert terms(SYLLABLES, text, mode="query") == terms(SYLLABLES, text)


def test_positions_and_offsets():
    text = "Phó Bí thư Tỉnh uỷ, khóa XIII"
    syllables = [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in SYLLABLES(text, positions=True, chars=True)
    ]
    assert syllables[3:] == [
        ("tỉnh", 3, "Tỉnh"),
        ("ủy", 4, "uỷ"),
        ("khóa", 5, "khóa"),
        ("13", 6, "XIII"),
    ]
    folded = [(t.text, t.pos) for t in FOLDED(text, positions=True)]
    assert [p for _, p in folded] == [p for _, p, _ in syllables]
    words = [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in WORDS(text, positions=True, chars=True)
    ]
    assert words[:2] == [("phó bí thư", 0, "Phó Bí thư"), ("tỉnh ủy", 1, "Tỉnh uỷ")]
    pairs = [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in PAIRS(text, positions=True, chars=True)
    ]
    assert pairs[-2:] == [("tỉnh ủy", 3, "Tỉnh uỷ"), ("khóa 13", 5, "khóa XIII")]  # none across ","


def test_start_pos_and_start_char_are_honoured():
    tokens = SYLLABLES("tổ chức", positions=True, chars=True, start_pos=10, start_char=100)
    assert [(t.pos, t.startchar, t.endchar) for t in tokens] == [(10, 100, 102), (11, 103, 107)]


def test_analyzers_pickle_with_their_table():
    custom = RepresentationAnalyzer("syllables", Abbreviations("X1 = Xin chào"))
    for analyzer in (WORDS, SYLLABLES, FOLDED, PAIRS, custom):
        copy = pickle.loads(pickle.dumps(analyzer))
        assert copy == analyzer
        assert terms(copy, "Tỉnh uỷ khóa XIII X1") == terms(analyzer, "Tỉnh uỷ khóa XIII X1")
    assert terms(custom, "X1") == ["xin", "chào"]


def test_whoosh_finds_each_form():
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
