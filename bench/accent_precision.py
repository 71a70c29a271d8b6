"""Words that collide without diacritics: does the engine count the articles holding each?

    python bench/accent_precision.py --index DIR [--words 40] [--seed 5] [--json PATH]
        [--backend whoosh|opensearch]

DIR is an index of the news set. "bão" (storm), "báo" (newspaper) and "bảo" (to tell)
fold to one "bao"; a search for "bão" must count the articles holding "bão", not every
"bao". The words: the issue's examples (bão, chó, đường, chợ) and more drawn at random
from the index's syllables with diacritics whose folded form another frequent syllable
shares, over all frequencies. Syllables that abbreviations write out (UBND: "ủy", "ban",
"nhân", "dân") are left out: an article writing "UBND" holds them too, which a count of
words as written does not see.

For each word, the truth is the number of articles (title and body, as the indexer reads
them) where it stands as a word: the text's `\\w+` tokens, lower case, tone marks placed
one way (the same word in either convention), abbreviations left out ("TƯ" stands for
Trung ương, not for "tư"). Reported: the engine's `total` for the word
typed alone, the truth, and the ratio; the target is within 5 % and never fewer.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter

from common import BAOMOI, ROOT, machine, texts

sys.path.insert(0, str(ROOT))

from indexer import open_backend
from indexer.articles.parse import parse
from indexer.language.abbreviations import Abbreviations
from indexer.language.text import canonical_iy, fold, normalize_syllable
from indexer.search.request import SearchRequest
from indexer.settings import Settings

NAMED = ["bão", "chó", "đường", "chợ"]
TOLERANCE = 0.05


def truth() -> Counter:
    """How many articles hold each word, as written (tone placement unified); an
    abbreviation ("TƯ" for Trung ương) is not the word it is spelled like ("tư")."""
    table = Abbreviations()
    held: Counter = Counter()
    for record in texts(BAOMOI):
        if not record.get("text", "").strip():
            continue
        article = parse(record["text"], record["id"], title=record.get("title") or None)
        words = re.findall(r"[^\W_]+", f"{article.title}\n{article.body}")
        held.update(
            {canonical_iy(normalize_syllable(w)) for w in words if table.lookup((w,)) is None}
        )
    return held


def written_out() -> set[str]:
    """The syllables of every abbreviation's full form."""
    table = Abbreviations()
    found = set()
    for forms in (*table.exact.values(), *table.loose.values()):
        for word in forms:
            found.update(canonical_iy(normalize_syllable(s)) for s in word)
    return found


def chosen(held: Counter, count: int, seed: int) -> list[str]:
    """NAMED and words drawn at random: with diacritics, held by 20 articles or more,
    sharing their folded form with another syllable held by as many or more."""
    by_fold: dict[str, list[str]] = {}
    for word, df in held.items():
        if df >= 20 and word.isalpha():
            by_fold.setdefault(fold(word), []).append(word)
    skipped = written_out()
    pool = sorted(
        word
        for words in by_fold.values()
        if len(words) > 1
        for word in words
        if word != fold(word)
        and word not in skipped
        and any(held[o] >= held[word] for o in words if o != word)
    )
    rng = random.Random(seed)
    extra = rng.sample([w for w in pool if w not in NAMED], max(0, count - len(NAMED)))
    return NAMED + extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--backend", default="whoosh")
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    backend = open_backend(Settings.load({"backend": args.backend, "index": args.index}))
    backend.time_limit = 60.0
    held = truth()
    rows = []
    for word in chosen(held, args.words, args.seed):
        total = backend.search(SearchRequest(q=word, per_page=1)).total
        bare = backend.search(SearchRequest(q=fold(word), per_page=1)).total
        rows.append({"word": word, "truth": held[word], "engine": total, "folded": bare})
    within = [r for r in rows if r["truth"] <= r["engine"] <= (1 + TOLERANCE) * r["truth"]]
    print(f"{machine()}\n{len(rows)} words, {args.backend}\n")
    print("| word | articles holding it | engine's total | ratio | typed bare |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['word']} | {r['truth']:,} | {r['engine']:,} |"
            f" {r['engine'] / max(r['truth'], 1):.3f} | {r['folded']:,} |"
        )
    fewer = sum(r["engine"] < r["truth"] for r in rows)
    print(f"\nwithin 5 % and never fewer: {len(within)} of {len(rows)}; fewer: {fewer}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"machine": machine(), "words": rows}, out, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
