"""pyvi word segmentation with character offsets into the original text.

The word boundaries are pyvi 0.1.1's own: the same syllable pattern, the same CRF model
and the same features, computed once per sentence instead of once per syllable, and the
same rule for joining syllables into words. Offsets point into the text as given, NFD or
not, so highlights land on the characters the reader sees.

>>> [text for text, _ in segment("Ngành tổ chức xây dựng đảng")]
[('Ngành',), ('tổ', 'chức'), ('xây', 'dựng'), ('đảng',)]
"""

from __future__ import annotations

import itertools
import re
import string
import threading
from collections import OrderedDict

import pycrfsuite
from pyvi.ViTokenizer import ViTokenizer as _Pyvi

from .text import nfc, nfc_with_offsets

# pyvi's syllable pattern, alternative for alternative: the order decides ties.
_SYLLABLE = re.compile(
    "|".join(
        [
            r"[A-ZĐ]+\.",
            r"Tp\.",
            r"Mr\.",
            r"Mrs\.",
            r"Ms\.",
            r"Dr\.",
            r"ThS\.",
            "==>",
            "->",
            r"\.\.\.",
            ">>",
            "\n",
            r"\w+://[^\s]+",
            r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",
            r"\d+([\.,_]\d+)+",
            r"[^\w\s]",
            r"\w+",
        ]
    )
)
# The CRF tags one sentence at a time, so memory stays bounded on a 10 MB line. A
# sentence ends after these: pyvi never joins a syllable to them, and each sentence's
# features still see its neighbours, so the labels match tagging the whole text at once.
_SENTENCE_END = frozenset({".", "!", "?"})
# With no sentence end in sight, cut here (clause punctuation) or, failing that, anywhere.
_CLAUSE_END = frozenset({",", ";", ":"})
MAX_SENTENCE = 400

Word = tuple[tuple[str, ...], tuple[tuple[int, int], ...]]
"""A word: its syllables (NFC) and each syllable's (start, end) in the original text."""

_BIGRAMS = _Pyvi.bi_grams
_TRIGRAMS = _Pyvi.tri_grams
_local = threading.local()


def _tagger() -> pycrfsuite.Tagger:
    # One tagger per thread: a pycrfsuite Tagger is not safe to share between threads.
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        tagger = _local.tagger = pycrfsuite.Tagger()
        tagger.open(_Pyvi.model.modelfile.name)
    return tagger


def syllables(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Split *text* into pyvi's syllables, each with its (start, end) in *text*."""
    normalized, mapping = nfc_with_offsets(text)
    tokens, spans = [], []
    for match in _SYLLABLE.finditer(normalized):
        start, end = match.span()
        if mapping is None:
            tokens.append(match.group())
            spans.append((start, end))
        else:  # the text of the span, which differs from the match only when a rare
            # cluster of marks was snapped whole into it (see nfc_with_offsets)
            start, end = mapping[start], mapping[end]
            if start < end:
                tokens.append(nfc(text[start:end]))
                spans.append((start, end))
    return tokens, spans


class _Features:
    """pyvi's word2features for a list of syllables, built from cached parts.

    A feature whose value is False weighs nothing in the CRF, so it is left out;
    string features become "name:value", as pycrfsuite spells dict features.
    """

    own: dict[str, tuple[str, ...]] = {}
    left: dict[str, tuple[str, ...]] = {}
    right: dict[str, tuple[str, ...]] = {}
    LIMIT = 500_000  # distinct syllables remembered; a corpus has far fewer

    @classmethod
    def _parts(cls, token: str) -> None:
        lower = token.lower()
        title, upper = token.istitle(), token.isupper()
        own = ["bias", "word.lower():" + lower]
        left, right = ["-1:word.lower():" + lower], ["+1:word.lower():" + lower]
        if upper:
            own.append("word.isupper()")
            left.append("-1:word.isupper()")
            right.append("+1:word.isupper()")
        if title:
            own.append("word.istitle()")
            left.append("-1:word.istitle()")
            right.append("+1:word.istitle()")
        if token.isdigit():
            own.append("word.isdigit()")
        if len(cls.own) > cls.LIMIT:
            cls.own.clear(), cls.left.clear(), cls.right.clear()
        cls.own[token], cls.left[token], cls.right[token] = tuple(own), tuple(left), tuple(right)

    @classmethod
    def sentence(cls, tokens: list[str], start: int, end: int) -> list[list[str]]:
        """Features of tokens[start:end], seeing the neighbours outside the slice as pyvi does."""
        lo, hi = max(start - 2, 0), min(end + 2, len(tokens))
        window = tokens[lo:hi]
        for token in window:
            if token not in cls.own:
                cls._parts(token)
        lower = [cls.own[t][1][13:] for t in window]
        if any("Σ" in t for t in window):  # final sigma: lower() of a join differs
            pair = [" ".join(window[i : i + 2]).lower() in _BIGRAMS for i in range(len(window) - 1)]
            triple = [
                " ".join(window[i : i + 3]).lower() in _TRIGRAMS for i in range(len(window) - 2)
            ]
        else:
            pair = [f"{a} {b}" in _BIGRAMS for a, b in itertools.pairwise(lower)]
            triple = [f"{a} {b} {c}" in _TRIGRAMS for a, b, c in zip(lower, lower[1:], lower[2:])]
        own, left, right = cls.own, cls.left, cls.right
        n = len(tokens)
        out = []
        for i in range(start, end):
            w = i - lo  # index into the window
            f = list(own[tokens[i]])
            if i > 0:
                f.extend(left[tokens[i - 1]])
                if pair[w - 1]:
                    f.append("-1:word.bi_gram()")
                if i > 1 and triple[w - 2]:
                    f.append("-2:word.tri_gram()")
            if i < n - 1:
                f.extend(right[tokens[i + 1]])
                if pair[w]:
                    f.append("+1:word.bi_gram()")
                if i < n - 2 and triple[w]:
                    f.append("+2:word.tri_gram()")
            out.append(f)
        return out


def _joins(previous: str, current: str) -> bool:
    # pyvi's rule for gluing a syllable tagged I_W to the one before it. Note that
    # `in string.punctuation` is a substring test, exactly as pyvi has it.
    return not (
        current in string.punctuation
        or previous in string.punctuation
        or current[0].isdigit()
        or previous[0].isdigit()
        or (current[0].istitle() and not previous[0].istitle())
    )


def _sentences(tokens: list[str]):
    """Yield (start, end) index ranges of the sentences in a syllable list."""
    start = 0
    clause = -1
    for i, token in enumerate(tokens):
        if token in _SENTENCE_END:
            yield start, i + 1
            start, clause = i + 1, -1
        elif i + 1 - start >= MAX_SENTENCE:
            cut = clause + 1 if clause >= start else i + 1
            yield start, cut
            start, clause = cut, -1
        elif token in _CLAUSE_END:
            clause = i
    if start < len(tokens):
        yield start, len(tokens)


def tag(tokens: list[str], start: int = 0, end: int | None = None) -> list[str]:
    """Return pyvi's B_W / I_W label for each syllable of the sentence tokens[start:end]."""
    end = len(tokens) if end is None else end
    if start >= end:
        return []
    return _tagger().tag(pycrfsuite.ItemSequence(_Features.sentence(tokens, start, end)))


def segment(text: str) -> list[Word]:
    """Split *text* into pyvi words, each as (syllables, spans into *text*)."""
    tokens, spans = syllables(text)
    words: list[Word] = []
    for start, end in _sentences(tokens):
        labels = tag(tokens, start, end)
        for i in range(start, end):
            if i > start and labels[i - start] == "I_W" and _joins(tokens[i - 1], tokens[i]):
                texts, offsets = words[-1]
                words[-1] = ((*texts, tokens[i]), (*offsets, spans[i]))
            else:
                words.append(((tokens[i],), (spans[i],)))
    return words


_cache: OrderedDict[str, list[Word]] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 8


def segment_cached(text: str) -> list[Word]:
    """Like segment(), remembering the last few texts.

    Every representation of a field (words, syllables, folded) analyses the same text:
    this makes pyvi run once for all of them.
    """
    with _cache_lock:
        words = _cache.get(text)
        if words is not None:
            _cache.move_to_end(text)
            return words
    words = segment(text)
    with _cache_lock:
        _cache[text] = words
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return words


def pyvi_words(text: str) -> list[str]:
    """Return the words of ``pyvi.ViTokenizer.tokenize(text)``: the reference boundaries."""
    return _Pyvi.tokenize(text).split()
