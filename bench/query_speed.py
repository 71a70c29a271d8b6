"""Query speed over HTTP with snippets, beside bare Whoosh BM25 on the same pyvi tokens.

    python bench/query_speed.py --index DIR [--bare DIR] [--queries 300] [--seconds 15]
        [--clients 8] [--workers 2] [--slice START:END] [--shuffle SEED] [--json PATH]

DIR is an index of the news set (bench/index_speed.py --keep DIR builds one); with
--slice or --shuffle, the articles START:END of the set (in an order shuffled by SEED),
and DIR is built from them when it does not exist yet. Every worker warms up before the
first query is timed. The script
starts the production server (`python -m webapp`), sends short queries of the kind people
type into a news search box (one to four words from real headlines, a third of them
without diacritics) one at a time, then from 8 concurrent clients for 15 s. Beside it, in
the same run: bare Whoosh, BM25 top 10 without snippets, over an index of the same texts
as `pyvi.ViTokenizer.tokenize` splits them (built under --bare on first use), queried
with an OR of the query's pyvi words (segmentation included).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from common import BAOMOI, ROOT, machine, texts

sys.path.insert(0, str(ROOT))

from indexer.language.text import fold
from tests.servers import serving

BARE = Path("/tmp/vnsearch-bare-index")


def build_index(index: Path, articles: list[dict]) -> None:
    """Build our index of *articles* with the command line, as a user would."""
    source = index.parent / f"{index.name}.jsonl"
    index.parent.mkdir(parents=True, exist_ok=True)
    with source.open("w", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    command = [sys.executable, "-m", "indexer", "build", "--quiet", "--index", str(index)]
    subprocess.run([*command, str(source)], cwd=ROOT, check=True)


def sample_queries(articles: list[dict], count: int, seed: int = 7) -> list[str]:
    """One to four consecutive words of real headlines; a third typed without diacritics."""
    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        words = [w.strip(".,:;!?\"'()“”") for w in rng.choice(articles)["title"].split()]
        words = [w for w in words if w and any(c.isalpha() for c in w)]
        if not words:
            continue
        size = rng.randint(1, min(4, len(words)))
        start = rng.randint(0, len(words) - size)
        query = " ".join(words[start : start + size]).lower()
        queries.append(fold(query) if rng.random() < 1 / 3 else query)
    return queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(latencies: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
    }


def http_latencies(base: str, queries: list[str]) -> list[float]:
    latencies = []
    for query in queries:
        url = f"{base}/api/search?" + urllib.parse.urlencode({"q": query})
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def load(base: str, queries: list[str], clients: int, seconds: float) -> dict:
    """Requests/s and errors with *clients* concurrent clients for *seconds*."""
    done, errors = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    def client(number: int):
        rng = random.Random(number)
        while time.monotonic() < stop:
            url = f"{base}/api/search?" + urllib.parse.urlencode({"q": rng.choice(queries)})
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            done[number] += 1
            errors[number] += not ok

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "clients": clients,
        "requests": sum(done),
        "errors": sum(errors),
        "requests_per_second": round(sum(done) / elapsed, 1),
    }


def bare_index(path: Path, articles: list[dict]):
    """A plain Whoosh index of the texts as pyvi tokenizes them (one field, BM25)."""
    from whoosh import fields, index
    from whoosh.analysis import SpaceSeparatedTokenizer

    if index.exists_in(path):
        ix = index.open_dir(path)
        if ix.doc_count() == len(articles):
            return ix
        print(f"{path} holds {ix.doc_count()} documents, not {len(articles)}: rebuilt")
    from pyvi import ViTokenizer

    building = path.with_name(path.name + ".building")  # a killed build leaves no index
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    schema = fields.Schema(
        id=fields.ID(stored=True), text=fields.TEXT(analyzer=SpaceSeparatedTokenizer())
    )
    ix = index.create_in(building, schema)
    started = time.perf_counter()
    with ix.writer(limitmb=256) as writer:
        for article in articles:
            text = ViTokenizer.tokenize(f"{article.get('title', '')}\n{article['text']}").lower()
            writer.add_document(id=article["id"], text=text)
    shutil.rmtree(path, ignore_errors=True)
    building.rename(path)
    print(f"bare index built in {time.perf_counter() - started:.0f} s (pyvi included)")
    return index.open_dir(path)


def bare_latencies(ix, queries: list[str]) -> list[float]:
    from pyvi import ViTokenizer
    from whoosh import query as wq
    from whoosh.scoring import BM25F

    latencies = []
    with ix.searcher(weighting=BM25F()) as searcher:
        for query in queries:
            started = time.perf_counter()
            words = ViTokenizer.tokenize(query).lower().split()
            results = searcher.search(wq.Or([wq.Term("text", w) for w in words]), limit=10)
            [hit["id"] for hit in results]
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--bare", type=Path, default=BARE)
    parser.add_argument("--data", type=Path, default=BAOMOI)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--slice", help="START:END: only these articles of the set")
    parser.add_argument("--shuffle", type=int, help="shuffle the set with this seed first")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    articles = texts(args.data)
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(articles)
    if args.slice:
        start, end = (int(x) if x else None for x in args.slice.split(":"))
        articles = articles[start:end]
    chosen = args.slice is not None or args.shuffle is not None
    if chosen and args.bare == BARE:
        args.bare = Path(f"{BARE}-{args.slice or 'all'}-{args.shuffle}".replace(":", "_"))
    if chosen and not args.index.exists():
        build_index(args.index, articles)
    queries = sample_queries(articles, args.queries)
    print(machine())
    print(f"{len(articles)} articles; {len(queries)} queries, e.g. {queries[:6]}")
    ix = bare_index(args.bare, articles)
    bare_latencies(ix, queries[:30])  # warm the caches as the server's warm-up does
    bare = summary(bare_latencies(ix, queries))

    with serving(args.index, workers=args.workers, all_warm=True) as base:
        http_latencies(base, queries[:30])  # warm-up: lexicons, vocabularies, page cache
        ours = summary(http_latencies(base, queries))
        concurrent = load(base, queries, args.clients, args.seconds)

    results = {
        "articles": len(articles),
        "workers": args.workers,
        "http_with_snippets": ours,
        "bare_whoosh_top10": bare,
        "median_ratio": round(ours["median_ms"] / bare["median_ms"], 2),
        "p95_ratio": round(ours["p95_ms"] / bare["p95_ms"], 2),
        "concurrent": concurrent,
    }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
