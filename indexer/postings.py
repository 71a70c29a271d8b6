"""An article's postings for every representation, computed in one pass, in a worker.

Whoosh would run each field's analyzer on its own: pyvi, abbreviations, numerals and
tone placement three times. Here the shared part of the pipeline runs once and the
three representations are read off its word tokens; a test checks that the items equal
those of ``field.index(text)`` for each field. Photo captions weigh less: their tokens
carry a boost below 1.
"""

from __future__ import annotations

import zlib
from array import array
from collections import defaultdict
from itertools import accumulate

from whoosh.system import pack_uint

from .schema import Postings
from .text import canonical_iy, fold

CAPTION_WEIGHT = 0.5


def analyze(text: str, analyzer, formats, weak_spans=()):
    """Return ({suffix: Postings} for every representation, spans bytes) for one text field.

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
    return postings, encode_spans(starts, ends)


def _frequencies(freqs, weights, boost):
    return [(t.encode("utf-8"), f, weights[t] * boost, pack_uint(f)) for t, f in freqs.items()]


def _positional(positions, weights, fmt, boost, merge=False):
    items = []
    for term, poslist in positions.items():
        if merge:  # several syllables fold to one term: their positions interleave
            poslist.sort()
        items.append(
            (term.encode("utf-8"), len(poslist), weights[term] * boost, fmt.encode(poslist))
        )
    return items


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


def decode_spans(data: bytes) -> list[tuple[int, int]]:
    """Return [(start, end)] by syllable position, as encode_spans packed them."""
    if not data:
        return []
    packed = array("I")
    packed.frombytes(zlib.decompress(data))
    count = packed[0]
    starts = list(accumulate(packed[1 : count + 1]))
    return [(s, s + n) for s, n in zip(starts, packed[count + 1 :])]
