"""What editors' rules cost a search: searches without rules, then with synonyms and
curations in force, in process over the news set's index.

    python bench/editorial_speed.py --index var/bench-index [--queries 300] [--rules 500]
        [--rounds 5]

The rules are kept in a temporary folder (the index is only read). RULES synonym groups
are made of the sample queries' own words (each group: a query's first two words and
another query's, so about a third of the queries hold a phrase of some group and are
rewritten into alternatives), and RULES curations pin and hide articles for other
queries of the sample. Each round runs every query without rules and with them,
interleaved; the medians over all rounds, and of the queries a synonym rewrote.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time

from common import BAOMOI, ROOT, machine, texts
from query_speed import sample_queries

sys.path.insert(0, str(ROOT))

from indexer.search.editorial import Rules, curation_of, synonym_of
from indexer.search.query import parse
from indexer.search.request import SearchRequest
from indexer.search.synonyms import expand
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.editorial import FileStore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default="var/bench-index")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    articles = texts(BAOMOI)
    queries = sample_queries(articles, args.queries)
    rng = random.Random(3)
    plain = WhooshBackend(args.index)
    plain.warm()
    ids = [i for i in plain.view().sets.column("id") if i]
    ruled = WhooshBackend(args.index)
    ruled.editorial = FileStore(tempfile.mkdtemp(prefix="editorial-bench-"))

    def rules(current: Rules) -> Rules:
        worded = [q.split() for q in queries if len(q.split()) >= 2]
        for n in range(args.rules):
            first, other = rng.sample(worded, 2)
            group = {"words": [" ".join(first[:2]), " ".join(other[:2])]}
            if len(set(group["words"])) == 2:
                current = current.put("synonyms", synonym_of(f"s{n}", group))
            pin, hide = rng.sample(ids, 2), rng.sample(ids, 2)
            query = rng.choice(queries)
            curation = {"query": query, "pin": pin, "hide": hide}
            current = current.put("curations", curation_of(f"c{n}", curation))
        return current

    kept = ruled.editorial.change(rules)
    ruled.warm()
    view = ruled.view()
    matcher = view.synonyms(kept)
    rewritten = {
        q for q in queries if len(expand(parse(q), matcher, view.analyse).alternatives) > 1
    }
    times: dict[str, list[float]] = {"without": [], "with": [], "rewritten": [], "kept": []}
    kept_without: list[float] = []
    for _ in range(args.rounds):
        for query in queries:
            for name, backend in (("without", plain), ("with", ruled)):
                started = time.perf_counter()
                backend.search(SearchRequest(q=query))
                took = (time.perf_counter() - started) * 1000
                times[name].append(took)
                if name == "with":
                    times["rewritten" if query in rewritten else "kept"].append(took)
                elif query not in rewritten:
                    kept_without.append(took)
    without, with_rules = statistics.median(times["without"]), statistics.median(times["with"])
    print(machine())
    print(
        f"{len(queries)} queries x {args.rounds} rounds; {len(kept.synonyms)} synonym groups,"
        f" {len(kept.curations)} curations; {len(rewritten)} queries rewritten by synonyms"
    )
    ratio = with_rules / without
    print(f"median without rules {without:.2f} ms; with {with_rules:.2f} ms ({ratio:.3f}x)")
    rewritten_ms = statistics.median(times["rewritten"])
    kept_ms, kept_before = statistics.median(times["kept"]), statistics.median(kept_without)
    print(f"  the rewritten queries, with rules: {rewritten_ms:.2f} ms")
    print(f"  the others: {kept_before:.2f} ms without rules, {kept_ms:.2f} ms with")


if __name__ == "__main__":
    main()
