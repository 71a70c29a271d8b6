"""Writes over HTTP into the alias's index, applied as they are taken.

OpenSearch makes a write durable (its translog) before it answers, so the cluster does
the journal's work: a task is applied at once, under the alias's lock (waiting for a
build or update that holds it), and its outcome kept in TASKS under its number, which
the lock also makes the next in turn.
"""

from __future__ import annotations

import json
import time

from ..articles.sources import jsonl_record
from ..indexing.report import Reporter
from ..indexing.run import Run
from ..indexing.writes import Op, outcome, settle
from . import locks
from .build import forget, send
from .client import path
from .vocabulary import Counts

TASKS = "vnsearch_tasks"  # outcomes by number, and the last number given ("last")
LOCK_WAIT = 15.0  # seconds a write waits for the alias's lock (under gunicorn's 30 s)
ORIGIN = "api"


def write(backend, ops: list[Op], rejected: list[dict]) -> int:
    """Apply one task; keep and return its number."""
    locks.take(backend, LOCK_WAIT)
    try:
        index = backend.current()
        number = _next(backend)
        found = outcome(number, rejected)
        started = time.monotonic()
        try:
            _apply(backend, index, ops, found)
        except Exception as error:  # the task says so; the writes before it may stand
            found["error"] = f"{type(error).__name__}: {error}"
            found["status"] = "failed"
            backend.cluster.request("PUT", path(TASKS, "_doc", str(number)), found)
            raise
        settle(found, time.monotonic() - started)
        backend.cluster.request("PUT", path(TASKS, "_doc", str(number)), found)
    finally:
        locks.release(backend)
    return number


def task(backend, number: int) -> dict | None:
    found = backend.cluster.request("GET", path(TASKS, "_doc", str(number)), ok=(404,))
    return found.get("_source") if found.get("found") else None


def _next(backend) -> int:
    """The next task number (called under the lock: no other writer asks meanwhile)."""
    found = backend.cluster.request("GET", path(TASKS, "_doc", "last"), ok=(404,))
    number = found.get("_source", {}).get("number", 0) + 1
    params = {"refresh": "true"}
    if found.get("found"):
        params.update(if_seq_no=found["_seq_no"], if_primary_term=found["_primary_term"])
    backend.cluster.request("PUT", path(TASKS, "_doc", "last"), {"number": number}, params=params)
    return number


def _apply(backend, index: str, ops: list[Op], outcome: dict) -> None:
    counts = outcome["counts"]
    final: dict[str, tuple[int, Op]] = {}  # the last write of each id wins
    for number, op in enumerate(ops):
        final.pop(op.id, None)
        final[op.id] = (number, op)
        if op.kind == "put":
            counts["indexed"] += 1
        else:
            counts["deleted"] += 1
    cluster = backend.cluster
    records = {}
    for number, op in final.values():
        if op.kind == "put":
            records[op.id] = jsonl_record(f"record {number}", op.data, ORIGIN)
    live = {}
    if records:
        found = cluster.request(
            "POST", path(index, "_mget"), {"ids": list(records)}, params={"_source": "hash"}
        )
        live = {d["_id"]: d["_source"].get("hash") for d in found["docs"] if d.get("found")}
    changed = []
    for doc_id, record in records.items():
        if live.get(doc_id) == record.hash:
            counts["unchanged"] += 1
            counts["indexed"] -= 1
        else:
            changed.append(record)
    counted = Counts.read(cluster, index)
    run = Run(Reporter(None, True))
    send(backend, run, changed, backend.table(index), index, 1, counted, replacing=True)
    for problem in run.problems:
        number = int(problem.where.split()[-1])
        counts["indexed"] -= 1
        counts["failed"] += 1
        outcome["failed"].append({"record": number, "id": ops[number].id, "error": problem.message})
    gone = [doc_id for doc_id, (_, op) in final.items() if op.kind == "delete"]
    if gone:
        forget(backend, index, gone, counted)
        actions = (json.dumps({"delete": {"_index": index, "_id": i}}) for i in gone)
        cluster.request("POST", "/_bulk", "".join(f"{a}\n" for a in actions).encode("utf-8"))
    cluster.request("POST", path(index, "_refresh"))
    counted.write(cluster, index, backend.replicas)  # last: it moves the backend's stamp
