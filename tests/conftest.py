"""Shared fixtures: the seed corpus, a sample of real news, temporary folders."""

from __future__ import annotations

import gzip
import itertools
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# The benchmark data sits beside the project (../shared/data); a clone elsewhere on this
# machine still finds it at the workplace's own path, or where VNSEARCH_SHARED_DATA says.
SHARED_DATA = next(
    (
        path
        for path in (
            Path(os.environ.get("VNSEARCH_SHARED_DATA", ROOT.parent / "shared" / "data")),
            Path("/work/shared/data"),
        )
        if path.exists()
    ),
    ROOT.parent / "shared" / "data",
)
BAOMOI = SHARED_DATA / "baomoi-35k.jsonl.gz"


def pytest_collection_modifyitems(items):
    """Tests that run `python -m indexer` as a process (the cli fixture) are slow."""
    for item in items:
        if "cli" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The five seed articles, by file stem."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def news_sample() -> list[str]:
    """The first 150 articles of the benchmark news set (skipped where it is absent)."""
    if not BAOMOI.exists():
        pytest.skip(f"{BAOMOI} is not on this machine")
    with gzip.open(BAOMOI, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in itertools.islice(lines, 150)]


# --- indexing: copies of the corpus, built indexes, the command line --------------------


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the seed corpus folder."""
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the seed corpus, built once and shared: only read it."""
    from indexer.whoosh.build import build

    index = tmp_path_factory.mktemp("seed") / "index"
    summary = build(index, [CORPUS], workers=1, quiet=True)
    assert summary.published and summary.indexed == 5
    return index


@pytest.fixture
def write_jsonl():
    """Write JSON Lines: dicts are dumped, strings written as they are; .gz is compressed."""

    def write(path: Path, *rows) -> Path:
        lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
        return path

    return write


# --- both backends ------------------------------------------------------------------------

OPENSEARCH_URLS = os.environ.get(
    "VNSEARCH_TEST_OPENSEARCH_URL",
    "http://127.0.0.1:9201,http://127.0.0.1:9202,http://127.0.0.1:9203",
)
# Parametrise a fixture with these to run its tests on every backend.
BACKENDS = ["whoosh", pytest.param("opensearch", marks=pytest.mark.opensearch)]


@pytest.fixture(scope="session")
def opensearch_urls() -> str:
    """The local cluster's nodes (`make opensearch-up`; `make test` starts it). Without
    it the OpenSearch tests fail: a skip would hide a missing install step."""
    from indexer.opensearch.client import Cluster, ClusterError

    cluster = Cluster(OPENSEARCH_URLS)
    try:
        health = cluster.request("GET", "/_cluster/health")
    except ClusterError as error:
        pytest.fail(f"no OpenSearch cluster at {OPENSEARCH_URLS} (make opensearch-up): {error}")
    finally:
        cluster.close()
    assert health["number_of_nodes"] >= 1, health
    return OPENSEARCH_URLS


@pytest.fixture(scope="session", autouse=True)
def no_search_logs_left():
    """An app of the OpenSearch backend records its searches in var/analytics-<alias>.sqlite3
    by default (indexer.open_search_log); the tests' aliases begin with "test-": their logs
    go at the end of the run."""
    yield
    for path in (ROOT / "var").glob("analytics-test-*.sqlite3*"):
        path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def make_backend(tmp_path_factory, request):
    """make(kind, sources, name) -> a Backend ("whoosh" or "opensearch") over an index of
    *sources*, built for the tests; the OpenSearch indexes are deleted at the end."""
    import uuid

    from indexer.opensearch.backend import OpenSearchBackend
    from indexer.whoosh.backend import WhooshBackend

    made = []

    def make(kind: str, sources, name: str = "index"):
        if kind == "whoosh":
            backend = WhooshBackend(tmp_path_factory.mktemp(name) / "index")
        else:
            urls = request.getfixturevalue("opensearch_urls")
            backend = OpenSearchBackend(urls, f"test-{name}-{uuid.uuid4().hex[:8]}".lower())
        summary = backend.build(list(sources), workers=1, quiet=True)
        assert summary.published, summary.problems
        made.append(backend)
        return backend

    yield make
    for backend in made:
        if hasattr(backend, "delete"):
            backend.delete()
        backend.close()


@pytest.fixture(scope="session")
def cli():
    """Run `python -m indexer ARGS` as a process from the project folder, output captured.

    VNSEARCH_* settings of the calling shell are left out, so runs see the defaults.
    """
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("VNSEARCH_")}
    env["PYTHONPATH"] = str(ROOT)

    def run(*args, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "indexer", *map(str, args)],
            cwd=ROOT,
            env={**env, **kwargs.pop("env", {})},
            capture_output=True,
            text=True,
            timeout=300,  # a hung process fails the test instead of the whole run
            **kwargs,
        )

    return run
