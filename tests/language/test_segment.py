"""pyvi word segmentation with offsets into the original text."""

import unicodedata

import pycrfsuite
import pytest

from indexer.language.segment import MAX_SENTENCE, segment, syllables
from indexer.language.segment import decode as decoding
from indexer.language.segment.decode import chunks, viterbi
from indexer.language.segment.features import Features, ScoreTables
from indexer.language.segment.model import WEIGHTS, Weights, tagger


def _pyvi_style(words):
    # How pyvi.ViTokenizer.tokenize writes words, split on whitespace as callers do
    return " ".join("_".join(texts) for texts, _ in words).split()


def test_seed_words_equal_pyvi(seed_texts):
    from pyvi import ViTokenizer

    for name, text in seed_texts.items():
        assert _pyvi_style(segment(text)) == ViTokenizer.tokenize(text).split(), name


def test_news_words_equal_pyvi(news_sample):
    from pyvi import ViTokenizer

    for text in news_sample:
        assert _pyvi_style(segment(text)) == ViTokenizer.tokenize(text).split()


def test_our_decoding_labels_as_crfsuite_does(seed_texts, news_sample):
    # The weights read from the model file and our Viterbi give CRFsuite's own labels.
    features = Features
    decided = 0
    for text in [*seed_texts.values(), *news_sample]:
        tokens, _ = syllables(text)
        for start, end in chunks(tokens):
            ours = viterbi(features.scores(tokens, start, end))
            labels = tagger().tag(pycrfsuite.ItemSequence(features.sentence(tokens, start, end)))
            if ours is not None:
                decided += 1
                assert ours == [label == "I_W" for label in labels]
    assert decided > 10


def test_scores_equal_each_syllable_s_features_summed(seed_texts, monkeypatch):
    # Tables that start tiny and grow while a text is read give pyvi's words, and each
    # score is the sum of the weights of the features CRFsuite is given.
    from pyvi import ViTokenizer

    features = Features
    monkeypatch.setattr(features, "tables", ScoreTables(capacity=1))
    weights = WEIGHTS
    for name, text in seed_texts.items():
        assert _pyvi_style(segment(text)) == ViTokenizer.tokenize(text).split(), name
        tokens, _ = syllables(text)
        start, end = 0, min(len(tokens), 60)
        expected = [x for f in features.sentence(tokens, start, end) for x in weights.score(f)]
        scores = [x for pair in features.scores(tokens, start, end) for x in pair]
        assert scores == pytest.approx(expected, abs=1e-9)
    assert len(features.tables.row) > 100


def test_close_calls_are_left_to_crfsuite(seed_texts, monkeypatch):
    from pyvi import ViTokenizer

    monkeypatch.setattr(decoding, "TIE", float("inf"))  # every comparison is close
    text = seed_texts["000_50d02545dceeb243"]
    tokens, _ = syllables(text)
    assert viterbi(Features.scores(tokens, 0, 20)) is None
    assert _pyvi_style(segment(text)) == ViTokenizer.tokenize(text).split()


def test_model_weights_are_read_exactly():
    weights = WEIGHTS
    assert len(weights.state) > 6000
    b, _ = weights.state["bias"]
    assert b != round(b, 6)  # full doubles, not the six decimals of CRFsuite's dump
    with pytest.raises(ValueError):
        Weights(b"not a model")


def test_offsets_slice_the_original(seed_texts):
    for text in seed_texts.values():
        for texts, spans in segment(text):
            for syllable, (start, end) in zip(texts, spans):
                assert text[start:end] == syllable


def test_offsets_point_into_nfd_text(seed_texts):
    text = seed_texts["000_50d02545dceeb243"]
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    nfc_words = segment(text)
    nfd_words = segment(nfd)
    assert [w for w, _ in nfd_words] == [w for w, _ in nfc_words]
    for texts, spans in nfd_words:
        for syllable, (start, end) in zip(texts, spans):
            assert unicodedata.normalize("NFC", nfd[start:end]) == syllable


def test_compounds_are_words():
    words = [" ".join(texts) for texts, _ in segment("Ban Tổ chức Trung ương tổ chức hội nghị")]
    assert "tổ chức" in words
    assert "hội nghị" in words


def test_a_long_line_without_punctuation_is_cut_into_bounded_sentences():
    text = " ".join(["tổ chức xây dựng đảng"] * (MAX_SENTENCE // 2))
    words = segment(text)
    assert sum(len(texts) for texts, _ in words) == len(syllables(text)[0])
    assert "tổ_chức" in _pyvi_style(words)


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "...", "—", "😀"])
def test_empty_and_odd_input(text):
    words = segment(text)
    for texts, spans in words:
        for syllable, (start, end) in zip(texts, spans):
            assert text[start:end] == syllable
