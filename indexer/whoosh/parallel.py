"""A full build on every core: each worker process analyses articles and writes a segment.

With one Whoosh writer the build waits on a single core while it sorts and writes the
postings of every document; here each worker has a writer of its own (without the
index lock, which the parent holds) and finishes its own segment, and the parent then
writes the table of contents that lists them all. This is how Whoosh's own MpWriter
works, with the analysis done in the workers instead of before them.

The parent reads the sources and hands out numbered batches; the workers answer, per
record, what they added or which problem they met, so that the parent keeps the counts,
the progress bar and the rule that of two documents with one id the later one wins.
"""

from __future__ import annotations

import multiprocessing
import queue
from pathlib import Path

from whoosh import index as whoosh_index

from ..articles.sources import Problem
from .writer import PostingsWriter

RESULT_WAIT = 1.0  # seconds between looks at whether a worker has died


def _write_segment(path: str, jobs, results, run_id: str, limitmb: int) -> None:
    """Worker: add the documents of every batch to a segment, and send each segment
    written: one when told to stop, and one whenever the logged postings fill memory."""
    from .build import _init_worker, collect_rarely, prepare

    ix = whoosh_index.open_dir(path)
    _init_worker(ix.schema)
    collect_rarely()  # for the process's life
    writer = PostingsWriter(ix, _lk=False, limitmb=limitmb)
    while (batch := jobs.get()) is not None:
        answers = []
        for number, record in batch:
            result = prepare(record)
            if isinstance(result, Problem):
                answers.append(("problem", number, result))
                continue
            doc, chars = result
            doc["serial"] = f"{run_id}:{number}"
            writer.add_document(**doc)
            answers.append(("added", number, doc["id"], record.where, chars, doc["serial"]))
        if writer.full():
            answers.append(("segment", _finish(writer)))
            writer = PostingsWriter(ix, _lk=False, limitmb=limitmb)
        results.put(answers)
    results.put([("segment", _finish(writer)), ("done",)])


def _finish(writer):
    """Write out a worker's segment; None if it holds no document."""
    if not writer.doc_count():
        writer._close_segment()
        return None
    segment = writer._finalize_segment()
    # Not writer._finish(): the temporary folder is shared; the parent's writer removes it.
    return segment


def build_segments(ix, path, records, workers: int, run, limitmb: int, batches) -> None:
    """Index *records* into *ix* (at *path*) with *workers* processes; commit the segments.

    *run* is the build's state (counts, duplicates); *batches* groups records.
    """
    # Every writer keeps its temporary files in one folder; made here, before any of
    # them would race to create it.
    Path(path, f"{whoosh_index._DEF_INDEX_NAME}.tmp").mkdir(exist_ok=True)
    context = multiprocessing.get_context("fork")
    jobs = context.Queue(maxsize=workers * 3)
    results = context.Queue()
    processes = [
        context.Process(
            target=_write_segment,
            args=(str(path), jobs, results, run.serial, limitmb),
            daemon=True,
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    segments: list = []
    finished = 0

    def take(block: bool) -> None:
        nonlocal finished
        while True:
            try:
                answers = results.get(timeout=RESULT_WAIT) if block else results.get_nowait()
            except queue.Empty:
                if block and any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError("an indexing worker died; nothing was published") from None
                if not block:
                    return
                continue
            for answer in answers:
                if answer[0] == "segment":
                    if answer[1] is not None:
                        segments.append(answer[1])
                elif answer[0] == "done":
                    finished += 1
                elif answer[0] == "problem":
                    run.reporter.advance()
                    run.problem(answer[2])
                else:
                    _, number, doc_id, where, chars, serial = answer
                    run.added_at(number, doc_id, where, chars, serial)
            if block:
                return

    try:
        number = 0
        for batch in batches(records):
            numbered = list(enumerate(batch, number))
            number += len(batch)
            while True:
                try:
                    jobs.put(numbered, timeout=RESULT_WAIT)
                    break
                except queue.Full:
                    take(block=False)
                    if any(p.exitcode not in (None, 0) for p in processes):
                        raise RuntimeError(
                            "an indexing worker died; nothing was published"
                        ) from None
            take(block=False)
        for _ in processes:
            jobs.put(None)
        while finished < len(processes):
            take(block=True)
        for process in processes:
            process.join()
    except BaseException:
        for process in processes:
            process.kill()
        raise
    # The table of contents: the parent's writer (holding the lock) lists the segments.
    writer = ix.writer()
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()
