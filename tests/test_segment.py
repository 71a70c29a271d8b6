"""pyvi word segmentation with offsets into the original text."""

import unicodedata

import pytest

from indexer.segment import MAX_SENTENCE, segment, syllables


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
