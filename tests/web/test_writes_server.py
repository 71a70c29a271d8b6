"""Writes over HTTP on the real server (gunicorn, 2 workers): seen by searches without
waiting, kept through kill -9, through a CLI rebuild, and under load beside searches."""

import json
import random
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from indexer.whoosh import storage
from indexer.whoosh.apply import journal_of, pending
from indexer.whoosh.build import build

from ..conftest import CORPUS, ROOT
from ..servers import call_json, environment, killed, serving

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKEN = "newsroom-token"
ENV = {"VNSEARCH_WRITE_TOKENS": TOKEN}
VISIBLE_WITHIN = 15.0  # seconds a test waits for a write to be seen (bench/ measures it)


def call(base, method, path, body=None, content_type="application/json", token=TOKEN):
    """(status, JSON answer) of one request, with the newsroom's token unless told."""
    return call_json(base, method, path, body, token, content_type)


def search_ids(base, q: str, per_page: int = 50) -> list[str]:
    query = urllib.parse.urlencode({"q": q, "per_page": per_page})
    status, answer = call(base, "GET", f"/api/search?{query}", token=None)
    assert status == 200, answer
    return [hit["id"] for hit in answer["hits"]]


def document_status(base, doc_id: str) -> int:
    return call(base, "GET", "/api/documents/" + urllib.parse.quote(doc_id, safe=""), token=None)[0]


def eventually(check, seconds: float = VISIBLE_WITHIN):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not seen in time"
        time.sleep(0.1)


def articles(count: int, seed: int = 3) -> list[dict]:
    """*count* articles made of the seed articles' paragraphs, each with a word of its own."""
    paragraphs = [
        p.strip()
        for path in sorted(CORPUS.glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if len(p.strip()) > 80
    ]
    rng = random.Random(seed)
    made = []
    for number in range(count):
        body = "\n\n".join(rng.sample(paragraphs, 3))
        made.append({"id": f"cms-{number:05d}", "text": f"Bản tin số {number}.\n\n{body}"})
    return made


@pytest.fixture
def index(tmp_path):
    build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    return tmp_path / "index"


def test_writes_are_seen_by_searches_without_waiting(index):
    with serving(index, env=ENV) as base:
        status, answer = call(base, "GET", "/api/tasks/1")
        assert status == 404
        body = {"id": "lua-1", "text": "Giá lúa gạo tại đồng bằng sông Cửu Long tăng mạnh."}
        status, answer = call(base, "POST", "/api/documents", body)
        assert status == 202 and answer["accepted"] == 1 and answer["status"] == "queued"
        eventually(lambda: "lua-1" in search_ids(base, "gia lua gao"))
        assert call(base, "GET", f"/api/tasks/{answer['task']}")[1]["status"] == "applied"

        body = {"text": "Giá cà phê tại Tây Nguyên giảm sâu."}
        assert call(base, "PUT", "/api/documents/lua-1", body)[0] == 202
        eventually(lambda: "lua-1" in search_ids(base, "cà phê Tây Nguyên"))
        # each worker follows the index within a second: each request may meet either
        eventually(lambda: all("lua-1" not in search_ids(base, "lúa gạo") for _ in range(6)))

        assert call(base, "DELETE", "/api/documents/lua-1")[0] == 202
        eventually(lambda: all(document_status(base, "lua-1") == 404 for _ in range(6)))
        assert all("lua-1" not in search_ids(base, "cà phê Tây Nguyên") for _ in range(6))

        # the read API stays open; writes are not
        assert call(base, "POST", "/api/documents", body, token="wrong")[0] == 401
        assert call(base, "POST", "/api/documents", body, token=None)[0] == 401
    log = next(index.parent.glob("server-*.log")).read_text(errors="replace")
    assert "POST /api/documents" in log and TOKEN not in log  # tokens are never logged


def test_workers_take_over_when_the_writer_process_dies(index):
    import os
    import re
    import signal

    with serving(index, env=ENV) as base:
        log = next(index.parent.glob("server-*.log")).read_text(errors="replace")
        pid = int(re.search(r"writer process (\d+) applies", log).group(1))
        os.kill(pid, signal.SIGKILL)
        body = {"id": "orphan", "text": "Đường dây nóng tiếp nhận phản ánh của người dân."}
        assert call(base, "POST", "/api/documents", body)[0] == 202
        eventually(lambda: document_status(base, "orphan") == 200, 60)


def test_acknowledged_writes_survive_kill_9(index):
    docs = articles(200)
    with serving(index, env=ENV) as base:
        statuses = []

        def writer(part):
            for doc in part:
                statuses.append(call(base, "POST", "/api/documents", doc)[0])

        # holding the index's lock (as a CLI update would) keeps every write unapplied,
        # so that all 200 are only in the journal when the server dies
        with storage.locked(index):
            threads = [threading.Thread(target=writer, args=(docs[i::4],)) for i in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            killed(base)
    assert statuses == [202] * 200
    assert pending(index)
    assert journal_of(index).last() == 200
    with serving(index, env=ENV) as base:
        eventually(lambda: all(document_status(base, d["id"]) == 200 for d in docs), 60)
        assert call(base, "GET", "/healthz")[1]["documents"] == 205
        assert "cms-00123" in search_ids(base, "bản tin số 123", per_page=10)


def test_a_write_during_a_cli_rebuild_is_not_lost(index, tmp_path, news_sample):
    news = tmp_path / "news.jsonl"
    with news.open("w", encoding="utf-8") as out:
        for number, text in enumerate(news_sample * 3):  # a rebuild of some seconds
            out.write(json.dumps({"id": f"news-{number}", "text": text}, ensure_ascii=False) + "\n")
    with serving(index, env=ENV) as base:
        before = {"id": "before", "text": "Đội tuyển bóng đá Việt Nam thắng đậm Lào."}
        assert call(base, "POST", "/api/documents?wait=true", before)[0] == 200
        rebuild = subprocess.Popen(
            [sys.executable, "-m", "indexer", "build", "--index", str(index), "--quiet",
             "--workers", "1", str(CORPUS), str(news)],
            cwd=ROOT, env=environment(), stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(1.0)  # the rebuild holds the index's lock now
        assert rebuild.poll() is None, "the rebuild ended before the write"
        during = {"id": "during", "text": "Mưa lớn gây ngập sâu nhiều tuyến phố ở Huế."}
        status, answer = call(base, "POST", "/api/documents", during)
        assert status == 202
        _, errors = rebuild.communicate(timeout=600)
        assert rebuild.returncode == 0, errors
        eventually(lambda: document_status(base, "during") == 200, 60)
        assert document_status(base, "before") == 200  # the rebuild replayed the journal
        assert document_status(base, "news-10") == 200 and document_status(base, CORPUS_ID) == 200
        assert call(base, "GET", f"/api/tasks/{answer['task']}")[1]["status"] == "applied"


CORPUS_ID = "002_abb0d72e086358a6"


def test_writers_and_searchers_at_once(index):
    """4 writers post 2,000 articles in batches while 8 clients search: no request fails,
    and every article is there at the end."""
    docs = articles(2000, seed=5)
    batches = [docs[i : i + 50] for i in range(0, len(docs), 50)]
    failures: list = []
    searches = []
    done = threading.Event()
    with serving(index, env=ENV) as base:

        def writer(mine):
            for batch in mine:
                status, answer = call(base, "POST", "/api/documents", batch)
                if status != 202 or answer["accepted"] != len(batch):
                    failures.append((status, answer))

        def searcher(seed):
            rng = random.Random(seed)
            words = ["hội nghị", "ban chấp hành", "to chuc dang", "tỉnh ủy", "bản tin số 7"]
            while not done.is_set():
                query = urllib.parse.urlencode({"q": rng.choice(words)})
                status, answer = call(base, "GET", f"/api/search?{query}", token=None)
                searches.append(status)
                if status != 200:
                    failures.append((status, answer))

        searchers = [threading.Thread(target=searcher, args=(n,)) for n in range(8)]
        writers = [threading.Thread(target=writer, args=(batches[i::4],)) for i in range(4)]
        for thread in searchers + writers:
            thread.start()
        for thread in writers:
            thread.join()
        eventually(lambda: all(document_status(base, d["id"]) == 200 for d in docs), 300)
        done.set()
        for thread in searchers:
            thread.join()
        assert failures == []
        assert len(searches) > 50
        assert call(base, "GET", "/healthz")[1]["documents"] == 2005
