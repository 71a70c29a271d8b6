"""Both backends on the news set in one run: the build, and searches over HTTP.

    python bench/opensearch_compare.py [--data PATH] [--work DIR] [--queries 300]
        [--seconds 15] [--clients 8] [--workers 2] [--shards 3] [--json PATH]

Builds the set with `python -m indexer build` into a Whoosh directory and into the local
OpenSearch cluster (`make opensearch-up`: 3 nodes, the default 3 shards and 1 replica),
timing each and sampling the memory of the build's processes and of the nodes. Then
serves each with the production server (every worker warmed, then every query sent once)
and sends the same queries as bench/query_speed.py one at a time (median, p95, p99 over
HTTP, with snippets, facets and suggestions), then from --clients concurrent clients for
--seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import BAOMOI, ROOT, PeakMemory, machine, texts, tree_rss
from query_speed import http_latencies, load, sample_queries, summary

sys.path.insert(0, str(ROOT))

from indexer.opensearch.backend import OpenSearchBackend
from indexer.opensearch.client import Cluster
from tests.conftest import OPENSEARCH_URLS
from tests.servers import serving

NODES = ROOT / "var" / "opensearch"


def node_memory() -> dict[str, float]:
    """The resident memory (MiB) of each node, from its pid file."""
    found = {}
    for pid_file in sorted(NODES.glob("n*.pid")):
        pid = int(pid_file.read_text().split()[0])
        found[pid_file.stem] = round(tree_rss(pid) / 2**20, 1)
    return found


def timed_build(args: list[str]) -> tuple[float, int, dict]:
    """Run `python -m indexer build ARGS`: seconds, peak memory of its processes, and
    the largest memory each node reached meanwhile."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", "--quiet", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    memory = PeakMemory(process.pid)
    memory.start()
    nodes: dict[str, float] = {}
    while process.poll() is None:
        for name, rss in node_memory().items():
            nodes[name] = max(nodes.get(name, 0.0), rss)
        time.sleep(1.0)
    _, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"build failed ({process.returncode}):\n{err}")
    return time.perf_counter() - started, memory.stop(), nodes


def measure(base: str, queries: list[str], clients: int, seconds: float) -> dict:
    # steady state, as a server meets it after its first minutes: every query once first
    # (a new OpenSearch index answers its first pass about twice as slowly: its files are
    # read into the page cache, its caches filled; a Whoosh worker pins its postings
    # before its first request, so a pass changes little for it)
    http_latencies(base, queries)
    return {
        "http_with_snippets": summary(http_latencies(base, queries)),
        "concurrent": load(base, queries, clients, seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=BAOMOI)
    parser.add_argument("--work", type=Path, help="where the Whoosh index is built")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--shards", type=int, default=3, help="the OpenSearch index's shards")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="vnsearch-compare-"))
    alias = f"compare-{uuid.uuid4().hex[:6]}"
    cluster = Cluster(OPENSEARCH_URLS)
    print(machine(), flush=True)
    queries = sample_queries(texts(args.data), args.queries)
    results: dict = {"machine": machine(), "nodes_idle_mib": node_memory(), "shards": args.shards}
    try:
        whoosh_index = work / "whoosh"
        seconds, peak, _ = timed_build(["--index", str(whoosh_index), str(args.data)])
        results["whoosh_build"] = {"seconds": round(seconds, 1), "peak_mib": peak // 2**20}
        print("whoosh build", results["whoosh_build"], flush=True)
        opensearch = ["--backend", "opensearch", "--opensearch-url", OPENSEARCH_URLS]
        built = [*opensearch, "--index", alias, "--shards", str(args.shards), str(args.data)]
        seconds, peak, nodes = timed_build(built)
        results["opensearch_build"] = {
            "seconds": round(seconds, 1),
            "peak_mib": peak // 2**20,
            "nodes_peak_mib": nodes,
        }
        print("opensearch build", results["opensearch_build"], flush=True)
        results["build_ratio"] = round(
            results["opensearch_build"]["seconds"] / results["whoosh_build"]["seconds"], 2
        )
        with serving(whoosh_index, workers=args.workers, all_warm=True) as base:
            results["whoosh"] = measure(base, queries, args.clients, args.seconds)
        print("whoosh", results["whoosh"], flush=True)
        with serving(
            alias, workers=args.workers, all_warm=True, opensearch=OPENSEARCH_URLS
        ) as base:
            results["opensearch"] = measure(base, queries, args.clients, args.seconds)
        print("opensearch", results["opensearch"], flush=True)
        results["nodes_after_mib"] = node_memory()
        stats = cluster.request("GET", "/_nodes/stats/jvm")["nodes"].values()
        results["heap_used_percent"] = {
            n["name"]: n["jvm"]["mem"]["heap_used_percent"] for n in stats
        }
        for figure in ("median_ms", "p95_ms"):
            ours = results["opensearch"]["http_with_snippets"][figure]
            theirs = results["whoosh"]["http_with_snippets"][figure]
            results[f"{figure.split('_')[0]}_ratio"] = round(ours / theirs, 2)
        print(json.dumps(results, indent=2))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        OpenSearchBackend(OPENSEARCH_URLS, alias).delete()
        cluster.close()


if __name__ == "__main__":
    main()
