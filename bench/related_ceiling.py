"""How far any ranking by shared words can go on related_halves.py's test.

    python bench/related_ceiling.py [--stories var/bench-index] [--articles 1000] [--seed 5]

The same halves as bench/related_halves.py, beside the rest of the set, compared whole
with whole, every term of both: the cosine of their tf-idf vectors of syllables and
syllable pairs (lower-cased \\w+ tokens, sublinear tf, terms of two articles or more;
scikit-learn, which pyvi brings). This is "more like this" without any cut: no query
of a few terms, no index, no time limit. MRR@5 of the other half, both ways, and how
often it is among the first 20.
"""

from __future__ import annotations

import argparse
import unicodedata

import numpy as np
from common import BAOMOI, machine, texts
from related_halves import halved
from sklearn.feature_extraction.text import TfidfVectorizer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", default="var/bench-index")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    chosen, records = halved(texts(BAOMOI), args.stories, args.articles, args.seed)
    where = {record["id"]: row for row, record in enumerate(records)}
    vectors = TfidfVectorizer(
        token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), sublinear_tf=True, min_df=2
    ).fit_transform(
        unicodedata.normalize("NFC", f"{r.get('title', '')}\n{r['text']}") for r in records
    )
    pairs = [(f"{i}-{a}", f"{i}-{b}") for i in sorted(chosen) for a, b in (("a", "b"), ("b", "a"))]
    ranks = []
    for start in range(0, len(pairs), 200):
        batch = pairs[start : start + 200]
        asked = np.array([where[a] for a, _ in batch])
        scores = (vectors[asked] @ vectors.T).toarray()
        scores[np.arange(len(batch)), asked] = -1.0  # never the article itself
        for row, (_, other) in enumerate(batch):
            ranks.append(int((scores[row] > scores[row, where[other]]).sum()) + 1)
    mrr = sum(1 / r for r in ranks if r <= 5) / len(ranks)
    print(machine())
    print(f"{len(chosen):,} articles cut in two; {len(ranks):,} halves asked")

    def share(limit: int) -> str:
        return f"{sum(r <= limit for r in ranks) / len(ranks):.1%}"

    print(f"whole-article tf-idf cosine: MRR@5 {mrr:.4f}; the other half first {share(1)};")
    print(f"  in 5 {share(5)}; in 20 {share(20)}")


if __name__ == "__main__":
    main()
