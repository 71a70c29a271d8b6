"""Known-item search typed six ways: does a reader find the article whatever they type?

    python bench/typing_styles.py --index DIR [--queries 400] [--seed 11] [--json PATH]
        [--backend whoosh|opensearch]

DIR is an index of the news set (bench/index_speed.py --keep DIR builds one; or
`python -m indexer build --index DIR ../shared/data/baomoi-35k.jsonl.gz`). For articles
of the set, three to five consecutive words of the headline are the query, typed:

- **accented**: as written;
- **stripped**: every diacritic removed (đ -> d);
- **telex**: with Telex's keys left in (the input method off): "toor chuwcs ddangr", the
  tone key at the end of a syllable or, one time in three, right after its vowel;
- **vni**: with VNI's digits left in: "to63 chu7c1 d9ang3", alike;
- **typo**: one slip of a key in one syllable of four letters or more (two letters
  swapped, one left out, one doubled or added, one replaced by a neighbour on the
  keyboard);
- **regional**: one syllable spelled as another region says it (s/x, ch/tr, d/gi/r,
  l/n, final n/ng and c/t, hỏi/ngã), the confused spelling being another syllable or not.

Reported: MRR@10 of the article in each style, and as a share of the accented one; how
often the query was searched as another reading (`searched_as`); the median time of a
search, with the correction and without it (verbatim=true) over the accented queries,
which need none.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time

from common import BAOMOI, ROOT, machine, texts

sys.path.insert(0, str(ROOT))

from indexer import open_backend
from indexer.language.keyboards import TELEX, VNI, keystrokes
from indexer.language.misspellings import regional
from indexer.language.text import fold, is_vietnamese_syllable
from indexer.search.correct import correct
from indexer.search.request import SearchRequest
from indexer.settings import Settings

STYLES = ("accented", "stripped", "telex", "vni", "typo", "regional")
DEPTH = 10
# Keys next to each other on a QWERTY keyboard: what a finger slips to.
ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NEIGHBOURS = {
    key: "".join(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
    for row in ROWS
    for i, key in enumerate(row)
}


def headline_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """(article id, 3 to 5 consecutive words of its headline): words of letters only,
    shaped like Vietnamese syllables, at least one of them with diacritics."""
    rng = random.Random(seed)
    articles = [a for a in texts(BAOMOI) if a.get("title")]
    rng.shuffle(articles)
    found = []
    for article in articles:
        words = article["title"].split()
        size = rng.randint(3, 5)
        if len(words) < size:
            continue
        start = rng.randint(0, len(words) - size)
        chunk = [re.sub(r"^\W+|\W+$", "", w) for w in words[start : start + size]]
        if not all(w.isalpha() and is_vietnamese_syllable(w.lower()) for w in chunk):
            continue
        if all(fold(w) == w.lower() for w in chunk):
            continue
        found.append((article["id"], " ".join(chunk)))
        if len(found) == count:
            break
    return found


def telex(text: str, rng: random.Random, keyboard=TELEX) -> str:
    return " ".join(
        keystrokes(w.lower(), keyboard, tone_last=rng.random() > 1 / 3) for w in text.split()
    )


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long:
        return text
    i = rng.choice(long)
    word = words[i]
    at = rng.randrange(len(word))
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap" and at + 1 < len(word):
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif kind == "drop":
        word = word[:at] + word[at + 1 :]
    elif kind == "double":
        word = word[:at] + word[at] + word[at:]
    else:
        letter = fold(word[at])
        choices = NEIGHBOURS.get(letter, "aeiou")
        word = word[:at] + rng.choice(choices) + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def regional_spelling(text: str, rng: random.Random) -> str | None:
    words = text.split()
    order = list(range(len(words)))
    rng.shuffle(order)
    for i in order:
        options = sorted(regional(words[i].lower()))
        if options:
            chosen = rng.choice(options)
            words[i] = chosen.capitalize() if words[i][:1].isupper() else chosen
            return " ".join(words)
    return None


def styled(text: str, rng: random.Random) -> dict[str, str | None]:
    return {
        "accented": text,
        "stripped": fold(text),
        "telex": telex(text, rng),
        "vni": telex(text, rng, VNI),
        "typo": typo(text, rng),
        "regional": regional_spelling(text, rng),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--backend", default="whoosh")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json")
    parser.add_argument("--show", type=int, default=0, help="print this many misses a style")
    parser.add_argument(
        "--dump", help="write the queries (id and each style) as JSON, to run elsewhere"
    )
    args = parser.parse_args()
    settings = Settings.load({"backend": args.backend, "index": args.index})
    backend = open_backend(settings)
    backend.time_limit = 60.0  # relevance is measured here, not speed
    rng = random.Random(args.seed)
    queries = [(doc, styled(text, rng)) for doc, text in headline_queries(args.queries, args.seed)]
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            json.dump(queries, out, ensure_ascii=False)
    for _, forms in queries:  # warm: every query once
        backend.search(SearchRequest(q=forms["accented"], per_page=DEPTH))
    reciprocal = {style: [] for style in STYLES}
    searched_as = {style: 0 for style in STYLES}
    misses = {style: [] for style in STYLES}
    for doc, forms in queries:
        for style in STYLES:
            text = forms[style]
            if text is None:
                continue
            result = backend.search(SearchRequest(q=text, per_page=DEPTH))
            found = [hit.id for hit in result.hits]
            rank = found.index(doc) + 1 if doc in found else 0
            reciprocal[style].append(1 / rank if rank else 0.0)
            searched_as[style] += result.searched_as is not None
            if not rank:
                misses[style].append((forms["accented"], text, result.searched_as))
    # The same searches with the correction and without (verbatim), the order of the two
    # alternating round by round (a search just made leaves caches warm for the next).
    times = {"with": [], "verbatim": []}
    for round_ in range(4):
        order = ("with", "verbatim") if round_ % 2 == 0 else ("verbatim", "with")
        for name in order:
            for _, forms in queries:
                request = SearchRequest(
                    q=forms["accented"], per_page=DEPTH, verbatim=name != "with"
                )
                started = time.perf_counter()
                backend.search(request)
                times[name].append((time.perf_counter() - started) * 1000)
    # and the correction alone, made afresh (a server keeps it for a query seen before)
    view = backend.view()
    alone = []
    for _, forms in queries:
        run = view.analyse(forms["accented"])
        reading = view.restore(run)
        started = time.perf_counter()
        correct(view.vocabulary, run, forms["accented"], reading)
        alone.append((time.perf_counter() - started) * 1000)
    accented = statistics.mean(reciprocal["accented"])
    rows = {}
    print(f"{machine()}\n{len(queries)} headline queries (seed {args.seed}), {args.backend}\n")
    print("| typed | queries | MRR@10 | share of accented | searched as another reading |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for style in STYLES:
        mrr = statistics.mean(reciprocal[style])
        rows[style] = {
            "queries": len(reciprocal[style]),
            "mrr": round(mrr, 4),
            "share": round(mrr / accented, 4),
            "searched_as": searched_as[style],
        }
        print(
            f"| {style} | {len(reciprocal[style])} | {mrr:.3f} | {mrr / accented:.1%} |"
            f" {searched_as[style]} |"
        )
    medians = {name: statistics.median(values) for name, values in times.items()}
    medians["correction"] = statistics.median(alone)
    print(
        f"\nmedian search of the accented queries: {medians['with']:.2f} ms with the"
        f" correction, {medians['verbatim']:.2f} ms verbatim"
        f" ({medians['with'] - medians['verbatim']:+.2f} ms); the correction alone, made"
        f" afresh: median {medians['correction']:.3f} ms"
    )
    for style in STYLES:
        for accented_text, text, read in misses[style][: args.show]:
            print(f"  miss {style}: {text!r} (meant {accented_text!r}; searched as {read!r})")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {"machine": machine(), "styles": rows, "median_ms": medians},
                out,
                ensure_ascii=False,
                indent=2,
            )


if __name__ == "__main__":
    main()
