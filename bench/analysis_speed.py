"""Analysis throughput beside pyvi alone, on the same texts in the same run.

    python bench/analysis_speed.py [--articles 2000] [--data PATH]

Prints characters per second for: pyvi.ViTokenizer.tokenize; our segmenter; and the
full analysis of one text field into every representation (words, syllables, folded).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import platform
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "baomoi-35k.jsonl.gz"


def load(path: Path, count: int) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in itertools.islice(lines, count)]


def timed(label: str, texts: list[str], work) -> float:
    start = time.perf_counter()
    for text in texts:
        work(text)
    seconds = time.perf_counter() - start
    chars = sum(map(len, texts))
    print(f"{label:<42} {seconds:7.2f} s {chars / seconds:>12,.0f} chars/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    from pyvi import ViTokenizer

    from indexer.language.analysis import analyse
    from indexer.language.segment import segment

    texts = load(args.data, args.articles)
    machine = platform.processor() or platform.machine()
    chars = sum(map(len, texts))
    print(f"{len(texts)} articles, {chars:,} chars; {machine}, Python {platform.python_version()}")
    from indexer.indexing.stored import encode_spans, encode_terms
    from indexer.whoosh.postings import postings
    from indexer.whoosh.schema import SUFFIXES, build_schema

    schema = build_schema()
    formats = {s: schema[f"body_{s}"].format for s in SUFFIXES.values()}

    def index_pass(text):  # what the indexer runs: the analysis, then Whoosh's postings
        analysis = analyse(text)
        postings(analysis, formats)
        encode_spans(analysis.spans)
        encode_terms(analysis.syllables)

    pyvi = timed("pyvi.ViTokenizer.tokenize", texts, ViTokenizer.tokenize)
    ours = timed("indexer.language.segment.segment", texts, segment)
    full = timed("indexer.language.analysis.analyse (every representation)", texts, analyse)
    one = timed("indexing pass: the analysis, postings of all four, spans", texts, index_pass)
    print(
        f"speed-up over pyvi: segmenter {pyvi / ours:.2f}x, analysis {pyvi / full:.2f}x,"
        f" indexing pass {pyvi / one:.2f}x"
    )


if __name__ == "__main__":
    main()
