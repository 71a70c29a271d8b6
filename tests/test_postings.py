"""The one-pass postings equal what Whoosh's own field analysis would index."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.postings import CAPTION_WEIGHT, analyze, decode_spans, encode_spans
from indexer.schema import REPRESENTATIONS, build_schema

SCHEMA = build_schema()
ANALYZER = SCHEMA["body_w"].analyzer
FORMATS = {s: SCHEMA[f"body_{s}"].format for s in REPRESENTATIONS}


def whoosh_items(text, suffix):
    return sorted(SCHEMA[f"body_{suffix}"].index(text))


def fast_items(text, weak=()):
    postings, spans = analyze(text, ANALYZER, FORMATS, weak)
    return {suffix: sorted(p.items) for suffix, p in postings.items()}, spans


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


def test_spans_round_trip(seed_texts):
    text = seed_texts["002_abb0d72e086358a6"]
    _, spans = fast_items(text)
    expected = [(t.startchar, t.endchar) for t in SCHEMA["body_s"].analyzer(text, chars=True)]
    assert decode_spans(spans) == expected
    assert len(expected) > 1000
    assert decode_spans(encode_spans([], [])) == []
