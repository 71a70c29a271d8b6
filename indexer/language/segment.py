"""pyvi word segmentation with character offsets into the original text.

The word boundaries are pyvi 0.1.1's own: the same syllable pattern, the same CRF model
and the same features, computed once per sentence instead of once per syllable, and the
same rule for joining syllables into words. Offsets point into the text as given, NFD or
not, so highlights land on the characters the reader sees.

>>> [text for text, _ in segment("Ngành tổ chức xây dựng đảng")]
[('Ngành',), ('tổ', 'chức'), ('xây', 'dựng'), ('đảng',)]
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import string
import struct
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
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
# The CRF tags a few sentences at a time (a chunk of at most MAX_SENTENCE syllables), so
# memory stays bounded on a 10 MB line. A sentence ends after these: pyvi never joins a
# syllable to them; features see the neighbours beyond a cut and the decoding runs on
# past it (OVERLAP), so the labels match tagging the whole text at once.
_SENTENCE_END = frozenset({".", "!", "?"})
# With no sentence end in sight, cut here (clause punctuation) or, failing that, anywhere.
_CLAUSE_END = frozenset({",", ";", ":"})
MAX_SENTENCE = 400
OVERLAP = 6  # syllables of context decoded on each side of a chunk

Word = tuple[tuple[str, ...], tuple[tuple[int, int], ...]]
"""A word: its syllables (NFC) and each syllable's (start, end) in the original text."""

_BIGRAMS = _Pyvi.bi_grams
_TRIGRAMS = _Pyvi.tri_grams
_local = threading.local()


def _model() -> bytes:
    """pyvi's CRF model, in memory.

    Unpickling pyvi's model writes it to a temporary file that is left behind whenever a
    process does not exit cleanly (a killed build, a recycled server worker). Read it,
    let pyvi's own tagger load it too, and remove the file at once.
    """
    resource = _Pyvi.model.modelfile
    data = Path(resource.name).read_bytes()
    _Pyvi.model.tagger_  # noqa: B018 - pyvi's tagger reads the file now, while it exists
    with contextlib.suppress(OSError):
        os.unlink(resource.name)
    return data


_MODEL = _model()


def _tagger() -> pycrfsuite.Tagger:
    # One tagger per thread: a pycrfsuite Tagger is not safe to share between threads.
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        tagger = _local.tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(_MODEL)
    return tagger


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


class _Weights:
    """pyvi's CRF model read straight from its file: each attribute's weight per label.

    CRFsuite's own dump prints weights to six decimals, too few to decide a close call
    as the tagger does, so the doubles are read from the file: a header, a table of
    features (type, source, destination, weight) and two string tables (CQDB) that name
    the labels and the attributes by number.
    """

    def __init__(self, data: bytes) -> None:
        if data[:4] != b"lCRF":
            raise ValueError("not a CRFsuite model")
        offsets = struct.unpack_from("<4I", data, 28)  # features, labels, attributes
        labels = _strings(data, offsets[1])
        if labels != ["B_W", "I_W"]:
            raise ValueError(f"unexpected labels {labels}")
        attributes = _strings(data, offsets[2])
        (count,) = struct.unpack_from("<I", data, offsets[0] + 8)
        state: dict[str, list[float]] = {}
        transition = [[0.0, 0.0], [0.0, 0.0]]
        for kind, source, target, weight in struct.iter_unpack(
            "<IIId", data[offsets[0] + 12 : offsets[0] + 12 + 20 * count]
        ):
            if kind == 0:  # a state feature: attribute -> label
                state.setdefault(attributes[source], [0.0, 0.0])[target] = weight
            else:  # a transition: label -> label
                transition[source][target] = weight
        self.state = {name: tuple(pair) for name, pair in state.items()}
        self.transition = tuple(transition[0] + transition[1])  # BB, BI, IB, II

    def score(self, attributes: tuple[str, ...]) -> tuple[float, float]:
        """The summed (B_W, I_W) weights of *attributes*; unknown ones weigh nothing."""
        b = i = 0.0
        for name in attributes:
            pair = self.state.get(name)
            if pair is not None:
                b += pair[0]
                i += pair[1]
        return b, i


def _strings(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk at *offset*, in the order of their numbers."""
    if data[offset : offset + 4] != b"CQDB":
        raise ValueError("not a CQDB chunk")
    count, table = struct.unpack_from("<II", data, offset + 16)
    strings = []
    for number in range(count):
        (record,) = struct.unpack_from("<I", data, offset + table + 4 * number)
        size = struct.unpack_from("<I", data, offset + record + 4)[0]
        start = offset + record + 8
        strings.append(data[start : start + size - 1].decode("utf-8"))  # size counts a NUL
    return strings


_WEIGHTS = _Weights(_MODEL)


class _Features:
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
    def _learn(cls, token: str) -> None:
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
            cls.tables = _ScoreTables()
        cls.lower[token] = lower
        cls.own[token] = tuple(own)
        cls.left[token] = _variants(tuple(left), "-1:word.bi_gram()", "-2:word.tri_gram()")
        cls.right[token] = _variants(tuple(right), "+1:word.bi_gram()", "+2:word.tri_gram()")

    @classmethod
    def _ngrams(cls, tokens: list[str], lo: int, hi: int) -> tuple[list[bool], list[bool]]:
        """For tokens[lo:hi]: does each start a known bigram, a known trigram?"""
        window = tokens[lo:hi]
        known = cls.lower
        for token in window:
            if token not in known:
                cls._learn(token)
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


class _ScoreTables:
    """Per syllable, a row of summed weights: its own features (B_W, I_W), and as a left
    and as a right neighbour in each of four variants (see _Features). Rows are added
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
            features._learn(token)
        score = _WEIGHTS.score
        number = len(self.row)
        if number == len(self.own):
            self.own = np.concatenate((self.own, np.zeros_like(self.own)))
            self.left = np.concatenate((self.left, np.zeros_like(self.left)))
            self.right = np.concatenate((self.right, np.zeros_like(self.right)))
        self.own[number] = score(features.own[token])
        self.left[number] = [score(names) for names in features.left[token]]
        self.right[number] = [score(names) for names in features.right[token]]
        self.row[token] = number


_Features.tables = _ScoreTables()


def _variants(base: tuple[str, ...], bigram: str, trigram: str) -> tuple[tuple[str, ...], ...]:
    return (base, (*base, trigram), (*base, bigram), (*base, bigram, trigram))


TIE = 1e-9  # two path scores closer than this are left to CRFsuite to decide


def _viterbi(scores: list[tuple[float, float]]) -> list[bool] | None:
    """The best label path as "is I_W" flags, or None when a close call could go either way.

    Scores summed in another order than CRFsuite's may differ in the last bits, so any
    comparison closer than TIE is handed back to CRFsuite, whose decision is the reference.
    """
    bb, bi, ib, ii = _WEIGHTS.transition
    low, high = -TIE, TIE
    b, i = scores[0]
    back = []  # per position: bit 0, did the best path into B_W come from I_W; bit 1, into I_W
    for sb, si in scores[1:]:
        to_b_from_b, to_b_from_i = b + bb, i + ib
        to_i_from_b, to_i_from_i = b + bi, i + ii
        into_b = to_b_from_b - to_b_from_i  # its sign is the comparison's, exactly
        into_i = to_i_from_b - to_i_from_i
        if low < into_b < high or low < into_i < high:
            return None
        if into_b < 0:
            b = to_b_from_i + sb
            step = 1
        else:
            b = to_b_from_b + sb
            step = 0
        if into_i < 0:
            i = to_i_from_i + si
            step |= 2
        else:
            i = to_i_from_b + si
        back.append(step)
    if abs(b - i) < TIE:
        return None
    label = i > b
    path = [label]
    for step in reversed(back):
        label = bool(step >> label & 1)
        path.append(label)
    path.reverse()
    return path


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
    ends = [i + 1 for i, token in enumerate(tokens) if token in _SENTENCE_END]
    if not ends or ends[-1] != len(tokens):
        ends.append(len(tokens))
    start = 0
    for end in ends:
        while end - start > MAX_SENTENCE:  # a run-on "sentence": cut at a clause, or anywhere
            window = range(start + MAX_SENTENCE - 1, start, -1)
            cut = next((i + 1 for i in window if tokens[i] in _CLAUSE_END), start + MAX_SENTENCE)
            yield start, cut
            start = cut
        if end > start:
            yield start, end
        start = end


def tag(tokens: list[str], start: int = 0, end: int | None = None) -> list[bool]:
    """For each syllable of the sentences tokens[start:end]: does pyvi label it I_W?

    The CRF decodes a window reaching OVERLAP syllables into the neighbouring sentences:
    a label depends on its neighbours' labels, and cutting the chain exactly at the
    sentence would, rarely, decide a first word differently than pyvi's whole-text pass.
    """
    end = len(tokens) if end is None else end
    if start >= end:
        return []
    lo, hi = max(start - OVERLAP, 0), min(end + OVERLAP, len(tokens))
    inside = _viterbi(_Features.scores(tokens, lo, hi))
    if inside is None:
        labels = _tagger().tag(pycrfsuite.ItemSequence(_Features.sentence(tokens, lo, hi)))
        inside = [label == "I_W" for label in labels]
    return inside[start - lo : end - lo]


def _chunks(tokens: list[str]):
    """Whole sentences gathered into chunks of at most MAX_SENTENCE syllables.

    Fewer, longer sequences for the CRF: less overhead per call, and the context
    decoded around each cut (OVERLAP) is paid once per chunk, not once per sentence.
    """
    start = end = 0
    for sentence_start, sentence_end in _sentences(tokens):
        if sentence_end - start > MAX_SENTENCE and end > start:
            yield start, end
            start = sentence_start
        end = sentence_end
    if end > start:
        yield start, end


def segment(text: str) -> list[Word]:
    """Split *text* into pyvi words, each as (syllables, spans into *text*)."""
    tokens, spans = syllables(text)
    firsts = []  # the index of each word's first syllable
    for start, end in _chunks(tokens):
        inside = tag(tokens, start, end)
        firsts.append(start)
        for i in range(start + 1, end):
            if not inside[i - start] or not _joins(tokens[i - 1], tokens[i]):
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
    return _Pyvi.tokenize(text).split()
