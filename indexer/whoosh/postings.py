"""A text field's Whoosh postings for every representation, from one Analysis, in a worker.

Whoosh would run each field's analyzer on its own, analysing the text four times; here
the four representations are read off the one `language.analyse` result, and a test
checks that the items equal those of ``field.index(text)`` for each field. Photo
captions weigh less: their occurrences count CAPTION_WEIGHT.

Words and pairs of adjacent syllables are counted with Counter, syllables with one
dictionary of positions; the few occurrences in captions are counted again to take
their lighter weight off.
"""

from __future__ import annotations

import pickle
from collections import Counter
from itertools import pairwise

from whoosh import formats
from whoosh.system import pack_uint

from ..language.analysis import Analysis
from ..language.text import fold
from .schema import Postings

CAPTION_WEIGHT = 0.5


def postings(analysis: Analysis, formats, captions=()) -> dict[str, Postings]:
    """Return {suffix: Postings} of one text field for every representation.

    *formats* maps each suffix to the Whoosh format whose encoding the postings use;
    *captions* are the (start, end) character spans of photo captions, whose
    occurrences weigh CAPTION_WEIGHT.
    """
    terms, gaps = analysis.syllables, analysis.gaps
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
    in_captions = CaptionCounts(analysis, captions) if captions else CaptionCounts.NONE

    boost = {suffix: fmt.field_boost for suffix, fmt in formats.items()}
    syllables, folded = _positional(positions, in_captions.syllables, formats, boost)
    return {
        "w": _frequencies(Counter(analysis.words), in_captions.words, boost["w"]),
        "s": syllables,
        "f": folded,
        "b": _frequencies(pairs, in_captions.pairs, boost["b"], pair=True),
    }


class CaptionCounts:
    """How many occurrences of each word, syllable and pair stand in photo captions."""

    __slots__ = ("pairs", "syllables", "words")
    NONE: CaptionCounts

    def __init__(self, analysis: Analysis | None = None, captions=()):
        self.words: Counter = Counter()
        self.syllables: Counter = Counter()
        self.pairs: Counter = Counter()
        if analysis is None or not captions:
            return
        captions = sorted(captions)
        spans, terms = analysis.spans, analysis.syllables
        after_gap = set(analysis.gaps)
        c = 0  # the next caption that may hold a word
        for word, first, size in zip(analysis.words, analysis.starts(), analysis.sizes):
            start = spans[first][0]
            while c < len(captions) and captions[c][1] <= start:
                c += 1
            if c == len(captions):
                break
            if captions[c][0] > start:
                continue
            self.words[word] += 1
            for position in range(first, first + size):
                self.syllables[terms[position]] += 1
                if position and position not in after_gap:
                    self.pairs[(terms[position - 1], terms[position])] += 1


CaptionCounts.NONE = CaptionCounts()


_PACKED = [pack_uint(n) for n in range(1024)]  # a frequency's value bytes
_LIGHTER = 1.0 - CAPTION_WEIGHT  # what an occurrence in a caption weighs less


def _frequencies(counts, in_captions, boost, pair=False) -> Postings:
    """Postings of a frequency-only field: term bytes, frequency, weight, value bytes.

    A weight is the sum of the occurrences' boosts: 1 each, CAPTION_WEIGHT in a caption
    (sums of halves and ones are exact in floating point, so this equals adding them).
    """
    freqs = list(counts.values())
    if in_captions:
        weights = [(f - _LIGHTER * in_captions[term]) * boost for term, f in counts.items()]
    else:
        weights = [f * boost for f in freqs]
    packed = _PACKED
    values = [packed[f] if f < 1024 else pack_uint(f) for f in freqs]
    terms = [f"{a} {b}" for a, b in counts] if pair else counts
    return Postings([term.encode("utf-8") for term in terms], freqs, weights, values)


def _positional(positions, in_captions, formats, boost) -> tuple[Postings, Postings]:
    """The postings of syllables and of folded syllables, which share positions.

    A folded term that only one syllable of the text folds to has that syllable's
    frequency, weight and value bytes; where several do ("đường" and "dương"), their
    positions interleave.
    """
    encode_s = _encoder(formats["s"])
    encode_f = _encoder(formats["f"])
    lists = list(positions.values())
    counts = [len(poslist) for poslist in lists]
    if in_captions:
        raw = [count - _LIGHTER * in_captions[term] for term, count in zip(positions, counts)]
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
