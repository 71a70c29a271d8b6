"""What readers search, on the real server (gunicorn, 2 workers): a burst of searches from
several clients, reported at once by either worker with exact counts; then the same
report printed by `python -m indexer analytics` as a process."""

import json
import random
import sqlite3
import threading
import urllib.parse
import urllib.request

import pytest

from indexer.search.analytics import table

from ..servers import call_json, serving_corpus

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKEN = "editor-token"

# (how many times, how): each a search a reader makes, or a request that is not one
BURST = [
    (12, "GET", "/api/search?q=to+chuc+dang"),
    (7, "POST", {"q": "Tổ chức đảng", "per_page": 3}),
    (4, "PAGE", "/?q=" + urllib.parse.quote_plus("tổ chức  đảng")),
    (6, "GET", "/api/search?q=toor+chuwcs+ddangr"),  # searched as "tổ chức đảng"
    (5, "GET", "/api/search?q=xyzzy"),
    (3, "PAGE", "/?q=qwfp&sort=newest"),
    # not searches: second pages and results as you type
    (5, "GET", "/api/search?q=to+chuc+dang&page=2&per_page=2"),
    (5, "PAGE", "/?q=to+chuc&fragment=1"),
]


def send(base: str, how: str, what) -> int:
    if how == "POST":
        return call_json(base, "POST", "/api/search", what)[0]
    with urllib.request.urlopen(base + what, timeout=60) as response:
        response.read()
        return response.status


def report(base: str, query: str = "", token: str | None = TOKEN) -> tuple[int, dict]:
    return call_json(base, "GET", f"/api/analytics/searches{query}", token=token)


def test_a_burst_is_reported_at_once_by_either_worker(tmp_path, cli):
    requests = [(how, what) for times, how, what in BURST for _ in range(times)]
    random.Random(5).shuffle(requests)
    statuses = []
    with serving_corpus(tmp_path, env={"VNSEARCH_WRITE_TOKENS": TOKEN}) as base:
        threads = [
            threading.Thread(
                target=lambda part: statuses.extend(send(base, *r) for r in part),
                args=(requests[n::6],),
            )
            for n in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * len(requests)

        answers = [report(base) for _ in range(6)]  # each worker answers some of them
        assert all(answer == answers[0] for answer in answers)
        status, popular = answers[0]
        assert status == 200 and popular["days"] == 7 and popular["kind"] == "popular"
        assert [(r["query"], r["count"], r["total"]) for r in popular["rows"]] == [
            ("to chuc dang", 12, 5),
            ("Tổ chức đảng", 11, 5),  # 7 typed so, 4 "tổ chức  đảng"
            ("toor chuwcs ddangr", 6, 5),
            ("xyzzy", 5, 0),
            ("qwfp", 3, 0),
        ]
        assert popular["rows"][2]["searched_as"] == "tổ chức đảng"

        status, misses = report(base, "?kind=no_results&days=1")
        assert [(r["query"], r["count"], r["total"]) for r in misses["rows"]] == [
            ("xyzzy", 5, 0),
            ("qwfp", 3, 0),
        ]
        status, slow = report(base, "?kind=slow&limit=3")
        took = sorted((r["took_ms"] for r in popular["rows"]), reverse=True)[:3]
        assert [r["took_ms"] for r in slow["rows"]] == took
        assert {r["query"]: r["count"] for r in slow["rows"]}.items() <= {
            r["query"]: r["count"] for r in popular["rows"]
        }.items()

        assert report(base, token=None)[0] == 401
        assert report(base, token="wrong")[0] == 401
        assert report(base, "?kind=recent")[1]["error"]["code"] == "invalid_kind"

    # nothing of who asked: no address in the file, only the columns of a search
    with sqlite3.connect(tmp_path / "index" / "analytics.sqlite3") as log:
        columns = [c[1] for c in log.execute("PRAGMA table_info(searches)")]
        cells = [str(cell) for row in log.execute("SELECT * FROM searches") for cell in row]
    assert columns == ["day", "query", "form", "normal", "searched_as", "total", "relaxed",
                       "took_ms"]  # fmt: skip
    assert len(cells) == 8 * 37 and not any("127.0.0.1" in cell for cell in cells)

    # the operator's command prints the same report
    index = tmp_path / "index"
    printed = cli("analytics", "--index", index, "--kind", "no_results", "--days", "1")
    assert printed.returncode == 0, printed.stderr
    lines = printed.stdout.splitlines()
    assert lines[0] == f"no_results searches of the last 1 days (since {misses['since']}, UTC)"
    assert lines[1:] == table(misses["rows"]).splitlines()
    assert [line.split()[:3] for line in lines[2:]] == [["xyzzy", "5", "0"], ["qwfp", "3", "0"]]
    as_json = cli("analytics", "--index", index, "--json")
    assert json.loads(as_json.stdout) == popular
    bad = cli("analytics", "--index", index, "--days", "400")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "error: days must be from 1 to 90 (the days kept: VNSEARCH_ANALYTICS_DAYS)"
    )
    empty = cli("analytics", "--index", tmp_path / "elsewhere")
    assert empty.returncode == 0 and empty.stdout.splitlines()[1].startswith("query  count")
    assert f"no searches recorded yet in {tmp_path / 'elsewhere'}" in empty.stderr
