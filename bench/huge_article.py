"""One huge article beside the seeds: do the searches that match it stay fast?

    python bench/huge_article.py [--repeat 30] [--json PATH]

Builds two indexes: the seed corpus alone, and the seed corpus with one 10 MB one-line
article (the reliability tests' hostile input) beside it. Serves each with the
production server and times, over HTTP, the same searches (they all match the huge
article), each sent --repeat times; reports the median and p95 of both and their ratio,
and the document page of the huge article.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import ROOT, machine

sys.path.insert(0, str(ROOT))

from indexer import Settings, open_backend
from tests.servers import serving

QUERIES = ["xây dựng", "đảng", "tổ chức", "cán bộ", "tinh uy", "hội nghị tỉnh ủy", "ủy ban"]
WORDS = "tổ chức xây dựng đảng hội nghị tỉnh ủy ban nhân dân công tác cán bộ triển khai".split()


def huge_article(path: Path) -> int:
    """Write the 10 MB one-line article (no sentence end in sight); return its size."""
    line = " ".join(WORDS[i % len(WORDS)] for i in range(2_000_000)).encode("utf-8")
    path.write_bytes(line[: line.rfind(b" ", 0, 10 * 1024 * 1024)])
    return path.stat().st_size


def timed(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(base: str, repeat: int) -> dict:
    urls = [f"{base}/api/search?q={urllib.parse.quote(q)}" for q in QUERIES]
    for url in urls:  # warm-up
        timed(url)
    latencies = [timed(url) for _ in range(repeat) for url in urls]
    return {
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "requests": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine())
    work = Path(tempfile.mkdtemp(prefix="vnsearch-huge-"))
    try:
        seeds = work / "seeds"
        shutil.copytree(ROOT / "corpus", seeds)
        with_huge = work / "with-huge"
        shutil.copytree(ROOT / "corpus", with_huge)
        size = huge_article(with_huge / "huge.txt")
        results = {"huge_article_bytes": size}
        for name, corpus in (("seeds", seeds), ("seeds_and_huge", with_huge)):
            index = work / f"index-{name}"
            open_backend(Settings.load({"index": str(index)})).build([corpus], quiet=True)
            with serving(index, workers=1) as base:
                results[name] = measure(base, args.repeat)
                if name == "seeds_and_huge":
                    page = [timed(f"{base}/doc/huge?q=x%C3%A2y+d%E1%BB%B1ng") for _ in range(5)]
                    results["document_page_median_ms"] = round(statistics.median(page), 2)
            print(name, results[name], flush=True)
        for figure in ("median_ms", "p95_ms"):
            ratio = results["seeds_and_huge"][figure] / results["seeds"][figure]
            results[f"{figure.split('_')[0]}_ratio"] = round(ratio, 2)
        print(json.dumps(results, indent=2))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
