"""Backups as an operator meets them, on both backends: `python -m indexer snapshot` (a
process) while four writers post to the real server (gunicorn), `restore` (a process),
and the restored index served and asked query by query against a reference made of
exactly the tasks the snapshot says it holds; the journal's size over ten rebuilds with
writes between them; outcomes pruned after VNSEARCH_TASKS_DAYS."""

import json
import os
import random
import threading
import time
import urllib.parse
import uuid

import pytest

from indexer.indexing.writes import put
from indexer.opensearch.backend import OpenSearchBackend
from indexer.opensearch.writes import TASKS
from indexer.search.request import SearchRequest
from indexer.search.results import to_json
from indexer.whoosh import apply, build
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.journal import Base, Position

from ..conftest import CORPUS
from ..servers import call_json, serving

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKEN = "backup-token"
ENV = {"VNSEARCH_WRITE_TOKENS": TOKEN, "VNSEARCH_ANALYTICS": "0"}
WRITERS = 4
BEFORE = 6  # tasks each writer posts before the snapshot begins
AFTER = 4  # and after it ended
# (q, sort, collapse): every query compared page by page, the restored index's answers
# over HTTP against the reference's
QUERIES = [
    ("bản tin", "relevance", True),
    ("ban tin so", "relevance", False),
    ("to chuc dang", "relevance", True),
    ("người viết 2", "relevance", True),
    ("hội nghị", "relevance", False),
    ("Cà Mau", "newest", True),
    ("", "oldest", False),
]
PARAGRAPHS = [
    p.strip()
    for path in sorted(CORPUS.glob("*.txt"))
    for p in path.read_text(encoding="utf-8").split("\n\n")
    if len(p.strip()) > 80
]


def article(writer: int, number: int) -> dict:
    """A new article of *writer* (writers only add: no replaced document weighs in the
    statistics, so a reference made otherwise ranks alike)."""
    rng = random.Random(writer * 1000 + number)
    body = "\n\n".join(rng.sample(PARAGRAPHS, 2))
    text = f"Bản tin số {writer}{number:03d} của người viết {writer}.\n\n{body}"
    return {"id": f"w{writer}-{number:03d}", "text": text}


class Writers:
    """WRITERS threads posting batches of 3 new articles to the server at *base* until
    stopped; written[task] = the articles of each task acknowledged."""

    def __init__(self, base: str):
        self.base = base
        self.written: dict[int, list[dict]] = {}
        self.during: list[int] = []  # tasks acknowledged while a snapshot ran
        self.snapshotting = False
        self.failures: list = []
        self.stop = threading.Event()
        self.counts = [0] * WRITERS
        self.threads = [threading.Thread(target=self.write, args=(w,)) for w in range(WRITERS)]

    def write(self, writer: int) -> None:
        number = 0
        while not self.stop.is_set():
            batch = [article(writer, number + k) for k in range(3)]
            number += 3
            status, answer = call_json(self.base, "POST", "/api/documents", batch, TOKEN)
            if status != 202 or answer.get("accepted") != 3:
                self.failures.append((status, answer))
                return
            self.written[answer["task"]] = batch
            if self.snapshotting:
                self.during.append(answer["task"])
            self.counts[writer] += 1
            time.sleep(0.02)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_for(self, tasks: int) -> None:
        deadline = time.monotonic() + 120
        while min(self.counts) < tasks and not self.failures:
            assert time.monotonic() < deadline, "the writers are stuck"
            time.sleep(0.05)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        assert self.failures == []


def http_answers(base: str) -> list:
    """Every query of QUERIES, every page, as the server at *base* answers it."""
    found = []
    for q, sort, collapse in QUERIES:
        page, pages = 1, 1
        while page <= pages:
            params = {"q": q, "sort": sort, "collapse": str(collapse).lower(), "per_page": 100}
            query = urllib.parse.urlencode({**params, "page": page})
            status, answer = call_json(base, "GET", f"/api/search?{query}")
            assert status == 200, answer
            found.append(_kept(answer))
            pages = answer["pages"]
            page += 1
    return found


def library_answers(backend) -> list:
    """The same, asked of *backend* in this process."""
    found = []
    for q, sort, collapse in QUERIES:
        page, pages = 1, 1
        while page <= pages:
            request = SearchRequest(q=q, sort=sort, collapse=collapse, per_page=100, page=page)
            answer = to_json(backend.search(request))
            found.append(_kept(answer))
            pages = answer["pages"]
            page += 1
    return found


def _kept(answer: dict) -> dict:
    """What must be the same: the total, the ids in order, their stories, what was read."""
    return {
        "query": answer["query"],
        "page": answer["page"],
        "total": answer["total"],
        "stories": answer.get("stories"),
        "ids": [(hit["id"], hit["story"]) for hit in answer["hits"]],
        "searched_as": answer["searched_as"],
        "relaxed": answer["relaxed"],
    }


def snapshot_while_writing(base: str, cli, index_args: list, out) -> tuple[dict, Writers]:
    """Four writers post to *base*; `snapshot` runs among them; return its manifest."""
    writers = Writers(base)
    writers.start()
    try:
        writers.wait_for(BEFORE)
        writers.snapshotting = True
        done = cli("snapshot", *index_args, out)
        writers.snapshotting = False
        assert done.returncode == 0, done.stderr
        before = list(writers.counts)
        writers.wait_for(max(before) + AFTER)
    finally:
        writers.finish()
    made = json.loads(done.stdout)
    assert writers.during, "no write was taken while the snapshot ran"
    assert 0 < made["task"] < max(writers.written)  # tasks before it and after it
    return made, writers


def test_a_snapshot_taken_while_writers_write_restores_exactly_its_tasks(tmp_path, cli):
    index = tmp_path / "index"
    build.build(index, [CORPUS], workers=1, quiet=True)
    out = tmp_path / "backup.tar"
    with serving(index, env=ENV) as base:
        made, writers = snapshot_while_writing(base, cli, ["--index", index], out)
    held = {task for task in writers.written if task <= made["task"]}
    assert made["documents"] == 5 + 3 * len(held)
    restored = tmp_path / "restored"
    done = cli("restore", out, "--index", restored)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["task"] == made["task"]

    reference = tmp_path / "reference"  # the seed corpus and exactly the tasks held
    build.build(reference, [CORPUS], workers=1, quiet=True)
    journal = apply.journal_of(reference)
    for task in sorted(held):
        journal.append([put(doc) for doc in writers.written[task]], [])
    while apply.apply_pending(reference):
        pass
    expected = WhooshBackend(reference)
    wanted = library_answers(expected)
    expected.close()
    with serving(restored, env=ENV) as base:
        assert http_answers(base) == wanted
        status, answer = call_json(base, "GET", f"/api/tasks/{made['task']}", token=TOKEN)
        assert status == 200 and answer["status"] == "applied"
        later = made["task"] + 1  # written to the original after the snapshot
        assert call_json(base, "GET", f"/api/tasks/{later}", token=TOKEN)[0] == 404
        body = {"id": "after-restore", "text": "Tin mới sau khi khôi phục bản sao."}
        status, answer = call_json(base, "POST", "/api/documents?wait=true", body, TOKEN)
        assert status == 200 and answer["task"] == made["task"] + 1


@pytest.mark.opensearch
def test_an_opensearch_snapshot_taken_while_writers_write_restores_exactly(
    tmp_path, cli, opensearch_urls
):
    alias = f"test-backup-{uuid.uuid4().hex[:8]}"
    made_backends = [OpenSearchBackend(opensearch_urls, name) for name in (alias, alias + "-r")]
    reference = OpenSearchBackend(opensearch_urls, alias + "-ref")
    made_backends.append(reference)
    try:
        made_backends[0].build([CORPUS], workers=1, quiet=True)
        rules = {"synonyms": [{"id": "hcm", "words": ["TP.HCM", "Sài Gòn"]}], "curations": []}
        for name in (alias, alias + "-ref"):  # the reference has the same rules
            made_backends[0].cluster.request(
                "PUT", f"/vnsearch_editorial/_doc/{name}", rules, params={"refresh": "true"}
            )
        flags = ["--backend", "opensearch", "--opensearch-url", opensearch_urls]
        out = tmp_path / "backup.tar"
        with serving(alias, opensearch=opensearch_urls, env=ENV) as base:
            made, writers = snapshot_while_writing(base, cli, [*flags, "--index", alias], out)
        assert made["editorial"] == rules
        mine = sorted(writers.written)  # the cluster numbers other aliases' tasks too
        held = [task for task in mine if task <= made["task"]]
        assert held and len(held) < len(mine)
        assert made["documents"] == 5 + 3 * len(held)
        done = cli("restore", out, *flags, "--index", alias + "-r")
        assert done.returncode == 0, done.stderr
        refused = cli("restore", out, *flags, "--index", alias + "-r")
        assert refused.returncode == 2 and "--force" in refused.stderr

        reference.build([CORPUS], workers=1, quiet=True)
        for task in held:
            reference.write([put(doc) for doc in writers.written[task]], [])
        wanted = library_answers(reference)
        with serving(alias + "-r", opensearch=opensearch_urls, env=ENV) as base:
            assert http_answers(base) == wanted
        found = made_backends[0].cluster.request("GET", f"/vnsearch_editorial/_doc/{alias}-r")
        assert found["_source"] == rules
    finally:
        for backend in made_backends:
            backend.delete()
            backend.close()


def test_the_journal_stays_bounded_over_ten_rebuilds(tmp_path, cli):
    index = tmp_path / "index"
    build.build(index, [CORPUS], workers=1, quiet=True)
    journal = apply.journal_of(index)
    ids = [f"cms-{n:02d}" for n in range(20)]
    sizes, written = [], 0
    with serving(index, env=ENV) as base:
        for rebuild in range(10):
            # every article written again (the same length each round), one deleted
            batch = [{"id": i, "text": f"Bản tin vòng {rebuild:02d} của bài {i}."} for i in ids]
            for part in range(0, 20, 5):
                status, answer = call_json(
                    base, "POST", "/api/documents?wait=true", batch[part : part + 5], TOKEN
                )
                assert status == 200 and answer["status"] == "applied", answer
            gone = ids[rebuild]
            status, _ = call_json(base, "DELETE", f"/api/documents/{gone}?wait=true", None, TOKEN)
            assert status == 200
            last = journal.last()
            written += sum(len(json.dumps(d, ensure_ascii=False)) for d in batch)
            done = cli("build", "--index", index, CORPUS, "--quiet", "--workers", "1")
            assert done.returncode == 0, done.stderr
            # the journal: the last write of each id, nothing else
            tasks = journal.since(Position())
            assert journal.base().task == last and all(t.number <= last for t in tasks)
            final = {op.id: op.kind for task in tasks for op in task.ops}
            assert sorted(final) == ids and len([o for t in tasks for o in t.ops]) == 20
            assert [i for i, kind in final.items() if kind == "delete"] == [gone]
            sizes.append(journal.log.stat().st_size)
            query = urllib.parse.urlencode({"q": f"bản tin vòng {rebuild:02d}", "per_page": 50})
            status, answer = call_json(base, "GET", f"/api/search?{query}")
            assert answer["total"] == 19  # every write kept through the rebuild
            assert gone not in [hit["id"] for hit in answer["hits"]]
        assert call_json(base, "GET", f"/api/tasks/{last}", token=TOKEN)[0] == 200
    assert max(sizes) - min(sizes) <= 200  # task numbers grow a digit; nothing else does
    assert written > 4 * max(sizes)  # what was written over HTTP, ten times over
    with open(journal.log, "rb") as log:
        assert Base.read(log).header == 128  # compacted: a header, then the writes


def test_outcomes_older_than_tasks_days_are_pruned_by_a_rebuild(tmp_path, cli):
    index = tmp_path / "index"
    build.build(index, [CORPUS], workers=1, quiet=True)
    journal = apply.journal_of(index)
    with serving(index, env=ENV) as base:
        for n in range(3):
            body = {"id": f"old-{n}", "text": f"Bản tin cũ số {n} về mùa lúa."}
            assert call_json(base, "POST", "/api/documents?wait=true", body, TOKEN)[0] == 200
        eight_days = time.time() - 8 * 86400
        for number in (1, 2):
            os.utime(journal.path / "done" / f"{number}.json", (eight_days, eight_days))
        kept = cli("build", "--index", index, CORPUS, "--quiet", env={"VNSEARCH_TASKS_DAYS": "30"})
        assert kept.returncode == 0, kept.stderr
        assert call_json(base, "GET", "/api/tasks/1", token=TOKEN)[0] == 200
        pruned = cli("build", "--index", index, CORPUS, "--quiet")  # the default: 7 days
        assert pruned.returncode == 0, pruned.stderr
        for number, status in ((1, 404), (2, 404), (3, 200), (4, 404)):
            assert call_json(base, "GET", f"/api/tasks/{number}", token=TOKEN)[0] == status
        assert call_json(base, "GET", "/api/documents/old-0")[0] == 200  # the writes stay


@pytest.mark.opensearch
def test_opensearch_outcomes_older_than_tasks_days_are_pruned_by_a_rebuild(
    tmp_path, cli, opensearch_urls
):
    alias = f"test-prune-{uuid.uuid4().hex[:8]}"
    backend = OpenSearchBackend(opensearch_urls, alias)
    try:
        backend.build([CORPUS], workers=1, quiet=True)
        numbers = [
            backend.write([put({"id": f"old-{n}", "text": f"Bản tin cũ số {n}."})], [])
            for n in range(3)
        ]
        eight_days = {"doc": {"applied_at": time.time() - 8 * 86400}}
        for number in numbers[:2]:
            backend.cluster.request(
                "POST", f"/{TASKS}/_update/{number}", eight_days, params={"refresh": "true"}
            )
        flags = ["--backend", "opensearch", "--opensearch-url", opensearch_urls, "--index", alias]
        done = cli("build", *flags, CORPUS, "--quiet", "--workers", "1")
        assert done.returncode == 0, done.stderr
        with serving(alias, opensearch=opensearch_urls, env=ENV) as base:
            for number, status in zip(numbers, (404, 404, 200)):
                assert call_json(base, "GET", f"/api/tasks/{number}", token=TOKEN)[0] == status
    finally:
        backend.delete()
        backend.close()


def test_the_command_line_refuses_what_it_cannot_do(tmp_path, cli):
    index = tmp_path / "index"
    build.build(index, [CORPUS], workers=1, quiet=True)
    out = tmp_path / "s.tar"
    missing = cli("snapshot", "--index", tmp_path / "none", out)
    assert missing.returncode == 2 and "no index at" in missing.stderr
    assert cli("snapshot", "--index", index, out).returncode == 0
    taken = cli("restore", out, "--index", index)
    assert taken.returncode == 2
    assert "holds an index: restore into a new folder, or replace it with --force" in taken.stderr
    forced = cli("restore", out, "--index", index, "--force")
    assert forced.returncode == 0, forced.stderr
    (tmp_path / "text.tar").write_text("not a tar")
    bad = cli("restore", tmp_path / "text.tar", "--index", tmp_path / "new")
    assert bad.returncode == 2 and "is not a vnsearch snapshot" in bad.stderr
    other = cli("restore", out, "--backend", "opensearch", "--index", "anything")
    assert other.returncode == 2 and "restore it with --backend whoosh" in other.stderr
    assert not (tmp_path / "new").exists()
