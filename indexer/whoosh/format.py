"""Whoosh's internals, in one module: every place vnsearch reads or writes below its API.

Whoosh-Reloaded is pinned to exactly PINNED (pyproject.toml) because of what is here,
which no public interface promises and a release may change:

- the Whoosh 3 codec's posting blocks and term table rows, written by `write_field` for
  postings computed ahead (writer.py) and read by `read_postings` straight into arrays
  (bm25.py), including the pickle layout of a block's data (`ids_and_weights`);
- each segment's lexicon read on its own (`lexicon_frequencies`) instead of through
  MultiReader, which looks every term up again in every segment;
- the segment writer's private steps that let worker processes write segments of one
  index (`SegmentWriterBase`, `TEMPORARY_FOLDER`).

Tests compare what is written here with what Whoosh's own writer makes, posting by
posting, and read blocks of every shape back.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from hashlib import md5
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import whoosh
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import md5_hash
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE, pack_ushort, unpack_int
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

PINNED = "2.7.5"
if whoosh.versionstring() != PINNED:
    raise ImportError(
        f"vnsearch reads and writes Whoosh {PINNED}'s file layout; Whoosh"
        f" {whoosh.versionstring()} is installed (pip install 'Whoosh-Reloaded=={PINNED}')"
    )

# Every writer of one index keeps its temporary files in this folder of the index.
TEMPORARY_FOLDER = f"{whoosh_index._DEF_INDEX_NAME}.tmp"


class SegmentWriterBase(SegmentWriter):
    """Whoosh's segment writer with its private steps named: what PostingsWriter and the
    parallel build need of it."""

    def check_document(self, names) -> None:
        """Refuse a document for a closed writer or with fields the schema lacks."""
        self._check_state()
        self._check_fields(self.schema, names)

    def document_added(self) -> None:
        """Count the document just written (its number was self.docnum)."""
        self._added = True
        self.docnum += 1

    def _flush_segment(self):  # Whoosh calls this at commit
        self.write_postings()

    def write_postings(self) -> None:
        """Write the segment's postings (Whoosh: those of its pool)."""
        super()._flush_segment()

    def finish_segment(self):
        """Write out the segment of a worker's writer (which holds no lock); None if it
        has no document. The temporary folder is shared: the parent's writer removes it."""
        if not self.doc_count():
            self._close_segment()
            return None
        return self._finalize_segment()

    def commit_segments(self, found: list) -> None:
        """Commit a table of contents listing *found* segments (written by workers)."""
        self._close_segment()
        self._commit_toc(found)
        self._finish()


class SortedPostings(NamedTuple):
    """A field's postings by term (writer.py orders them): (term bytes, number) in order;
    per number, the range of its postings (bounds); per posting, its document, weight,
    value (values[value_start:value_end]) and the document's field length."""

    terms: list[tuple[bytes, int]]
    bounds: list[int]
    doc: object
    weight: object
    value_start: object
    value_end: object
    values: bytes
    length: object


def write_field(fieldwriter, fieldname: str, fieldobj, postings: SortedPostings) -> None:
    """Write every term of a field in order, as the Whoosh 3 codec lays it out: its
    posting blocks in the postings file, then its row in the term table."""
    doc, weight, length = postings.doc, postings.weight, postings.length
    value_start, value_end = postings.value_start, postings.value_end
    values_bytes, bounds = postings.values, postings.bounds
    fieldwriter.start_field(fieldname, fieldobj)  # registers the field's number
    prefix = pack_ushort(fieldwriter._fieldid)
    postfile = fieldwriter._postfile
    rows = _TermRows(fieldwriter._tindex)
    add_term = rows.add
    out = postfile.file  # written straight: the position is counted here
    position = postfile.tell()
    pending: list[bytes] = []  # blocks not yet written
    fixed = fieldobj.format.fixed_value_size()
    as_byte = _LengthBytes()
    variable = fixed is None or fixed < 0
    dumps, single = pickle.dumps, _SINGLE.pack
    # A one-posting term's block depends on its document, weight and value only: the
    # terms found once in a document (most of its pairs) share one.
    singles: dict[tuple, bytes] = {}
    for tbytes, number in postings.terms:
        if len(pending) >= WRITE_EVERY:
            out.write(b"".join(pending))
            pending.clear()
        start, end = bounds[number], bounds[number + 1]
        if end - start == 1:  # most terms (pairs above all): block_bytes' result, directly
            d, w = doc[start], weight[start]
            v = values_bytes[value_start[start] : value_end[start]]
            n = as_byte[length[start]]  # the document's: d decides it
            block = singles.get((d, w, v))
            if block is None:
                packed = (v,) if variable else (None if fixed == 0 else v)
                data = dumps(((d,), None if w == 1.0 else w, packed), DATA_PROTOCOL)
                header = dumps((1, d, w, 0, n, n), 2)
                size = len(header) + len(data)
                block = b"".join((WHOOSH3_HEADER_MAGIC, _INT.pack(-size), header, data))
                singles[(d, w, v)] = block
            pending.append(block)
            add_term(prefix + tbytes, single(0, w, 1, n, n, w, d, d, position, len(block)))
            position += len(block)
            continue
        info = W3TermInfo()
        info._minid = doc[start]
        chunks = [WHOOSH3_HEADER_MAGIC]
        while start < end:
            stop = min(start + BLOCK, end)
            values = [
                values_bytes[a:b] for a, b in zip(value_start[start:stop], value_end[start:stop])
            ]
            ids, weights, lengths = doc[start:stop], weight[start:stop], length[start:stop]
            last = stop == end
            chunks.append(block_bytes(info, ids, weights, values, lengths, fixed, as_byte, last))
            start = stop
        data = b"".join(chunks)
        pending.append(data)
        info.set_extent(position, len(data))
        position += len(data)
        add_term(prefix + tbytes, info.to_bytes())
    out.write(b"".join(pending))
    rows.close()
    fieldwriter.finish_field()


class _TermRows:
    """Rows appended to Whoosh's term table (an OrderedHashWriter), as its add() appends
    them (key and value lengths, key, value; the key's hash and the row's position
    remembered for the hash tables written at the end), in a few large writes."""

    def __init__(self, table):
        self.table = table
        self.out = table.dbfile.file
        self.position = table.dbfile.tell()
        self.last = table.lastkey
        self.rows: list[bytes] = []
        self.hash = _md5_low if table.hashfn is md5_hash else table.hashfn

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.last:
            raise ValueError(f"terms out of order: {self.last!r}..{key!r}")
        table = self.table
        table.index.append(self.position)
        h = self.hash(key)
        table.buckets[h & 255].append((h, self.position))
        row = _ROW.pack(len(key), len(value)) + key + value
        self.rows.append(row)
        self.position += len(row)
        self.last = key
        if len(self.rows) >= WRITE_EVERY:
            self.flush()

    def flush(self) -> None:
        self.out.write(b"".join(self.rows))
        self.rows.clear()

    def close(self) -> None:
        self.flush()
        self.table.lastkey = self.last


def _md5_low(key: bytes) -> int:
    """whoosh.filedb.filetables.md5_hash: the low 32 bits of the key's MD5, big-endian."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


BLOCK = 128  # postings per block, as Whoosh's codec writes them
WRITE_EVERY = 4096  # terms' blocks or rows gathered before one write
COMPRESS_FROM = 16  # postings in a block before it is worth compressing
COMPRESSION = 3  # zlib level, Whoosh's
# Pickle protocol of a block's data. Whoosh writes 2, which has no opcode for bytes and
# pickles each value as a call to _codecs.encode: protocol 3 writes a block of positions
# 8 times faster, unpickles it 10 times faster and makes it 40 % smaller.
DATA_PROTOCOL = 3
_INT = struct.Struct("!i")
_ROW = struct.Struct("!ii")  # a term table row's key and value lengths
# W3TermInfo.to_bytes of a term in one block: flags, total weight, documents, shortest
# and longest length (bytes), top weight, first and last document, offset, length.
_SINGLE = struct.Struct("!BfIBBfIIqi")


class _LengthBytes(dict):
    """Whoosh's one-byte approximation of a field length, remembered."""

    def __missing__(self, length: int) -> int:
        self[length] = found = length_to_byte(length)
        return found


def block_bytes(info, ids, weights, values, lengths, fixed, as_byte, last: bool) -> bytes:
    """One posting block in the Whoosh 3 codec's layout; its statistics go to *info*.

    The layout: the block's byte length (negative for a term's last block), a pickled
    header (count, last id, top weight, compression, shortest and longest field length
    as bytes), then the pickled (id deltas, weights, values), compressed with zlib unless
    the block is small (readers look at the header's compression level). Whoosh
    compresses every block; a block of a few postings only grows by it. The data is
    pickled with protocol 3 where Whoosh uses 2 (readers unpickle any protocol).
    """
    count = len(ids)
    if count == 1:
        top = weights[0]
        packed_weights = None if top == 1.0 else top
        deltas = (ids[0],)
        shortest = longest = lengths[0]
    else:
        top = max(weights)
        first = weights[0]
        if all(w == first for w in weights):
            packed_weights = None if first == 1.0 else first
        else:
            packed_weights = tuple(weights)
        deltas = (ids[0], *(b - a for a, b in pairwise(ids)))
        shortest, longest = min(lengths), max(lengths)
    if fixed is None or fixed < 0:
        packed_values = tuple(values)
    elif fixed == 0:
        packed_values = None
    else:
        packed_values = b"".join(values)
    data = pickle.dumps((deltas, packed_weights, packed_values), DATA_PROTOCOL)
    level = COMPRESSION if count >= COMPRESS_FROM else 0
    if level:
        data = zlib.compress(data, level)
    header = pickle.dumps((count, ids[-1], top, level, as_byte[shortest], as_byte[longest]), 2)
    size = len(header) + len(data)
    # What W3TermInfo.add_block adds up, from the same numbers.
    info._weight += sum(weights)
    info._df += count
    info._minlength = shortest if info._minlength is None else min(info._minlength, shortest)
    info._maxlength = max(info._maxlength, longest)
    info._maxweight = max(info._maxweight, top)
    info._maxid = ids[-1]
    return _INT.pack(-size if last else size) + header + data


def lexicon_frequencies(reader, fieldname: str, prefix: str = "", kept=None) -> dict[str, int]:
    """Every term of *fieldname* (beginning with *prefix*), in order, and how many
    documents hold it (with *kept*, a test of a segment reader: in those it keeps).

    Each segment's lexicon is read in order on its own and the counts added up. Whoosh's
    MultiReader.iter_field looks every term of the merged lexicon up in every segment
    again: with six segments, most of a minute for this index's lexicons.
    """
    counts: dict[str, int] = {}
    if fieldname not in reader.schema:
        return counts
    for leaf, _ in reader.leaf_readers():
        if fieldname not in leaf.indexed_field_names() or (kept and not kept(leaf)):
            continue
        terms = leaf.iter_prefix(fieldname, prefix) if prefix else leaf.iter_field(fieldname)
        for term, info in terms:
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            counts[text] = counts.get(text, 0) + info.doc_frequency()
    return dict(sorted(counts.items()))  # UTF-8 bytes and code points sort alike


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


def ids_and_weights(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray]:
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
        weights = np.asarray(1.0 if weights is None else weights, np.float32)
        return np.cumsum(np.asarray(deltas, np.int64)), np.broadcast_to(weights, count).copy()


def read_postings(leaf, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
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
    raw = leaf._terms._postfile.get(start, size)  # every block of the term at once
    if raw[: len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"no posting block at {start} for {fieldname}:{text}")
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    stream = io.BytesIO(raw)  # the blocks' pickled headers are read through it
    at = len(WHOOSH3_HEADER_MAGIC)
    while True:
        length, block, data = _block_head(raw, stream, at)
        block_ids, block_weights = ids_and_weights(data, block[0])
        ids.append(block_ids)
        weights.append(block_weights)
        at += _INT_SIZE + abs(length)
        if length < 0:  # the last block
            break
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights)
