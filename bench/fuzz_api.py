"""Fuzz the production server: N hypothesis-generated requests, a count of statuses.

    python bench/fuzz_api.py [--requests 10000] [--index DIR] [--json PATH]

Starts `python -m webapp` (gunicorn) on the index (default: a fresh index of corpus/),
sends the requests of tests/fuzzing.py (search, suggest, documents, unknown paths; any
Unicode, operators, unbalanced quotes, control characters, huge numbers, repeated
parameters) and prints how many got each status. Exit status 1 on any 5xx.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzzing import requests
from tests.servers import serving


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0  # no answer at all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--index", type=Path, help="an existing index (default: build corpus/)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    index = args.index
    if index is None:
        from indexer.whoosh.build import build

        index = Path(tempfile.mkdtemp(prefix="fuzz-")) / "index"
        build(index, [ROOT / "corpus"], quiet=True)

    statuses: Counter[int] = Counter()
    failures: list[str] = []
    with serving(index) as base:

        @settings(
            max_examples=args.requests,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(path=requests())
        def send(path):
            status = fetch(base + path)
            statuses[status] += 1
            if status >= 500 or status == 0:
                failures.append(f"{status} {path[:200]}")

        started = time.monotonic()
        send()
        seconds = time.monotonic() - started

    total = sum(statuses.values())
    print(f"{total:,} requests in {seconds:.0f} s")
    for status, count in sorted(statuses.items()):
        print(f"  {status}: {count:,}")
    for line in failures[:20]:
        print("FAILED", line)
    if args.json:
        args.json.write_text(
            json.dumps({"requests": total, "seconds": round(seconds), "statuses": statuses})
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
