"""Stories: the near-copies of one article (the same wire story in ten papers) share an id.

Two articles are copies when the Jaccard similarity of their bodies' word 5-shingles
(pyvi words, as the analysis gives them) is at least SIMILARITY. Each article gets a
MinHash signature (datasketch's MinHash, NUM_PERM values) and BANDS band keys of ROWS
values each. The band keys are kept with the index (terms of its `bands` field; a Whoosh
build's own table beside it) and each signature beside its article, so that the index
itself is the LSH table: an article written later asks the index for the articles
sharing a band with it, and joins the story of the likeliest whose estimated similarity
reaches SIMILARITY. A story is
named by the id of its first article; an article with no copy is its own story.

Why the buckets are kept with the index and not in datasketch's MinHashLSH: its tables live in one
process's memory (or Redis), while ours must follow the index they describe: a build's
generation, each write's commit, a snapshot, and the cluster's copy of it.

Why 21 bands of 6 rows: a pair at exactly SIMILARITY shares a band with probability
1 - (1 - 0.8^6)^21 = 0.998 (at 0.5: 0.28, at 0.3: 0.015), and every candidate is then
checked by its signatures. datasketch's own choice for 0.8 (9 bands of 13) finds a pair
at 0.8 four times in ten. Why twice as many values in a signature as the bands read: the
check estimates the similarity, with a standard error of 0.036 at 0.8 from 126 values
and 0.025 from 252; every pair it decides wrongly lies that close to 0.8
(docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

SIMILARITY = 0.8  # Jaccard similarity of word 5-shingles from which two articles are copies
SHINGLE = 5  # words a shingle
BANDS, ROWS = 21, 6
NUM_PERM = 2 * BANDS * ROWS  # the bands read the first half
SIMILAR_SHOWN = 5  # ids of a hit's story shown with it


# The scheme is named: a signature kept in an index must be made the same way tomorrow.
SCHEME = "affine32"
_MIX = np.uint64(0x100000001B3)  # FNV-1a's prime, for hashing words and bands together
_START = np.uint64(0xCBF29CE484222325)


def shingles(words: list[str]) -> np.ndarray:
    """The word SHINGLE-shingles of a text's words, each as a 32-bit hash of its words
    (one shingle of all of fewer words): distinct, sorted."""
    if not words:
        return np.zeros(0, np.uint32)
    hashed = np.array([zlib.crc32(w.lower().encode("utf-8")) for w in words], np.uint64)
    if len(hashed) < SHINGLE:
        hashed = np.concatenate((hashed, np.zeros(SHINGLE - len(hashed), np.uint64)))
    count = len(hashed) - SHINGLE + 1
    mixed = np.full(count, _START, np.uint64)
    for offset in range(SHINGLE):
        mixed = (mixed ^ hashed[offset : offset + count]) * _MIX
    return np.unique((mixed ^ (mixed >> np.uint64(32))).astype(np.uint32))


def signature(words: list[str]) -> bytes:
    """The MinHash signature of a text's words, NUM_PERM little-endian uint32 (empty for
    a text without words: it is no copy of anything)."""
    found = shingles(words)
    if not len(found):
        return b""
    # the shingles are hashed already: datasketch applies its permutations to them
    minhash = _minhash()(
        num_perm=NUM_PERM, hashfunc=int, permutations=_permutations(), scheme=SCHEME
    )
    minhash.update_batch(found.tolist())
    return minhash.hashvalues.astype("<u4").tobytes()


@functools.cache
def _minhash():
    """datasketch's MinHash, imported when first needed (datasketch imports scipy: a
    process that searches never needs it)."""
    from datasketch import MinHash

    return MinHash


@functools.cache
def _permutations():
    """datasketch draws a MinHash's permutations from its seed each time one is made:
    once here."""
    return _minhash()(num_perm=NUM_PERM, scheme=SCHEME).permutations


def band_values(signatures: np.ndarray) -> np.ndarray:
    """The band values of signatures (rows of NUM_PERM uint32): BANDS 64-bit hashes of
    ROWS values each (of the first BANDS x ROWS), a row of them per signature."""
    values = np.asarray(signatures, np.uint64).reshape(-1, NUM_PERM)[:, : BANDS * ROWS]
    values = values.reshape(-1, BANDS, ROWS)
    mixed = np.full(values.shape[:2], _START, np.uint64)
    for row in range(ROWS):
        mixed = (mixed ^ values[:, :, row]) * _MIX
    return mixed


def bands(sig: bytes) -> list[str]:
    """The band keys of a signature, as index terms: "band number:hash of its rows"."""
    if not sig:
        return []
    values = band_values(np.frombuffer(sig, "<u4"))[0]
    return [f"{b}:{int(value):016x}" for b, value in enumerate(values)]


def band_key(key: str) -> tuple[int, int]:
    """A band key as (band number, value)."""
    band, _, value = key.partition(":")
    return int(band), int(value, 16)


def similarity(a: bytes, b: bytes) -> float:
    """The similarity two signatures estimate (the share of equal values)."""
    if not a or not b:
        return 0.0
    return float(np.mean(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4")))


class Known(NamedTuple):
    """An article already indexed: its id, its story, its signature."""

    id: str
    story: str
    signature: bytes


class Stories:
    """Story ids for articles in the order they are written.

    *indexed* answers, for band keys, the articles of the index that hold any of them
    (Known); the articles given to `assign` since are remembered here."""

    def __init__(self, indexed: Callable[[list[str]], list[Known]] = lambda keys: []):
        self.indexed = indexed
        self.buckets: dict[str, list[int]] = {}
        self.written: list[Known] = []
        self.latest: dict[str, int] = {}  # id -> its last entry in written

    def assign(self, doc_id: str, sig: bytes) -> str:
        """The story of the article *doc_id* with signature *sig*: the story of the most
        similar copy written before it (the first of equals), or its own id."""
        keys = bands(sig)
        candidates: dict[str, Known] = {k.id: k for k in self.indexed(keys) if k.id != doc_id}
        for key in keys:
            for number in self.buckets.get(key, ()):
                known = self.written[number]
                if known.id != doc_id and self.latest.get(known.id) == number:
                    candidates[known.id] = known
        best, story = SIMILARITY, doc_id
        for known in candidates.values():
            score = similarity(sig, known.signature)
            if score > best or (score == best and story == doc_id):
                best, story = score, known.story
        self.latest[doc_id] = len(self.written)
        for key in keys:
            self.buckets.setdefault(key, []).append(len(self.written))
        self.written.append(Known(doc_id, story, sig))
        return story
