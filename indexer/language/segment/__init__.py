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
import threading
from collections import OrderedDict

from pyvi.ViTokenizer import ViTokenizer as Pyvi

from ..text import nfc, nfc_with_offsets
from .decode import MAX_SENTENCE, chunks, joins, tag

__all__ = ["MAX_SENTENCE", "Word", "pyvi_words", "segment", "segment_cached", "syllables"]

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

Word = tuple[tuple[str, ...], tuple[tuple[int, int], ...]]
"""A word: its syllables (NFC) and each syllable's (start, end) in the original text."""


def syllables(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Split *text* into pyvi's syllables, each with its (start, end) in *text*."""
    normalized, mapping = nfc_with_offsets(text)
    spans = [match.span() for match in _SYLLABLE.finditer(normalized)]
    if mapping is None:
        return [text[start:end] for start, end in spans], spans
    # The text of each mapped span, which differs from the match only when a rare
    # cluster of marks was snapped whole into it (see nfc_with_offsets).
    spans = [(mapping[start], mapping[end]) for start, end in spans]
    spans = [(start, end) for start, end in spans if start < end]
    return [nfc(text[start:end]) for start, end in spans], spans


def segment(text: str) -> list[Word]:
    """Split *text* into pyvi words, each as (syllables, spans into *text*)."""
    tokens, spans = syllables(text)
    firsts = []  # the index of each word's first syllable
    for start, end in chunks(tokens):
        inside = tag(tokens, start, end)
        firsts.append(start)
        for i in range(start + 1, end):
            if not inside[i - start] or not joins(tokens[i - 1], tokens[i]):
                firsts.append(i)
    firsts.append(len(tokens))
    tokens, spans = tuple(tokens), tuple(spans)  # a tuple's slice is the word's tuple
    return [(tokens[a:b], spans[a:b]) for a, b in itertools.pairwise(firsts)]


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
    return Pyvi.tokenize(text).split()
