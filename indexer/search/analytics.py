"""What readers search: each search kept in SQLite, and three reports of them (the most
searched, those that found nothing, the slowest).

A search is kept as a search product needs it and with nothing of who asked: the query as
typed, what it was searched as (the reading searched instead, else the query itself), the
total, relaxed or not, the milliseconds the engine took and the UTC day. No address, no
cookie, not even the time of day. A search counts once: the web app records the first
page of a search it answers, never page 2 and on, nor the results shown while a reader
is still typing (webapp/analytics.py).

`SearchLog` is one SQLite file (stdlib sqlite3), beside the index for Whoosh, and its
connections are opened lazily, one per process and thread: gunicorn forks its workers
after the app is made, and a SQLite connection must never cross a fork (one opened
before is left alone, never closed in the child). WAL mode lets every worker append
while the others read; synchronous=NORMAL commits without waiting for the disk (a
crash of the machine may lose the last searches, never the file); busy_timeout lets two
workers that append at once take turns instead of failing. A search is recorded within
its request, one INSERT in autocommit (tens of microseconds: docs/benchmarks.md), so a
report asked right after a burst sees every search of it, from any worker.

Searches older than `keep_days` are deleted when a process (a thread) first records one,
and again at its first search of each new UTC day: one DELETE over the day index.

Reports group searches by their query normalised (`normal`: NFC, lower case, spaces
collapsed), each row showing the commonest form typed (`written`: NFC, spaces collapsed,
its case kept; of two as common, the latest). The window of `days` is today and the days
before it, in UTC.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from .request import InvalidRequest, numeric

KINDS = ("popular", "no_results", "slow")
DAYS = 7  # a report's window unless asked
LIMIT = 50  # rows of a report unless asked
MAX_LIMIT = 1000
BUSY_MS = 5000  # how long a writer waits for another's commit before giving up

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    day TEXT NOT NULL,          -- UTC date, YYYY-MM-DD
    query TEXT NOT NULL,        -- as typed
    form TEXT NOT NULL,         -- written(query): the form a report shows
    normal TEXT NOT NULL,       -- normal(query): what reports group by
    searched_as TEXT NOT NULL,  -- the reading searched instead, else the query
    total INTEGER NOT NULL,
    relaxed INTEGER NOT NULL,   -- 1: no document held every word; these held the most
    took_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS searches_by_day ON searches (day);
"""

# Each kind: which groups it shows, what it counts, how it orders them.
_KIND_SQL = {
    "popular": ("1", "grouped.count", "grouped.count DESC"),
    "no_results": ("grouped.misses > 0", "grouped.misses", "grouped.misses DESC"),
    "slow": ("1", "grouped.count", "grouped.slowest DESC"),
}
_REPORT = """
WITH recent AS (
    SELECT rowid AS id, form, normal, total, took_ms FROM searches WHERE day >= :since
), grouped AS (
    SELECT normal, count(*) AS count, sum(total = 0) AS misses, max(took_ms) AS slowest,
           max(id) AS last
    FROM recent GROUP BY normal
), forms AS (
    SELECT normal, form,
           row_number() OVER (PARTITION BY normal ORDER BY count(*) DESC, max(id) DESC) AS rank
    FROM recent GROUP BY normal, form
)
SELECT forms.form, {count}, latest.total, latest.searched_as, latest.relaxed, grouped.slowest
FROM grouped
JOIN forms ON forms.normal = grouped.normal AND forms.rank = 1
JOIN searches AS latest ON latest.rowid = grouped.last
WHERE {where}
ORDER BY {order}, grouped.normal
LIMIT :limit
"""


def written(query: str) -> str:
    """A query as a report shows it: NFC, spaces collapsed (what the eye cannot tell apart).

    >>> written(" Ba\\u0303o  số 3 ") == "Bão số 3"
    True
    """
    return " ".join(unicodedata.normalize("NFC", query).split())


def normal(query: str) -> str:
    """A query as reports group it: written(), in lower case.

    >>> normal("  Bão  số 3 ") == normal("bão số 3") == normal("BA\\u0303O SỐ 3")
    True
    """
    return written(query).lower()


def today() -> str:
    """Today's UTC date, as the log keeps days (YYYY-MM-DD)."""
    return datetime.now(UTC).date().isoformat()


@dataclass(frozen=True)
class Report:
    """What a report asks for: a kind of searches over the last *days*, *limit* rows."""

    kind: str = "popular"
    days: int = DAYS
    limit: int = LIMIT

    @classmethod
    def from_params(cls, params, keep_days: int) -> Report:
        """Read and check a report's parameters (strings, as in a URL): InvalidRequest
        ("invalid_kind", "invalid_days", "invalid_limit") with a message saying why. *days*
        may reach *keep_days*, the days the log keeps."""
        kind = params.get("kind") or "popular"
        if kind not in KINDS:
            raise InvalidRequest(
                "invalid_kind", f"kind must be one of {', '.join(KINDS)}, not {kind[:40]!r}"
            )
        days = numeric(params.get("days"), "days", min(DAYS, keep_days), "integer")
        if not 1 <= days <= keep_days:
            raise InvalidRequest(
                "invalid_days",
                f"days must be from 1 to {keep_days} (the days kept: VNSEARCH_ANALYTICS_DAYS)",
            )
        limit = numeric(params.get("limit"), "limit", LIMIT, "integer")
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidRequest("invalid_limit", f"limit must be from 1 to {MAX_LIMIT}")
        return cls(kind, days, limit)

    def since(self, until: str | None = None) -> str:
        """The first day of the window that ends on *until* (today)."""
        last = date.fromisoformat(until or today())
        return (last - timedelta(days=self.days - 1)).isoformat()


class SearchLog:
    """The searches of one index, in the SQLite file at *path*, kept *keep_days* days."""

    def __init__(self, path: str | Path, keep_days: int = 90):
        self.path = Path(path)
        self.keep_days = keep_days
        self._local = threading.local()
        self._opened: list[tuple[int, sqlite3.Connection]] = []  # (process id, connection)
        self._lock = threading.Lock()

    def record(
        self,
        query: str,
        searched_as: str | None,
        total: int,
        relaxed: bool,
        took_ms: float,
        day: str | None = None,
    ) -> None:
        """Keep one search (on *day*, today in UTC unless given). A character SQLite
        cannot keep (a lone surrogate, which JSON may carry) is kept as "?"."""
        day = day or today()
        query, searched_as = _storable(query), _storable(searched_as)
        connection = self._connection()
        if self._local.pruned != day:  # the first search of this process, or of a new day
            self._prune(connection, day)
            self._local.pruned = day
        row = (day, query, written(query), normal(query), searched_as or query, total)
        connection.execute(
            "INSERT INTO searches"
            " (day, query, form, normal, searched_as, total, relaxed, took_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*row, int(relaxed), took_ms),
        )

    def report(self, report: Report, until: str | None = None) -> list[dict]:
        """The rows of *report* over the days up to *until* (today): each group of searches
        with the commonest typed form as "query"; "count" its searches (for no_results:
        those that found nothing); "total", "searched_as" and "relaxed" of its latest
        search; "took_ms" its slowest. popular: most searched first; no_results: the
        queries with a search that found nothing (a relaxed search found something), most
        such first; slow: slowest first. Ties: by the normal form."""
        if not self.path.exists():  # nothing recorded yet: a report creates no file
            return []
        where, count, order = _KIND_SQL[report.kind]
        sql = _REPORT.format(count=count, where=where, order=order)
        since = report.since(until)
        rows = self._connection().execute(sql, {"since": since, "limit": report.limit})
        return [
            {
                "query": query,
                "count": counted,
                "total": total,
                "searched_as": searched_as,
                "relaxed": bool(relaxed),
                "took_ms": round(slowest, 1),
            }
            for query, counted, total, searched_as, relaxed, slowest in rows
        ]

    def answer(self, report: Report, until: str | None = None) -> dict:
        """The report as GET /api/analytics/searches answers it and the CLI prints it:
        {"days", "kind", "since" (its first day), "rows"}."""
        until = until or today()
        rows = self.report(report, until)
        return {
            "days": report.days,
            "kind": report.kind,
            "since": report.since(until),
            "rows": rows,
        }

    def prune(self, day: str | None = None) -> int:
        """Delete the searches older than keep_days before *day* (today); how many."""
        return self._prune(self._connection(), day or today())

    def close(self) -> None:
        """Close every connection this process opened (those of a parent are left)."""
        with self._lock:
            for pid, connection in self._opened:
                if pid == os.getpid():
                    connection.close()
            self._opened = [(pid, c) for pid, c in self._opened if pid != os.getpid()]
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened at first use (again in a forked child)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # first use, or a forked child
            local.connection, local.pid, local.pruned = self._open(), os.getpid(), None
        return local.connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(SCHEMA)
        with self._lock:  # the parent's connections stay referenced: never closed here
            self._opened.append((os.getpid(), connection))
        return connection

    def _prune(self, connection: sqlite3.Connection, day: str) -> int:
        oldest = (date.fromisoformat(day) - timedelta(days=self.keep_days - 1)).isoformat()
        return connection.execute("DELETE FROM searches WHERE day < ?", (oldest,)).rowcount


def table(rows: list[dict]) -> str:
    """The rows of a report as an aligned text table (the CLI prints it).

    >>> print(table([{"query": "bão số 3", "count": 12, "total": 40, "searched_as": "bão số 3",
    ...               "relaxed": False, "took_ms": 8.25}]))
    query     count  total  took_ms  relaxed  searched as
    bão số 3     12     40      8.2  no       bão số 3
    """
    header = ("query", "count", "total", "took_ms", "relaxed", "searched as")
    lines = [
        (r["query"], f"{r['count']:,}", f"{r['total']:,}", f"{r['took_ms']:.1f}",
         "yes" if r["relaxed"] else "no", r["searched_as"])
        for r in rows
    ]  # fmt: skip
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header) - 1)]
    out = []
    for line in [header, *lines]:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:4], widths[1:4])]
        cells += [line[4].ljust(widths[4]), line[5]]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def _storable(text: str | None) -> str | None:
    """*text* as UTF-8 can hold it: a lone surrogate ("\\ud800") becomes "?"."""
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8")
