"""Synonyms and curations on the real server (gunicorn, 2 workers), on both backends: a
rule written through one request holds for every search after it, whichever worker
answers, and after a rebuild of the index by the command line."""

import subprocess
import sys
import urllib.parse
import urllib.request
import uuid

import pytest

from indexer.opensearch.backend import OpenSearchBackend
from indexer.whoosh.build import build

from ..conftest import BACKENDS, CORPUS, ROOT
from ..servers import call_json, environment, serving

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKEN = "editors-token"
ENV = {"VNSEARCH_WRITE_TOKENS": TOKEN}
SEARCHES = 24  # after each change: with two workers, both answer some of them
ARTICLES = [
    {"id": "hcm-1", "text": "Giá thuê nhà ở Sài Gòn tăng mạnh trong quý ba."},
    {"id": "hcm-2", "text": "Giá thuê nhà tại Thành phố Hồ Chí Minh tăng nhẹ so với cùng kỳ."},
    {"id": "hcm-3", "text": "TP.HCM: giá thuê nhà giảm ở vùng ven."},
    {"id": "hn-1", "text": "Giá thuê nhà ở Hà Nội đi ngang."},
]


@pytest.fixture(params=BACKENDS)
def served(request, tmp_path):
    """(base URL, the command that rebuilds the index) of a server over the seed corpus
    and ARTICLES, written over HTTP."""
    if request.param == "whoosh":
        index = tmp_path / "index"
        build(index, [CORPUS], workers=1, quiet=True)
        target, options, backend = str(index), [], None
    else:
        urls = request.getfixturevalue("opensearch_urls")
        target = f"test-editorial-server-{uuid.uuid4().hex[:8]}"
        backend = OpenSearchBackend(urls, target)
        backend.build([CORPUS], workers=1, quiet=True)
        options = ["--backend", "opensearch", "--opensearch-url", urls]
    rebuild = [sys.executable, "-m", "indexer", "build", "--index", target, "--quiet",
               "--workers", "1", *options, str(CORPUS)]  # fmt: skip
    with serving(target, workers=2, env=ENV, opensearch=options[-1] if options else None) as base:
        status, answer = call_json(base, "POST", "/api/documents?wait=true", ARTICLES, TOKEN)
        assert status == 200 and answer["status"] == "applied", answer
        yield base, rebuild
    if backend is not None:
        backend.delete()
        backend.close()


def searched(base, q: str) -> list[dict]:
    query = urllib.parse.urlencode({"q": q, "per_page": 20, "collapse": "false"})
    status, answer = call_json(base, "GET", f"/api/search?{query}")
    assert status == 200, answer
    return answer["hits"]


def every_search(base, q: str) -> list[list[str]]:
    """The ids each of SEARCHES searches of *q* found, one connection each."""
    return [[hit["id"] for hit in searched(base, q)] for _ in range(SEARCHES)]


def test_a_synonym_holds_at_once_on_every_worker_and_after_a_rebuild(served):
    base, rebuild = served
    assert {tuple(sorted(ids)) for ids in every_search(base, "thuê nhà Sài Gòn")} == {("hcm-1",)}
    group = {"words": ["TP.HCM", "Thành phố Hồ Chí Minh", "Sài Gòn"]}
    status, answer = call_json(base, "PUT", "/api/synonyms/hcm", group, TOKEN)
    assert status == 201, answer
    expected = ("hcm-1", "hcm-2", "hcm-3")
    assert {tuple(sorted(ids)) for ids in every_search(base, "thuê nhà Sài Gòn")} == {expected}
    done = subprocess.run(rebuild, cwd=ROOT, env=environment(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # the articles again (a Whoosh rebuild replays its journal; a cluster's rebuild reads
    # only its sources): the rules are what is tested here
    status, answer = call_json(base, "POST", "/api/documents?wait=true", ARTICLES, TOKEN)
    assert status == 200 and answer["status"] == "applied", answer
    assert {tuple(sorted(ids)) for ids in every_search(base, "thue nha sai gon")} == {expected}
    status, listed = call_json(base, "GET", "/api/synonyms", token=TOKEN)
    assert listed == {"synonyms": [{"id": "hcm", **group}]}
    assert call_json(base, "DELETE", "/api/synonyms/hcm", token=TOKEN)[0] == 200
    assert {tuple(sorted(ids)) for ids in every_search(base, "thuê nhà Sài Gòn")} == {("hcm-1",)}


def test_a_pin_and_a_hide_hold_at_once_on_every_worker(served):
    base, _ = served
    plain = [hit["id"] for hit in searched(base, "giá thuê nhà")]
    assert sorted(plain) == ["hcm-1", "hcm-2", "hcm-3", "hn-1"]
    rule = {"query": "thuê nhà giá", "pin": ["hn-1", "missing", "hcm-3"], "hide": ["hcm-1"]}
    status, answer = call_json(base, "PUT", "/api/curations/rent", rule, TOKEN)
    assert status == 201, answer
    rest = [i for i in plain if i not in ("hn-1", "hcm-3", "hcm-1")]
    for _ in range(SEARCHES):
        hits = searched(base, "gia thue nha")
        assert [(h["id"], h["pinned"]) for h in hits] == [
            ("hn-1", True),
            ("hcm-3", True),
            *[(i, False) for i in rest],
        ]
    with urllib.request.urlopen(base + "/?q=gi%C3%A1+thu%C3%AA+nh%C3%A0") as response:
        page = response.read().decode("utf-8")  # the page says which hits an editor chose
    assert page.count('class="pinned">Biên tập chọn<') == 2
    assert page.index("/doc/hn-1") < page.index("/doc/hcm-3") < page.index("/doc/hcm-2")
    assert call_json(base, "DELETE", "/api/curations/rent", token=TOKEN)[0] == 200
    assert {tuple(h["id"] for h in searched(base, "giá thuê nhà")) for _ in range(8)} == {
        tuple(plain)
    }
