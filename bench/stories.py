"""How well the index's stories match the exact Jaccard similarity of word 5-shingles.

    python bench/stories.py --index var/bench-index [--sample 5000]

Every article of the data is analysed again (its body's pyvi words, as indexing does) and
its exact set of shingles kept. The pairs that truly are copies (exact Jaccard >= 0.8)
are found independently of the index's LSH: a second MinHash (256 permutations, another
seed) with a lax LSH (threshold 0.5) proposes candidates, and each is measured exactly.
Recall: the share of true pairs the index put in one story. Precision: the share of the
pairs inside the index's stories whose exact Jaccard reaches 0.8.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
from multiprocessing import Pool

import numpy as np
from common import BAOMOI, ROOT, machine
from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(ROOT))

from indexer.articles.sources import Problem, jsonl_record, to_article
from indexer.indexing.stories import SIMILARITY, shingles
from indexer.language.analysis import analyse
from indexer.whoosh.backend import WhooshBackend


def shingled(line: str):
    record = jsonl_record("bench", line.encode("utf-8"), "bench")
    article = to_article(record)
    if isinstance(article, Problem) or not article.body.strip():
        return None
    return article.id, shingles(analyse(article.body).words)  # distinct, sorted


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    both = len(np.intersect1d(a, b, assume_unique=True))
    return both / (len(a) + len(b) - both) if len(a) + len(b) else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default="var/bench-index")
    parser.add_argument("--data", default=str(BAOMOI))
    parser.add_argument("--sample", type=int, default=5000, help="story pairs measured")
    args = parser.parse_args()

    with gzip.open(args.data, "rt", encoding="utf-8") as lines, Pool(2) as pool:
        found = [f for f in pool.imap(shingled, lines, chunksize=64) if f is not None]
    sets = dict(found)  # the last of an id wins, as in the index
    print(machine())
    print(f"{len(sets):,} articles analysed")

    lsh = MinHashLSH(threshold=0.5, num_perm=256)
    for doc_id, values in sets.items():
        minhash = MinHash(num_perm=256, seed=7)
        minhash.update_batch([int(v).to_bytes(4, "little") for v in values] or [b""])
        lsh.insert(doc_id, minhash)
    candidates = set()
    for bucket_table in lsh.hashtables:
        for key in bucket_table.keys():  # noqa: SIM118 - a datasketch storage, not a dict
            members = sorted(bucket_table.get(key))
            if 1 < len(members) < 500:
                candidates.update(itertools.combinations(members, 2))
    true_pairs = {p for p in candidates if jaccard(sets[p[0]], sets[p[1]]) >= SIMILARITY}
    print(f"{len(candidates):,} candidate pairs, {len(true_pairs):,} with Jaccard >= {SIMILARITY}")

    view = WhooshBackend(args.index).view()
    story = {doc_id: view.sets.story(view.lookup(doc_id)) for doc_id in sets}
    recall = sum(story[a] == story[b] for a, b in true_pairs) / max(len(true_pairs), 1)

    groups: dict[str, list[str]] = {}
    for doc_id, name in story.items():
        groups.setdefault(name, []).append(doc_id)
    grouped = [sorted(g) for g in groups.values() if len(g) > 1]
    pairs = [p for g in grouped for p in itertools.combinations(g, 2)]
    random.Random(1).shuffle(pairs)
    measured = pairs[: args.sample]
    precision = sum(jaccard(sets[a], sets[b]) >= SIMILARITY for a, b in measured) / max(
        len(measured), 1
    )
    print(
        f"stories of 2 or more: {len(grouped):,} holding {sum(map(len, grouped)):,} articles;"
        f" {len(pairs):,} pairs within them"
    )
    print(f"recall    {recall:.4f} ({len(true_pairs):,} true pairs)")
    print(f"precision {precision:.4f} ({len(measured):,} story pairs measured)")
    print(json.dumps({"recall": round(recall, 4), "precision": round(precision, 4)}))


if __name__ == "__main__":
    main()
