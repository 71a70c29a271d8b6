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

import io
import math
import pickle
import zlib
from collections import OrderedDict
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE, unpack_int

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
                for term, df in document_frequencies(self.reader, fieldname).items()
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
        found = self._postings[key] = self._read_term(fieldname, text)
        self._cached += len(found.ids)
        while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
            _, old = self._postings.popitem(last=False)
            self._cached -= len(old.ids)
        return found

    def _read_term(self, fieldname: str, text: str) -> Term:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        key = text.encode("utf-8")
        for leaf, offset in self.leaves:
            found = _read(leaf, fieldname, key)
            if found is not None:
                ids.append(found[0] + np.int32(offset))
                weights.append(found[1])
        if ids:
            return Term(np.concatenate(ids), np.concatenate(weights))
        return Term(np.zeros(0, np.int32), np.zeros(0, np.float32))

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


def document_frequencies(reader, fieldname: str) -> dict[str, int]:
    """Every term of *fieldname*, in order, and how many documents hold it.

    Each segment's lexicon is read in order on its own and the counts added up. Whoosh's
    MultiReader.iter_field looks every term of the merged lexicon up in every segment
    again: with six segments, most of a minute for this index's lexicons.
    """
    counts: dict[str, int] = {}
    if fieldname not in reader.schema:
        return counts
    for leaf, _ in reader.leaf_readers():
        if fieldname not in leaf.indexed_field_names():
            continue
        for term, info in leaf.iter_field(fieldname):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            counts[text] = counts.get(text, 0) + info.doc_frequency()
    return dict(sorted(counts.items()))  # UTF-8 bytes and code points sort alike


def _postfile(leaf):
    """The postings file of a Whoosh segment reader (Whoosh 3 codec)."""
    return leaf._terms._postfile


def _block_head(raw: bytes, stream: io.BytesIO, at: int) -> tuple[int, tuple, bytes]:
    """The posting block at offset *at* of *raw* (*stream* reads the same bytes): (its
    length field, its info, its data, unpacked). The same reading as Whoosh's
    W3LeafMatcher, from bytes already read instead of one file read per byte of the
    block's pickled header.
    """
    length = unpack_int(raw[at : at + _INT_SIZE])[0]
    end = at + _INT_SIZE + abs(length)
    stream.seek(at + _INT_SIZE)
    info = pickle.load(stream)
    data = raw[stream.tell() : end]
    if info[3]:  # compression level
        data = zlib.decompress(data)
    return length, info, data


_K, _M, _J = 0x4B, 0x4D, 0x4A  # pickle's BININT1, BININT2, BININT: the ids' deltas
_TUPLES = {0x85, 0x86, 0x87, 0x74}  # TUPLE1, TUPLE2, TUPLE3, TUPLE (after a MARK)
_FLOATS = np.dtype(">f8")


def _ids_and_weights(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of a block's data: pickle.loads(data)[:2], read
    straight from the pickle's bytes without building the values (positions) after them.

    Whoosh pickles a block as ((id deltas), weights, (values)) with protocol 2, and a
    common term's values are most of it. Anything laid out otherwise is unpickled.
    """
    try:
        pos = 2 + (count > 3)  # PROTO 2, then a MARK unless TUPLE1-3 closes the ids
        deltas = np.empty(count, np.int64)
        view = np.frombuffer(data, np.uint8)
        i = 0
        while i < count:
            op = data[pos]
            if op == _K:
                # A run of one-byte deltas (the common case): K b K b ...
                run = view[pos : pos + 2 * (count - i)]
                other = run[0::2] != _K
                stop = int(np.argmax(other)) if other.any() else len(other)
                deltas[i : i + stop] = run[1::2][:stop]
                i += stop
                pos += 2 * stop
            elif op == _M:
                deltas[i] = data[pos + 1] | data[pos + 2] << 8
                i += 1
                pos += 3
            elif op == _J:
                deltas[i] = int.from_bytes(data[pos + 1 : pos + 5], "little", signed=True)
                i += 1
                pos += 5
            else:
                raise ValueError(op)
        if data[pos] not in _TUPLES:
            raise ValueError(data[pos])
        pos += 1
        if data[pos] == 0x71:  # BINPUT
            pos += 2
        elif data[pos] == 0x72:  # LONG_BINPUT
            pos += 5
        op = data[pos]
        if op == 0x4E:  # None: every weight is 1
            weights = np.ones(count, np.float32)
        elif op == 0x47 and (count > 3 or data[pos + 9] != 0x47):  # one float for all
            weights = np.full(count, np.frombuffer(data, _FLOATS, 1, pos + 1)[0])
        else:  # a tuple of floats: after a MARK unless TUPLE2-3 closes it
            pos += count > 3
            rows = view[pos : pos + 9 * count].reshape(count, 9)
            if len(rows) != count or (rows[:, 0] != 0x47).any():
                raise ValueError(op)
            weights = rows[:, 1:].copy().view(_FLOATS).ravel()
        return np.cumsum(deltas), weights.astype(np.float32)
    except (ValueError, IndexError):
        deltas, weights, _ = pickle.loads(data)
        ids = np.cumsum(np.asarray(deltas, np.int64))
        if weights is None:
            return ids, np.ones(count, np.float32)
        if isinstance(weights, float):
            return ids, np.full(count, weights, np.float32)
        return ids, np.asarray(weights, np.float32)


def _read(leaf, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """A term's postings in one segment, (ids, weights); None when it does not hold it."""
    try:
        info = leaf._terms.term_info(fieldname, text)
    except (TermNotFound, KeyError):  # KeyError: the segment has no such field
        return None
    if info.is_inlined():  # only with a codec told to inline, which the indexer never is
        raise TypeError(f"{fieldname}:{text} has inlined postings, which this reader skips")
    start, size = info.extent()
    if isinstance(size, tuple):  # Whoosh's term info unpacks the length as a 1-tuple
        size = size[0]
    raw = _postfile(leaf).get(start, size)  # every block of the term at once
    if raw[: len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"no posting block at {start} for {fieldname}:{text}")
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    stream = io.BytesIO(raw)  # the blocks' pickled headers are read through it
    at = len(WHOOSH3_HEADER_MAGIC)
    while True:
        length, block, data = _block_head(raw, stream, at)
        block_ids, block_weights = _ids_and_weights(data, block[0])
        ids.append(block_ids)
        weights.append(block_weights)
        at += _INT_SIZE + abs(length)
        if length < 0:  # the last block
            break
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights)
