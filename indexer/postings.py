"""An article's postings for every representation, computed in one pass, in a worker.

Whoosh would run each field's analyzer on its own: pyvi, abbreviations, numerals and
tone placement three times. Here the shared part of the pipeline runs once and the
three representations are read off its word tokens; a test checks that the items equal
those of ``field.index(text)`` for each field. Photo captions weigh less: their tokens
carry a boost below 1.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from whoosh import formats
from whoosh.system import pack_uint

from .schema import Postings
from .text import canonical_iy, fold

CAPTION_WEIGHT = 0.5


def analyze(text: str, analyzer, formats, weak_spans=()):
    """Return ({suffix: Postings} for every representation, spans bytes, terms bytes) for
    one text field: the postings, and what snippets read per syllable position.

    *analyzer* is the word analyzer, which is the shared part of all three pipelines;
    *formats* maps each suffix to the Whoosh format whose encoding the postings use.
    """
    word_freq: dict[str, int] = defaultdict(int)
    pair_freq: dict[str, int] = defaultdict(int)
    pair_weight: dict[str, float] = defaultdict(float)
    previous = None  # the syllable before, unless punctuation came between
    word_weight: dict[str, float] = defaultdict(float)
    syl_pos: dict[str, list[int]] = defaultdict(list)
    syl_weight: dict[str, float] = defaultdict(float)
    starts = array("I")
    ends = array("I")
    terms: list[str] = []
    weak = sorted(weak_spans)
    w = 0  # index of the next weak span that may hold a token
    position = 0
    for token in analyzer(text, positions=True, chars=True, mode="index"):
        boost = 1.0
        if weak:
            while w < len(weak) and weak[w][1] <= token.startchar:
                w += 1
            if w < len(weak) and weak[w][0] <= token.startchar:
                boost = CAPTION_WEIGHT
        word_freq[token.text] += 1
        word_weight[token.text] += boost
        if token.gap:
            previous = None
        for syllable, start, end, _ in token.parts:
            term = canonical_iy(syllable)
            if previous is not None:
                pair = f"{previous} {term}"
                pair_freq[pair] += 1
                pair_weight[pair] += boost
            previous = term
            syl_pos[term].append(position)
            syl_weight[term] += boost
            terms.append(term)
            starts.append(start)
            ends.append(end)
            position += 1

    fold_pos: dict[str, list[int]] = defaultdict(list)
    fold_weight: dict[str, float] = defaultdict(float)
    for term, positions in syl_pos.items():
        folded = fold(term)
        fold_pos[folded].extend(positions)
        fold_weight[folded] += syl_weight[term]

    fb = {suffix: fmt.field_boost for suffix, fmt in formats.items()}
    words = _frequencies(word_freq, word_weight, fb["w"])
    syllables = _positional(syl_pos, syl_weight, formats["s"], fb["s"])
    folded = _positional(fold_pos, fold_weight, formats["f"], fb["f"], merge=True)
    pairs = _frequencies(pair_freq, pair_weight, fb["b"])
    postings = {
        "w": Postings(words),
        "s": Postings(syllables),
        "f": Postings(folded),
        "b": Postings(pairs),
    }
    return postings, encode_spans(starts, ends), encode_terms(terms)


_PACKED = [pack_uint(n) for n in range(1024)]  # a frequency's value bytes


def _frequencies(freqs, weights, boost):
    packed = _PACKED
    return [
        (t.encode("utf-8"), f, weights[t] * boost, packed[f] if f < 1024 else pack_uint(f))
        for t, f in freqs.items()
    ]


def _positional(positions, weights, fmt, boost, merge=False):
    encode = _encode_positions if type(fmt) is formats.Positions else fmt.encode
    items = []
    for term, poslist in positions.items():
        if merge:  # several syllables fold to one term: their positions interleave
            poslist.sort()
        items.append((term.encode("utf-8"), len(poslist), weights[term] * boost, encode(poslist)))
    return items


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
    return zlib.compress(packed.tobytes(), 6)


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
    return zlib.compress(" ".join(terms).encode("utf-8"), 6) if terms else b""


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
        if self._folded is None:
            self._folded = [fold(t) for t in self._terms]
        return _find(self._folded, term)


def _find(items: list[str], item: str) -> list[int]:
    found, at = [], -1
    try:
        while True:
            at = items.index(item, at + 1)
            found.append(at)
    except ValueError:
        return found
