"""pyvi's CRF features of a sentence, as attribute names and as summed weights.

The same features as pyvi's word2features, computed once per sentence and cached per
syllable, so that a chunk's state scores are a few array lookups.
"""

from __future__ import annotations

import itertools
import threading

import numpy as np
from pyvi.ViTokenizer import ViTokenizer as Pyvi

from .model import WEIGHTS

_BIGRAMS = Pyvi.bi_grams
_TRIGRAMS = Pyvi.tri_grams


class Features:
    """pyvi's word2features for a list of syllables, as cached strings and scores.

    A feature whose value is False weighs nothing in the CRF, so it is left out;
    string features become "name:value", as pycrfsuite spells dict features. What a
    neighbour contributes depends on the neighbour and two flags (does it form a known
    bigram, a known trigram with us), so each syllable keeps its four variants, both as
    attribute names (for pycrfsuite) and as their summed weights (for our own decoding).
    """

    own: dict[str, tuple[str, ...]] = {}
    left: dict[str, tuple[tuple[str, ...], ...]] = {}  # index: 2 * bigram + trigram
    right: dict[str, tuple[tuple[str, ...], ...]] = {}
    lower: dict[str, str] = {}
    LIMIT = 500_000  # distinct syllables remembered; a corpus has far fewer

    @classmethod
    def learn(cls, token: str) -> None:
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
            for table in (cls.own, cls.left, cls.right, cls.lower):
                table.clear()
            cls.tables = ScoreTables()
        cls.lower[token] = lower
        cls.own[token] = tuple(own)
        cls.left[token] = variants(tuple(left), "-1:word.bi_gram()", "-2:word.tri_gram()")
        cls.right[token] = variants(tuple(right), "+1:word.bi_gram()", "+2:word.tri_gram()")

    @classmethod
    def _ngrams(cls, tokens: list[str], lo: int, hi: int) -> tuple[list[bool], list[bool]]:
        """For tokens[lo:hi]: does each start a known bigram, a known trigram?"""
        window = tokens[lo:hi]
        known = cls.lower
        for token in window:
            if token not in known:
                cls.learn(token)
        lower = [known[t] for t in window]
        if any("Σ" in t for t in window):  # final sigma: lower() of a join differs
            pair = [" ".join(window[i : i + 2]).lower() in _BIGRAMS for i in range(len(window) - 1)]
            triple = [
                " ".join(window[i : i + 3]).lower() in _TRIGRAMS for i in range(len(window) - 2)
            ]
        else:
            pair = [f"{a} {b}" in _BIGRAMS for a, b in itertools.pairwise(lower)]
            triple = [f"{a} {b} {c}" in _TRIGRAMS for a, b, c in zip(lower, lower[1:], lower[2:])]
        pair.append(False)
        triple += (False, False)  # beyond the text: no neighbour, no n-gram
        return pair, triple

    @classmethod
    def sentence(cls, tokens: list[str], start: int, end: int) -> list[tuple[str, ...]]:
        """Features of tokens[start:end], seeing the neighbours outside the slice as pyvi does."""
        lo = max(start - 2, 0)
        pair, triple = cls._ngrams(tokens, lo, min(end + 2, len(tokens)))
        own, left, right = cls.own, cls.left, cls.right
        last = len(tokens) - 1
        out = []
        for i in range(start, end):
            w = i - lo
            features = own[tokens[i]]
            if i > 0:
                features += left[tokens[i - 1]][2 * pair[w - 1] + (i > 1 and triple[w - 2])]
            if i < last:
                features += right[tokens[i + 1]][2 * pair[w] + triple[w]]
            out.append(features)
        return out

    @classmethod
    def scores(cls, tokens: list[str], start: int, end: int) -> list[list[float]]:
        """The [B_W, I_W] state scores of tokens[start:end]: the features' summed weights.

        Each syllable's own features and its four neighbour variants are summed once, into
        rows of score tables; a sentence then costs a few array lookups. The sums are added
        in the order own, left, right, as a per-syllable loop would add them.
        """
        lo = max(start - 2, 0)
        hi = min(end + 2, len(tokens))
        pair, triple = cls._ngrams(tokens, lo, hi)
        tables = cls.tables  # a reset while this runs leaves this one whole
        rows = tables.rows(tokens[lo:hi], cls)
        own, left, right = tables.own, tables.left, tables.right  # after rows(): grown
        bigram = np.array(pair, np.intp)
        trigram = np.array(triple, np.intp)
        out = own[rows[start - lo : end - lo]]
        first = max(start, 1)  # the first syllable with a left neighbour
        if first < end:
            w = np.arange(first - lo, end - lo)
            variant = 2 * bigram[w - 1]
            variant += np.where(w + lo > 1, trigram[np.maximum(w - 2, 0)], 0)
            out[first - start :] += left[rows[w - 1], variant]
        stop = min(end, len(tokens) - 1)  # the syllables with a right neighbour end here
        if start < stop:
            w = np.arange(start - lo, stop - lo)
            out[: stop - start] += right[rows[w + 1], 2 * bigram[w] + trigram[w]]
        return out.tolist()


class ScoreTables:
    """Per syllable, a row of summed weights: its own features (B_W, I_W), and as a left
    and as a right neighbour in each of four variants (see Features). Rows are added
    under a lock; a row is written before its syllable is listed, and the arrays grow
    before that, so a reader that looks rows up first and arrays second sees them."""

    def __init__(self, capacity: int = 4096):
        self.row: dict[str, int] = {}
        self.own = np.zeros((capacity, 2))
        self.left = np.zeros((capacity, 4, 2))
        self.right = np.zeros((capacity, 4, 2))
        self.lock = threading.Lock()

    def rows(self, window: list[str], features) -> np.ndarray:
        """The row of each syllable of *window*, adding the rows missing."""
        row = self.row
        try:
            return np.fromiter(map(row.__getitem__, window), np.intp, len(window))
        except KeyError:
            with self.lock:
                for token in window:
                    if token not in row:
                        self._add(token, features)
            return np.fromiter(map(row.__getitem__, window), np.intp, len(window))

    def _add(self, token: str, features) -> None:
        if token not in features.own:
            features.learn(token)
        score = WEIGHTS.score
        number = len(self.row)
        if number == len(self.own):
            self.own = np.concatenate((self.own, np.zeros_like(self.own)))
            self.left = np.concatenate((self.left, np.zeros_like(self.left)))
            self.right = np.concatenate((self.right, np.zeros_like(self.right)))
        self.own[number] = score(features.own[token])
        self.left[number] = [score(names) for names in features.left[token]]
        self.right[number] = [score(names) for names in features.right[token]]
        self.row[token] = number


Features.tables = ScoreTables()


def variants(base: tuple[str, ...], bigram: str, trigram: str) -> tuple[tuple[str, ...], ...]:
    return (base, (*base, trigram), (*base, bigram), (*base, bigram, trigram))
