"""The write journal (journal.py) applied to a Whoosh index: one writer, one commit
a batch.

What arrived since the live generation's Position is applied in one Whoosh commit (so a
search sees all of a batch or none of it), under the index's lock (so a CLI build or
update and the server's writes never interleave). Of several writes of one id in a
batch the last wins. A put whose content hash is the live document's changes nothing.
The Position is written into the generation after the commit: a crash between the two
applies the batch again, to the same effect. Then, still under the lock, the journal is
compacted when due and old outcomes are pruned (compaction.py); the tasks read from a
compacted log's base were settled when first applied, and get no outcome again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index

from ..articles.sources import Problem, jsonl_record
from ..indexing.errors import IndexBusy, IndexNotFound
from ..indexing.writes import Op, outcome, settle
from ..language.abbreviations import Abbreviations
from . import compaction, storage, stories
from .journal import Journal, Position
from .schema import build_schema
from .workers import documents
from .writer import PostingsWriter

POSITION = "journal.json"  # in each generation: how far the journal is applied to it
log = logging.getLogger(__name__)
BATCH_WRITES = 2000  # writes applied in one commit at most
WRITER_MB = 128
SMALL_DOCS = 2000  # a segment of fewer documents is small
SMALL_SEGMENTS = 10  # small segments before they are merged
JOURNAL = "journal"  # the journal's folder inside the index directory
HEARTBEAT = "writer.alive"  # touched by the writer process every second
POLL_SECONDS = 0.25  # how often a server looks at the journal (other processes write it)
BUSY_SECONDS = 1.0  # then again, while a build or update holds the index
FAILED_SECONDS = 5.0  # then again, after an application failed
ORIGIN = "api"  # the origin of documents written over HTTP (no folder: never vanished)


def journal_of(index_dir: str | Path) -> Journal:
    return Journal(Path(index_dir) / JOURNAL)


def position(path: Path, journal: Journal) -> Position:
    """How far the generation at *path* has applied *journal*."""
    return journal.position(storage.read_info(path, POSITION))


def pending(index_dir: str | Path) -> bool:
    """Whether the journal holds whole tasks the live generation lacks (cheap)."""
    journal = journal_of(index_dir)
    try:
        path = storage.current_path(index_dir)
    except IndexNotFound:  # no index yet: the writes make one
        return journal.waiting(Position())
    return journal.waiting(position(path, journal))


def apply_pending(
    index_dir: str | Path, wait: float = 0.0, tasks_days: float = compaction.TASKS_DAYS
) -> list[int]:
    """Apply one batch of what the live generation lacks; return the tasks applied. Then
    compact the journal when due and prune outcomes older than *tasks_days*
    (compaction.maintain).

    Raises IndexBusy when a build or update holds the lock past *wait* seconds. Without
    an index yet, an empty one is made first."""
    journal = journal_of(index_dir)
    with storage.locked(index_dir, wait):
        try:
            path = storage.current_path(index_dir)
        except IndexNotFound:
            path = _empty(index_dir)
        ix = storage.open_index(index_dir)
        applied = apply_batch(ix, path, journal)
        if applied:
            compaction.maintain(journal, position(path, journal), tasks_days)
        return applied


def catch_up(ix, path: Path, journal: Journal) -> int:
    """Apply every task the index at *path* lacks (a build does, before it publishes)."""
    applied = 0
    while tasks := apply_batch(ix, path, journal):
        applied += len(tasks)
    return applied


def apply_batch(ix, path: Path, journal: Journal) -> list[int]:
    """Apply the next batch of tasks to *ix* (at *path*), in one commit, and write the
    outcome of each task applied for the first time (a rebuild applies them again)."""
    tasks = journal.since(position(path, journal), BATCH_WRITES)
    if not tasks:
        return []
    started = time.monotonic()
    outcomes = {task.number: outcome(task.number, task.rejected) for task in tasks}
    final: dict[str, tuple[int, int, Op]] = {}  # the last write of each id wins
    for task in tasks:
        for number, op in enumerate(task.ops):
            final.pop(op.id, None)  # keeps the order of the last writes
            final[op.id] = (task.number, number, op)
    writer = PostingsWriter(ix, limitmb=WRITER_MB)
    try:
        puts = _changed(ix, final, outcomes)
        records = [record for _, record in puts.values()]
        with stories.assigning(ix, path) as assigner:
            _write(writer, documents(records, ix.schema, 1), puts, outcomes, assigner)
        for doc_id, (task, _, op) in final.items():
            if op.kind == "delete":
                writer.delete_by_term("id", doc_id)
                outcomes[task]["counts"]["deleted"] += 1
        # writes of an id a later write of the batch replaced count as theirs
        for task in tasks:
            for number, op in enumerate(task.ops):
                if final[op.id][:2] != (task.number, number):
                    kind = "deleted" if op.kind == "delete" else "indexed"
                    outcomes[task.number]["counts"][kind] += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)  # PostingsWriter writes its own segment; merges: below
    # on disk in this order: the segment, each task's outcome, then the Position (a crash
    # between two steps applies the batch again; its first outcomes stand)
    storage.sync(path)
    seconds = time.monotonic() - started
    settled = {task.number for task in tasks if task.compacted}  # applied once already
    for number, found in outcomes.items():
        if number not in settled and journal.outcome(number) is None:
            journal.done(number, settle(found, seconds))
    last = tasks[-1]
    reached = {"task": last.number, "offset": last.end, "journal": journal.identity()}
    storage.write_info(path, POSITION, reached, sync=True)
    _merge_small(ix)  # after the outcomes: a writer waiting for them need not wait for it
    return [task.number for task in tasks]


def _write(writer, made_all, puts: dict, outcomes: dict, assigner) -> None:
    """Add the documents made of the puts of a batch, each in its story."""
    for record, made in made_all:
        task, number, op = puts[record.where][0]
        counts = outcomes[task]["counts"]
        if isinstance(made, Problem):
            counts["failed"] += 1
            failure = {"record": number, "id": op.id, "error": made.message}
            outcomes[task]["failed"].append(failure)
            continue
        doc, _ = made
        doc["serial"] = f"api:{task}:{number}"
        doc["story"] = assigner.assign(doc["id"], doc.get("minhash", b""))
        writer.delete_by_term("id", doc["id"])
        writer.add_document(**doc)
        counts["indexed"] += 1


def _changed(ix, final, outcomes) -> dict:
    """The puts of *final* whose content differs from the live document's, as
    {where: ((task, number, op), Record)}; the others are counted as unchanged."""
    changed = {}
    with ix.searcher() as searcher:
        empty = searcher.reader().doc_count_all() == 0  # a new index: no columns yet
        hashes = None if empty else searcher.reader().column_reader("hash")
        for task, number, op in final.values():
            if op.kind != "put":
                continue
            record = jsonl_record(f"task {task}, record {number}", op.data, ORIGIN)
            live = None if empty else searcher.document_number(id=op.id)
            if live is not None and hashes[live] == record.hash:
                outcomes[task]["counts"]["unchanged"] += 1
                continue
            changed[record.where] = ((task, number, op), record)
    return changed


def _merge_small(ix) -> None:
    """Merge the small segments batches leave behind, once there are more than
    SMALL_SEGMENTS: Whoosh's own writer and policy (it merges the smallest, about ten of
    a size, and leaves large ones), slower than PostingsWriter but seldom needed."""
    with ix.reader() as reader:
        sizes = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
    if sum(1 for size in sizes if size < SMALL_DOCS) > SMALL_SEGMENTS:
        ix.writer(limitmb=WRITER_MB).commit()


def _empty(index_dir: str | Path) -> Path:
    """Publish an empty index (the first writes to a new index directory make it)."""
    building = storage.new_generation(index_dir)
    whoosh_index.create_in(building, build_schema(Abbreviations.from_file(None)))
    storage.write_info(building, "build.json", {"format": storage.FORMAT, "published": True})
    return storage.publish(index_dir, building)


class Applier:
    """A background writer: applies the journal whenever it grows.

    A server runs one in a process of its own (webapp.server), so that the analysis of
    what is written takes turns with searches for the cores, not for one worker's
    interpreter; each worker process keeps one too, which waits *patience* seconds
    before it takes up writes nobody applied (the writer process died). The index's
    lock makes them take turns, and wait while a CLI build or update holds it.
    *applied* is called after each commit this one made; outcomes older than
    *tasks_days* are pruned (compaction.maintain).
    """

    def __init__(
        self,
        index_dir: str | Path,
        applied=lambda: None,
        tasks_days: float = compaction.TASKS_DAYS,
    ):
        self.index_dir = Path(index_dir)
        self.tasks_days = tasks_days
        self.heartbeat = self.index_dir / JOURNAL / HEARTBEAT  # the writer process's
        self.applied = applied
        self.patience = 0.0
        self.wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def start(self, patience: float = 0.0) -> None:
        """Apply in a thread of this process (after *patience* seconds, see above)."""
        with self._starting:
            self.patience = patience
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self.run, name="applier", daemon=True)
                self._thread.start()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def poke(self) -> None:
        """Something was written: look now rather than at the next poll."""
        self.wake.set()

    def run(self, alive=lambda: True, heartbeat: bool = False) -> None:
        """Apply what comes, for as long as alive(); with *heartbeat*, say every second
        that this process applies the journal (the workers' appliers then stand by)."""
        if heartbeat:
            threading.Thread(target=self._beat, args=(alive,), daemon=True).start()
        while alive():
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()
            try:
                while alive() and pending(self.index_dir) and self._due():
                    if not apply_pending(self.index_dir, tasks_days=self.tasks_days):
                        break  # nothing whole to apply after all
                    self.applied()
            except IndexBusy:  # a build or update: the journal waits for it
                time.sleep(BUSY_SECONDS)
            except Exception:  # logged; the journal keeps the writes for the next try
                log.exception("applying the journal of %s failed", self.index_dir)
                time.sleep(FAILED_SECONDS)

    def _beat(self, alive) -> None:
        beat = self.heartbeat
        while alive():
            with contextlib.suppress(OSError):
                beat.parent.mkdir(parents=True, exist_ok=True)
                beat.touch()
            time.sleep(1.0)

    def _due(self) -> bool:
        """Whether this applier applies now: always without *patience*; with it, only
        when the writer process gave no sign of life for that long."""
        if not self.patience:
            return True
        try:
            return time.time() - self.heartbeat.stat().st_mtime >= self.patience
        except FileNotFoundError:
            return True
