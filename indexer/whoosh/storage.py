"""The index directory: generations, the CURRENT pointer, the writers' lock.

A full build writes a new generation beside the live one and then replaces the
one-line file CURRENT, which is atomic: readers see the old index or the new one,
never a half-built one, and a killed build leaves only a stray folder that the next
build removes. Updates commit into the current generation (Whoosh commits are atomic
too). One process writes at a time, under an advisory lock that the kernel releases
when its holder dies, so no stale lock can block the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from ..indexing.disk import fsync_tree, write_atomically
from ..indexing.errors import IndexBusy, IndexNeedsRebuild, IndexNotFound

CURRENT = "CURRENT"
LOCK = ".lock"
WANTED = ".lock.wanted"  # held, shared, by those waiting for LOCK (see locked)
GENERATION_PREFIX = "gen-"
BUILDING_PREFIX = "building-"
KEEP_GENERATIONS = 2  # the live one and the one before, for readers still holding it
# What this version writes, in build.json: a reader refuses another (the schema's
# fields, the stored fields and the analysis that made the terms must all agree).
# 2: the layered redesign (analyzers in indexer.whoosh.analyzers); 3: title_given;
# 4: tone marks placed by rule wherever typed ("vịêt"), Ð (U+00D0) read as Đ; 5: stories
FORMAT = 5


def current_path(index_dir: str | Path) -> Path:
    """Return the folder of the live Whoosh index inside *index_dir*."""
    root = Path(index_dir)
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        if whoosh_index.exists_in(root):  # a plain Whoosh index folder
            return root
        raise IndexNotFound(
            f"no index at {root}: run `python -m indexer build --index {root} SOURCE`"
        ) from None
    return root / name


def generation_marker(index_dir: str | Path) -> tuple[str, int]:
    """Return (live folder, Whoosh generation): it changes whenever a build or update lands.

    Cheap enough to call on every request: one small file read and one directory listing.
    """
    path = current_path(index_dir)
    generations = [
        int(name[len("_MAIN_") : -len(".toc")])
        for name in os.listdir(path)
        if name.startswith("_MAIN_") and name.endswith(".toc") and name[6:-4].isdigit()
    ]
    return str(path), max(generations, default=-1)


def open_index(index_dir: str | Path):
    """Open the live Whoosh index of *index_dir*.

    Without mmap: Whoosh copies each file it maps out of a compound segment into a
    BytesIO, which made every searcher hold a private copy of the whole index (1.7 GB
    per server worker for the 35k articles). Read through the file, the page cache is
    shared by every process.
    """
    path = current_path(index_dir)
    rebuild = (
        f"the index at {index_dir} was built by another version of vnsearch: rebuild it"
        f" with `python -m indexer build --index {index_dir} SOURCE`"
    )
    info = read_info(path, "build.json")
    if info is not None and info.get("format") != FORMAT:
        raise IndexNeedsRebuild(rebuild)
    try:
        return FileStorage(path, supports_mmap=False).open_index()
    except (whoosh_index.EmptyIndexError, FileNotFoundError):
        raise IndexNotFound(f"no index at {index_dir}") from None
    except (ImportError, AttributeError, TypeError) as error:  # the pickled schema's classes
        raise IndexNeedsRebuild(f"{rebuild} ({type(error).__name__}: {error})") from None


@contextlib.contextmanager
def locked(index_dir: str | Path, wait: float = 0.0):
    """Hold the writers' lock of *index_dir*; raise IndexBusy if another writer has it
    past *wait* seconds.

    Whoever waits for it (a build, an update, a snapshot: *wait* above 0) says so by a
    shared lock on WANTED meanwhile, and a taker that would not wait (a server's applier,
    which takes the lock again as soon as a batch is committed) gives way to them: under
    a steady stream of writes, a waiting build is not kept out by the batches."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    wanted = os.open(root / WANTED, os.O_CREAT | os.O_RDWR, 0o644)
    busy = f"{root} is being built or updated by another process"
    try:
        if wait > 0:
            fcntl.flock(wanted, fcntl.LOCK_SH)
        else:
            try:
                fcntl.flock(wanted, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusy(busy) from None  # another waits for the lock
            fcntl.flock(wanted, fcntl.LOCK_UN)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(busy) from None
                time.sleep(0.05)
        fcntl.flock(wanted, fcntl.LOCK_UN)
        yield root
    finally:
        os.close(wanted)
        os.close(fd)  # closing releases the lock


def new_generation(index_dir: str | Path) -> Path:
    """Create an empty folder for a build; call only while holding the lock."""
    root = Path(index_dir)
    for stale in root.glob(BUILDING_PREFIX + "*"):  # left by a killed build
        shutil.rmtree(stale, ignore_errors=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = root / f"{BUILDING_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    return path


def publish(index_dir: str | Path, building: Path) -> Path:
    """Make the finished build at *building* the live index, atomically; prune old ones."""
    root = Path(index_dir)
    final = root / (GENERATION_PREFIX + building.name[len(BUILDING_PREFIX) :])
    fsync_tree(building)
    building.rename(final)
    write_atomically(root / CURRENT, final.name + "\n")
    generations = sorted(root.glob(GENERATION_PREFIX + "*"), key=lambda p: p.stat().st_mtime)
    for old in generations[:-KEEP_GENERATIONS]:
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    return final


def write_info(path: Path, name: str, info: dict, sync: bool = False) -> None:
    """Write a JSON record (build.json, update.json) into a generation, atomically (and,
    with *sync*, on disk when this returns)."""
    write_atomically(path / name, json.dumps(info, ensure_ascii=False, indent=2), sync)


def sync(path: Path) -> None:
    """Put every file of the generation at *path* on disk (Whoosh's commits do not)."""
    fsync_tree(path)


def read_info(path: Path, name: str) -> dict | None:
    """Read a JSON record written by write_info, or None."""
    try:
        return json.loads((path / name).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
