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
        self.problems: list[Problem] = []  # the records that could not be indexed
        self.seen_ids: set[str] = set()
        # an update's records, by their place in the sources: of two with one id the
        # later wins, even when it is the unchanged one
        self.changed_at: dict[str, int] = {}  # where -> position of a changed record
        self.unchanged_at: dict[str, tuple[int, str]] = {}  # id -> (position, where)

    def serial_of(self, number: int) -> str:
        """The serial of this run's *number*-th record: lets a later duplicate replace it."""
        return f"{self.serial}:{number}"

    def counted(self) -> int:
        """Records counted so far (indexed, failed or skipped): the next record's number."""
        return self.summary.indexed + self.summary.failed + self.summary.skipped

    def problem(self, problem: Problem) -> None:
        """Count and report a record that could not be indexed."""
        self.reporter.advance()
        self.problems.append(problem)
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

    def changed(self, records, known: dict[str, str]):
        """Pass on the records of an update whose content hash *known* ({hash: id} of the
        live documents) does not hold; count the others as unchanged. Where each stood
        is kept for unchanged_later."""
        for position, record in enumerate(records):
            doc_id = known.get(record.hash)
            if doc_id is not None:
                self.summary.unchanged += 1
                self.seen_ids.add(doc_id)
                self.unchanged_at[doc_id] = (position, record.where)
                self.reporter.advance()
                continue
            self.changed_at[record.where] = position
            yield record

    def unchanged_later(self, doc_id: str) -> str | None:
        """Where the unchanged record of *doc_id* stands, if it came after the changed
        record this run added for that id: the live document, unchanged, then wins."""
        unchanged = self.unchanged_at.get(doc_id)
        if unchanged is None or unchanged[0] <= self.changed_at[self.added[doc_id][2]]:
            return None
        return unchanged[1]

    def vanished(self, folders, by_origin: dict[str, list[str]]) -> list[str]:
        """The ids of live documents read from *folders* ({origin: [id]}) that no record of
        this run had: their files are gone."""
        return [
            doc_id
            for origin in folders
            for doc_id in by_origin.get(origin, ())
            if doc_id not in self.seen_ids
        ]
