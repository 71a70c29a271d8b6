"""Whoosh documents made on every core, and a full build's segments written there too.

With one Whoosh writer a build waits on a single core while it sorts and writes the
postings of every document; in a full build each worker has a writer of its own
(without the index lock, which the parent holds), writes its own segments, and the
parent then writes the table of contents that lists them all. This is how Whoosh's own
MpWriter works, with the analysis done in the workers instead of before them.

The workers answer, per record, what they added or which problem they met, so that the
parent keeps the counts, the progress bar and the rule that of two documents with one
id the later one wins (indexing.run).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from whoosh import index as whoosh_index

from ..articles.sources import Problem
from ..indexing import parallel
from ..indexing.run import Run
from .document import DocumentMaker
from .format import TEMPORARY_FOLDER, SegmentWriterBase
from .writer import PostingsWriter


class SegmentJob(parallel.Job):
    """A worker's part of a full build: documents into segments of its own."""

    def __init__(self, path: Path, run_serial: str, limitmb: int):
        self.path = str(path)
        self.run_serial = run_serial
        self.limitmb = limitmb

    def start(self) -> None:
        self.ix = whoosh_index.open_dir(self.path)
        self.maker = DocumentMaker(self.ix.schema, bands=False)  # the build's own table
        self.writer = PostingsWriter(self.ix, _lk=False, limitmb=self.limitmb)

    def work(self, numbered: list) -> list:
        """Per record: ("added", number, id, where, chars, serial, signature) or ("problem",
        number, problem); and ("segment", segment) whenever the logged postings fill memory."""
        answers = []
        for number, record in numbered:
            made = self.maker.make(record)
            if isinstance(made, Problem):
                answers.append(("problem", number, made))
                continue
            doc, chars = made
            doc["serial"] = f"{self.run_serial}:{number}"
            self.writer.add_document(**doc)
            added = (number, doc["id"], record.where, chars, doc["serial"], doc.get("minhash"))
            answers.append(("added", *added))
        if self.writer.full():
            answers.append(("segment", self.writer.finish_segment()))
            self.writer = PostingsWriter(self.ix, _lk=False, limitmb=self.limitmb)
        return answers

    def finish(self):
        return self.writer.finish_segment()


def build_segments(ix, path: Path, records, workers: int, run: Run, limitmb: int) -> dict:
    """Index *records* into the new index *ix* (at *path*) with *workers* processes, and
    commit the segments they wrote. *run* keeps the counts and the duplicates. Returns
    each added record's MinHash signature, by serial."""
    # Every writer keeps its temporary files in one folder; made here, before any of
    # them would race to create it.
    Path(path, TEMPORARY_FOLDER).mkdir(exist_ok=True)

    def numbered():
        number = 0
        for batch in parallel.batches(records):
            yield list(enumerate(batch, number))
            number += len(batch)

    found: list = []
    signatures: dict[str, bytes] = {}
    job = SegmentJob(path, run.serial, limitmb)
    for kind, answers in parallel.run(job, numbered(), workers, ordered=False):
        if kind == "finish":
            answers = [("segment", answers)]
        for answer in answers:
            if answer[0] == "segment":
                if answer[1] is not None:
                    found.append(answer[1])
            elif answer[0] == "problem":
                run.problem(answer[2])
            else:
                run.added_at(*answer[1:6])
                signatures[answer[5]] = answer[6] or b""
    # The table of contents: the parent's writer (holding the lock) lists the segments.
    SegmentWriterBase(ix).commit_segments(found)
    return signatures


class DocumentJob(parallel.Job):
    """A worker's part of an update: records made into documents, for the parent's writer."""

    def __init__(self, schema):
        self.maker = DocumentMaker(schema)

    def work(self, batch: list) -> list:
        return [self.maker.make(record) for record in batch]


def documents(records, schema, workers: int):
    """Yield (record, DocumentMaker.make(record)) in input order, made by *workers*."""
    sent: deque[list] = deque()

    def groups():
        for batch in parallel.batches(records):
            sent.append(batch)
            yield batch

    for kind, made in parallel.run(DocumentJob(schema), groups(), workers):
        if kind == "batch":
            yield from zip(sent.popleft(), made)
