"""Keep a journal (journal.py) from growing without bound: compaction and pruning.

Compaction replaces the tasks an index holds (up to its live generation's Position) by
their net effect, as Kafka compacts a topic by key: of every id, the last write (a put
or a delete) stays, in the task that wrote it; tasks left with no write go. A rebuild,
which replays the journal onto documents made from the sources, then ends with the same
documents as before, and the log's size follows the number of ids written, not the
number of writes. Deletes stay (a rebuild's sources may hold the id again).

A compaction writes a new log file beside the old one (header, base, then the tasks
after the Position, copied as they are), fsyncs it and renames it over the old one,
under the journal's exclusive lock: appends wait for it, a reader sees the old file or
the new one, and a crash leaves the old one and a stray file the next compaction
replaces. Compacting to a Position already compacted changes nothing. The caller holds
the index's lock (storage.locked): no build is then replaying the journal, so every
Position recorded lies at or after what is rewritten.

Pruning deletes the outcomes (done/<task>.json) of tasks the index holds that are older
than VNSEARCH_TASKS_DAYS; GET /api/tasks/<task> then answers 404.
"""

from __future__ import annotations

import logging
import os
import time

from ..indexing.disk import fsync_dir
from .journal import Base, Journal, Position, encode, header, physical, read_tasks

TASKS_DAYS = 7  # the outcome of a task is kept this long (VNSEARCH_TASKS_DAYS)
COMPACT_BYTES = 16 * 1024 * 1024  # applied bytes of the log past its base before compacting
PRUNE_SECONDS = 3600.0  # how often an applier prunes outcomes
PRUNED = "pruned"  # in the journal: touched when outcomes were last pruned
COPY_BYTES = 1 << 20
log = logging.getLogger(__name__)


def compact(journal: Journal, upto: Position) -> bool:
    """Replace the tasks of *journal* up to *upto* (a Position an index recorded) by the
    last write of each id among them; False when there was nothing to compact."""
    if not upto.journal or upto.journal != journal.identity():
        return False
    with journal.locked(), open(journal.log, "rb") as old:
        base = Base.read(old)
        end = physical(base, upto.offset)
        size = old.seek(0, os.SEEK_END)
        if upto.task <= base.task or not base.start <= end <= size:
            return False  # compacted already (or a Position of another log: left alone)
        last = {}  # id -> (task, place in it) of its last write
        for task in read_tasks(old, base.header, end):
            for place, op in enumerate(task.ops):
                last[op.id] = (task.number, place)
        temporary = journal.path / f".{journal.log.name}.compacting"
        with open(temporary, "wb") as new:
            new.write(header(0, 0, 0))  # its place; written again once the base is
            for task in read_tasks(old, base.header, end):
                number = task.number
                kept = [op for place, op in enumerate(task.ops) if last[op.id] == (number, place)]
                if kept:
                    new.write(encode(task.number, kept, []))  # its outcome is kept already
            start = new.tell()
            _copy_whole_lines(old, end, size, new)
            new.seek(0)
            new.write(header(upto.task, upto.offset, start))
            new.flush()
            os.fsync(new.fileno())
        os.replace(temporary, journal.log)
        fsync_dir(journal.path)
    return True


def _copy_whole_lines(source, start: int, end: int, target) -> None:
    """Copy the bytes of *source* from *start* to the last newline before *end* (a line
    a crash cut short was never acknowledged)."""
    source.seek(start)
    left = end - start
    tail = b""
    while left > 0:
        chunk = source.read(min(COPY_BYTES, left))
        if not chunk:
            break
        left -= len(chunk)
        chunk = tail + chunk
        cut = chunk.rfind(b"\n") + 1
        target.write(chunk[:cut])
        tail = chunk[cut:]


def due(journal: Journal, upto: Position) -> bool:
    """Whether the applied part of the log past its base is worth compacting: at least
    COMPACT_BYTES and at least the base's own size (so that, as Kafka's dirty ratio of
    one half, rewriting the base costs no more than what it takes away)."""
    base = journal.base()
    applied = upto.offset - base.offset
    return applied >= max(COMPACT_BYTES, base.start - base.header)


def prune(journal: Journal, days: float, applied: int) -> int:
    """Delete the outcomes of the tasks up to *applied* that are older than *days*;
    return how many went."""
    cutoff = time.time() - days * 86400
    pruned = 0
    for number, outcome in journal.outcomes().items():
        if number > applied:
            continue
        try:
            if outcome.stat().st_mtime < cutoff:
                outcome.unlink()
                pruned += 1
        except FileNotFoundError:  # pruned by another process meanwhile
            continue
    return pruned


def maintain(journal: Journal, upto: Position, days: float, now: bool = False) -> None:
    """What an applier (and, with *now*, a build once it published) does for the journal
    of an index whose live generation applied it up to *upto*: compact it when due,
    prune outcomes once every PRUNE_SECONDS. Called under the index's lock."""
    if now or due(journal, upto):
        started = time.monotonic()
        if compact(journal, upto):
            log.info("compacted %s up to task %d in %.2f s", journal.log, upto.task,
                     time.monotonic() - started)  # fmt: skip
    stamp = journal.path / PRUNED
    try:
        recent = time.time() - stamp.stat().st_mtime < PRUNE_SECONDS
    except FileNotFoundError:
        recent = False
    if now or not recent:
        prune(journal, days, upto.task)
        if journal.path.exists():
            stamp.touch()
