"""The one-pass postings equal what Whoosh's own field analysis would index."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.indexing.stored import Terms, decode_spans, encode_spans, encode_terms
from indexer.language.analysis import analyse
from indexer.language.text import fold
from indexer.whoosh.postings import CAPTION_WEIGHT, postings
from indexer.whoosh.schema import SUFFIXES, build_schema

SCHEMA = build_schema()
REPRESENTATIONS = tuple(SUFFIXES.values())  # w, s, f, b
FORMATS = {s: SCHEMA[f"body_{s}"].format for s in REPRESENTATIONS}


def analyze(text, captions=()):
    analysis = analyse(text)
    found = postings(analysis, FORMATS, captions)
    return found, encode_spans(analysis.spans), encode_terms(analysis.syllables)


def whoosh_items(text, suffix):
    return sorted(SCHEMA[f"body_{suffix}"].index(text))


def fast_items(text, captions=()):
    found, spans, _ = analyze(text, captions)
    return {suffix: sorted(p.items) for suffix, p in found.items()}, spans


def assert_same(text):
    fast, _ = fast_items(text)
    for suffix in REPRESENTATIONS:
        assert fast[suffix] == whoosh_items(text, suffix), suffix


def test_seed_postings_equal_whoosh_analysis(seed_texts):
    for text in seed_texts.values():
        assert_same(text)


def test_odd_text_postings_equal_whoosh_analysis():
    assert_same("UBND TP.HCM, khóa XIII; Tỉnh uỷ - kĩ thuật. đường Dương")
    assert_same("")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="aăâđeêoôơuưyiAĐÊỦYáàảãạếềểễệ .,-\nXIVUBNDTP0123456789", max_size=120))
def test_any_postings_equal_whoosh_analysis(text):
    assert_same(text)
    assert_same(unicodedata.normalize("NFD", text))


def test_captions_weigh_less():
    text = "Hội nghị tổ chức.\n\nẢnh: hội nghị"
    caption = (text.index("Ảnh"), len(text))
    fast, _ = fast_items(text, [caption])
    weights = {term.decode(): weight for term, _, weight, _ in fast["s"]}
    assert weights["tổ"] == 1.0
    assert weights["ảnh"] == CAPTION_WEIGHT
    assert weights["hội"] == 1.0 + CAPTION_WEIGHT


def test_captions_weigh_less_in_every_representation():
    text = "Hội nghị tổ chức.\n\nẢnh: hội nghị đường dương"
    caption = (text.index("Ảnh"), len(text))
    fast, _ = fast_items(text, [caption])
    weights = {s: {t.decode(): w for t, _, w, _ in fast[s]} for s in REPRESENTATIONS}
    assert weights["w"]["hội nghị"] == 1.0 + CAPTION_WEIGHT
    assert weights["w"]["tổ chức"] == 1.0
    assert weights["f"]["duong"] == 2 * CAPTION_WEIGHT  # two syllables fold to one term
    assert weights["f"]["hoi"] == 1.0 + CAPTION_WEIGHT
    assert weights["b"]["hội nghị"] == 1.0 + CAPTION_WEIGHT
    assert weights["b"]["nghị đường"] == CAPTION_WEIGHT
    assert "chức ảnh" not in weights["b"]  # the full stop parts them
    assert "ảnh hội" not in weights["b"]  # and the colon
    frequencies = {t.decode(): f for t, f, _, _ in fast["b"]}
    assert frequencies["hội nghị"] == 2


def test_spans_round_trip(seed_texts):
    text = seed_texts["002_abb0d72e086358a6"]
    _, spans = fast_items(text)
    expected = [(t.startchar, t.endchar) for t in SCHEMA["body_s"].analyzer(text, chars=True)]
    assert list(decode_spans(spans)) == expected
    assert decode_spans(spans)[3:5] == expected[3:5]
    assert len(expected) > 1000
    assert list(decode_spans(encode_spans([]))) == []


def test_stored_terms_are_the_positions_of_the_syllable_postings(seed_texts):
    for text in seed_texts.values():
        found, _, terms = analyze(text)
        stored = Terms(terms)
        for suffix, read in (("s", stored.exact), ("f", stored.folded)):
            decode = SCHEMA[f"body_{suffix}"].format.decoder("positions")
            for term, _, _, value in found[suffix].items:
                assert read(term.decode("utf-8")) == decode(value), (suffix, term)
    assert stored.exact("không-có-từ-này") == [] == stored.folded("khong-co")
    assert Terms(b"").exact("a") == []


def test_folded_positions_merge_the_accented_forms():
    _, _, terms = analyze("Hoà bình và hòa giải, hoa nở")
    stored = Terms(terms)
    assert stored.exact("hòa") == [0, 3]  # "hoà" is indexed in the new style too
    assert stored.folded(fold("hòa")) == [0, 3, 5]  # punctuation takes no position
