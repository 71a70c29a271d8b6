"""A Whoosh segment writer for postings computed ahead, without Whoosh's posting pool.

Whoosh's SegmentWriter puts every posting in a pool as a tuple, pickles the pool to run
files when it fills, sorts and merges the runs at commit, and then hands the postings one
by one to the codec, reading each document's field length back for each. For the text
representations (a thousand postings per article) this writer keeps instead, per field,
compact arrays of term numbers, documents, weights and value bytes; at commit it orders
them by term once and writes each term's posting blocks and its row of the term table
itself, laid out as the Whoosh 3 codec lays them out (the codec still opens the files and
writes the term table's hash index). Every Whoosh reader reads the segment as usual; a
test compares it term by term and posting by posting with what Whoosh's writer makes.

Only fields whose value is a schema.Postings take this path; the others (ids, dates,
authors) go through the pool as before. The log lives in memory, so a writer holds at
most SEGMENT_POSTINGS of them (full() says when): the build then starts a new segment.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from hashlib import md5
from itertools import accumulate, pairwise, repeat

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import md5_hash
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from .schema import Postings


class _Numbers(dict):
    """Numbers terms in the order they are first looked up (a new term costs a call)."""

    def __missing__(self, term: bytes) -> int:
        self[term] = number = len(self)
        return number


class _FieldLog:
    """Every posting of one field, in the order documents were added."""

    __slots__ = ("doc", "lengths", "term", "terms", "value_end", "values", "weight")

    def __init__(self):
        self.terms = _Numbers()  # term -> its number
        self.term = array("I")  # per posting: the term's number
        self.doc = array("I")  # per posting: the document number
        self.weight = array("f")
        self.value_end = array("Q")  # per posting: where its value ends in values
        self.values = bytearray()
        self.lengths = array("I")  # per document number: the field's length

    def add(self, docnum: int, postings: Postings) -> int:
        """Log a document's postings; return the field's length in it."""
        lengths = self.lengths
        if len(lengths) < docnum:
            lengths.extend([0] * (docnum - len(lengths)))  # documents without the field
        texts = postings.texts
        if not texts:
            lengths.append(0)
            return 0
        self.term.extend(map(self.terms.__getitem__, texts))
        self.doc.extend(repeat(docnum, len(texts)))
        self.weight.extend(postings.weights)
        values = postings.values
        ends = accumulate(map(len, values), initial=len(self.values))
        next(ends)  # the initial value: where this document's values begin
        self.value_end.extend(ends)
        self.values += b"".join(values)
        length = sum(postings.freqs)
        lengths.append(length)
        return length

    def __len__(self) -> int:
        return len(self.doc)

    def write(self, fieldwriter, fieldname: str, fieldobj) -> None:
        """Write every term of the field in order: its posting blocks, then its row."""
        if not self.terms:
            return
        term = np.frombuffer(self.term, np.uint32)
        order = np.argsort(term, kind="stable")  # by term; documents stay ascending
        starts = np.zeros(len(self.terms) + 1, np.int64)
        np.cumsum(np.bincount(term, minlength=len(self.terms)), out=starts[1:])
        docs_sorted = np.frombuffer(self.doc, np.uint32)[order]
        doc = array("I", docs_sorted.tobytes())
        weight = array("f", np.frombuffer(self.weight, np.float32)[order].tobytes())
        ends = np.frombuffer(self.value_end, np.uint64)
        value_start = array(
            "Q", np.concatenate((np.zeros(1, np.uint64), ends[:-1]))[order].tobytes()
        )
        value_end = array("Q", ends[order].tobytes())
        lengths = np.frombuffer(self.lengths, np.uint32)
        length = array("I", lengths[docs_sorted].tobytes())
        values_bytes = bytes(self.values)
        bounds = starts.tolist()

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
        for tbytes, number in sorted(self.terms.items()):
            if len(pending) >= WRITE_EVERY:
                out.write(b"".join(pending))
                pending.clear()
            start, end = bounds[number], bounds[number + 1]
            if end - start == 1:  # most terms (pairs above all): _block's result, directly
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
                    values_bytes[a:b]
                    for a, b in zip(value_start[start:stop], value_end[start:stop])
                ]
                chunks.append(
                    _block(
                        info,
                        doc[start:stop],
                        weight[start:stop],
                        values,
                        length[start:stop],
                        fixed,
                        as_byte,
                        last=stop == end,
                    )
                )
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


SEGMENT_POSTINGS = 8_000_000  # logged in memory (about 100 bytes each) before a new segment
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


def _block(info, ids, weights, values, lengths, fixed, as_byte, last: bool) -> bytes:
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


class PostingsWriter(SegmentWriter):
    """A SegmentWriter that logs Postings-valued fields itself (see the module's doc)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._logs: dict[str, _FieldLog] = {}
        # Whoosh merges segments by adding their postings to the pool, which this writer
        # does not read for logged fields: it writes a segment of its own documents only.
        self.merge = False

    def add_reader(self, reader):
        raise NotImplementedError("PostingsWriter does not merge segments; commit(merge=False)")

    def postings(self) -> int:
        """How many postings are logged (the rest is in Whoosh's pool)."""
        return sum(len(log) for log in self._logs.values())

    def full(self) -> bool:
        """Has the segment logged as many postings as one should hold in memory?"""
        return self.postings() >= SEGMENT_POSTINGS

    def add_document(self, **fields):
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if isinstance(value, Postings):
                    log = self._logs.get(name)
                    if log is None:
                        log = self._logs[name] = _FieldLog()
                    length = log.add(docnum, value)
                    if not field.scorable:
                        length = 0
                elif field.indexed:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if field.scorable:
                            length += freq
                        self.pool.add((name, tbytes, docnum, weight, vbytes))
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        """Write the pool's postings and the logged ones, field by field in name order."""
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        fieldwriter = self.fieldwriter
        pending = sorted(self._logs)
        pooled: dict[str, list] = {}
        for item in self.pool.iter_postings():
            pooled.setdefault(item[0], []).append(item)
        if both := set(pending) & set(pooled):
            raise ValueError(f"fields both logged and pooled: {sorted(both)}")
        for name in sorted(set(pending) | set(pooled)):
            if name in self._logs:
                self._logs.pop(name).write(fieldwriter, name, self.schema[name])
            else:
                fieldwriter.add_postings(self.schema, lengths, iter(pooled.pop(name)))
        fieldwriter.close()
        if lengths is not None:
            lengths.close()
