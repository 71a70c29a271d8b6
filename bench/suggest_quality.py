"""Completions as a reader meets them: prefixes of real headlines, a third without marks.

    python bench/suggest_quality.py --index DIR [--data PATH] [--prefixes 300] [--json PATH]

DIR is an index of the news set (bench/index_speed.py --keep DIR). From headlines of the
set, a prefix is cut inside a word after at least one whole word ("Thủ tướng Phạm M"), a
third of them without diacritics ("thu tuong pham m"). A prefix counts as completed when
the first suggestion of `/api/suggest`, served by the production server, is the
headline's own words up to the end of the word being typed (case aside, tones placed one
way); also counted: the headline's words anywhere among the suggestions. Reports those
shares and the median and p95 time of the requests.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import BAOMOI, ROOT, machine, texts

sys.path.insert(0, str(ROOT))

from indexer.language.text import canonical_tone, fold
from tests.servers import serving

PUNCTUATION = ".,:;!?\"'()“”‘’«»–-…"


def prefixes(articles: list[dict], count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(prefix typed, the headline's words it should complete to)."""
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        words = [w.strip(PUNCTUATION) for w in rng.choice(articles)["title"].split()]
        words = [w for w in words if w and w.isalpha()]
        if len(words) < 2:
            continue
        end = rng.randint(1, min(5, len(words) - 1))  # the word being typed
        target = words[end]
        if len(target) < 2:
            continue
        cut = rng.randint(1, len(target) - 1)
        typed = " ".join([*words[:end], target[:cut]])
        expected = " ".join(words[: end + 1])
        found.append((fold(typed) if rng.random() < 1 / 3 else typed, expected))
    return found


def same(a: str, b: str) -> bool:
    def key(text):
        return " ".join(canonical_tone(w) for w in text.lower().split())

    return key(a) == key(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=BAOMOI)
    parser.add_argument("--prefixes", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine())
    chosen = prefixes(texts(args.data), args.prefixes)
    first = anywhere = 0
    latencies, misses = [], []
    with serving(args.index, workers=1) as base:
        for typed, _ in chosen[:20]:  # warm-up
            urllib.request.urlopen(f"{base}/api/suggest?q={urllib.parse.quote(typed)}").read()
        for typed, expected in chosen:
            started = time.perf_counter()
            url = f"{base}/api/suggest?q={urllib.parse.quote(typed)}"
            with urllib.request.urlopen(url, timeout=30) as response:
                suggestions = json.loads(response.read())["suggestions"]
            latencies.append((time.perf_counter() - started) * 1000)
            if suggestions and same(suggestions[0], expected):
                first += 1
            elif len(misses) < 15:
                misses.append((typed, expected, suggestions[:3]))
            anywhere += any(same(s, expected) for s in suggestions)
    ordered = sorted(latencies)
    results = {
        "prefixes": len(chosen),
        "first_suggestion_is_the_headline": round(first / len(chosen), 3),
        "among_the_suggestions": round(anywhere / len(chosen), 3),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(ordered[int(0.95 * len(ordered))], 2),
    }
    for miss in misses:
        print("missed:", miss)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
