"""An index's synonyms and curations (search.editorial) in a file beside its generations.

    <index>/editorial/rules.json   {"serial": N, "synonyms": [...], "curations": [...]}
    <index>/editorial/.lock        held while the rules are changed

A change reads the file, changes the rules and replaces the file (written, fsync'd,
renamed) under an exclusive lock, so two workers' changes never lose each other, and
the change is on disk before it is acknowledged. Outside any generation, a rebuild
keeps the rules. Every process reads them again when the file's serial number says it
changed: one stat a request, which is what makes a change hold at once on every worker.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path

from ..indexing.disk import fsync_dir, write_atomically
from ..search.editorial import Rules, Store

FOLDER = "editorial"
RULES = "rules.json"


class FileStore(Store):
    """The rules of the Whoosh index at *index_dir*."""

    def __init__(self, index_dir: str | Path):
        super().__init__()
        self.folder = Path(index_dir) / FOLDER
        self.path = self.folder / RULES

    def stamp(self) -> tuple | None:
        """The file's inode, time and size (a change replaces the file)."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def read(self) -> Rules:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Rules()
        return Rules.from_json(data, str(data.get("serial", 0)))

    @contextlib.contextmanager
    def _locked(self):
        fresh = not self.folder.exists()
        self.folder.mkdir(parents=True, exist_ok=True)
        if fresh:
            fsync_dir(self.folder.parent)
        fd = os.open(self.folder / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def change(self, change) -> Rules:
        with self._locked():
            current = self.read()
            changed = change(current)
            serial = int(current.version or 0) + 1
            data = {"serial": serial, **changed.to_json()}
            write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=1))
        return changed.versioned(str(serial))
