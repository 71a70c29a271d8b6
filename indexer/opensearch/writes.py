"""Writes over HTTP into the alias's index, applied as they are taken.

OpenSearch makes a write durable (its translog) before it answers, so the cluster does
the journal's work: a task is applied at once, under the alias's lock (waiting for a
build or update that holds it), and its outcome kept in TASKS under its number, which
the lock also makes the next in turn, with when it settled (`applied_at`, epoch seconds:
the server's metrics read it, `task()` leaves it out).
"""

from __future__ import annotations

import json
import time

from ..articles.sources import jsonl_record
from ..indexing.report import Reporter
from ..indexing.run import Run
from ..indexing.writes import Op, announce, outcome, settle
from . import locks
from .build import forget, send
from .client import path
from .vocabulary import Counts

TASKS = "vnsearch_tasks"  # outcomes by number, and the last number given ("last")
LOCK_WAIT = 15.0  # seconds a write waits for the alias's lock (under gunicorn's 30 s)
ORIGIN = "api"
PRUNE_EVERY = 100  # tasks between two prunings of old outcomes
PRUNE_BATCH = 1000  # outcomes deleted in one bulk request


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
            announce(found)
            _keep(backend, number, found)
            raise
        settle(found, time.monotonic() - started)
        _keep(backend, number, found)
    finally:
        locks.release(backend)
    if number % PRUNE_EVERY == 0:  # now and then, as the Whoosh applier prunes hourly
        prune(backend)
    return number


def _keep(backend, number: int, settled: dict) -> None:
    """Keep the outcome of task *number*, with when it settled."""
    kept = {**settled, "applied_at": time.time()}
    backend.cluster.request("PUT", path(TASKS, "_doc", str(number)), kept)


def prune(backend) -> int:
    """Delete the outcomes kept longer than backend.tasks_days (VNSEARCH_TASKS_DAYS):
    GET /api/tasks/<n> then answers 404, as on Whoosh. Return how many went. (Found, then
    deleted in bulk: _delete_by_query is of the reindex module, which a cluster may lack.)"""
    cutoff = time.time() - backend.tasks_days * 86400
    query = {
        "size": PRUNE_BATCH,
        "_source": False,
        "query": {"range": {"applied_at": {"lt": cutoff}}},
    }
    deleted = 0
    while True:
        found = backend.cluster.request("POST", path(TASKS, "_search"), query, ok=(404,))
        hits = found.get("hits", {}).get("hits", [])
        if not hits:
            return deleted
        actions = (json.dumps({"delete": {"_index": TASKS, "_id": hit["_id"]}}) for hit in hits)
        body = "".join(f"{action}\n" for action in actions).encode("utf-8")
        backend.cluster.request("POST", "/_bulk", body, params={"refresh": "true"})
        deleted += len(hits)


def task(backend, number: int) -> dict | None:
    found = backend.cluster.request("GET", path(TASKS, "_doc", str(number)), ok=(404,))
    if not found.get("found"):
        return None
    return {k: v for k, v in found["_source"].items() if k != "applied_at"}


def applied_at(backend, looked: int = 4) -> float | None:
    """When the newest task settled (epoch seconds), or None: of the last *looked* task
    numbers given, the highest one kept (the last may be being applied, or its writer
    died before keeping it). Real-time GETs: no refresh needed."""
    last = backend.cluster.request("GET", path(TASKS, "_doc", "last"), ok=(404,))
    number = last.get("_source", {}).get("number", 0) if last.get("found") else 0
    ids = [str(n) for n in range(number, max(number - looked, 0), -1)]
    if not ids:
        return None
    found = backend.cluster.request("POST", path(TASKS, "_mget"), {"ids": ids})
    for doc in found["docs"]:  # newest first
        if doc.get("found") and "applied_at" in doc["_source"]:
            return doc["_source"]["applied_at"]
    return None


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
