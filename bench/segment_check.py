"""Check that our segmenter gives exactly pyvi 0.1.1's words, over a whole corpus.

    python bench/segment_check.py [--data PATH] [--articles N] [--workers N]

Compares `indexer.segment.segment(text)` with `pyvi.ViTokenizer.tokenize(text)` on every
article (words joined with "_" as pyvi writes them) and reports the articles that differ.
Exit status 1 if any does.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import multiprocessing
import sys
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "baomoi-35k.jsonl.gz"


def compare(item: tuple[str, str]) -> tuple[str, list[str], list[str]] | None:
    from pyvi import ViTokenizer

    from indexer.language.segment import segment

    doc_id, text = item
    ours = " ".join("_".join(texts) for texts, _ in segment(text)).split()
    theirs = ViTokenizer.tokenize(text).split()
    return None if ours == theirs else (doc_id, ours, theirs)


def articles(path: Path, limit: int | None):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in itertools.islice(lines, limit):
            item = json.loads(line)
            yield item["id"], item["text"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=None, help="only the first N")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    args = parser.parse_args()
    started = time.monotonic()
    checked, differ = 0, []
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        for result in pool.imap(compare, articles(args.data, args.articles), chunksize=32):
            checked += 1
            if result is not None:
                differ.append(result)
    for doc_id, ours, theirs in differ[:20]:
        first = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b) if ours[:1] else 0
        print(f"{doc_id}: ours {ours[first : first + 4]} pyvi {theirs[first : first + 4]}")
    seconds = time.monotonic() - started
    print(f"{checked:,} articles checked in {seconds:.0f} s: {len(differ)} differ from pyvi 0.1.1")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
