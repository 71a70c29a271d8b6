"""What an index stores per text field so that snippets need no analysis at query time.

For every syllable position of a field: its character span in the text (`encode_spans`)
and its syllable term (`encode_terms`). Every backend stores these two byte strings
beside the text; `search.marks` reads them back to place the marks.

Only the positions in a field's first MARKED_CHARS characters are stored (`marked`): a
snippet, a document's marks and the re-ranking of a long query look no further, so no
single huge article makes a search slow (Elasticsearch bounds its highlighter alike,
with index.highlight.max_analyzed_offset).
"""

from __future__ import annotations

import bisect
import zlib
from array import array
from collections.abc import Sequence

import numpy as np

from ..language.text import fold

STORED_LEVEL = 1  # zlib level of stored spans and terms: 6 is 3 times slower, 14 % smaller
MARKED_CHARS = 200_000  # characters of a field where marks are placed (about 100 pages)


def marked(spans: list[tuple[int, int]]) -> int:
    """How many positions of a field, in order, begin within its first MARKED_CHARS."""
    if not spans or spans[-1][0] < MARKED_CHARS:
        return len(spans)
    return bisect.bisect_left(spans, (MARKED_CHARS, 0))


def encode_spans(spans: list[tuple[int, int]]) -> bytes:
    """Pack the character span of each syllable position: deltas of starts, then lengths."""
    packed = array("I", [len(spans)])
    previous = 0
    for start, _ in spans:
        packed.append(start - previous)
        previous = start
    packed.extend(end - start for start, end in spans)
    return zlib.compress(packed.tobytes(), STORED_LEVEL)


class Spans(Sequence):
    """The character span of each syllable position, read from encode_spans' bytes.

    A sequence of (start, end); only the spans asked for are built (a hit's snippet
    needs a handful of a long article's thousands).
    """

    __slots__ = ("_lengths", "_starts")

    def __init__(self, data: bytes):
        if data:
            packed = np.frombuffer(zlib.decompress(data), np.uint32)
            count = int(packed[0])
            self._starts = np.cumsum(packed[1 : count + 1], dtype=np.int64).tolist()
            self._lengths = packed[count + 1 :].tolist()
        else:
            self._starts, self._lengths = [], []

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, p):
        if isinstance(p, slice):
            return [self[i] for i in range(*p.indices(len(self)))]
        start = self._starts[p]
        return (start, start + self._lengths[p])


def decode_spans(data: bytes) -> Spans:
    """Return the (start, end) of each syllable position, as encode_spans packed them."""
    return Spans(data)


def encode_terms(terms: list[str]) -> bytes:
    """Pack the syllable term (the syllables representation) of each position."""
    return zlib.compress(" ".join(terms).encode("utf-8"), STORED_LEVEL) if terms else b""


class Terms:
    """Where each syllable term stands in a text field, from encode_terms' bytes.

    Snippets mark the positions of a query's syllables from this, the document's own
    stored list, instead of reading posting blocks of every query term for every hit.
    """

    __slots__ = ("_by_fold", "_folded", "_terms")

    def __init__(self, data: bytes):
        self._terms = zlib.decompress(data).decode("utf-8").split(" ") if data else []
        self._folded: list[str] | None = None
        self._by_fold: dict[str, list[str]] | None = None

    def exact(self, term: str) -> list[int]:
        """The positions of *term* (a syllable, i/y unified)."""
        return _find(self._terms, term)

    def folded(self, term: str) -> list[int]:
        """The positions of the syllables that fold to *term* (folded).

        Found through the text's distinct syllables (a few thousand in a long text)
        rather than by folding every position.
        """
        if self._by_fold is None:
            self._by_fold = {}
            for distinct in set(self._terms):
                self._by_fold.setdefault(fold(distinct), []).append(distinct)
        found = [p for exact in self._by_fold.get(term, ()) for p in _find(self._terms, exact)]
        return sorted(found)

    def sequence(self, folded: bool = False) -> list[str]:
        """Every syllable in position order, exact or folded."""
        if not folded:
            return self._terms
        if self._folded is None:
            self._folded = [fold(t) for t in self._terms]
        return self._folded


def _find(items: list[str], item: str) -> list[int]:
    found, at = [], -1
    try:
        while True:
            at = items.index(item, at + 1)
            found.append(at)
    except ValueError:
        return found
