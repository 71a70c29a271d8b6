"""What the seam takes to write (search.engine.Backend.write): Op, a put or a delete of one
document, and the outcome of a task of them, the same JSON on every backend.

A task's outcome is settled once, by the process that applied it (a server's writer
process, a worker, a CLI build catching up; on OpenSearch the worker that took it), and
`announce()`d to LISTENERS there: the server's metrics count tasks applied and failed so
(webapp/metrics.py) without the library knowing of them. Nobody listens by default.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

LISTENERS: list[Callable[[dict], None]] = []  # told of each outcome settled (announce)


class Op(NamedTuple):
    """One write: put a document (its import-format object, serialised) or delete an id."""

    kind: str  # "put" or "delete"
    id: str
    data: bytes = b""  # a put's JSON object, one line of the import format


def put(document: dict) -> Op:
    """The write of *document* (id and text already checked), as the CLI would read it."""
    data = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Op("put", str(document["id"]), data.encode("utf-8"))


def delete(doc_id: str) -> Op:
    return Op("delete", doc_id)


def outcome(number: int, rejected: list[dict]) -> dict:
    """The outcome of applying task *number* as it starts: its refused records failed."""
    counts = {"indexed": 0, "unchanged": 0, "deleted": 0, "failed": len(rejected)}
    return {"task": number, "status": "queued", "counts": counts, "failed": list(rejected)}


def settle(outcome: dict, seconds: float) -> dict:
    """Mark *outcome* applied (some write of it took effect, the failed ones listed) or
    failed (none could)."""
    counts = outcome["counts"]
    took = counts["indexed"] + counts["unchanged"] + counts["deleted"]
    outcome["status"] = "applied" if took or not counts["failed"] else "failed"
    outcome["seconds"] = round(seconds, 3)
    announce(outcome)
    return outcome


def announce(outcome: dict) -> None:
    """Tell every listener that a task's *outcome* is settled ("applied" or "failed")."""
    for listener in LISTENERS:
        listener(outcome)
