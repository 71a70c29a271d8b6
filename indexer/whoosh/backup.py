"""Snapshots of a Whoosh index directory and their restore (indexing/archive.py's file).

    index/CURRENT, index/gen-.../   the published generation, as it was
    index/journal/id, log.jsonl     the journal up to the generation's Position (its base
                                    and the tasks after it), with its identity
    index/journal/done/<task>.json  the outcomes of those tasks
    index/editorial/                the synonyms and curations, when there are any

A snapshot is consistent while a server serves and takes writes. Under the index's lock
(storage.locked), held for milliseconds, the generation's files are hard-linked into a
staging folder inside the index directory, the log opened and the Position noted. No
file of a generation changes once written (Whoosh commits new segments and a new TOC,
journal.json is replaced by a rename), so the links keep the generation as it was
whatever is committed after. The log is copied up to the Position through the file
opened under the lock: appends only add after it, and a compaction renames a new file
over it. So the snapshot holds exactly the tasks up to the Position, and says which.

A restore makes the index anew in a folder beside DIR, checks it opens and holds the
documents the snapshot counted, and renames it into place. DIR must hold no index, or
--force replaces it (under its lock; what a snapshot never holds, such as
analytics.sqlite3, stays). The restored journal keeps the original's identity, so the
restored generation's Position is read as it was: nothing is replayed twice, and the
tasks written after the snapshot are not there. Serve the restored folder after the
restore (a server over the folder replaced keeps files it opened).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from pathlib import Path

from ..indexing import archive
from ..indexing.disk import fsync_dir, fsync_tree
from ..indexing.errors import BackupError, IndexNotFound
from . import storage
from .apply import JOURNAL, journal_of, position
from .editorial import FOLDER as EDITORIAL
from .journal import DONE, IDENTITY, LOG, Base, physical

BACKEND = "whoosh"
FOLDER = "index"  # the index directory, in the snapshot file
LOCK_WAIT = 30.0  # seconds to wait for the index's lock (a commit, a build's publishing)
SKIPPED = ("MAIN_WRITELOCK",)  # Whoosh's own lock: made when needed
COPY_BYTES = 1 << 20
STAGING = ".snapshot-"  # a snapshot's hard links, in the index directory while it is written
STALE_SECONDS = 6 * 3600.0  # a staging folder this old was left by a snapshot killed


def snapshot(index_dir: str | Path, out: str | Path, lock_wait: float = LOCK_WAIT) -> dict:
    """Write a snapshot of the index at *index_dir* to the tar file *out*; return its
    manifest (with "bytes" and "seconds")."""
    started = time.monotonic()
    root = Path(index_dir)
    if not (root / storage.CURRENT).exists():
        raise IndexNotFound(f"no index at {root} to snapshot")
    archive.destination(out)  # before anything is made
    for stale in root.glob(STAGING + "*"):  # left by a snapshot killed on its way
        if time.time() - stale.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)
    staging = root / f"{STAGING}{uuid.uuid4().hex[:8]}"
    log = None
    try:
        folder = staging / FOLDER
        with storage.locked(root, lock_wait):
            live = storage.current_path(root)
            journal = journal_of(root)
            held = position(live, journal)
            _link_files(live, folder / live.name)
            (folder / storage.CURRENT).write_text(live.name + "\n", encoding="utf-8")
            if held.task and journal.log.exists():
                log = open(journal.log, "rb")  # noqa: SIM115 (its inode, read after the lock)
                for number, outcome in journal.outcomes().items():
                    if number <= held.task:
                        _link(outcome, folder / JOURNAL / DONE)
            _link_files(root / EDITORIAL, folder / EDITORIAL)
        if log is not None:
            _copy_log(log, held.offset, held.task, folder / JOURNAL / LOG)
            (folder / JOURNAL / IDENTITY).write_text(held.journal, encoding="utf-8")
        with storage.open_index(folder).reader() as reader:
            documents = reader.doc_count()
        described = archive.manifest(
            BACKEND,
            index=str(root.resolve()),
            generation=live.name,
            documents=documents,
            task=held.task,
            journal={"id": held.journal, "offset": held.offset} if log else None,
            editorial=(folder / EDITORIAL).is_dir(),
        )
        size = archive.write(out, described, folder, FOLDER)
    finally:
        if log is not None:
            log.close()
        shutil.rmtree(staging, ignore_errors=True)
    return {**described, "bytes": size, "seconds": round(time.monotonic() - started, 3)}


def _link(source: Path, folder: Path) -> None:
    """Hard-link the file *source* into *folder* (made), if it exists."""
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):  # an outcome pruned meanwhile
        os.link(source, folder / source.name)


def _link_files(source: Path, folder: Path) -> None:
    """Hard-link every file of *source* (none starting with "." or SKIPPED) into *folder*."""
    if not source.is_dir():
        return
    for item in source.iterdir():
        if not (item.name.startswith(".") or item.name in SKIPPED or not item.is_file()):
            _link(item, folder)


def _copy_log(log, offset: int, task: int, target: Path) -> None:
    """Copy the open *log* up to the logical *offset*, the end of *task*'s line."""
    base = Base.read(log)
    if task < base.task:
        raise BackupError("the journal was compacted past the index's own Position")
    end = physical(base, offset)
    log.seek(0)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as copy:
        left = end
        while left > 0:
            chunk = log.read(min(COPY_BYTES, left))
            if not chunk:
                raise BackupError(f"the journal ends before task {task}, which the index holds")
            copy.write(chunk)
            left -= len(chunk)


def restore(
    archive_path: str | Path,
    index_dir: str | Path,
    force: bool = False,
    lock_wait: float = LOCK_WAIT,
) -> dict:
    """Make the index at *index_dir* from the snapshot *archive_path*; return its manifest.

    BackupError when the file is no snapshot of a Whoosh index, or *index_dir* holds an
    index and not *force*."""
    started = time.monotonic()
    described = archive.read_manifest(archive_path, BACKEND)
    root = Path(index_dir)
    if root.exists() and not root.is_dir():
        raise BackupError(f"{root} is a file, not an index directory")
    if _holds_index(root) and not force:
        raise BackupError(
            f"{root} holds an index: restore into a new folder, or replace it with --force"
        )
    root.parent.mkdir(parents=True, exist_ok=True)
    container = root.parent / f".{root.name}.restoring-{uuid.uuid4().hex[:8]}"
    trash = root.parent / f".{root.name}.replaced-{uuid.uuid4().hex[:8]}"
    try:
        made = archive.extract(archive_path, FOLDER, container)
        _check(made, described)
        for folder in (made, made / described["generation"], made / JOURNAL, made / EDITORIAL):
            if folder.is_dir():
                fsync_tree(folder)
        _swap(root, made, trash, lock_wait)
        shutil.rmtree(trash, ignore_errors=True)  # the old index, once the new one is in place
    finally:
        shutil.rmtree(container, ignore_errors=True)
    return {**described, "restored": str(root), "seconds": round(time.monotonic() - started, 3)}


def _swap(root: Path, made: Path, trash: Path, lock_wait: float) -> None:
    """Put the index *made* in the place of *root* (moved to *trash*, what a snapshot does
    not hold carried over into *made*). If it fails, the old index is put back, or, when
    its place was taken meanwhile, left in *trash*, which the error names: nothing lost."""
    moved: list[str] = []
    try:
        if root.exists():
            with storage.locked(root, lock_wait):
                for item in root.iterdir():
                    if not _in_snapshots(item.name):  # analytics and the like stay
                        item.rename(made / item.name)
                        moved.append(item.name)
                root.rename(trash)
        made.rename(root)
    except BaseException:
        old = trash if trash.exists() else root
        for name in moved:
            if (made / name).exists():
                (made / name).rename(old / name)
        if old == trash and not root.exists():
            trash.rename(root)
        elif old == trash:
            raise BackupError(
                f"{root} was made again during the restore: the index it held is in {trash}"
            ) from None
        raise
    fsync_dir(root.parent)


def _check(made: Path, described: dict) -> None:
    """Refuse an extracted index that does not open or lacks documents it should hold."""
    try:
        with storage.open_index(made).reader() as reader:
            documents = reader.doc_count()
    except (IndexNotFound, OSError, ValueError) as error:
        raise BackupError(f"the snapshot's index does not open: {error}") from None
    if documents != described.get("documents"):
        raise BackupError(
            f"the snapshot's index holds {documents} documents, not {described.get('documents')}:"
            " it is damaged"
        )


def _in_snapshots(name: str) -> bool:
    """Whether an entry of an index directory is of what snapshots hold (or the lock)."""
    return (
        name in (storage.CURRENT, storage.LOCK, storage.WANTED, JOURNAL, EDITORIAL)
        or name.startswith((storage.GENERATION_PREFIX, storage.BUILDING_PREFIX, STAGING))
        or name.startswith("_MAIN_")  # a plain Whoosh index folder's own files
        or name.startswith("MAIN_")
    )


def _holds_index(root: Path) -> bool:
    """Whether *root* holds an index, a journal or synonyms and curations."""
    if not root.is_dir():
        return False
    locks = (storage.LOCK, storage.WANTED)
    return any(_in_snapshots(item.name) and item.name not in locks for item in root.iterdir())
