"""An article's postings for every representation, computed in one pass, in a worker.

Whoosh would run each field's analyzer on its own: pyvi, abbreviations, numerals and
tone placement three times. Here the shared part of the pipeline runs once and the
three representations are read off its word tokens; a test checks that the items equal
those of ``field.index(text)`` for each field. Photo captions weigh less: their tokens
carry a boost below 1.

The pass keeps each token's word and syllables in lists and counts them with Counter
(words, pairs of adjacent syllables) or one dictionary of positions (syllables); the
few tokens in captions are counted again to take their lighter weight off.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from whoosh import formats
from whoosh.system import pack_uint

from ..language.text import canonical_iy, fold
from .schema import Postings

CAPTION_WEIGHT = 0.5
STORED_LEVEL = 1  # zlib level of stored spans and terms: 6 is 3 times slower, 14 % smaller


def analyze(text: str, analyzer, formats, weak_spans=()):
    """Return ({suffix: Postings} for every representation, spans bytes, terms bytes) for
    one text field: the postings, and what snippets read per syllable position.

    *analyzer* is the word analyzer, which is the shared part of all three pipelines;
    *formats* maps each suffix to the Whoosh format whose encoding the postings use.
    """
    words: list[str] = []  # each token's word
    parts: list[list] = []  # each syllable's [text, start, end, surface]: one a position
    gaps: list[int] = []  # positions of the first syllable after punctuation
    weak_words: list[str] = []  # the words of caption tokens
    weak_ranges: list[tuple[int, int]] = []  # their positions
    weak = sorted(weak_spans)
    w = 0  # index of the next weak span that may hold a token
    for token in analyzer(text, positions=True, chars=True, mode="index"):
        if token.gap:
            gaps.append(len(parts))
        if weak:
            while w < len(weak) and weak[w][1] <= token.startchar:
                w += 1
            if w < len(weak) and weak[w][0] <= token.startchar:
                weak_words.append(token.text)
                weak_ranges.append((len(parts), len(parts) + len(token.parts)))
        words.append(token.text)
        parts += token.parts

    terms = list(map(canonical_iy, [part[0] for part in parts]))
    positions: dict[str, list[int]] = {}
    for position, term in enumerate(terms):
        if term in positions:
            positions[term].append(position)
        else:
            positions[term] = [position]
    pairs = Counter(pairwise(terms))  # adjacent syllables; then those across a gap out
    for gap in gaps:
        if gap:
            pair = (terms[gap - 1], terms[gap])
            pairs[pair] -= 1
            if not pairs[pair]:
                del pairs[pair]
    lighter = _Lighter(terms, gaps, weak_words, weak_ranges)

    boost = {suffix: fmt.field_boost for suffix, fmt in formats.items()}
    syllables, folded = _positional(positions, lighter.syllables, formats, boost)
    postings = {
        "w": _frequencies(Counter(words), lighter.words, boost["w"]),
        "s": syllables,
        "f": folded,
        "b": _frequencies(pairs, lighter.pairs, boost["b"], pair=True),
    }
    starts = [part[1] for part in parts]
    ends = [part[2] for part in parts]
    return postings, encode_spans(starts, ends), encode_terms(terms)


class _Lighter:
    """How many occurrences of each word, syllable and pair stand in photo captions."""

    __slots__ = ("pairs", "syllables", "words")

    def __init__(self, terms, gaps, weak_words, weak_ranges):
        self.words = Counter(weak_words)
        self.syllables: Counter = Counter()
        self.pairs: Counter = Counter()
        if not weak_ranges:  # most texts have no caption
            return
        after_gap = set(gaps)
        for start, end in weak_ranges:
            for position in range(start, end):
                self.syllables[terms[position]] += 1
                if position and position not in after_gap:
                    self.pairs[(terms[position - 1], terms[position])] += 1


_PACKED = [pack_uint(n) for n in range(1024)]  # a frequency's value bytes
_LIGHTER = 1.0 - CAPTION_WEIGHT  # what an occurrence in a caption weighs less


def _frequencies(counts, weak, boost, pair=False) -> Postings:
    """Postings of a frequency-only field: term bytes, frequency, weight, value bytes.

    A weight is the sum of the occurrences' boosts: 1 each, CAPTION_WEIGHT in a caption
    (sums of halves and ones are exact in floating point, so this equals adding them).
    """
    freqs = list(counts.values())
    if weak:
        weights = [(f - _LIGHTER * weak[term]) * boost for term, f in counts.items()]
    else:
        weights = [f * boost for f in freqs]
    packed = _PACKED
    values = [packed[f] if f < 1024 else pack_uint(f) for f in freqs]
    terms = [f"{a} {b}" for a, b in counts] if pair else counts
    return Postings([term.encode("utf-8") for term in terms], freqs, weights, values)


def _positional(positions, weak, formats, boost) -> tuple[Postings, Postings]:
    """The postings of syllables and of folded syllables, which share positions.

    A folded term that only one syllable of the text folds to has that syllable's
    frequency, weight and value bytes; where several do ("đường" and "dương"), their
    positions interleave.
    """
    encode_s = _encoder(formats["s"])
    encode_f = _encoder(formats["f"])
    lists = list(positions.values())
    counts = [len(poslist) for poslist in lists]
    if weak:
        raw = [count - _LIGHTER * weak[term] for term, count in zip(positions, counts)]
    else:
        raw = [float(count) for count in counts]
    values = list(map(encode_s, lists))
    syllables = Postings(
        [term.encode("utf-8") for term in positions],
        counts,
        [weight * boost["s"] for weight in raw],
        values,
    )
    groups: dict[str, list[int]] = {}  # folded term -> the syllables (indexes) folding to it
    for i, key in enumerate(map(fold, positions)):
        if key in groups:
            groups[key].append(i)
        else:
            groups[key] = [i]
    texts, freqs, weights, folded_values = [], [], [], []
    for key, members in groups.items():
        if len(members) == 1:
            i = members[0]
            count, weight = counts[i], raw[i]
            value = values[i] if encode_f is encode_s else encode_f(lists[i])
        else:
            poslist = sorted(p for i in members for p in lists[i])
            count, weight = len(poslist), sum(raw[i] for i in members)
            value = encode_f(poslist)
        texts.append(key.encode("utf-8"))
        freqs.append(count)
        weights.append(weight * boost["f"])
        folded_values.append(value)
    return syllables, Postings(texts, freqs, weights, folded_values)


def _encoder(fmt):
    return _encode_positions if type(fmt) is formats.Positions else fmt.encode


def _encode_positions(poslist: list[int]) -> bytes:
    """The bytes of whoosh.formats.Positions.encode(poslist): count, pickled deltas."""
    if len(poslist) == 1:  # most terms of a text occur once
        position = poslist[0]
        if position < len(_ONE_POSITION):
            return _ONE_POSITION[position]
        return pack_uint(1) + pickle.dumps(poslist, 2)
    deltas = [b - a for a, b in zip([0, *poslist], poslist)]
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


_ONE_POSITION = [pack_uint(1) + pickle.dumps([p], 2) for p in range(8192)]


def encode_spans(starts, ends) -> bytes:
    """Pack the character span of each syllable position: deltas of starts, then lengths."""
    count = len(starts)
    packed = array("I", [count])
    previous = 0
    for start in starts:
        packed.append(start - previous)
        previous = start
    packed.extend(end - start for start, end in zip(starts, ends))
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
    """Pack the syllable term (as the ``_s`` field indexes it) of each position."""
    return zlib.compress(" ".join(terms).encode("utf-8"), STORED_LEVEL) if terms else b""


class Terms:
    """Where each syllable term stands in a text field, from encode_terms' bytes.

    Snippets mark the positions of a query's syllables from this, the document's own
    stored list, instead of reading posting blocks of every query term for every hit.
    """

    __slots__ = ("_folded", "_terms")

    def __init__(self, data: bytes):
        self._terms = zlib.decompress(data).decode("utf-8").split(" ") if data else []
        self._folded: list[str] | None = None

    def exact(self, term: str) -> list[int]:
        """The positions of *term* (a syllable as the ``_s`` field holds it)."""
        return _find(self._terms, term)

    def folded(self, term: str) -> list[int]:
        """The positions of the syllables that fold to *term* (as the ``_f`` field)."""
        return _find(self.sequence(folded=True), term)

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
