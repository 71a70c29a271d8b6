"""The write journal of an index: writes over HTTP, on disk before they are acknowledged.

    <journal>/log.jsonl       one line per task (a POST, PUT or DELETE), appended
    <journal>/done/<task>.json what applying it did (written by the applier)
    <journal>/.lock           held while a line is appended

A task's line is written and fsync'd, under an exclusive lock that orders the tasks of
every server process, before its number is returned: a write that was acknowledged
survives kill -9 of the server and the loss of power. A line cut short by a crash was
never acknowledged; the next append cuts it off.

An index remembers, in each generation, the last task applied to it and where its line
ended (Position). A server's applier, a restart and a rebuild replay what the index
lacks; replaying is idempotent (documents are put and deleted by id), so a crash between
a commit and its Position costs only a second application.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..indexing.disk import fsync_dir, write_atomically
from ..indexing.writes import Op, delete, put

LOG = "log.jsonl"
IDENTITY = "id"
DONE = "done"


@dataclass
class Task:
    """The writes of one request, in the order given, and the records refused at once."""

    number: int
    ops: list[Op]
    rejected: list[dict] = field(default_factory=list)
    end: int = 0  # where its line ends in the log


class Position(NamedTuple):
    """How far an index has applied a journal: the last task, where its line ended, and
    which journal (a journal deleted and begun again is another)."""

    task: int = 0
    offset: int = 0
    journal: str = ""


def _encode(number: int, ops: list[Op], rejected: list[dict]) -> bytes:
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


class Journal:
    """The journal in the folder *path* (made when first written)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.log = self.path / LOG

    @contextlib.contextmanager
    def _locked(self, kind=fcntl.LOCK_EX):
        """Appends hold it exclusively (write and fsync); readers shared: a reader never
        sees a line before it is on disk."""
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

    def append(self, ops: list[Op], rejected: list[dict]) -> int:
        """Write one task durably; return its number (1, 2, ...)."""
        with self._locked():
            fresh = not self.log.exists()
            if fresh:  # a new journal: a name of its own, before its first line
                write_atomically(self.path / IDENTITY, uuid.uuid4().hex)
            with open(self.log, "a+b") as log:
                end = log.seek(0, os.SEEK_END)
                last, whole = self._last(log, end)
                if whole < end:  # a line a crash cut short: it was never acknowledged
                    log.truncate(whole)
                number = last + 1
                log.write(_encode(number, ops, rejected))
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
        number = re.match(rb'\{"task":(\d+)', log.read(32))
        return (int(number.group(1)) if number else 0), newline + 1

    def last(self) -> int:
        """The number of the last task written (0: none)."""
        try:
            with open(self.log, "rb") as log:
                return self._last(log, log.seek(0, os.SEEK_END))[0]
        except FileNotFoundError:
            return 0

    def since(self, position: Position, limit_ops: int | None = None) -> list[Task]:
        """The whole tasks after *position*, in order (at most about *limit_ops* writes:
        whole tasks, at least one)."""
        found: list[Task] = []
        count = 0
        if not self.log.exists():
            return found
        with self._locked(fcntl.LOCK_SH), open(self.log, "rb") as log:
            size = log.seek(0, os.SEEK_END)
            offset = position.offset if position.offset <= size else 0
            log.seek(offset)
            for line in log:
                offset += len(line)
                if not line.endswith(b"\n"):
                    break  # being written, or cut short by a crash
                if not line.strip():
                    continue
                task = _decode(line, offset)
                if task.number <= position.task:
                    continue
                found.append(task)
                count += len(task.ops)
                if limit_ops is not None and count >= limit_ops:
                    break
        return found

    def waiting(self, position: Position) -> bool:
        """Whether a whole task follows *position* (cheap: one line's end is looked for)."""
        try:
            with open(self.log, "rb") as log:
                log.seek(position.offset)
                return log.readline().endswith(b"\n")
        except FileNotFoundError:
            return False

    def done(self, number: int, outcome: dict) -> None:
        """Record what applying task *number* did (on disk before the index says it is
        applied: an outcome is never missing for a task applied)."""
        folder = self.path / DONE
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{number}.json", json.dumps(outcome, ensure_ascii=False))

    def outcome(self, number: int) -> dict | None:
        """What applying task *number* did, once it is applied."""
        try:
            return json.loads((self.path / DONE / f"{number}.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None


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
