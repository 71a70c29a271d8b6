"""What readers search, through Flask's test client on both backends: which answers are
recorded (first pages of the page and the API, never results as you type), the report
and its token, bad parameters, recording off, a log that cannot be written, a rebuild."""

import logging
import uuid

import pytest

from indexer.whoosh.build import build
from webapp import create_app

from ..conftest import BACKENDS, CORPUS

TOKEN = "editor-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_app(kind: str, folder, request, **config):
    """An app over an index of the seed corpus, on the backend *kind*."""
    config = {"TESTING": True, "WRITE_TOKENS": TOKEN, **config}
    if kind == "whoosh":
        build(folder / "index", [CORPUS], workers=1, quiet=True)
        config.setdefault("INDEX", str(folder / "index"))
    else:
        urls = request.getfixturevalue("opensearch_urls")
        config.update(BACKEND="opensearch", OPENSEARCH_URL=urls)
        config["INDEX"] = f"test-analytics-{uuid.uuid4().hex[:8]}"
    app = create_app(config)
    if kind == "opensearch":
        app.extensions["engine"].build([CORPUS], workers=1, quiet=True)
    return app


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path):
    """An app per test (each its own log): on OpenSearch the log's default place,
    var/analytics-<alias>.sqlite3, under a temporary working directory."""
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.chdir(tmp_path)
    made = make_app(request.param, tmp_path, request)
    yield made
    engine = made.extensions["engine"]
    if hasattr(engine, "delete"):
        engine.delete()
    engine.close()
    made.extensions["search_log"].close()


def report(client, **params):
    answer = client.get("/api/analytics/searches", query_string=params, headers=AUTH)
    assert answer.status_code == 200, answer.json
    return answer.json


def brief(answer):
    return [(row["query"], row["count"], row["total"]) for row in answer["rows"]]


def test_first_pages_are_recorded_and_reported(app):
    client = app.test_client()
    searches = [
        client.get("/api/search", query_string={"q": "to chuc dang"}),
        client.get("/api/search", query_string={"q": "To  chuc dang", "per_page": 2}),
        client.get("/api/search", query_string={"q": "to chuc dang", "verbatim": "true"}),
        client.post("/api/search", json={"q": "tổ chức đảng Kiev"}),  # relaxed: found
        client.get("/", query_string={"q": "xyzzy"}),  # the page: found nothing
        client.get("/", query_string={"q": "xyzzy", "sort": "newest"}),
        client.get("/api/search", query_string={"q": "toor chuwcs ddangr"}),  # read as meant
        # not searches: a second page, results as you type, no words, a refused request
        client.get("/api/search", query_string={"q": "to chuc dang", "page": 2, "per_page": 1}),
        client.get("/", query_string={"q": "to chuc", "fragment": "1"}),
        client.get("/api/search", query_string={"q": " ", "place": "Gia Lai"}),
        client.get("/", query_string={"q": ""}),
        client.get("/api/search", query_string={"q": "x", "per_page": 500}),
    ]
    assert [answer.status_code for answer in searches] == [200] * 11 + [400]

    popular = report(client)
    assert popular["days"] == 7 and popular["kind"] == "popular" and len(popular["since"]) == 10
    assert brief(popular) == [  # "to chuc dang": the commonest form typed (2 of 3)
        ("to chuc dang", 3, 5),
        ("xyzzy", 2, 0),
        ("toor chuwcs ddangr", 1, 5),
        ("tổ chức đảng Kiev", 1, 5),
    ]
    rows = {row["query"]: row for row in popular["rows"]}
    assert rows["toor chuwcs ddangr"]["searched_as"] == "tổ chức đảng"
    assert rows["tổ chức đảng Kiev"]["relaxed"] is True
    assert rows["to chuc dang"]["relaxed"] is False
    assert all(row["took_ms"] > 0 for row in popular["rows"])

    assert brief(report(client, kind="no_results")) == [("xyzzy", 2, 0)]
    slow = report(client, kind="slow", days=1, limit=2)
    assert [row["took_ms"] for row in slow["rows"]] == sorted(
        (row["took_ms"] for row in popular["rows"]), reverse=True
    )[:2]
    assert report(client, limit=1)["rows"] == popular["rows"][:1]


def test_the_log_lives_beside_the_index_or_in_var(app, tmp_path):
    client = app.test_client()
    assert client.get("/api/search", query_string={"q": "bão"}).status_code == 200
    alias = app.config["INDEX"]
    where = tmp_path / "index" if app.config["BACKEND"] == "whoosh" else tmp_path / "var"
    name = (
        "analytics.sqlite3" if app.config["BACKEND"] == "whoosh" else f"analytics-{alias}.sqlite3"
    )
    assert (where / name).is_file()
    assert app.extensions["search_log"].path.resolve() == (where / name).resolve()


def test_the_report_needs_a_token(app):
    client = app.test_client()
    for headers, status, code in [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Bearer wrong"}, 401, "unauthorized"),
        ({"Authorization": f"Basic {TOKEN}"}, 401, "unauthorized"),
    ]:
        answer = client.get("/api/analytics/searches", headers=headers)
        assert answer.status_code == status and answer.json["error"]["code"] == code


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("kind=recent", "invalid_kind", "kind must be one of popular, no_results, slow"),
        ("days=0", "invalid_days", "days must be from 1 to 90"),
        ("days=365", "invalid_days", "days must be from 1 to 90"),
        ("days=week", "invalid_days", "days must be a positive integer, not 'week'"),
        ("limit=0", "invalid_limit", "limit must be from 1 to 1000"),
        ("limit=5000", "invalid_limit", "limit must be from 1 to 1000"),
        ("kind=slow&kind=popular", "repeated_parameter", "parameter 'kind' was given more"),
    ],
)
def test_bad_parameters_get_a_400(tmp_path, query, code, message):
    app = make_app("whoosh", tmp_path, None)
    answer = app.test_client().get(f"/api/analytics/searches?{query}", headers=AUTH)
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == code
    assert answer.json["error"]["message"].startswith(message)
    app.extensions["engine"].close()


def test_the_days_kept_bound_the_report(tmp_path):
    app = make_app("whoosh", tmp_path, None, ANALYTICS_DAYS=365)
    client = app.test_client()
    assert report(client, days=365)["days"] == 365
    answer = client.get("/api/analytics/searches?days=366", headers=AUTH)
    assert answer.json["error"]["message"].startswith("days must be from 1 to 365")
    app.extensions["engine"].close()


def test_without_tokens_the_report_is_refused(tmp_path):
    app = make_app("whoosh", tmp_path, None, WRITE_TOKENS="")
    answer = app.test_client().get("/api/analytics/searches", headers=AUTH)
    assert answer.status_code == 403 and answer.json["error"]["code"] == "writes_disabled"
    app.extensions["engine"].close()


def test_recording_off(tmp_path):
    app = make_app("whoosh", tmp_path, None, ANALYTICS="0")
    client = app.test_client()
    assert client.get("/api/search?q=bão").status_code == 200
    assert client.get("/?q=bão").status_code == 200
    assert report(client)["rows"] == []
    assert not (tmp_path / "index" / "analytics.sqlite3").exists()
    app.extensions["engine"].close()


def test_a_log_that_cannot_be_written_never_fails_a_search(tmp_path, caplog):
    (tmp_path / "a-folder").mkdir()
    app = make_app("whoosh", tmp_path, None, ANALYTICS_PATH=str(tmp_path / "a-folder"))
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="webapp.analytics"):
        for _ in range(3):
            answer = client.get("/api/search?q=to+chuc+dang")
            assert answer.status_code == 200 and answer.json["total"] == 5
    warnings = [r for r in caplog.records if r.name == "webapp.analytics"]
    assert len(warnings) == 1  # once a process
    assert warnings[0].getMessage().startswith("searches are not recorded: ")
    app.extensions["engine"].close()


def test_a_rebuild_keeps_what_was_searched(tmp_path):
    app = make_app("whoosh", tmp_path, None)
    client = app.test_client()
    client.get("/api/search?q=bão")
    build(tmp_path / "index", [CORPUS], workers=1, quiet=True)  # a new generation
    client.get("/api/search?q=bão")
    assert brief(report(client)) == [("bão", 2, 0)]
    app.extensions["engine"].close()


def test_the_report_is_described_in_openapi(tmp_path):
    app = make_app("whoosh", tmp_path, None)
    spec = app.test_client().get("/api/openapi.json").json
    operation = spec["paths"]["/api/analytics/searches"]["get"]
    assert operation["security"] == [{"bearer": []}]
    assert [p["name"] for p in operation["parameters"]] == ["days", "kind", "limit"]
    row = spec["components"]["schemas"]["SearchReport"]["properties"]["rows"]["items"]
    assert set(row["required"]) == {"query", "count", "total", "searched_as", "relaxed", "took_ms"}
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    app.extensions["engine"].close()


def test_a_query_with_a_lone_surrogate_is_refused_and_never_recorded(app):
    """JSON may carry a lone surrogate ("\\ud800"), which is no text: a 400, nothing
    recorded; and the log itself keeps such a query with "?" in its place."""
    client = app.test_client()
    answer = client.post(
        "/api/search", data='{"q": "h\\u1ed9i ngh\\u1ecb\\ud800"}', content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_q"
    assert brief(report(client)) == []
    log = app.extensions["search_log"]
    log.record("bão\ud800", None, 3, False, 1.5)
    assert brief(report(client)) == [("bão?", 1, 3)]
