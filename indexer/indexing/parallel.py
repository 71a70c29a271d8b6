"""Articles analysed on every core: batches of records handed to forked worker processes.

The parent reads the sources and numbers the batches; each worker runs a job's `work`
on a batch and sends the answer back; the parent gets the answers in the order of the
batches, then what each worker's `finish` returns. At most IN_FLIGHT batches per worker
are out at once, so memory stays flat however large the corpus. The job is handed to the
workers by fork, never pickled: it may hold anything (a schema, a segment writer).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
from contextlib import contextmanager

BATCH_RECORDS = 16  # records sent to a worker at once
BATCH_BYTES = 1 << 20
IN_FLIGHT = 3  # batches per worker sent and not yet answered
HELD = 4  # in order: answers kept waiting for an earlier one, in IN_FLIGHT windows
WAIT = 1.0  # seconds between looks at whether a worker has died
# Garbage collector thresholds while indexing (Python's defaults: 700, 10, 10).
INDEXING_GC = (50_000, 20, 20)


class WorkerDied(RuntimeError):
    """An indexing worker process ended without finishing its work."""


def batches(records, size: int = BATCH_RECORDS, limit: int = BATCH_BYTES):
    """Group records into lists of at most *size* records or about *limit* bytes."""
    batch, total = [], 0
    for record in records:
        batch.append(record)
        total += len(record.data)
        if len(batch) >= size or total >= limit:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


class Job:
    """What workers do: `start` once in each worker, `work` per batch, `finish` at the end."""

    def start(self) -> None:
        """Prepare the worker (open what it writes to)."""

    def work(self, batch: list):
        """The answer for one batch, sent back to the parent."""
        raise NotImplementedError

    def finish(self):
        """The worker's last answer, once every batch is done."""
        return None


def processes(workers: int | None) -> int:
    """The worker processes to run: *workers*, or one per core when not given."""
    return workers if workers else (os.cpu_count() or 1)


def run(job: Job, groups, workers: int, ordered: bool = True):
    """Yield ("batch", answer) for each of *groups*, then ("finish", answer) for each
    worker, with *workers* forked processes (or in this process when workers <= 1).

    *ordered*: the answers come in the order of *groups*; otherwise as they are ready,
    which keeps every worker busy while one batch takes long (a huge article)."""
    if workers <= 1:
        job.start()
        with few_collections():
            for group in groups:
                yield "batch", job.work(group)
            yield "finish", job.finish()
        return
    context = multiprocessing.get_context("fork")
    jobs = context.Queue()
    results = context.Queue()
    processes = [
        context.Process(target=_serve, args=(job, jobs, results), daemon=True)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    early: dict[int, object] = {}  # answers received and not yet given
    held = workers * IN_FLIGHT * HELD
    finished: list = []
    sent = given = 0

    def receive() -> None:
        while True:
            try:
                number, answer = results.get(timeout=WAIT)
                break
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise WorkerDied("an indexing worker died; nothing was published") from None
        if number is None:
            finished.append(answer)
        else:
            early[number] = answer

    def ready():  # the answers that may be given now
        nonlocal given
        if not ordered:
            given += len(early)
            yield from list(early.values())
            early.clear()
        while given in early:
            yield early.pop(given)
            given += 1

    try:
        for group in groups:
            jobs.put((sent, group))
            sent += 1
            # at most IN_FLIGHT batches a worker out; in order, at most HELD waiting
            while sent - given - len(early) >= workers * IN_FLIGHT or sent - given >= held:
                receive()
                for answer in ready():
                    yield "batch", answer
            for answer in ready():
                yield "batch", answer
        for _ in processes:
            jobs.put(None)
        while given < sent:
            receive()
            for answer in ready():
                yield "batch", answer
        while len(finished) < len(processes):
            receive()
        for process in processes:
            process.join()
    except BaseException:
        for process in processes:
            process.kill()
        raise
    for answer in finished:
        yield "finish", answer


def _serve(job: Job, jobs, results) -> None:
    """A worker's life: start, answer every batch, finish."""
    job.start()
    collect_rarely()  # for the process's life
    while (item := jobs.get()) is not None:
        number, group = item
        results.put((number, job.work(group)))
    results.put((None, job.finish()))


@contextmanager
def few_collections():
    """Run Python's cyclic garbage collector rarely while articles are indexed.

    Analysis makes and drops millions of short-lived lists, none of them in reference
    cycles. At the default thresholds the collector runs some 5,000 times per 2,000
    articles and scans every live object (the segmenter's model among them) dozens of
    times: about 8 % of an indexing process's time. The objects alive on entry are
    frozen out of the scans, and collections come 70 times less often.
    """
    threshold = gc.get_threshold()
    collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def collect_rarely() -> None:
    """Freeze the objects alive now out of the collector's scans; collect rarely."""
    gc.collect()  # garbage frozen would stay until gc.unfreeze()
    gc.freeze()
    gc.set_threshold(*INDEXING_GC)
