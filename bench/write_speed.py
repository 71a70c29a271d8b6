"""Writes over HTTP beside searches: writes accepted per second, the delay until a write
is seen, and what a stream of writes does to searches.

    python bench/write_speed.py [--articles 20000] [--written 2000] [--batch 50]
        [--writers 4] [--clients 8] [--seconds 20] [--workers 2] [--work DIR] [--json PATH]

Builds the first --articles news articles into a Whoosh index (python -m indexer build),
serves it with the production server (every worker warmed), then:

1. searches alone: --clients clients send the queries of bench/query_speed.py for
   --seconds (latency of each request, median and p95, requests/s);
2. the same clients while --writers writers post the next --written articles in batches
   of --batch (POST /api/documents, each answered 202 once in the journal), and a probe
   posts one article a second and asks for it (GET /api/documents/<id>, any worker)
   until it is there: the delay until seen;
3. at the end, that every written article is there.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from common import ROOT, machine, texts
from query_speed import percentile, sample_queries

sys.path.insert(0, str(ROOT))

from tests.servers import serving

TOKEN = "bench-token"


def call(base: str, method: str, path: str, body=None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {TOKEN}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}
    except OSError:
        return 0, {}


def searches(base: str, queries: list[str], clients: int, stop: threading.Event) -> dict:
    """Search from *clients* threads until *stop*: latencies (ms) and errors."""
    latencies: list[float] = []
    errors = [0]

    def client(number: int):
        rng = random.Random(number)
        while not stop.is_set():
            url = f"{base}/api/search?" + urllib.parse.urlencode({"q": rng.choice(queries)})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
            except OSError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors[0] += not ok

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    return {"threads": threads, "latencies": latencies, "errors": errors, "started": started}


def finished(run: dict) -> dict:
    for thread in run["threads"]:
        thread.join()
    elapsed = time.monotonic() - run["started"]
    latencies = run["latencies"]
    return {
        "requests": len(latencies),
        "errors": run["errors"][0],
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
    }


def probe(base: str, stop: threading.Event, delays: list[float], failures: list) -> None:
    """Post one article a second; time from its 202 until a GET of it answers 200."""
    number = 0
    while not stop.is_set():
        doc_id = f"probe-{number}"
        body = {"id": doc_id, "text": f"Tin nhanh số {number}: giá lúa gạo hôm nay tăng nhẹ."}
        status, _ = call(base, "POST", "/api/documents", body)
        acknowledged = time.perf_counter()
        if status != 202:
            failures.append(("probe", status))
        while call(base, "GET", "/api/documents/" + doc_id)[0] != 200:
            if time.perf_counter() - acknowledged > 120:
                failures.append(("probe never seen", doc_id))
                break
            time.sleep(0.02)
        delays.append(time.perf_counter() - acknowledged)
        number += 1
        stop.wait(max(0.0, 1.0 - (time.perf_counter() - acknowledged)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--written", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    articles = texts(limit=args.articles + args.written)
    base_set, written = articles[: args.articles], articles[args.articles :]
    written = [{k: v for k, v in a.items() if v is not None} for a in written]
    queries = sample_queries(base_set, args.queries)
    work = args.work or Path(tempfile.mkdtemp(prefix="write-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "base.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for article in base_set:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    index = work / "index"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "indexer", "build", "--quiet", "--index", str(index), str(source)],
        cwd=ROOT,
        check=True,
    )
    print(f"built {len(base_set):,} articles in {time.perf_counter() - started:.0f} s", flush=True)

    env = {"VNSEARCH_WRITE_TOKENS": TOKEN}
    with serving(index, workers=args.workers, all_warm=True, env=env) as base:
        for query in queries:  # every query once: the steady state, as in query_speed.py
            urllib.request.urlopen(f"{base}/api/search?" + urllib.parse.urlencode({"q": query}))
        stop = threading.Event()
        alone = searches(base, queries, args.clients, stop)
        time.sleep(args.seconds)
        stop.set()
        alone = finished(alone)
        print("searches alone:", alone, flush=True)

        stop = threading.Event()
        beside = searches(base, queries, args.clients, stop)
        delays: list[float] = []
        failures: list = []
        prober = threading.Thread(target=probe, args=(base, stop, delays, failures))
        prober.start()
        batches = [written[i : i + args.batch] for i in range(0, len(written), args.batch)]
        accepted_at: list[float] = []
        post_ms: list[float] = []

        def writer(mine):
            for batch in mine:
                begun = time.perf_counter()
                status, answer = call(base, "POST", "/api/documents", batch)
                post_ms.append((time.perf_counter() - begun) * 1000)
                if status != 202 or answer.get("accepted") != len(batch):
                    failures.append(("batch", status, answer))
                accepted_at.append(time.perf_counter())

        writing = time.perf_counter()
        writers = [
            threading.Thread(target=writer, args=(batches[i :: args.writers],))
            for i in range(args.writers)
        ]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        accepted = time.perf_counter() - writing
        ids = [a["id"] for a in written]
        last = 0
        while last < len(ids):  # every written article there, asked in order
            if (
                call(base, "GET", "/api/documents/" + urllib.parse.quote(ids[last], safe=""))[0]
                == 200
            ):
                last += 1
            else:
                time.sleep(0.05)
        all_seen = time.perf_counter() - writing
        time.sleep(max(0.0, args.seconds - all_seen))
        stop.set()
        prober.join()
        beside = finished(beside)
        missing = [
            i
            for i in ids
            if call(base, "GET", "/api/documents/" + urllib.parse.quote(i, safe=""))[0] != 200
        ]

    result = {
        "machine": machine(),
        "articles": len(base_set),
        "written": len(written),
        "batch": args.batch,
        "writers": args.writers,
        "clients": args.clients,
        "workers": args.workers,
        "searches_alone": alone,
        "searches_with_writes": beside,
        "median_ratio": round(beside["median_ms"] / alone["median_ms"], 2),
        "p95_ratio": round(beside["p95_ms"] / alone["p95_ms"], 2),
        "writes_accepted_per_second": round(len(written) / accepted, 1),
        "post_median_ms": round(statistics.median(post_ms), 1),
        "all_written_seen_seconds": round(all_seen, 2),
        "articles_applied_per_second": round(len(written) / all_seen, 1),
        "probe_delay_seconds": {
            "count": len(delays),
            "median": round(statistics.median(delays), 2) if delays else None,
            "p95": round(percentile(delays, 0.95), 2) if delays else None,
            "max": round(max(delays), 2) if delays else None,
        },
        "failures": failures[:10],
        "missing": len(missing),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
