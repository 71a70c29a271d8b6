"""The write API through Flask's test client, on both backends: tokens, documents made,
replaced and deleted (seen by search and /api/documents), bad input, limits, tasks."""

import json
import os
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.whoosh.build import build
from webapp import create_app
from webapp.auth import tokens_of

from ..conftest import BACKENDS, CORPUS

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = (
    "Sáng nay, Ủy ban nhân dân tỉnh Cà Mau tổ chức hội nghị tổng kết mùa tôm càng xanh.\n\n"
    "Theo báo cáo, sản lượng tôm năm nay tăng mạnh nhờ thời tiết thuận lợi."
)


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    """A client of an app over a fresh index of the seed corpus that takes writes."""
    config = {"TESTING": True, "WRITE_TOKENS": f"other, {TOKEN}"}
    if request.param == "whoosh":
        index = tmp_path_factory.mktemp("writes") / "index"
        build(index, [CORPUS], workers=1, quiet=True)
        config["INDEX"] = str(index)
    else:
        urls = request.getfixturevalue("opensearch_urls")
        config.update(BACKEND="opensearch", OPENSEARCH_URL=urls)
        config["INDEX"] = f"test-writes-{uuid.uuid4().hex[:8]}"
    app = create_app(config)
    if request.param == "opensearch":
        app.extensions["engine"].build([CORPUS], workers=1, quiet=True)
    yield app.test_client()
    engine = app.extensions["engine"]
    if hasattr(engine, "delete"):
        engine.delete()
    engine.close()


def unique(prefix: str = "doc") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def post(client, body, query="wait=true", **kwargs):
    kwargs.setdefault("headers", AUTH)
    if isinstance(body, bytes | str):
        return client.post(f"/api/documents?{query}", data=body, **kwargs)
    return client.post(f"/api/documents?{query}", json=body, **kwargs)


def ids_found(client, q: str, per_page: int = 50) -> list[str]:
    answer = client.get("/api/search", query_string={"q": q, "per_page": per_page})
    assert answer.status_code == 200, answer.json
    return [hit["id"] for hit in answer.json["hits"]]


# --- tokens -----------------------------------------------------------------------------


def test_writes_are_disabled_without_a_token(tmp_path):
    build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    client = create_app({"INDEX": str(tmp_path / "index"), "WRITE_TOKENS": ""}).test_client()
    for answer in (
        client.post("/api/documents", json={"id": "a", "text": "x"}, headers=AUTH),
        client.put("/api/documents/a", json={"text": "x"}, headers=AUTH),
        client.delete("/api/documents/a", headers=AUTH),
        client.get("/api/tasks/1", headers=AUTH),
    ):
        assert answer.status_code == 403
        assert answer.json["error"]["code"] == "writes_disabled"
        assert "writes are disabled" in answer.json["error"]["message"]
    assert client.get("/api/search?q=hội nghị").status_code == 200  # reads stay open
    client.application.extensions["engine"].close()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer wrong",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN}x",
        f"bearer {TOKEN[:-1]}",
    ],
)
def test_a_missing_or_wrong_token_is_refused(client, header):
    doc_id = unique()
    headers = {} if header is None else {"Authorization": header}
    answer = post(client, {"id": doc_id, "text": ARTICLE}, headers=headers)
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert TOKEN not in answer.get_data(as_text=True)
    assert client.get(f"/api/documents/{doc_id}").status_code == 404  # nothing written
    assert client.delete("/api/documents/x", headers=headers).status_code == 401


def test_any_configured_token_writes(client):
    answer = post(
        client, {"id": unique(), "text": ARTICLE}, headers={"Authorization": "Bearer other"}
    )
    assert answer.status_code == 200, answer.json


def test_tokens_come_from_a_file_or_the_variable(tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("# the CMS\nabc/def==\n\n  second  \n", encoding="utf-8")
    assert tokens_of(str(tokens)) == [b"abc/def==", b"second"]
    assert tokens_of("one,two") == [b"one", b"two"]
    assert tokens_of("") == tokens_of(None) == []
    assert tokens_of("/abc+def/ghi==") == [b"/abc+def/ghi=="]  # base64 may begin with "/"
    tokens.chmod(0)
    if os.geteuid() != 0:  # root reads it whatever its mode
        with pytest.raises(ValueError, match="cannot be read") as refused:
            tokens_of(str(tokens))
        assert "second" not in str(refused.value)


# --- documents made, replaced, deleted --------------------------------------------------


def test_a_posted_document_is_searchable_and_readable(client):
    doc_id = unique("camau")
    body = {"id": doc_id, "text": ARTICLE, "title": "Cà Mau tổng kết mùa tôm càng xanh",
            "date": "2024-03-05", "author": "Minh Anh", "source": "Báo Cà Mau"}  # fmt: skip
    answer = post(client, body)
    assert answer.status_code == 200, answer.json
    assert answer.json["accepted"] == 1 and answer.json["status"] == "applied"
    assert answer.json["counts"]["indexed"] == 1
    assert doc_id in ids_found(client, "tôm càng xanh")
    assert doc_id in ids_found(client, "tom cang xanh")  # typed without diacritics
    document = client.get(f"/api/documents/{doc_id}").json
    assert document["title"] == body["title"]
    assert document["date"].startswith("2024-03-05")
    assert document["author"] == "Minh Anh" and document["place"] == ["Cà Mau"]
    assert "sản lượng tôm" in document["text"]
    task = client.get(f"/api/tasks/{answer.json['task']}", headers=AUTH).json
    assert task["status"] == "applied" and task["task"] == answer.json["task"]


def test_a_known_id_is_replaced(client):
    doc_id = unique("replace")
    post(client, {"id": doc_id, "text": "Giá xăng hôm nay giảm mạnh tại Hà Nội."})
    assert doc_id in ids_found(client, "giá xăng giảm")
    answer = post(client, {"id": doc_id, "text": "Giá vàng hôm nay tăng vọt tại Đà Nẵng."})
    assert answer.json["counts"]["indexed"] == 1
    assert doc_id not in ids_found(client, "giá xăng giảm")
    # a question is ranked over postings, which keep the old version until a merge
    assert ids_found(client, "giá xăng hôm nay giảm mạnh ở đâu vậy?").count(doc_id) <= 1
    found = ids_found(client, "giá vàng tăng vọt")
    assert found.count(doc_id) == 1
    assert "Đà Nẵng" in client.get(f"/api/documents/{doc_id}").json["text"]
    again = post(client, {"id": doc_id, "text": "Giá vàng hôm nay tăng vọt tại Đà Nẵng."})
    assert again.json["counts"] == {"indexed": 0, "unchanged": 1, "deleted": 0, "failed": 0}


def test_put_writes_the_document_of_its_url(client):
    doc_id = unique("put/with slash")
    answer = client.put(f"/api/documents/{doc_id}?wait=true", json={"text": ARTICLE}, headers=AUTH)
    assert answer.status_code == 200, answer.json
    assert client.get(f"/api/documents/{doc_id}").json["id"] == doc_id
    same = client.put(
        f"/api/documents/{doc_id}?wait=true", json={"id": doc_id, "text": ARTICLE + " Thêm."},
        headers=AUTH,
    )  # fmt: skip
    assert same.status_code == 200
    other = client.put(f"/api/documents/{doc_id}", json={"id": "else", "text": "x"}, headers=AUTH)
    assert other.status_code == 400
    assert other.json["error"]["documents"][0]["field"] == "id"
    assert client.get("/api/documents/else").status_code == 404


def test_delete_takes_a_document_out_and_an_unknown_id_is_no_error(client):
    doc_id = unique("gone")
    post(client, {"id": doc_id, "text": "Lũ lớn ở Quảng Bình khiến nhiều hộ dân phải sơ tán."})
    assert doc_id in ids_found(client, "lũ Quảng Bình sơ tán")
    answer = client.delete(f"/api/documents/{doc_id}?wait=true", headers=AUTH)
    assert answer.status_code == 200 and answer.json["counts"]["deleted"] == 1
    assert doc_id not in ids_found(client, "lũ Quảng Bình sơ tán")
    assert doc_id not in ids_found(client, "lũ lớn ở Quảng Bình khiến bao nhiêu hộ sơ tán?")
    assert client.get(f"/api/documents/{doc_id}").status_code == 404
    unknown = client.delete(f"/api/documents/{unique()}?wait=true", headers=AUTH)
    assert unknown.status_code == 200 and unknown.json["status"] == "applied"


def test_a_batch_as_an_array_and_as_json_lines(client):
    first, second, third = unique("batch"), unique("batch"), unique("batch")
    answer = post(client, [{"id": first, "text": ARTICLE}, {"id": second, "text": ARTICLE}])
    assert answer.json["accepted"] == 2 and answer.json["counts"]["indexed"] == 2
    lines = "\n".join(json.dumps({"id": i, "text": ARTICLE}) for i in (third, first)) + "\n"
    answer = post(client, lines, content_type="application/x-ndjson")
    assert answer.status_code == 200, answer.json
    assert answer.json["accepted"] == 2
    for doc_id in (first, second, third):
        assert client.get(f"/api/documents/{doc_id}").status_code == 200


def test_the_last_write_of_an_id_in_a_batch_wins(client):
    doc_id = unique("twice")
    body = [{"id": doc_id, "text": "Trận đấu bóng đá tối qua."}, {"id": doc_id, "text": ARTICLE}]
    assert post(client, body).status_code == 200
    assert "tôm càng xanh" in client.get(f"/api/documents/{doc_id}").json["text"]


# --- bad input --------------------------------------------------------------------------


def test_a_bad_record_is_named_and_the_others_are_taken(client):
    good = unique("good")
    body = [
        {"id": good, "text": ARTICLE},
        {"id": unique(), "text": ""},
        {"text": ARTICLE},
        {"id": unique(), "text": ARTICLE, "date": "hôm qua"},
        {"id": unique(), "text": ARTICLE, "title": 7},
        "not an object",
    ]
    answer = post(client, body)
    assert answer.status_code == 200, answer.json
    assert answer.json["accepted"] == 1
    rejected = {(r["record"], r["field"]) for r in answer.json["rejected"]}
    assert rejected == {(1, "text"), (2, "id"), (3, "date"), (4, "title"), (5, None)}
    assert answer.json["counts"]["failed"] == 5 and len(answer.json["failed"]) == 5
    assert client.get(f"/api/documents/{good}").status_code == 200


def test_an_atomic_batch_with_a_bad_record_writes_nothing(client):
    good = unique("atomic")
    lines = json.dumps({"id": good, "text": ARTICLE}) + "\n\n" + json.dumps({"id": "x"}) + "\n"
    answer = post(client, lines, query="atomic=true&wait=true", content_type="application/x-ndjson")
    assert answer.status_code == 400
    error = answer.json["error"]
    assert error["code"] == "invalid_document"
    assert error["documents"] == [{"line": 3, "field": "text", "error": "required: a string"}]
    assert "line 3" in error["message"] and "'text'" in error["message"]
    assert client.get(f"/api/documents/{good}").status_code == 404


def test_a_line_that_is_not_json_is_one_bad_record(client):
    good = unique("lines")
    lines = json.dumps({"id": good, "text": ARTICLE}) + "\n{oops\n"
    answer = post(client, lines, content_type="application/x-ndjson")
    assert answer.status_code == 200, answer.json
    assert answer.json["accepted"] == 1
    assert answer.json["rejected"][0]["line"] == 2
    assert client.get(f"/api/documents/{good}").status_code == 200


def test_text_that_is_not_unicode_is_refused_by_field(client):
    body = [{"id": unique(), "text": ARTICLE}, {"id": unique(), "text": "a\ud800b"}]
    answer = post(client, json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.json
    assert answer.json["rejected"] == [
        {"record": 1, "field": "text", "error": answer.json["rejected"][0]["error"]}
    ]
    assert "surrogate" in answer.json["rejected"][0]["error"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "invalid_json"),
        ("[]", "application/json", 400, "no_documents"),
        ("", "application/x-ndjson", 400, "no_documents"),
        ('{"id": "a", "text": "x"}', "text/plain", 415, "unsupported_media_type"),
        ('{"id": "a"}\n{oops\n', "application/x-ndjson", 400, "invalid_document"),
        ('[{"id": "a"}]', "application/json", 400, "invalid_document"),
        ("42", "application/json", 400, "invalid_document"),
    ],
)
def test_malformed_bodies_get_a_json_error(client, body, content_type, status, code):
    answer = post(client, body, content_type=content_type)
    assert answer.status_code == status
    assert answer.json["error"]["code"] == code


def test_a_bad_flag_is_refused(client):
    answer = post(client, {"id": unique(), "text": ARTICLE}, query="wait=maybe")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_wait"


def test_a_body_over_the_limit_is_a_json_413(tmp_path):
    build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    config = {"INDEX": str(tmp_path / "index"), "WRITE_TOKENS": TOKEN, "MAX_BODY_MB": 1}
    client = create_app(config).test_client()
    big = {"id": "big", "text": "Hà Nội mùa thu. " * 70_000}  # 1.1 MB
    answer = client.post("/api/documents", json=big, headers=AUTH)
    assert answer.status_code == 413
    assert answer.json["error"]["code"] == "request_entity_too_large"
    assert client.get("/api/documents/big").status_code == 404
    small = client.post(
        "/api/documents?wait=true", json={"id": "s", "text": "Hà Nội"}, headers=AUTH
    )
    assert small.status_code == 200


def test_tasks(client):
    assert client.get("/api/tasks/999999", headers=AUTH).status_code == 404
    assert client.get("/api/tasks/1").status_code == 401  # a writer's business
    answer = post(client, {"id": unique(), "text": ARTICLE}, query="")
    assert answer.status_code == 202
    assert answer.json["status"] == "queued" and answer.json["accepted"] == 1
    number = answer.json["task"]
    state = client.application.extensions["engine"].applied(number, 30)
    assert state["status"] == "applied"
    assert client.get(f"/api/tasks/{number}", headers=AUTH).json == state


def test_the_page_has_no_write_controls(client):
    page = client.get("/?q=hội nghị").get_data(as_text=True)
    assert 'method="post"' not in page.lower() and "authorization" not in page.lower()
    for word in ("/api/documents", "/api/tasks", "delete"):
        assert word not in page.lower()


@pytest.mark.opensearch
def test_a_write_to_an_alias_that_is_not_built_is_a_503(opensearch_urls):
    config = {"BACKEND": "opensearch", "OPENSEARCH_URL": opensearch_urls, "WRITE_TOKENS": TOKEN}
    client = create_app({**config, "INDEX": f"test-none-{uuid.uuid4().hex[:8]}"}).test_client()
    answer = post(client, {"id": "a", "text": ARTICLE})
    assert answer.status_code == 503
    assert answer.json["error"]["code"] == "index_unavailable"
    client.application.extensions["engine"].close()


# --- anything a client may send -----------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        name: st.one_of(json_values, st.text(max_size=60))
        for name in ("id", "text", "title", "date", "author", "source", "url")
    },
)
bodies = st.one_of(
    documents.map(json.dumps),
    st.lists(documents, max_size=4).map(json.dumps),
    json_values.map(json.dumps),
    st.binary(max_size=200).map(lambda data: data.decode("latin-1")),
    st.lists(st.one_of(documents.map(json.dumps), st.text(max_size=30)), max_size=4).map("\n".join),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=bodies,
    content_type=st.sampled_from(["application/json", "application/x-ndjson", "text/plain", ""]),
    method=st.sampled_from(["POST", "PUT"]),
    doc_id=st.text(min_size=1, max_size=30),
    query=st.sampled_from(["", "atomic=true", "atomic=1&wait=false", "wait=nope"]),
)
def test_no_write_gets_a_server_error(whoosh_client, body, content_type, method, doc_id, query):
    path = "/api/documents" if method == "POST" else "/api/documents/" + quote(doc_id, safe="")
    answer = whoosh_client.open(
        f"{path}?{query}", method=method, data=body.encode("utf-8", "surrogatepass"),
        headers={**AUTH, "Content-Type": content_type},
    )  # fmt: skip
    assert answer.status_code in (202, 400, 404, 415), answer.get_data(as_text=True)[:300]
    data = answer.json
    if answer.status_code >= 400:
        assert {"code", "message"} <= set(data["error"])
    else:
        assert data["accepted"] >= 1 and data["status"] == "queued"


@pytest.fixture(scope="module")
def whoosh_client(tmp_path_factory):
    index = tmp_path_factory.mktemp("fuzz-writes") / "index"
    build(index, [CORPUS], workers=1, quiet=True)
    app = create_app({"TESTING": True, "WRITE_TOKENS": TOKEN, "INDEX": str(index)})
    yield app.test_client()
    app.extensions["engine"].close()
