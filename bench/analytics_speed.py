"""Searches with recording on and off: does keeping what readers search slow them?

    python bench/analytics_speed.py [--index var/bench-index] [--queries 1000]
        [--log-searches 300000] [--json PATH]

Serves --index (an index of the news set: bench/index_speed.py --keep DIR builds one;
it is only read) twice with the production server, one worker each, every worker warmed:
one with VNSEARCH_ANALYTICS=1 (its log in a file of its own, VNSEARCH_ANALYTICS_PATH),
one with VNSEARCH_ANALYTICS=0. Each query of bench/query_speed.py's kind (one to four
words of real headlines, a third without diacritics) goes to both, one after the other,
which first alternating (on-off, off-on), from one client: the median latency of each
and their ratio (the target: within 5 %). Then, in this process, what recording costs
alone (SearchLog.record into a new file on the same disk) and what a report costs over
a log of --log-searches searches spread over the 90 days kept.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import ROOT, machine, texts
from query_speed import percentile, sample_queries

sys.path.insert(0, str(ROOT))

from indexer.search.analytics import KINDS, Report, SearchLog, today
from tests.servers import serving


def latency(base: str, query: str) -> float:
    """Milliseconds to answer GET /api/search?q=*query* (read whole)."""
    url = f"{base}/api/search?" + urllib.parse.urlencode({"q": query})
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def interleaved(on: str, off: str, queries: list[str]) -> tuple[list[float], list[float]]:
    """Each query to both servers, the first of the two alternating."""
    timed = {on: [], off: []}
    for number, query in enumerate(queries):
        for base in (on, off) if number % 2 == 0 else (off, on):
            timed[base].append(latency(base, query))
    return timed[on], timed[off]


def summary(latencies: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "mean_ms": round(statistics.fmean(latencies), 3),
    }


def record_cost(folder: Path, queries: list[str], count: int = 10_000) -> dict:
    """Microseconds a SearchLog.record takes, into a new log (the first opens the file)."""
    search_log = SearchLog(folder / "record.sqlite3")
    search_log.record("mở tệp", None, 1, False, 1.0)
    took = []
    for number in range(count):
        started = time.perf_counter()
        search_log.record(queries[number % len(queries)], None, number, False, 5.0)
        took.append((time.perf_counter() - started) * 1e6)
    search_log.close()
    return {
        "records": count,
        "median_us": round(statistics.median(took), 1),
        "p95_us": round(percentile(took, 0.95), 1),
        "p99_us": round(percentile(took, 0.99), 1),
    }


def report_cost(folder: Path, queries: list[str], searches: int) -> dict:
    """Milliseconds of each report over a log of *searches* spread over 90 days, the
    queries drawn as readers repeat them (a few often, most rarely: Zipf-like)."""
    search_log = SearchLog(folder / "reports.sqlite3", keep_days=90)
    rng = random.Random(11)
    weights = [1 / (rank + 1) for rank in range(len(queries))]
    drawn = rng.choices(queries, weights, k=searches)
    until = today()
    started = time.perf_counter()
    for number, query in enumerate(drawn):
        day = Report(days=90 - number * 90 // searches).since(until)  # oldest first
        search_log.record(query, None, rng.choice((0, 3, 40)), False, rng.uniform(2, 80), day)
    filled = time.perf_counter() - started
    costs = {"searches": searches, "fill_s": round(filled, 1)}
    for days in (7, 90):
        for kind in KINDS:
            report = Report(kind, days, 50)
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                search_log.report(report, until)
                runs.append((time.perf_counter() - started) * 1000)
            costs[f"{kind}_{days}d_ms"] = round(min(runs), 1)
    costs["file_mb"] = round(search_log.path.stat().st_size / 2**20, 1)
    search_log.close()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "var" / "bench-index")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--log-searches", type=int, default=300_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    queries = sample_queries(texts(), args.queries)
    print(machine())
    print(f"{len(queries)} queries, e.g. {queries[:6]}")
    (ROOT / "var").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="analytics-bench-", dir=ROOT / "var"))
    log_on = work / "served.sqlite3"
    env_on = {"VNSEARCH_ANALYTICS": "1", "VNSEARCH_ANALYTICS_PATH": str(log_on)}
    env_off = {"VNSEARCH_ANALYTICS": "0", "VNSEARCH_ANALYTICS_PATH": str(work / "off.sqlite3")}
    with (
        serving(args.index, workers=1, all_warm=True, env=env_on) as on,
        serving(args.index, workers=1, all_warm=True, env=env_off) as off,
    ):
        interleaved(on, off, queries[:30])  # warm-up: vocabularies, page cache
        with_log, without = interleaved(on, off, queries)
    kept = SearchLog(log_on).report(Report("popular", 1, 1000), today())
    results = {
        "machine": machine(),
        "queries": len(queries),
        "recording_on": summary(with_log),
        "recording_off": summary(without),
        "median_ratio": round(statistics.median(with_log) / statistics.median(without), 4),
        "recorded_by_the_server": sum(row["count"] for row in kept),
        "record": record_cost(work, queries),
        "reports": report_cost(work, queries, args.log_searches),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    for path in work.iterdir():
        path.unlink()
    work.rmdir()


if __name__ == "__main__":
    main()
