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
# Characters of a text kept with its document, for snippets and marks (a passage may reach
# past the last mark); a backend stores the rest of a longer text apart, read only for the
# whole document, so that no hit reads megabytes.
STORED_TEXT = MARKED_CHARS + 2_000


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
            self._starts = np.cumsum(packed[1 : count + 1], dtype=np.int64)
            self._lengths = packed[count + 1 :]
        else:
            self._starts = self._lengths = np.zeros(0, np.int64)

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, p):
        if isinstance(p, slice):
            return [self[i] for i in range(*p.indices(len(self)))]
        start = int(self._starts[p])
        return (start, start + int(self._lengths[p]))


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
    The syllables are found in the stored text itself, from its start, as far as a
    caller asks: a snippet of a long text reads only up to the places it shows.
    """

    __slots__ = ("_by_fold", "_folded", "_terms", "_text")

    def __init__(self, data: bytes):
        joined = zlib.decompress(data).decode("utf-8") if data else ""
        self._text = f" {joined} " if joined else ""  # each syllable between spaces
        self._terms: list[str] | None = None
        self._folded: list[str] | None = None
        self._by_fold: dict[str, list[str]] | None = None

    def has(self, term: str) -> bool:
        """Does the text hold *term*?"""
        return f" {term} " in self._text

    def places(self, term: str):
        """(position, offset) of each occurrence of *term*, in order, one at a time (a
        caller may stop); the offset is where it stands in the stored text."""
        text, needle = self._text, f" {term} "
        at, position, counted = text.find(needle), -1, 0
        while at != -1:
            position += text.count(" ", counted, at + 1)
            counted = at + 1
            yield position, at + 1
            at = text.find(needle, at + len(term) + 1)

    def stands(self, offset: int, term: str) -> int | None:
        """The offset of the syllable after *term*, if *term* stands at *offset*."""
        end = offset + len(term)
        return end + 1 if self._text.startswith(term, offset) and self._text[end] == " " else None

    def exact(self, term: str) -> list[int]:
        """The positions of *term* (a syllable, i/y unified)."""
        return [position for position, _ in self.places(term)]

    def folded(self, term: str) -> list[int]:
        """The positions of the syllables that fold to *term* (folded)."""
        return sorted(p for exact in self.folding_to(term) for p in self.exact(exact))

    def folding_to(self, folded: str) -> list[str]:
        """The text's distinct syllables that fold to *folded*: a few thousand distinct
        syllables are folded once, not every position of a long text."""
        if self._by_fold is None:
            self._by_fold = {}
            for distinct in set(self.sequence()):
                self._by_fold.setdefault(fold(distinct), []).append(distinct)
        return self._by_fold.get(folded, [])

    def sequence(self, folded: bool = False) -> list[str]:
        """Every syllable in position order, exact or folded."""
        if self._terms is None:
            self._terms = self._text.split(" ")[1:-1] if self._text else []
        if not folded:
            return self._terms
        if self._folded is None:
            self._folded = [fold(t) for t in self._terms]
        return self._folded
