"""Related articles, measured: an article cut in two should find its other half first.

    python bench/related_halves.py --index var/bench-related [--stories var/bench-index]
        [--articles 1000] [--seed 5]

Of the news set, ARTICLES articles of six sentences or more that have no near-copy in
the set (their story, in the index --stories, is theirs alone: a copy holds both halves
and would be rightly related to each) are cut at the sentence end nearest their middle into
two articles, "<id>-a" (with the title) and "<id>-b" (without: its title is taken from
its lead, as for any untitled record), indexed beside the rest of the set into --index
(built when it does not exist). For each half, the related articles of the other are
asked (limit 5): MRR@5 of the other half, both ways. The median time of a related
request, in process, beside the median time of a search of short headline queries on the
same index (bench/query_speed.py's).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import BAOMOI, ROOT, machine, texts
from query_speed import sample_queries

sys.path.insert(0, str(ROOT))

from indexer.search.request import SearchRequest
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.build import build

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def halves(article: dict) -> tuple[dict, dict] | None:
    """The two halves of an article, cut between sentences nearest its middle, or None
    when it is short (under six sentences)."""
    sentences = [s for s in SENTENCE_END.split(article["text"].strip()) if s.strip()]
    if len(sentences) < 6:
        return None
    total = sum(map(len, sentences))
    running, cut = 0, 1
    for i, sentence in enumerate(sentences):
        running += len(sentence)
        if running >= total / 2:
            cut = max(1, min(i + 1, len(sentences) - 1))
            break
    first = {**article, "id": f"{article['id']}-a", "text": " ".join(sentences[:cut])}
    second = {**article, "id": f"{article['id']}-b", "text": " ".join(sentences[cut:])}
    second.pop("title", None)
    return first, second


def halved(articles: list[dict], stories_index, count: int, seed: int):
    """The ids of *count* articles with no near-copy (by the stories of *stories_index*)
    that cut in two, and the records of the set with those articles as their halves."""
    stories = WhooshBackend(stories_index).view().sets
    codes, _ = stories.stories()
    sizes: dict[int, int] = {}
    for code in codes.tolist():
        sizes[code] = sizes.get(code, 0) + 1
    ids = stories.column("id")
    alone = {ids[d] for d in range(len(ids)) if ids[d] and sizes[int(codes[d])] == 1}
    cut = {a["id"]: h for a in articles if a["id"] in alone and (h := halves(a))}
    chosen = set(random.Random(seed).sample(sorted(cut), count))
    records = [r for a in articles for r in (cut[a["id"]] if a["id"] in chosen else [a])]
    return chosen, records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default="var/bench-related")
    parser.add_argument("--stories", default="var/bench-index")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    articles = texts(BAOMOI)
    chosen, records = halved(articles, args.stories, args.articles, args.seed)
    index = Path(args.index)
    if not index.exists():
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "halves.jsonl"
            with source.open("w", encoding="utf-8") as out:
                for record in records:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            build(index, [source], quiet=True)
    backend = WhooshBackend(index)
    backend.warm()

    ranks, related_ms = [], []
    for doc_id in sorted(chosen):
        for asked, other in ((f"{doc_id}-a", f"{doc_id}-b"), (f"{doc_id}-b", f"{doc_id}-a")):
            started = time.perf_counter()
            found = backend.related(asked, 5)
            related_ms.append((time.perf_counter() - started) * 1000)
            got = [hit.id for hit in found.related]
            ranks.append(got.index(other) + 1 if other in got else None)
    search_ms = []
    for query in sample_queries(articles, 300):
        started = time.perf_counter()
        backend.search(SearchRequest(q=query))
        search_ms.append((time.perf_counter() - started) * 1000)

    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    a_to_b = ranks[0::2]
    mrr_ab = sum(1 / r for r in a_to_b if r) / len(a_to_b)
    first = sum(r == 1 for r in ranks) / len(ranks)
    within = sum(r is not None for r in ranks) / len(ranks)
    related_median, search_median = statistics.median(related_ms), statistics.median(search_ms)
    p95 = sorted(related_ms)[int(len(related_ms) * 0.95)]
    print(machine())
    print(f"{len(chosen):,} articles cut in two; {len(ranks):,} related requests")
    print(
        f"MRR@5 {mrr:.4f} (a->b {mrr_ab:.4f}); the other half first {first:.1%}; in 5 {within:.1%}"
    )
    print(f"median related {related_median:.2f} ms (p95 {p95:.2f}); median search")
    print(f"  {search_median:.2f} ms; ratio {related_median / search_median:.2f}x")


if __name__ == "__main__":
    main()
