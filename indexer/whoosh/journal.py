"""The write journal of an index: writes over HTTP, on disk before they are acknowledged.

    <journal>/log.jsonl       one line per task (a POST, PUT or DELETE), appended
    <journal>/done/<task>.json what applying it did (written by the applier)
    <journal>/.lock           held while a line is appended, or the log compacted

A task's line is written and fsync'd, under an exclusive lock that orders the tasks of
every server process, before its number is returned: a write that was acknowledged
survives kill -9 of the server and the loss of power. A line cut short by a crash was
never acknowledged; the next append cuts it off.

An index remembers, in each generation, the last task applied to it and where its line
ended (Position). A server's applier, a restart and a rebuild replay what the index
lacks; replaying is idempotent (documents are put and deleted by id), so a crash between
a commit and its Position costs only a second application.

The log does not grow without bound: compaction (compaction.py) replaces the tasks an
index holds by their net effect, as Kafka compacts a topic. A compacted log begins with
a header line, `{"compacted": {"task": T, "offset": O, "start": S}}` padded to
HEADER_BYTES, then the tasks up to T with only the last write of each id (the base),
then the tasks after T from byte S. Offsets stay those of the log as written (logical):
the task after T begins at O, so a Position recorded before a compaction still points
at the same task. A Position inside the base (a rebuild replaying it) reads the base
from its start and skips the tasks it names.

>>> import tempfile
>>> journal = Journal(tempfile.mkdtemp())
>>> journal.append([put({"id": "a", "text": "Hà Nội"}), delete("b")], rejected=[])
1
>>> [(task.number, [op.id for op in task.ops]) for task in journal.since(Position())]
[(1, ['a', 'b'])]
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..indexing.disk import fsync_dir, write_atomically
from ..indexing.writes import Op, delete, put

LOG = "log.jsonl"
IDENTITY = "id"
DONE = "done"
HEADER = b'{"compacted":'  # how the first line of a compacted log begins
HEADER_BYTES = 128  # the header line, padded with spaces: rewritten in place once written


@dataclass
class Task:
    """The writes of one request, in the order given, and the records refused at once."""

    number: int
    ops: list[Op]
    rejected: list[dict] = field(default_factory=list)
    end: int = 0  # where its line ends in the log (logical: as first written)
    compacted: bool = False  # read from a compacted log's base: applied and settled before


class Position(NamedTuple):
    """How far an index has applied a journal: the last task, where its line ended, and
    which journal (a journal deleted and begun again is another)."""

    task: int = 0
    offset: int = 0
    journal: str = ""


class Base(NamedTuple):
    """The compacted part of a log file: the tasks up to *task* are in its base, which
    begins after its header (*header* bytes); the task after them begins at the logical
    *offset* and the physical *start*. An uncompacted log: all zero."""

    task: int = 0
    offset: int = 0
    start: int = 0
    header: int = 0

    @property
    def shift(self) -> int:
        """Logical offset minus physical offset, anywhere after the header."""
        return self.offset - self.start

    @classmethod
    def read(cls, log) -> Base:
        """The base of an open log file (its header line, if it has one)."""
        log.seek(0)
        first = log.read(HEADER_BYTES)
        if not first.startswith(HEADER) or not first.endswith(b"\n"):
            return cls()
        found = json.loads(first)["compacted"]
        return cls(found["task"], found["offset"], found["start"], HEADER_BYTES)


def header(task: int, offset: int, start: int) -> bytes:
    """The header line of a compacted log (see Base)."""
    line = _json({"compacted": {"task": task, "offset": offset, "start": start}})
    return line.ljust(HEADER_BYTES - 1) + b"\n"


def encode(number: int, ops: list[Op], rejected: list[dict]) -> bytes:
    """One task as one line: {"task": N, "ops": [...], "rejected": [...]}; a put's data,
    JSON already, goes in as it is (a batch of 32 MB is not parsed again)."""
    parts = [
        b'{"put":' + op.data + b"}" if op.kind == "put" else _json({"delete": op.id}) for op in ops
    ]
    head = b'{"task":%d,"ops":[' % number
    return head + b",".join(parts) + b'],"rejected":' + _json(rejected) + b"}\n"


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode(line: bytes, end: int) -> Task:
    entry = json.loads(line)
    ops = []
    for item in entry["ops"]:
        if "put" in item:
            ops.append(put(item["put"]))
        else:
            ops.append(delete(item["delete"]))
    return Task(entry["task"], ops, entry.get("rejected", []), end)


_NUMBER = re.compile(rb'\{"task":(\d+)')


def read_tasks(log, start: int, end: int | None = None, after: int = 0) -> Iterator[Task]:
    """The whole tasks of an open log file from the physical offset *start* (a line's
    beginning) to *end*, numbered above *after*; each Task's end physical."""
    log.seek(start)
    offset = start
    for line in log:
        offset += len(line)
        if (end is not None and offset > end) or not line.endswith(b"\n"):
            break  # past the end asked for, or being written, or cut short by a crash
        number = _NUMBER.match(line)
        if number is None or int(number.group(1)) <= after:
            continue  # blank, or a task asked not for: not decoded
        yield _decode(line, offset)


class Journal:
    """The journal in the folder *path* (made when first written)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.log = self.path / LOG

    @contextlib.contextmanager
    def locked(self, kind=fcntl.LOCK_EX):
        """Appends and compactions hold it exclusively (write and fsync); readers shared:
        a reader never sees a line before it is on disk."""
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, kind)
            yield
        finally:
            os.close(fd)

    def identity(self) -> str:
        """This journal's own name, made with its first line (see Position)."""
        try:
            return (self.path / IDENTITY).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def position(self, found: dict | None) -> Position:
        """The Position an index recorded (*found*), or the start when it was of another
        journal than this one."""
        found = found or {}
        if found.get("journal", "") != self.identity():
            return Position(journal=self.identity())
        return Position(found.get("task", 0), found.get("offset", 0), found.get("journal", ""))

    def base(self) -> Base:
        """The compacted part of the log (all zero before its first compaction)."""
        try:
            with open(self.log, "rb") as log:
                return Base.read(log)
        except FileNotFoundError:
            return Base()

    def append(self, ops: list[Op], rejected: list[dict]) -> int:
        """Write one task durably; return its number (1, 2, ...)."""
        with self.locked():
            fresh = not self.log.exists()
            if fresh:  # a new journal: a name of its own, before its first line
                write_atomically(self.path / IDENTITY, uuid.uuid4().hex)
            with open(self.log, "a+b") as log:
                end = log.seek(0, os.SEEK_END)
                last, whole = self._last(log, end)
                if whole < end:  # a line a crash cut short: it was never acknowledged
                    log.truncate(whole)
                number = max(last, Base.read(log).task) + 1
                log.seek(0, os.SEEK_END)
                log.write(encode(number, ops, rejected))
                log.flush()
                os.fsync(log.fileno())
            if fresh:
                fsync_dir(self.path)
        return number

    @staticmethod
    def _last(log, end: int) -> tuple[int, int]:
        """(the number of the last whole task, where the whole lines end) of an open log."""
        newline = _newline_before(log, end)
        if newline < 0:
            return 0, 0
        start = _newline_before(log, newline) + 1
        log.seek(start)
        number = _NUMBER.match(log.read(32))
        return (int(number.group(1)) if number else 0), newline + 1

    def last(self) -> int:
        """The number of the last task written (0: none)."""
        try:
            with open(self.log, "rb") as log:
                return max(self._last(log, log.seek(0, os.SEEK_END))[0], Base.read(log).task)
        except FileNotFoundError:
            return 0

    def since(self, position: Position, limit_ops: int | None = None) -> list[Task]:
        """The whole tasks after *position*, in order (at most about *limit_ops* writes:
        whole tasks, at least one)."""
        found: list[Task] = []
        count = 0
        if not self.log.exists():
            return found
        with self.locked(fcntl.LOCK_SH), open(self.log, "rb") as log:
            base = Base.read(log)
            start = _start(log, base, position.offset, position.task)
            for task in read_tasks(log, start, after=position.task):
                task.end += base.shift
                task.compacted = task.number <= base.task
                found.append(task)
                count += len(task.ops)
                if limit_ops is not None and count >= limit_ops:
                    break
        return found

    def waiting(self, position: Position) -> bool:
        """Whether a whole task follows *position* (cheap: one line's end is looked for)."""
        try:
            with open(self.log, "rb") as log:
                log.seek(_start(log, Base.read(log), position.offset, position.task))
                return log.readline().endswith(b"\n")
        except FileNotFoundError:
            return False

    def done(self, number: int, outcome: dict) -> None:
        """Record what applying task *number* did (on disk before the index says it is
        applied: an outcome is never missing for a task applied)."""
        folder = self.path / DONE
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{number}.json", json.dumps(outcome, ensure_ascii=False))

    def outcomes(self) -> dict[int, Path]:
        """The outcome files kept (done/<task>.json), by task number."""
        try:
            entries = list(os.scandir(self.path / DONE))
        except FileNotFoundError:
            return {}
        stems = ((entry.name.removesuffix(".json"), entry) for entry in entries)
        return {
            int(stem): Path(entry.path)
            for stem, entry in stems
            if stem.isdigit() and entry.name.endswith(".json")
        }

    def settled_at(self) -> float | None:
        """When the newest task was applied (epoch seconds), or None: the time of the
        outcome of the highest number (tasks are applied in order, each outcome written
        once its commit is), an outcome pruned meanwhile (compaction.prune) skipped."""
        for _, outcome in sorted(self.outcomes().items(), reverse=True):
            with contextlib.suppress(FileNotFoundError):
                return outcome.stat().st_mtime
        return None

    def outcome(self, number: int) -> dict | None:
        """What applying task *number* did, once it is applied (None also once its
        outcome was pruned: compaction.prune)."""
        try:
            return json.loads((self.path / DONE / f"{number}.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None


def physical(base: Base, offset: int) -> int:
    """Where the logical *offset* lies in a log file of *base* (before its header, when
    it lies within what a compaction rewrote)."""
    return offset - base.shift


def _start(log, base: Base, offset: int, task: int) -> int:
    """Where to read from for the tasks after the logical *offset*, the end of *task*'s
    line: there, when that is so in this file, else from the first task (those applied
    are skipped): an offset within what a compaction rewrote, or of another log."""
    at = physical(base, offset)
    size = log.seek(0, os.SEEK_END)
    if at <= base.header or at > size:
        return base.header
    log.seek(at - 1)
    if log.read(1) != b"\n":
        return base.header
    if at < base.start:  # within the base: the line that ends there must be task's
        log.seek(_newline_before(log, at - 1) + 1)
        number = _NUMBER.match(log.read(32))
        if number is None or int(number.group(1)) != task:
            return base.header
    return at


def _newline_before(log, offset: int) -> int:
    """Where the last newline before *offset* of an open file is, or -1."""
    while offset > 0:
        step = min(1 << 16, offset)
        offset -= step
        log.seek(offset)
        found = log.read(step).rfind(b"\n")
        if found >= 0:
            return offset + found
    return -1
