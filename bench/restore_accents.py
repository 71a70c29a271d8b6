"""How well a query typed without diacritics is read back into its accented form.

    python bench/restore_accents.py --index DIR [--phrases 800] [--seed 7] [--json PATH]

DIR is an index of the news set (bench/index_speed.py --keep DIR builds one). Phrases of
two to six consecutive words are cut from the judged sets' questions (Wikipedia and legal
Vietnamese: text the news index has never seen), their diacritics are removed, and the
engine's restoration (suggest.Vocabulary.restore, the did-you-mean and the ranking of
diacritic-free queries) reads them back from the index's vocabulary. Reported: the
share of syllables and of whole phrases restored exactly as written (tone placement
unified, lower case), and the time a restoration takes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

from common import ROOT, machine

sys.path.insert(0, str(ROOT))

from indexer import open_backend
from indexer.language.text import canonical_iy, fold
from indexer.settings import Settings

SETS = ROOT.parent / "shared" / "data" / "eval"


def phrases(count: int, seed: int) -> list[str]:
    """Two to six consecutive words (no digits, no all-capital words) of the questions."""
    rng = random.Random(seed)
    questions = []
    for path in sorted(SETS.glob("*/dev/queries.jsonl")):
        with path.open(encoding="utf-8") as lines:
            questions += [json.loads(line)["text"] for line in lines if line.strip()]
    rng.shuffle(questions)
    found = []
    for question in questions:
        words = re.findall(r"\w+", question)
        if len(words) < 2:
            continue
        size = rng.randint(2, min(6, len(words)))
        start = rng.randint(0, len(words) - size)
        chunk = words[start : start + size]
        if any(w.isupper() or any(c.isdigit() for c in w) for w in chunk):
            continue
        found.append(" ".join(chunk))
        if len(found) == count:
            break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index of the news set")
    parser.add_argument("--phrases", type=int, default=800)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args()

    view = open_backend(Settings.load({"index": str(args.index)})).view()
    view.vocabulary.by_fold  # noqa: B018 - the folded lexicon is built once, not timed
    right = syllables = whole = 0
    seconds, wrong = [], []
    chosen = phrases(args.phrases, args.seed)
    for phrase in chosen:
        gold = [canonical_iy(s).lower() for s in view.analyse(phrase).syllables]
        run = view.analyse(fold(phrase))
        started = time.perf_counter()
        restored = view.vocabulary.restore(run) or run.folded
        seconds.append(time.perf_counter() - started)
        if len(restored) != len(gold):  # the analysis split them differently: all wrong
            restored = [""] * len(gold)
        good = sum(a == b for a, b in zip(restored, gold))
        right, syllables = right + good, syllables + len(gold)
        whole += good == len(gold)
        if good < len(gold) and len(wrong) < 10:
            wrong.append(f"{fold(phrase)} -> {' '.join(restored)} (written: {phrase.lower()})")
    numbers = {
        "machine": machine(),
        "phrases": len(chosen),
        "syllables": syllables,
        "syllables_right": round(right / syllables, 4),
        "phrases_right": round(whole / len(chosen), 4),
        "median_ms": round(1000 * statistics.median(seconds), 2),
        "p95_ms": round(1000 * sorted(seconds)[int(0.95 * len(seconds))], 2),
    }
    print(f"machine: {numbers['machine']}")
    print(f"{len(chosen)} phrases, {syllables} syllables, from the judged sets' questions")
    print(f"syllables restored as written: {100 * right / syllables:.1f} %")
    print(f"phrases restored whole:        {100 * whole / len(chosen):.1f} %")
    print(f"time per restoration: median {numbers['median_ms']} ms, p95 {numbers['p95_ms']} ms")
    print("some misses:", *wrong, sep="\n  ")
    if args.json:
        args.json.write_text(json.dumps(numbers, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
