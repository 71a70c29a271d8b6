"""Backups of a Whoosh index: how long a snapshot takes, how long it holds the index's lock,
how large it is, how long a restore takes; and how fast the journal is compacted.

    python bench/snapshot_speed.py --index var/bench-index [--work /tmp] [--runs 3]
        [--writes 20000] [--ids 5000] [--json PATH]

1. `snapshot` of --index into --work, --runs times in this process (the time the index's
   lock is held measured around storage.locked), then once as the command line runs it
   (`python -m indexer snapshot`, a process: its start included). The index is only read
   (its lock files aside).
2. `restore` of the snapshot into a new folder of --work (a process), and the restored
   index asked the queries of bench/query_speed.py: every answer (ids, totals) must be
   the original's.
3. A journal of --writes tasks, each one article of the news set written over one of --ids
   ids, compacted whole: its size before and after, and the time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, machine, texts
from query_speed import sample_queries

sys.path.insert(0, str(ROOT))

from indexer.indexing.writes import put
from indexer.search.request import SearchRequest
from indexer.whoosh import backup, compaction, storage
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.journal import Journal, Position
from tests.servers import environment


def timed_lock(held: list[float]):
    """storage.locked, noting how long each hold lasted into *held*."""
    real = storage.locked

    @contextlib.contextmanager
    def locked(index_dir, wait=0.0):
        with real(index_dir, wait) as root:
            started = time.monotonic()
            try:
                yield root
            finally:
                held.append(time.monotonic() - started)

    return locked


def snapshots(index: Path, work: Path, runs: int) -> dict:
    out = work / "vnsearch-bench-snapshot.tar"
    walls, held = [], []
    backup.storage.locked = timed_lock(held)
    try:
        for _ in range(runs):
            started = time.monotonic()
            made = backup.snapshot(index, out)
            walls.append(time.monotonic() - started)
    finally:
        backup.storage.locked = storage.locked
    command = [sys.executable, "-m", "indexer", "snapshot", "--index", str(index), str(out)]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=environment(), check=True, capture_output=True)
    process = time.monotonic() - started
    files = sum(1 for p in storage.current_path(index).iterdir() if p.is_file())
    return {
        "documents": made["documents"],
        "index_bytes": sum(p.stat().st_size for p in storage.current_path(index).iterdir()),
        "generation_files": files,
        "snapshot_bytes": out.stat().st_size,
        "seconds_in_process": [round(w, 2) for w in walls],
        "seconds_median": round(statistics.median(walls), 2),
        "lock_held_ms": [round(h * 1000, 2) for h in held],
        "seconds_as_a_process": round(process, 2),
        "out": str(out),
    }


def restore(index: Path, work: Path, out: str, queries: list[str]) -> dict:
    target = work / "vnsearch-bench-restored"
    shutil.rmtree(target, ignore_errors=True)
    command = [sys.executable, "-m", "indexer", "restore", out, "--index", str(target)]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=environment(), check=True, capture_output=True)
    seconds = time.monotonic() - started
    original, restored = WhooshBackend(index), WhooshBackend(target)
    same = 0
    for q in queries:
        request = SearchRequest(q=q, per_page=20)
        a, b = original.search(request), restored.search(request)
        assert (a.total, [h.id for h in a.hits]) == (b.total, [h.id for h in b.hits]), q
        same += 1
    original.close()
    restored.close()
    shutil.rmtree(target)
    return {"seconds_as_a_process": round(seconds, 2), "queries_answered_alike": same}


def compacted(work: Path, articles: list[dict], writes: int, ids: int) -> dict:
    folder = work / "vnsearch-bench-journal"
    shutil.rmtree(folder, ignore_errors=True)
    journal = Journal(folder)
    for number in range(writes):
        article = articles[number % ids]
        journal.append([put({"id": article["id"], "text": article["text"]})], [])
    before = journal.log.stat().st_size
    last = journal.since(Position(journal=journal.identity()))[-1]
    started = time.monotonic()
    compaction.compact(journal, Position(last.number, last.end, journal.identity()))
    seconds = time.monotonic() - started
    after = journal.log.stat().st_size
    shutil.rmtree(folder)
    return {
        "writes": writes,
        "ids": ids,
        "bytes_before": before,
        "bytes_after": after,
        "seconds": round(seconds, 2),
        "mb_per_second": round(before / seconds / 2**20, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=str(ROOT / "var" / "bench-index"))
    parser.add_argument("--work", default="/tmp")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--writes", type=int, default=20000)
    parser.add_argument("--ids", type=int, default=5000)
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    index, work = Path(args.index).resolve(), Path(args.work)
    articles = texts(limit=max(args.ids, 5000))
    results = {"machine": machine(), "index": str(index)}
    results["snapshot"] = snapshots(index, work, args.runs)
    out = results["snapshot"].pop("out")
    results["restore"] = restore(index, work, out, sample_queries(articles, 50))
    Path(out).unlink()
    results["compaction"] = compacted(work, articles[: args.ids], args.writes, args.ids)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
