"""BM25F over posting arrays: every document a query's terms reach, scored at once.

Whoosh scores a union of posting lists one document at a time in Python; a short query
over common syllables in eight fields visits thousands of documents that way. Here each
term's postings (document numbers and term frequencies) are read once into numpy arrays,
remembered per index generation, and a query's score is a handful of vector operations
over them: the same formula, statistics and boosts as Whoosh's BM25F.

>>> round(float(bm25(idf=2.0, tf=np.array([1.0]), fl=np.array([10.0]), avgfl=10.0)[0]), 4)
2.0

Ranking adds two things to Whoosh's formula (Scorer.scores with delta and local): BM25+'s
lower bound on a matching term's score, and a query-local IDF (see Scorer.scores).
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from . import carry
from .format import lexicon_frequencies, read_postings

B = 0.75
K1 = 1.2
# BM25+ (Lv & Zhai, 2011): a term that occurs at all adds at least DELTA × idf, however
# long the document. Length normalisation otherwise lets a long passage that holds more
# of the query's words lose to a short one holding fewer: the sentence with the answer
# is usually the longer one.
DELTA = 0.5
# Query-local IDF: a second look at the terms over the LOCAL_K best documents of the first
# sum. A term most of them hold (the topic: "Super Bowl" in every sentence about it)
# separates them little; a term few of them hold separates them much. Its weight becomes
# (1 − LOCAL_WEIGHT) + LOCAL_WEIGHT × its IDF among them, scaled to 0..1.
LOCAL_K = 20
LOCAL_WEIGHT = 0.6
CACHE_POSTINGS = 8_000_000  # postings remembered at most, over recent terms (8 bytes each)
PIN_POSTINGS = 24_000_000  # postings of the most frequent terms, read when a server starts
# Fields whose postings carry positions read slowest (about 2 M postings/s against 4-6 M):
# their frequent terms are the ones worth reading ahead.
PIN_FIELDS = ("body_s", "body_f", "title_s", "title_f", "body_w", "title_w")


class Term(NamedTuple):
    """A term's postings over the whole index."""

    ids: np.ndarray  # document numbers, ascending
    tf: np.ndarray  # the term's weight (frequency) in each


NO_POSTINGS = Term(np.zeros(0, np.int32), np.zeros(0, np.float32))


def bm25(
    idf: float, tf: np.ndarray, fl: np.ndarray, avgfl: float, b=B, k1=K1, delta=0.0
) -> np.ndarray:
    """Whoosh's BM25 term score, for arrays of term frequencies and field lengths
    (plus BM25+'s *delta* × idf, when given)."""
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)) + delta)


class Scorer:
    """BM25F scores of weighted terms over one searcher's documents (one index generation)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.leaves = list(self.reader.leaf_readers())
        self._postings: OrderedDict[tuple[str, str], Term] = OrderedDict()
        self._cached = 0
        self._pinned: dict[tuple[str, str], Term] = {}
        self._lengths: dict[str, np.ndarray] = {}
        # postings read by views of earlier commits: (term, their offsets, pinned)
        self._carried: dict[tuple[str, str], tuple[Term, carry.Offsets, bool]] = {}

    def carry(self, previous: Scorer) -> None:
        """Take over what *previous*, a view of an earlier commit, read (carry.py)."""
        before = carry.offsets(previous.leaves)
        pinned = {k: c for k, c in previous._carried.items() if c[2]}
        pinned.update((key, (term, before, True)) for key, term in previous._pinned.items())
        # the others as a cache: the most recently read first, CACHE_POSTINGS at most
        cached = [(k, c) for k, c in previous._carried.items() if not c[2]]
        cached += [(key, (term, before, False)) for key, term in previous._postings.items()]
        kept, total = [], 0
        for key, carried in reversed(cached):
            total += len(carried[0].ids)
            if total > CACHE_POSTINGS:
                break
            kept.append((key, carried))
        self._carried = {**dict(reversed(kept)), **pinned}
        for fieldname, old in previous._lengths.items():
            fresh = functools.partial(self._read_lengths, fieldname)
            self._lengths[fieldname] = carry.values(old, before, self.leaves, self.size, fresh)

    def pin(self, budget: int | None = None, fields=PIN_FIELDS, alive=lambda: None) -> int:
        """Read the postings of the most frequent terms of *fields* ahead, up to *budget*
        postings, and keep them for the life of this generation. Returns how many.
        *alive* is called now and then (a server worker tells its master it is busy).

        A common syllable's posting list is the slowest thing a query reads (hundreds of
        blocks); rare terms are cheap to read when asked for.
        """
        budget = PIN_POSTINGS if budget is None else budget
        frequent = []
        for fieldname in fields:
            alive()
            frequent += [
                (df, fieldname, term)
                for term, df in lexicon_frequencies(self.reader, fieldname).items()
                if df >= 64
            ]
        frequent.sort(reverse=True)
        pinned = 0
        for count, (df, fieldname, text) in enumerate(frequent):
            if pinned + df > budget:
                break
            if count % 256 == 0:
                alive()
            found = self._pinned[(fieldname, text)] = self._read_term(fieldname, text)
            pinned += len(found.ids)
        return pinned

    def postings(self, fieldname: str, text: str) -> Term:
        """The document numbers holding *text* in *fieldname*, and its frequency in each."""
        key = (fieldname, text)
        found = self._pinned.get(key)
        if found is not None:
            return found
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        carried = self._carried.pop(key, None)
        if carried is not None:
            old, before, pinned = carried
            found = self._read_term(fieldname, text, old, before)
            if pinned:
                self._pinned[key] = found
                return found
        else:
            found = self._read_term(fieldname, text)
        self._postings[key] = found
        self._cached += len(found.ids)
        while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
            _, old = self._postings.popitem(last=False)
            self._cached -= len(old.ids)
        return found

    def _read_term(
        self,
        fieldname: str,
        text: str,
        old: Term = NO_POSTINGS,
        before: carry.Offsets | None = None,
    ) -> Term:
        """The term's postings in this view: those *old* holds (read by a view whose
        segments stood at *before*) moved to where they stand now, the rest read from the
        segments."""
        encoded = text.encode("utf-8")

        def read(leaf):
            return read_postings(leaf, fieldname, encoded)

        return Term(*carry.postings(old.ids, old.tf, before or {}, self.leaves, read))

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in *fieldname*, as Whoosh stores it (one byte, approximate)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = self._lengths[fieldname] = self._read_lengths(fieldname, 0, self.size)
        return found

    def _read_lengths(self, fieldname: str, start: int, count: int) -> np.ndarray:
        length = self.reader.doc_field_length
        return np.fromiter(
            (length(d, fieldname, 0) or 0 for d in range(start, start + count)), np.float64, count
        )

    def scores(
        self, terms, expired=lambda: False, delta: float = 0.0, local: int = 0
    ) -> tuple[np.ndarray, bool]:
        """Every document's summed score over *terms*, (fieldname, text, boost) each.

        Returns the scores and whether *expired* cut the sum short. With the defaults
        this is Whoosh's BM25F; *delta* adds BM25+'s lower bound, and *local* > 0
        reweights each term by its IDF among the *local* best documents (see LOCAL_K).
        """
        total = np.zeros(self.size, np.float64)
        searcher = self.searcher
        parts = []
        for fieldname, text, boost in terms:
            if expired():
                return total, True
            ids, tf = self.postings(fieldname, text)
            if not len(ids):
                continue
            # Whoosh's idf: log(documents / (document frequency + 1)) + 1, where the
            # document frequency is the term's postings, in every segment
            idf = math.log(self.size / (len(ids) + 1)) + 1
            avgfl = searcher.avg_field_length(fieldname) or 1
            fl = self.lengths(fieldname)[ids]
            score = bm25(idf, tf.astype(np.float64), fl, avgfl, delta=delta) * boost
            total[ids] += score
            if local:
                parts.append((ids, score))
        if local and len(parts) > 1:
            total = self._local(total, parts, local)
        return total, False

    def _local(self, total: np.ndarray, parts, k: int) -> np.ndarray:
        """Re-sum *parts* (each term's documents and scores), each weighted by how few of
        the *k* best documents of *total* hold it."""
        k = min(k, self.size)
        best = np.argpartition(-total, k - 1)[:k]
        best = best[total[best] > 0]  # only a mask is made of them: order is moot
        if len(best) < 2:
            return total
        held = np.zeros(self.size, bool)
        held[best] = True
        top = math.log((len(best) + 1) / 0.5)
        again = np.zeros(self.size, np.float64)
        for ids, score in parts:
            among = int(np.count_nonzero(held[ids]))
            idf = math.log((len(best) + 1) / (among + 0.5)) / top
            again[ids] += score * ((1 - LOCAL_WEIGHT) + LOCAL_WEIGHT * idf)
        return again
