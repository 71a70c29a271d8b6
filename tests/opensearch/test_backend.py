"""The OpenSearch backend on the local cluster: builds, updates, the alias, a lost node."""

import json
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from indexer.indexing.errors import IndexBusy, IndexNotFound
from indexer.opensearch import locks
from indexer.opensearch.backend import OpenSearchBackend
from indexer.opensearch.client import ClusterError, path

from ..conftest import CORPUS, ROOT

pytestmark = pytest.mark.opensearch

SEED_IDS = {p.stem for p in CORPUS.glob("*.txt")}


@pytest.fixture
def backend(opensearch_urls):
    made = OpenSearchBackend(opensearch_urls, f"test-{uuid.uuid4().hex[:8]}")
    yield made
    made.delete()
    made.close()


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def ids(result):
    return {hit.id for hit in result.hits}


def test_no_index_yet_is_index_not_found(backend):
    with pytest.raises(IndexNotFound, match="python -m indexer build --backend opensearch"):
        backend.search(q="tổ chức")
    assert backend.warm() is False


def test_a_rebuild_moves_the_alias_in_one_step(backend, corpus):
    assert backend.build([corpus], workers=1, quiet=True).published
    first = backend.current()
    (corpus / "new.txt").write_text("Tin mới\n\nHội nghị tổ chức ở Gia Lai.\n", encoding="utf-8")
    totals, errors, stop = set(), [], threading.Event()

    def search():
        while not stop.is_set():
            try:
                totals.add(backend.search(q="", per_page=1).total)
            except Exception as error:
                errors.append(repr(error))

    reader = threading.Thread(target=search)
    reader.start()
    try:
        assert backend.build([corpus], workers=2, quiet=True).published
        time.sleep(1.5)  # the reader's view follows the alias within a second
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert totals <= {5, 6} and 6 in totals  # the old index, then the new one, never half
    assert backend.current() != first
    aliased = backend.cluster.request("GET", path("_alias", backend.alias))
    assert list(aliased) == [backend.current()]


def test_an_update_adds_replaces_and_deletes_by_content(backend, corpus):
    backend.build([corpus], workers=1, quiet=True)
    unchanged = backend.update([corpus], workers=1, quiet=True)
    assert (unchanged.indexed, unchanged.unchanged, unchanged.deleted) == (0, 5, 0)
    (corpus / "000_50d02545dceeb243.txt").unlink()
    changed = corpus / "001_cb7a5b37da5bff54.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nĐoạn mới về xylophone.\n")
    (corpus / "new.txt").write_text("Tin mới\n\nHội nghị bàn về xylophone.\n", encoding="utf-8")
    summary = backend.update([corpus], workers=2, quiet=True)
    assert (summary.indexed, summary.unchanged, summary.deleted) == (2, 3, 1)
    assert backend.documents() == 5
    assert ids(backend.search(q="xylophone")) == {"001_cb7a5b37da5bff54", "new"}
    assert backend.document("000_50d02545dceeb243") is None
    stats = backend.stats()
    assert stats["documents"] == 5 and stats["last_update"]["deleted"] == 1
    assert stats["status"] == "green" and stats["shards"] == 3


def test_of_two_records_with_one_id_the_later_wins(backend, tmp_path):
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"id": "x", "text": "Bản đầu tiên về hội nghị."}) + "\n")
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps({"id": "x", "text": "Bản sau cùng về đại hội."}) + "\n")
    backend.build([first, second], workers=2, quiet=True)
    assert "sau cùng" in backend.document("x").text
    backend.update([second, first], workers=1, quiet=True)  # the unchanged one comes last
    assert "đầu tiên" in backend.document("x").text


def test_one_writer_at_a_time(backend, corpus):
    lock = path(locks.LOCKS, "_doc", backend.alias)
    holder = {"host": __import__("socket").gethostname(), "pid": 1, "since": time.time()}
    backend.cluster.request("PUT", lock, holder, params={"refresh": "true"})
    with pytest.raises(IndexBusy, match="process 1"):
        backend.build([corpus], workers=1, quiet=True)
    dead = dict(holder, pid=2**22 + 12345)  # no such process: a build that was killed
    backend.cluster.request("PUT", lock, dead, params={"refresh": "true"})
    assert backend.build([corpus], workers=1, quiet=True).published  # taken over
    found = backend.cluster.request("GET", lock, ok=(404,))
    assert not found.get("found")  # released


def test_the_command_line_builds_and_searches_the_cluster(cli, opensearch_urls, tmp_path):
    alias = f"test-cli-{uuid.uuid4().hex[:8]}"
    common = ["--backend", "opensearch", "--opensearch-url", opensearch_urls, "--index", alias]
    try:
        built = cli("build", *common, CORPUS, "--workers", "1", "--quiet")
        assert built.returncode == 0, built.stderr
        found = cli("search", *common, "--json", "to chuc dang")
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["total"] == 5
        stats = cli("stats", *common)
        assert json.loads(stats.stdout)["documents"] == 5
        env = {"VNSEARCH_BACKEND": "opensearch", "VNSEARCH_OPENSEARCH_URL": opensearch_urls}
        assert cli("stats", "--index", alias, env=env).returncode == 0  # the settings too
    finally:
        removed = OpenSearchBackend(opensearch_urls, alias)
        removed.delete()
        removed.close()


# --- a node lost ------------------------------------------------------------------------


def _cluster_tool(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "opensearch.py"), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow  # 20 s of searching without a node, then its restart
def test_searches_go_on_while_a_node_is_lost(backend, corpus):
    backend.build([corpus], workers=1, quiet=True)  # 3 shards, 1 replica each
    pid = int(Path(ROOT / "var" / "opensearch" / "n2.pid").read_text().split()[0])
    failures, totals, stop = [], [], threading.Event()

    def search():
        while not stop.is_set():
            try:
                result = backend.search(q="tổ chức", per_page=5)
                totals.append(result.total)
            except (ClusterError, OSError) as error:
                failures.append(repr(error))

    reader = threading.Thread(target=search)
    reader.start()
    try:
        time.sleep(1)
        subprocess.run(["kill", str(pid)], check=True)  # n2 goes away
        time.sleep(2)
        (corpus / "during.txt").write_text("Tin viết khi mất một nút\n\nHội nghị tổ chức.\n")
        assert backend.update([corpus], workers=1, quiet=True).indexed == 1  # a write, now
        time.sleep(18)
    finally:
        stop.set()
        reader.join()
        restarted = _cluster_tool("up")
    assert failures == []
    assert len(totals) > 20 and set(totals) <= {5, 6}  # no document ever missing
    assert restarted.returncode == 0, restarted.stderr
    health = backend.cluster.request(
        "GET", "/_cluster/health", params={"wait_for_status": "green", "timeout": "120s"}
    )
    assert health["status"] == "green" and health["number_of_nodes"] == 3
    assert "during" in ids(backend.search(q="mất một nút"))  # the write was not lost
