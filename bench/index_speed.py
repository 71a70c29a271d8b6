"""Indexing speed: `python -m indexer build` over the news set, beside pyvi alone.

    python bench/index_speed.py [--data PATH] [--articles N] [--workers N] [--keep DIR]

Reports wall time, documents/s, characters/s and peak memory (the whole process tree)
of the build, and, in the same run, the time `pyvi.ViTokenizer.tokenize` alone takes
over the same texts in one process. With --articles, only the first N articles are used.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BAOMOI, ROOT, PeakMemory, machine, texts


def timed_build(source: Path, index: Path, workers: int) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "indexer", "build", "--index", str(index), str(source)]
    if workers:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    memory = PeakMemory(process.pid)
    memory.start()
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if process.returncode != 0:
        raise SystemExit(f"build failed ({process.returncode}):\n{err}")
    return seconds, peak, err.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=BAOMOI)
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--workers", type=int, default=0, help="0: the indexer's default")
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="index-speed-"))
    source = args.data
    articles = texts(source, args.articles)
    if args.articles:
        source = work / "sample.jsonl"
        source.write_text(
            "\n".join(json.dumps(a, ensure_ascii=False) for a in articles), encoding="utf-8"
        )
    index = (args.keep or work / "index").resolve()  # the build runs from the project root
    source = source.resolve()
    characters = sum(len(a.get("title", "")) + len(a["text"]) for a in articles)
    print(machine())
    print(f"{len(articles):,} articles, {characters:,} characters (title + text)")

    build_seconds, peak, summary = timed_build(source, index, args.workers)
    print(f"indexer summary: {summary}")

    from pyvi import ViTokenizer

    started = time.perf_counter()
    for article in articles:
        ViTokenizer.tokenize(article["text"])
    pyvi_seconds = time.perf_counter() - started
    pyvi_chars = sum(len(a["text"]) for a in articles)

    results = {
        "articles": len(articles),
        "characters": characters,
        "build_seconds": round(build_seconds, 1),
        "documents_per_second": round(len(articles) / build_seconds, 1),
        "characters_per_second": round(characters / build_seconds),
        "peak_memory_mib": round(peak / 2**20),
        "pyvi_seconds": round(pyvi_seconds, 1),
        "pyvi_characters_per_second": round(pyvi_chars / pyvi_seconds),
        "build_over_pyvi": round(build_seconds / pyvi_seconds, 2),
        "index_mib": round(
            sum(p.stat().st_size for p in Path(index).rglob("*") if p.is_file()) / 2**20
        ),
    }
    print()
    print("| measure | value |")
    print("| --- | --- |")
    for key, value in results.items():
        print(f"| {key} | {value:,} |" if isinstance(value, int) else f"| {key} | {value} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
