"""The production server over HTTP: it follows rebuilds and updates without failing a request."""

import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from indexer.whoosh.build import build
from indexer.whoosh.format import TEMPORARY_FOLDER

from ..servers import ROOT, environment, serving

pytestmark = pytest.mark.server  # starts python -m webapp (gunicorn)


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Hammer(threading.Thread):
    """Search continuously; record every status and which index answered."""

    def __init__(self, base: str, query: str):
        super().__init__(daemon=True)
        self.url = f"{base}/api/search?" + urllib.parse.urlencode({"q": query})
        self.statuses: list[int] = []
        self.totals: set[int] = set()
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            status, data = get(self.url)
            self.statuses.append(status)
            if status == 200:
                self.totals.add(data["total"])


def indexer(*args):
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
    )


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder)
    build(tmp_path / "index", [folder], workers=1, quiet=True)
    return folder


def wait_for(predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_rebuild_and_update_are_served_without_restart_or_failure(tmp_path, corpus):
    index = tmp_path / "index"
    with serving(index) as base:
        hammer = Hammer(base, "hội nghị")
        hammer.start()
        try:
            assert get(base + "/healthz")[1]["documents"] == 5
            (corpus / "005_moi.txt").write_text(
                "Tin mới\n\nHội nghị bàn về chuyển đổi số ở Cần Thơ.\n", encoding="utf-8"
            )
            result = indexer("build", "--index", str(index), str(corpus), "--workers", "1")
            assert result.returncode == 0, result.stderr
            assert wait_for(lambda: get(base + "/healthz")[1]["documents"] == 6)
            status, data = get(base + "/api/search?q=chuyen+doi+so")
            assert status == 200 and data["hits"][0]["id"] == "005_moi"

            (corpus / "003_483ea6bfdeb6afd9.txt").unlink()
            result = indexer("update", "--index", str(index), str(corpus), "--workers", "1")
            assert result.returncode == 0, result.stderr
            assert wait_for(lambda: get(base + "/healthz")[1]["documents"] == 5)
            assert get(base + "/api/documents/003_483ea6bfdeb6afd9")[0] == 404
        finally:
            hammer.stop.set()
            hammer.join(timeout=20)
    assert len(hammer.statuses) > 10
    assert set(hammer.statuses) == {200}
    assert hammer.totals <= {5, 6}  # every answer came whole from the old or the new index


def test_a_killed_rebuild_never_disturbs_the_server(tmp_path, corpus, seed_texts):
    index = tmp_path / "index"
    big = tmp_path / "big.jsonl"
    texts = list(seed_texts.values())
    with big.open("w", encoding="utf-8") as out:
        for i in range(2000):  # long enough to be killed half-way
            out.write(
                json.dumps({"id": f"copy-{i}", "text": texts[i % 5]}, ensure_ascii=False) + "\n"
            )
    with serving(index) as base:
        hammer = Hammer(base, "tổ chức")
        hammer.start()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "indexer",
                    "build",
                    "--index",
                    str(index),
                    str(big),
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                env=environment(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            assert wait_for(lambda: any(index.glob(f"building-*/{TEMPORARY_FOLDER}")), seconds=60)
            time.sleep(0.5)
            process.kill()  # SIGKILL: no clean-up of any kind
            process.wait(timeout=30)
            assert get(base + "/healthz")[1]["documents"] == 5  # still the old index

            result = indexer("build", "--index", str(index), str(corpus), "--workers", "1")
            assert result.returncode == 0, result.stderr  # no stale lock in the way
            assert not list(index.glob("building-*"))
        finally:
            hammer.stop.set()
            hammer.join(timeout=20)
    assert len(hammer.statuses) > 10
    assert set(hammer.statuses) == {200}
    assert hammer.totals == {5}


def test_workers_warm_the_index_before_their_first_request(tmp_path, corpus):
    with serving(tmp_path / "index", workers=2) as base:
        status, data = get(f"{base}/api/search?q=t%E1%BB%95+ch%E1%BB%A9c")
        assert status == 200 and data["total"] > 0
        log = tmp_path / f"server-{base.rsplit(':', 1)[1]}.log"
        assert wait_for(lambda: log.read_text().count("index opened and warmed") == 2)
    assert "Traceback" not in log.read_text()


def test_every_api_error_is_json_even_those_gunicorn_answers(tmp_path, corpus):
    long_query = urllib.parse.quote("tổ chức đảng " * 400)  # 5,200 characters, 20 KB encoded
    with serving(tmp_path / "index", workers=1) as base:
        for url in (f"{base}/api/search?q={long_query}", f"{base}/?q={long_query}"):
            try:
                urllib.request.urlopen(url, timeout=10)
                pytest.fail("an over-long request line was answered")
            except urllib.error.HTTPError as error:
                assert error.code == 414
                assert error.headers["Content-Type"] == "application/json"
                assert json.loads(error.read())["error"]["code"] == "uri_too_long"
        request = urllib.request.Request(
            f"{base}/api/search",
            data=json.dumps({"q": "tổ chức đảng " * 70, "per_page": 3}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # the same, posted
            assert response.status == 200 and len(json.loads(response.read())["hits"]) == 3


@pytest.mark.opensearch
def test_the_server_serves_an_opensearch_index(make_backend, opensearch_urls):
    backend = make_backend("opensearch", [ROOT / "corpus"], "served")
    with serving(backend.alias, workers=2, opensearch=opensearch_urls) as base:
        status, data = get(f"{base}/api/search?q=to+chuc+dang&per_page=2")
        assert status == 200 and data["total"] == 5 and data["suggestion"] == "tổ chức đảng"
        assert "<mark>" in data["hits"][0]["snippet"]
        status, health = get(f"{base}/healthz")
        assert status == 200 and health["documents"] == 5
        status, found = get(f"{base}/api/suggest?q=pham+minh+ch")
        assert found["suggestions"][0] == "Phạm Minh Chính"


def test_the_access_log_names_no_one(tmp_path):
    """Each request is logged without the client's address, user agent or referrer."""
    index = tmp_path / "index"
    build(index, [ROOT / "corpus"], workers=1, quiet=True)
    with serving(index, workers=1) as base:
        request = urllib.request.Request(
            f"{base}/api/search?q=h%E1%BB%99i+ngh%E1%BB%8B",
            headers={"User-Agent": "reader-agent/1.0", "Referer": "http://referrer.example/"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        port = base.rsplit(":", 1)[1]
        deadline = time.monotonic() + 10
        while True:  # gunicorn writes the line once the answer is sent
            logged = (tmp_path / f"server-{port}.log").read_text(encoding="utf-8")
            lines = [line for line in logged.splitlines() if '"GET /api/search?q=' in line]
            if lines or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    assert len(lines) == 1, logged
    # the time, the request line, the status, the size, the seconds: nothing more
    assert re.fullmatch(r'\[[^\]]+\] "GET /api/search\?q=\S+ HTTP/1\.1" 200 \d+ \d+\.\d+', lines[0])
    for who in ("127.0.0.1", "reader-agent", "referrer.example"):
        assert who not in lines[0]
