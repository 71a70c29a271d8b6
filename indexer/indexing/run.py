"""One build or update's bookkeeping: counts, problems, and which of two records wins.

Every backend keeps a Run while it indexes: the records are numbered in the order the
sources give them, and of two records with one id the later one is the document kept
(the earlier one's serial is listed in `superseded`, for the backend to delete).
"""

from __future__ import annotations

import uuid

from ..articles.sources import Problem
from .report import Reporter, Summary


class Run:
    """The state of one build or update: counts, duplicates, the report."""

    def __init__(self, reporter: Reporter):
        self.summary = Summary()
        self.reporter = reporter
        self.serial = uuid.uuid4().hex[:12]  # this run's documents are serial:number
        self.added: dict[str, tuple[int, str, str]] = {}  # id -> (number, serial, where)
        self.superseded: list[str] = []  # serials of documents a later record replaced
        self.seen_ids: set[str] = set()

    def serial_of(self, number: int) -> str:
        """The serial of this run's *number*-th record: lets a later duplicate replace it."""
        return f"{self.serial}:{number}"

    def counted(self) -> int:
        """Records counted so far (indexed, failed or skipped): the next record's number."""
        return self.summary.indexed + self.summary.failed + self.summary.skipped

    def problem(self, problem: Problem) -> None:
        """Count and report a record that could not be indexed."""
        self.reporter.advance()
        setattr(self.summary, problem.status, getattr(self.summary, problem.status) + 1)
        self.summary.problems.append(str(problem))
        self.reporter.say(str(problem))

    def added_at(self, number: int, doc_id: str, where: str, chars: int, serial: str) -> None:
        """Count a document added as the *number*-th record; of two with one id, the later wins."""
        self.reporter.advance()
        if doc_id in self.added:
            previous = self.added[doc_id]
            earlier, later = sorted([previous, (number, serial, where)])
            self.reporter.say(
                f"{later[2]}: warning: duplicate id {doc_id!r} (also {earlier[2]}):"
                " the last one wins"
            )
            self.superseded.append(earlier[1])
            self.added[doc_id] = later
        else:
            self.added[doc_id] = (number, serial, where)
        self.seen_ids.add(doc_id)
        self.summary.indexed += 1
        self.summary.chars += chars

    def readable(self, items):
        """Pass the Records of *items* on; count and report the Problems met reading."""
        for item in items:
            if isinstance(item, Problem):
                self.problem(item)
            else:
                yield item
