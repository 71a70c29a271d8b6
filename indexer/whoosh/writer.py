"""A Whoosh segment writer for postings computed ahead, without Whoosh's posting pool.

Whoosh's SegmentWriter puts every posting in a pool as a tuple, pickles the pool to run
files when it fills, sorts and merges the runs at commit, and then hands the postings one
by one to the codec, reading each document's field length back for each. For the text
representations (a thousand postings per article) this writer keeps instead, per field,
compact arrays of term numbers, documents, weights and value bytes; at commit it orders
them by term once and writes each term's posting blocks and its row of the term table
itself, laid out as the Whoosh 3 codec lays them out (format.py; the codec still opens
the files and writes the term table's hash index). Every Whoosh reader reads the segment as usual; a
test compares it term by term and posting by posting with what Whoosh's writer makes.

Only fields whose value is a schema.Postings take this path; the others (ids, dates,
authors) go through the pool as before. The log lives in memory, so a writer holds at
most SEGMENT_POSTINGS of them (full() says when): the build then starts a new segment.
"""

from __future__ import annotations

from array import array
from itertools import accumulate, repeat

import numpy as np

from .format import SegmentWriterBase, SortedPostings, write_field
from .schema import Postings

SEGMENT_POSTINGS = 8_000_000  # logged in memory (about 100 bytes each) before a new segment


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

    def add(self, docnum: int, postings: Postings, scorable: bool = True) -> int:
        """Log a document's postings; return the field's length in it (0 for a field
        that is not scored, as Whoosh counts it)."""
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
        length = sum(postings.freqs) if scorable else 0
        lengths.append(length)
        return length

    def __len__(self) -> int:
        return len(self.doc)

    def sorted(self) -> SortedPostings:
        """The postings ordered by term; a term's documents stay ascending."""
        term = np.frombuffer(self.term, np.uint32)
        order = np.argsort(term, kind="stable")
        starts = np.zeros(len(self.terms) + 1, np.int64)
        np.cumsum(np.bincount(term, minlength=len(self.terms)), out=starts[1:])
        docs_sorted = np.frombuffer(self.doc, np.uint32)[order]
        ends = np.frombuffer(self.value_end, np.uint64)
        begins = np.concatenate((np.zeros(1, np.uint64), ends[:-1]))
        lengths = np.frombuffer(self.lengths, np.uint32)
        return SortedPostings(
            terms=sorted(self.terms.items()),
            bounds=starts.tolist(),
            doc=array("I", docs_sorted.tobytes()),
            weight=array("f", np.frombuffer(self.weight, np.float32)[order].tobytes()),
            value_start=array("Q", begins[order].tobytes()),
            value_end=array("Q", ends[order].tobytes()),
            values=bytes(self.values),
            length=array("I", lengths[docs_sorted].tobytes()),
        )


class PostingsWriter(SegmentWriterBase):
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
        schema = self.schema
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self.check_document(names)
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
                    length = log.add(docnum, value, field.scorable)
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
        self.document_added()

    def write_postings(self):
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
                log = self._logs.pop(name)
                if log.terms:
                    write_field(fieldwriter, name, self.schema[name], log.sorted())
            else:
                fieldwriter.add_postings(self.schema, lengths, iter(pooled.pop(name)))
        fieldwriter.close()
        if lengths is not None:
            lengths.close()
