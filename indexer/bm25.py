"""BM25F over posting arrays: every document a query's terms reach, scored at once.

Whoosh scores a union of posting lists one document at a time in Python; a short query
over common syllables in eight fields visits thousands of documents that way. Here each
term's postings (document numbers and term frequencies) are read once into numpy arrays,
remembered per index generation, and a query's score is a handful of vector operations
over them: the same formula, statistics and boosts as Whoosh's BM25F.

>>> round(float(bm25(idf=2.0, tf=np.array([1.0]), fl=np.array([10.0]), avgfl=10.0)[0]), 4)
2.0
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

B = 0.75
K1 = 1.2
CACHE_POSTINGS = 8_000_000  # postings remembered at most, over recent terms (8 bytes each)
PIN_POSTINGS = 12_000_000  # postings of the most frequent terms, read when a server starts
# Fields whose postings carry positions read slowest (about 2 M postings/s against 4-6 M):
# their frequent terms are the ones worth reading ahead.
PIN_FIELDS = ("body_s", "body_f", "title_s", "title_f", "body_w", "title_w")


def bm25(idf: float, tf: np.ndarray, fl: np.ndarray, avgfl: float, b=B, k1=K1) -> np.ndarray:
    """Whoosh's BM25 term score, for arrays of term frequencies and field lengths."""
    return idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl))


class Scorer:
    """BM25F scores of weighted terms over one searcher's documents (one index generation)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._pinned: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._lengths: dict[str, np.ndarray] = {}

    def pin(self, budget: int = PIN_POSTINGS, fields=PIN_FIELDS, alive=lambda: None) -> int:
        """Read the postings of the most frequent terms of *fields* ahead, up to *budget*
        postings, and keep them for the life of this generation. Returns how many.
        *alive* is called now and then (a server worker tells its master it is busy).

        A common syllable's posting list is the slowest thing a query reads (hundreds of
        blocks); rare terms are cheap to read when asked for.
        """
        schema = self.reader.schema
        frequent = []
        for fieldname in fields:
            alive()
            if fieldname in schema:
                frequent += [
                    (info.doc_frequency(), fieldname, term)
                    for term, info in self.reader.iter_field(fieldname)
                    if info.doc_frequency() >= 64
                ]
        frequent.sort(reverse=True)
        pinned = 0
        for count, (df, fieldname, term) in enumerate(frequent):
            if pinned + df > budget:
                break
            if count % 256 == 0:
                alive()
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            found = self._pinned[(fieldname, text)] = self._read_term(fieldname, text)
            pinned += len(found[0])
        return pinned

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The document numbers holding *text* in *fieldname*, and its frequency in each."""
        key = (fieldname, text)
        found = self._pinned.get(key)
        if found is not None:
            return found
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = self._postings[key] = self._read_term(fieldname, text)
        self._cached += len(found[0])
        while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
            _, (old, _) = self._postings.popitem(last=False)
            self._cached -= len(old)
        return found

    def _read_term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for leaf, offset in self.reader.leaf_readers():
            if (fieldname, text) in leaf:
                leaf_ids, leaf_weights = _read(leaf.postings(fieldname, text))
                ids.append(leaf_ids + np.int32(offset))
                weights.append(leaf_weights)
        if ids:
            return np.concatenate(ids), np.concatenate(weights)
        return np.zeros(0, np.int32), np.zeros(0, np.float32)

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in *fieldname*, as Whoosh stores it (one byte, approximate)."""
        found = self._lengths.get(fieldname)
        if found is None:
            length = self.reader.doc_field_length
            found = np.fromiter(
                (length(d, fieldname, 0) or 0 for d in range(self.size)), np.float64, self.size
            )
            self._lengths[fieldname] = found
        return found

    def scores(self, terms, expired=lambda: False) -> tuple[np.ndarray, bool]:
        """Every document's summed score over *terms* (Whoosh Term queries with boosts).

        Returns the scores and whether *expired* cut the sum short.
        """
        total = np.zeros(self.size, np.float64)
        searcher = self.searcher
        for term in terms:
            if expired():
                return total, True
            ids, tf = self.postings(term.fieldname, term.text)
            if not len(ids):
                continue
            idf = searcher.idf(term.fieldname, term.text)
            avgfl = searcher.avg_field_length(term.fieldname) or 1
            fl = self.lengths(term.fieldname)[ids]
            total[ids] += bm25(idf, tf.astype(np.float64), fl, avgfl) * term.boost
        return total, False


def _read(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Every (document number, weight) of a leaf matcher.

    Whoosh's own posting matcher is read a block at a time (its ids and weights arrays);
    any other matcher, one posting at a time.
    """
    ids: list = []
    weights: list = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, np.int32), np.asarray(weights, np.float32)
