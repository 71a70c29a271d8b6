"""What the view of a new commit takes over from the view of the commit before it.

A commit of a batch of writes adds a segment, may merge some small ones and marks
deletions, but leaves the other segments as they were: their postings, field lengths
and columns are the same values at other document numbers (a segment's documents keep
their order; only the segment's offset in the index moves). A view of the new commit
maps what the old view had read of each kept segment to its new offset and reads only
the segments that are new. A cold view of the 35,000 news articles spends seconds on
its first searches (field lengths, columns, the postings of common syllables); one
carried over opens in milliseconds, which is what lets a server take a commit a second
(docs/benchmarks.md).

Postings are carried lazily: each term keeps the arrays of the view that last read it
and the offsets of that view's segments, and is mapped when a search first asks for it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Offsets = dict[tuple, int]  # a segment's key -> its first document number in a view


def segment_key(leaf) -> tuple | None:
    """What identifies a segment across commits: its id and its number of documents."""
    segment = leaf.segment()
    if segment is None:
        return None
    return (segment.segment_id(), leaf.doc_count_all())


def offsets(leaves) -> Offsets:
    """The offsets of the segments of a view's (leaf, offset) list."""
    found = {}
    for leaf, offset in leaves:
        key = segment_key(leaf)
        if key is not None:
            found[key] = offset
    return found


def ranges(leaves, before: Offsets):
    """For each segment of *leaves*: (its offset, its size, its offset in the view of
    *before*, or None when it is new)."""
    for leaf, offset in leaves:
        key = segment_key(leaf)
        yield offset, leaf.doc_count_all(), (None if key is None else before.get(key))


def values(old, before: Offsets, leaves, size: int, fresh: Callable[[int, int], object]):
    """A per-document array (or list) of a new view: the values of *old* (read by the
    view of *before*) where segments stayed, fresh(start, count) for the new ones."""
    if isinstance(old, np.ndarray):
        new = np.zeros(size, old.dtype)
        for start, count, was in ranges(leaves, before):
            part = fresh(start, count) if was is None else old[was : was + count]
            new[start : start + count] = part
        return new
    listed: list = []
    for start, count, was in ranges(leaves, before):
        listed.extend(fresh(start, count) if was is None else old[was : was + count])
    return listed


def postings(ids, weights, before: Offsets, leaves, read):
    """A term's postings (*ids*, *weights*, numbered as in the view of *before*) in the
    view of *leaves*; read(leaf) gives a new segment's (local ids, weights) or None."""
    parts_ids: list[np.ndarray] = []
    parts_weights: list[np.ndarray] = []
    for leaf, offset in leaves:
        key = segment_key(leaf)
        was = None if key is None else before.get(key)
        if was is None:
            found = read(leaf)
            if found is not None:
                parts_ids.append(found[0] + np.int32(offset))
                parts_weights.append(found[1])
            continue
        low, high = np.searchsorted(ids, [was, was + leaf.doc_count_all()])
        if low < high:
            moved = ids[low:high]
            parts_ids.append(moved if was == offset else moved + np.int32(offset - was))
            parts_weights.append(weights[low:high])
    if not parts_ids:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    if len(parts_ids) == 1:
        return parts_ids[0], parts_weights[0]
    return np.concatenate(parts_ids), np.concatenate(parts_weights)
