"""GET /metrics: read with prometheus_client's own parser, the counts added up over the
server's processes (gunicorn's workers and the writer process), the index's gauges read
when scraped, and VNSEARCH_METRICS=0 recording nothing."""

import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from indexer.indexing.writes import put
from indexer.whoosh import storage
from indexer.whoosh.apply import journal_of
from indexer.whoosh.build import build
from webapp import create_app, metrics

from ..conftest import CORPUS, ROOT
from ..servers import call_json, serving

TOKEN = "metrics-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SEED_DOCUMENTS = 5  # the articles of corpus/
SEARCH = "/api/search"
DOCUMENT = "/api/documents/<id:doc_id>"
RELAXED = {"q": "tổ chức xyzabc"}  # no article holds every word: relaxed


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted label pairs): value} of a scrape, read by prometheus_client."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(scraped: dict, name: str, **labels) -> float | None:
    return scraped.get((name, tuple(sorted(labels.items()))))


def requests(scraped: dict, route: str, status: str = "200", method: str = "GET") -> float:
    found = value(scraped, "vnsearch_requests_total", method=method, route=route, status=status)
    return found or 0.0


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics")
    build(folder / "index", [CORPUS], workers=1, quiet=True)
    return folder / "index"


# --- the app in this process (an ordinary registry) ------------------------------------


@pytest.fixture(scope="module")
def client(index):
    app = create_app({"INDEX": str(index), "TESTING": True, "WRITE_TOKENS": TOKEN})
    yield app.test_client()
    app.extensions["engine"].close()


def scrape(client) -> dict:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    return samples(response.get_data(as_text=True))


def test_requests_are_counted_by_the_route_s_pattern(client):
    before = scrape(client)
    for doc_id in ("000_50d02545dceeb243", "no such id", "a/b"):  # one route, any id
        client.get("/api/documents/" + urllib.parse.quote(doc_id, safe=""))
    client.get("/nowhere")  # no rule matches: one label for every such path
    client.get("/api/nothing/at/all")
    client.delete(SEARCH)  # a 405 matches no rule either
    after = scrape(client)
    assert requests(after, DOCUMENT) - requests(before, DOCUMENT) == 1
    assert requests(after, DOCUMENT, "404") - requests(before, DOCUMENT, "404") == 2
    unmatched = metrics.UNMATCHED
    assert requests(after, unmatched, "404") - requests(before, unmatched, "404") == 2
    assert (
        requests(after, unmatched, "405", "DELETE") - requests(before, unmatched, "405", "DELETE")
        == 1
    )
    routes = {dict(labels)["route"] for name, labels in after if name == "vnsearch_requests_total"}
    assert not any("no such id" in route or "nowhere" in route for route in routes)
    count = "vnsearch_request_duration_seconds_count"
    assert value(after, count, route=DOCUMENT) - (value(before, count, route=DOCUMENT) or 0) == 3
    assert value(after, "vnsearch_index_documents") == SEED_DOCUMENTS
    assert value(after, "vnsearch_index_up") == 1


def test_searches_relaxed_and_partial_are_counted_on_the_api_and_the_page(client, index):
    before = scrape(client)
    assert client.get(SEARCH, query_string={"q": "hội nghị"}).json["relaxed"] is False
    assert client.post(SEARCH, json=RELAXED).json["relaxed"] is True
    assert client.get("/", query_string=RELAXED).status_code == 200
    assert client.get(SEARCH, query_string={"page": "0"}).status_code == 400  # no search
    after = scrape(client)
    assert value(after, "vnsearch_searches_total") - value(before, "vnsearch_searches_total") == 3
    relaxed = "vnsearch_relaxed_searches_total"
    assert value(after, relaxed) - value(before, relaxed) == 2
    assert value(after, "vnsearch_partial_searches_total") == value(
        before, "vnsearch_partial_searches_total"
    )
    # a time limit of 0: every search answers with what it found by then, and says so
    hurried = create_app({"INDEX": str(index), "TESTING": True, "TIME_LIMIT": 0.0})
    assert hurried.test_client().get(SEARCH, query_string={"q": "hội nghị"}).json["partial"]
    assert hurried.test_client().get("/", query_string={"q": "hội nghị"}).status_code == 200
    hurried.extensions["engine"].close()
    partial = "vnsearch_partial_searches_total"
    assert value(scrape(client), partial) - value(after, partial) == 2


def test_write_tasks_accepted_applied_and_failed_are_counted(client, index):
    before = scrape(client)
    body = {"id": "metrics-1", "text": "Giá lúa gạo tại đồng bằng sông Cửu Long tăng mạnh."}
    answer = client.post("/api/documents?wait=true", json=body, headers=AUTH)
    assert answer.status_code == 200 and answer.json["status"] == "applied"
    assert client.post("/api/documents", json={"id": "x"}, headers=AUTH).status_code == 400
    # a task no write of which can be applied: only a journal the API did not check holds one
    failed = journal_of(index).append([put({"id": "blank", "text": " "})], [])
    app_backend = client.application.extensions["engine"]
    app_backend.applier.poke()
    assert app_backend.applied(failed, 30)["status"] == "failed"
    after = scrape(client)
    for name, more in [
        ("vnsearch_write_tasks_accepted_total", 1),
        ("vnsearch_write_tasks_applied_total", 1),
        ("vnsearch_write_tasks_failed_total", 1),
    ]:
        assert value(after, name) - value(before, name) == more, name
    assert value(after, "vnsearch_index_documents") == SEED_DOCUMENTS + 1


def test_metrics_off_records_nothing_and_is_not_found(index):
    counts = metrics.recorded().registry  # what an app with metrics on counts, this process
    before = samples(generate(counts))
    app = create_app({"INDEX": str(index), "TESTING": True, "METRICS": 0})
    client = app.test_client()
    response = client.get("/metrics")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert client.get(SEARCH, query_string=RELAXED).status_code == 200
    assert "metrics" not in app.extensions and "metrics" not in app.blueprints
    app.extensions["engine"].close()
    after = samples(generate(counts))
    assert {k: v for k, v in after.items() if not k[0].endswith("_created")} == {
        k: v for k, v in before.items() if not k[0].endswith("_created")
    }


def generate(registry) -> str:
    from prometheus_client import generate_latest

    return generate_latest(registry).decode()


def test_openapi_describes_metrics(client):
    spec = client.get("/api/openapi.json").json
    answer = spec["paths"]["/metrics"]["get"]["responses"]["200"]
    assert "text/plain" in answer["content"]
    assert "404" in spec["paths"]["/metrics"]["get"]["responses"]


# --- the production server: gunicorn's workers and its writer process -------------------


def get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def scraped(base: str) -> dict:
    status, body = get(base, "/metrics")
    assert status == 200
    return samples(body.decode("utf-8"))


def folder_of(log: Path) -> Path:
    """The folder where the server's processes count (the master names it in its log)."""
    return Path(re.search(r"metrics: every process counts in (\S+)", log.read_text()).group(1))


def per_process(folder: Path, route: str) -> dict[int, float]:
    """{pid: requests to *route* it answered} from each process's own file."""
    counted = {}
    for file in folder.glob("counter_*.db"):
        pid = int(file.stem.split("_")[1])
        for family in MultiProcessCollector.merge([str(file)]):
            for sample in family.samples:
                if sample.name == "vnsearch_requests_total" and sample.labels["route"] == route:
                    counted[pid] = counted.get(pid, 0) + sample.value
    return counted


def in_threads(calls, threads: int = 4) -> list:
    """Run *calls* (functions of no argument) from *threads* threads at once."""
    results, lock, todo = [], threading.Lock(), list(calls)

    def work():
        while True:
            with lock:
                if not todo:
                    return
                call = todo.pop()
            answer = call()
            with lock:
                results.append(answer)

    running = [threading.Thread(target=work) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return results


@pytest.mark.server
def test_the_counts_add_up_over_the_server_s_processes(tmp_path):
    build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    index = tmp_path / "index"
    env = {"VNSEARCH_WRITE_TOKENS": TOKEN}
    with serving(index, workers=2, all_warm=True, env=env) as base:
        log = next(tmp_path.glob("server-*.log"))
        folder = folder_of(log)
        first = scraped(base)
        assert value(first, "vnsearch_last_write_age_seconds") is None  # no write yet
        assert requests(first, SEARCH) == 0

        plain = [lambda: get(base, SEARCH + "?q=h%E1%BB%99i+ngh%E1%BB%8B")] * 30
        relaxed = [lambda: get(base, SEARCH + "?" + urllib.parse.urlencode(RELAXED))] * 10
        page = [lambda: get(base, "/?q=t%E1%BB%95+ch%E1%BB%A9c")] * 5
        missing = [lambda n=n: get(base, f"/api/documents/nope%20{n}") for n in range(3)]
        answers = in_threads(plain + relaxed + page + missing)
        assert sorted(status for status, _ in answers) == [200] * 45 + [404] * 3

        written = []
        for n in range(3):
            body = {"id": f"cms-{n}", "text": f"Bản tin số {n}: mưa lớn ở Đà Nẵng."}
            status, answer = call_json(base, "POST", "/api/documents?wait=true", body, TOKEN)
            assert status == 200 and answer["status"] == "applied", answer
            written.append(answer["task"])
        # a task none of whose writes can be applied: only a journal the API did not check
        # holds one; the server's writer process applies it
        appended = time.time()
        failed = journal_of(index).append([put({"id": "blank", "text": " "})], [])
        deadline = time.monotonic() + 30
        while (state := call_json(base, "GET", f"/api/tasks/{failed}", token=TOKEN)[1])[
            "status"
        ] == "queued":
            assert time.monotonic() < deadline, "the task was not applied"
            time.sleep(0.1)
        assert state["status"] == "failed"
        seen = time.time()

        before = time.time()
        now = scraped(base)
        after = time.time()
        # every request counted once, whichever worker answered it
        assert requests(now, SEARCH) == 40
        assert value(now, "vnsearch_request_duration_seconds_count", route=SEARCH) == 40
        inf = value(now, "vnsearch_request_duration_seconds_bucket", route=SEARCH, le="+Inf")
        assert inf == 40 and value(now, "vnsearch_request_duration_seconds_sum", route=SEARCH) > 0
        assert requests(now, "/") == 5
        assert requests(now, DOCUMENT, "404") == 3
        assert requests(now, "/metrics") == 1  # the first scrape; this one is counted after
        assert requests(now, "/api/documents", "200", "POST") == 3
        assert value(now, "vnsearch_searches_total") == 45
        assert value(now, "vnsearch_relaxed_searches_total") == 10
        assert value(now, "vnsearch_partial_searches_total") == 0
        assert value(now, "vnsearch_write_tasks_accepted_total") == 3
        assert value(now, "vnsearch_write_tasks_applied_total") == 3
        assert value(now, "vnsearch_write_tasks_failed_total") == 1
        # the index as the scrape read it
        assert value(now, "vnsearch_index_up") == 1
        assert value(now, "vnsearch_index_documents") == SEED_DOCUMENTS + 3
        live, commit = storage.generation_marker(index)
        assert value(now, "vnsearch_index_generation", generation=Path(live).name) == commit
        age = value(now, "vnsearch_last_write_age_seconds")
        assert before - seen <= age <= after - appended

        # the searches were spread over both workers, each counting its own
        by_worker = per_process(folder, SEARCH)
        assert sum(by_worker.values()) == 40
        assert len([n for n in by_worker.values() if n > 0]) == 2, by_worker
        # tasks were applied by the writer process, not by the workers that took them
        writer = int(re.search(r"writer process (\d+) applies", log.read_text()).group(1))
        applied = MultiProcessCollector.merge([str(folder / f"counter_{writer}.db")])
        totals = {s.name: s.value for family in applied for s in family.samples}
        assert totals["vnsearch_write_tasks_applied_total"] == 3
        assert totals["vnsearch_write_tasks_failed_total"] == 1

        # a worker that dies takes none of its counts along: they still add up
        worker = max(by_worker, key=by_worker.get)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while log.read_text().count("Booting worker") < 3:
            assert time.monotonic() < deadline, "gunicorn did not start another worker"
            time.sleep(0.2)
        again = scraped(base)
        assert requests(again, SEARCH) == 40
        assert value(again, "vnsearch_write_tasks_applied_total") == 3
    assert not folder.exists()  # removed when the master exits


@pytest.mark.server
def test_metrics_off_on_the_server(tmp_path):
    build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    env = {"VNSEARCH_METRICS": "0"}
    with serving(tmp_path / "index", workers=2, env=env) as base:
        status, body = get(base, "/metrics")
        assert status == 404
        assert json.loads(body)["error"]["code"] == "not_found"
        assert get(base, SEARCH + "?q=h%E1%BB%99i+ngh%E1%BB%8B")[0] == 200
    log = next(tmp_path.glob("server-*.log")).read_text()
    assert "metrics: every process counts" not in log  # no folder, nothing recorded


@pytest.mark.server
@pytest.mark.opensearch
def test_the_counts_and_gauges_of_an_opensearch_index(make_backend, opensearch_urls):
    backend = make_backend("opensearch", [ROOT / "corpus"], "metrics")
    env = {"VNSEARCH_WRITE_TOKENS": TOKEN}
    with serving(backend.alias, workers=2, opensearch=opensearch_urls, env=env) as base:
        first = scraped(base)
        assert value(first, "vnsearch_index_documents") == SEED_DOCUMENTS
        searches = [lambda: get(base, SEARCH + "?" + urllib.parse.urlencode(RELAXED))] * 12
        assert [status for status, _ in in_threads(searches)] == [200] * 12
        started = time.time()
        for n in range(2):
            body = {"id": f"os-{n}", "text": f"Bản tin số {n}: bão số 3 đổ bộ vào Quảng Ninh."}
            status, answer = call_json(base, "POST", "/api/documents?wait=true", body, TOKEN)
            assert status == 200 and answer["status"] == "applied", answer
            assert "applied_at" not in answer  # kept for the metrics, never shown
        now = scraped(base)
        scraped_at = time.time()
        assert requests(now, SEARCH) == 12
        assert value(now, "vnsearch_relaxed_searches_total") == 12
        assert value(now, "vnsearch_write_tasks_accepted_total") == 2
        assert value(now, "vnsearch_write_tasks_applied_total") == 2
        assert value(now, "vnsearch_write_tasks_failed_total") == 0
        assert value(now, "vnsearch_index_documents") == SEED_DOCUMENTS + 2
        index = backend.current()
        assert value(now, "vnsearch_index_generation", generation=index) == backend.stamp(index)
        # the newest task of the cluster's (other aliases' tasks are kept there too)
        assert 0 <= value(now, "vnsearch_last_write_age_seconds") <= scraped_at - started
