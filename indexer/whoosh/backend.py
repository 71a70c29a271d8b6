"""The Whoosh backend: an index directory on this machine, searched in-process.

Each thread reads through a GenerationView of the live generation and opens a new one
when a build, an update or a write has landed: a web request looks at its start (one
small file read and a directory listing), other callers within RELOAD_SECONDS (at once
when this process applied it), so a server follows its index without a restart. Writes
over HTTP go to the index's journal and are applied by each server process's Applier
(apply.py).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ..indexing.errors import IndexNotFound
from ..indexing.report import Summary
from ..indexing.writes import Op
from ..search.engine import Backend
from ..search.request import InvalidRequest
from . import backup, build, compaction, storage
from .apply import Applier, journal_of, pending, position
from .editorial import FileStore
from .view import GenerationView

RELOAD_SECONDS = 1.0
TIME_LIMIT = 5.0  # seconds a search may spend; then it answers partially


class WhooshBackend(Backend):
    """Searches and writes the Whoosh index at *index_dir*."""

    def __init__(
        self,
        index_dir: str | Path,
        reload_seconds: float = RELOAD_SECONDS,
        time_limit: float = TIME_LIMIT,
        tasks_days: float = compaction.TASKS_DAYS,
    ):
        self.index_dir = Path(index_dir)
        self.reload_seconds = reload_seconds
        self.time_limit = time_limit
        self.tasks_days = tasks_days  # outcomes kept this long (compaction.prune)
        self._local = threading.local()
        self.journal = journal_of(self.index_dir)
        self.applier = Applier(self.index_dir, applied=self._changed, tasks_days=tasks_days)
        self._changed_at = 0.0  # when this process last committed: views look again
        self.editorial = FileStore(self.index_dir)

    def _changed(self) -> None:
        self._changed_at = time.monotonic()

    def view(self) -> GenerationView:
        """The current thread's view, reopened when a new generation or commit has
        landed: looked for at once by a thread that holds (Backend.hold: the start of a
        request), after this process applied writes, and every reload_seconds."""
        local = self._local
        held = getattr(local, "held", None)
        if held is not None:
            return held
        holding = getattr(local, "holding", False)
        now = time.monotonic()
        view = getattr(local, "view", None)
        if (
            view is None
            or holding
            or now - local.checked >= self.reload_seconds
            or local.checked <= self._changed_at
        ):
            marker = storage.generation_marker(self.index_dir)
            if view is None or marker != view.marker:
                old, view = view, GenerationView(self.index_dir, marker, previous=view)
                local.view = view
                if old is not None:
                    old.close()  # this thread's searcher of the previous generation
            local.checked = now
        if holding:
            local.held = view
        return view

    def reading(self, work):
        """work(view); if the files under the view vanished (a rebuild), reopen and retry."""
        try:
            return work(self.view())
        except (OSError, KeyError, ValueError) as error:  # files removed under a reader
            if isinstance(error, InvalidRequest):
                raise
            self.close()
            return work(self.view())

    def close(self) -> None:
        """Close the current thread's view (the next search opens the index again)."""
        old, self._local.view, self._local.held = getattr(self._local, "view", None), None, None
        if old is not None:
            old.close()

    def build(self, sources, **options) -> Summary:
        return build.build(self.index_dir, sources, **{"tasks_days": self.tasks_days, **options})

    def update(self, sources, **options) -> Summary:
        return build.update(self.index_dir, sources, **options)

    def stats(self) -> dict:
        return build.stats(self.index_dir)

    def snapshot(self, out) -> dict:
        return backup.snapshot(self.index_dir, out)

    def restore(self, archive, force: bool = False) -> dict:
        return backup.restore(archive, self.index_dir, force)

    def write(self, ops: list[Op], rejected: list[dict]) -> int:
        number = self.journal.append(ops, rejected)
        if not self.applier.started:  # no server started one: apply in this process
            self.applier.start()
        self.applier.poke()
        return number

    def task(self, number: int) -> dict | None:
        outcome = self.journal.outcome(number)
        if outcome is not None:
            return outcome
        if 0 < number <= self.journal.last():
            if number <= self._applied():  # applied, and its outcome pruned: unknown
                return None
            return {"task": number, "status": "queued"}
        return None

    def _applied(self) -> int:
        """The last task the live generation holds (0 without an index)."""
        try:
            return position(storage.current_path(self.index_dir), self.journal).task
        except IndexNotFound:
            return 0

    def write_state(self) -> dict:
        folder, commit = storage.generation_marker(self.index_dir)
        applied_at = self.journal.settled_at()
        return {"generation": Path(folder).name, "commit": commit, "applied_at": applied_at}

    def applied(self, number: int, seconds: float) -> dict | None:
        state = super().applied(number, seconds)
        if state is not None and state["status"] != "queued":
            self._changed()  # this process's next search reads what was applied
        return state

    writes_apart = True  # a server's writer process applies the journal

    def run_writes(self, alive) -> None:
        Applier(self.index_dir, tasks_days=self.tasks_days).run(alive=alive, heartbeat=True)

    def start_writes(self, patience: float = 0.0) -> None:
        """Apply the journal in the background: what a crash left unapplied now, what
        comes later as it comes (after *patience* seconds: apply.Applier)."""
        self.applier.start(patience)
        if pending(self.index_dir):
            self.applier.poke()
