"""Synonyms and curations through the API, on both backends: tokens, rules kept, changed
and deleted, bad input, and what searches do with them at once."""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.whoosh.build import build
from webapp import create_app

from ..conftest import BACKENDS, CORPUS

TOKEN = "editor-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CITY = ["TP.HCM", "Thành phố Hồ Chí Minh", "Sài Gòn"]
ARTICLES = {
    "d1": "Giá điện thoại thông minh tăng mạnh ở Sài Gòn trong tháng này.",
    "d2": "Smartphone giá rẻ bán chạy tại Thành phố Hồ Chí Minh dịp cuối năm.",
    "d3": "TP.HCM ngập sâu sau trận mưa lớn chiều qua.",
    "d4": "Ông mua điện thoại mới, chiếc máy rất thông minh và bền.",
    "d5": "Sài Gòn ngập sâu sau trận mưa lớn đêm qua, nhiều tuyến đường tê liệt.",
}
STORM = {
    "s0": "Bão số 3 đổ bộ vào Quảng Ninh, gió giật cấp 12.",
    "s1": "Hải Phòng sơ tán dân trước khi bão số 3 đổ bộ.",
    "s2": "Bão số 3 làm hàng nghìn cây xanh ở Hà Nội gãy đổ.",
    "s3": "Nông dân Thái Bình thu hoạch lúa chạy bão số 3.",
    "s4": "Sau bão số 3, điện lực khắc phục sự cố lưới điện.",
    "s5": "Ngư dân neo đậu tàu thuyền tránh bão số 3 an toàn.",
}


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    """A client of an app over the seed corpus and the articles above (their source is
    unique to the app, so a search filtered by it counts them exactly)."""
    source = f"editorial-{uuid.uuid4().hex[:8]}"
    config = {"TESTING": True, "WRITE_TOKENS": TOKEN}
    if request.param == "whoosh":
        index = tmp_path_factory.mktemp("editorial") / "index"
        build(index, [CORPUS], workers=1, quiet=True)
        config["INDEX"] = str(index)
    else:
        config.update(
            BACKEND="opensearch", OPENSEARCH_URL=request.getfixturevalue("opensearch_urls")
        )
        config["INDEX"] = f"test-editorial-{uuid.uuid4().hex[:8]}"
    app = create_app(config)
    engine = app.extensions["engine"]
    if request.param == "opensearch":
        engine.build([CORPUS], workers=1, quiet=True)
    client = app.test_client()
    docs = [{"id": i, "text": t, "source": source} for i, t in ARTICLES.items()]
    docs += [{"id": i, "text": t, "source": source} for i, t in STORM.items()]
    answer = client.post("/api/documents?wait=true", json=docs, headers=AUTH)
    assert answer.status_code == 200 and answer.json["status"] == "applied", answer.json
    client.source = source
    yield client
    if hasattr(engine, "delete"):
        engine.delete()
    engine.close()


def found(client, q, **params):
    params = {"q": q, "source": client.source, "per_page": 50, "collapse": "false", **params}
    answer = client.get("/api/search", query_string=params)
    assert answer.status_code == 200, answer.json
    return answer.json


def ids(client, q, **params) -> list[str]:
    return [hit["id"] for hit in found(client, q, **params)["hits"]]


def put(client, kind, rule_id, body, headers=AUTH):
    """PUT *body* as JSON, escaped as ASCII (so a lone surrogate travels as "\\ud800")."""
    if body is None:  # no body at all
        return client.put(f"/api/{kind}/{rule_id}", headers=headers)
    data = json.dumps(body)
    return client.put(
        f"/api/{kind}/{rule_id}", data=data, content_type="application/json", headers=headers
    )


# --- the rules themselves ----------------------------------------------------------------


def test_rules_need_a_token(client):
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        for answer in (
            client.get("/api/synonyms", headers=headers),
            put(client, "synonyms", "x", {"words": ["a b", "c d"]}, headers=headers),
            client.delete("/api/curations/x", headers=headers),
        ):
            assert answer.status_code == 401
            assert answer.json["error"]["code"] == "unauthorized"


def test_rules_are_disabled_without_tokens(tmp_path):
    build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    app = create_app({"INDEX": str(tmp_path / "index"), "WRITE_TOKENS": ""})
    answer = app.test_client().put("/api/synonyms/x", json={"words": ["a", "b"]}, headers=AUTH)
    assert answer.status_code == 403
    assert answer.json["error"]["code"] == "writes_disabled"
    app.extensions["engine"].close()


def test_a_synonym_is_kept_replaced_and_deleted(client):
    rule_id = f"rule-{uuid.uuid4().hex[:6]}"
    made = put(client, "synonyms", rule_id, {"words": ["ô tô", "xe hơi"]})
    assert made.status_code == 201
    assert made.json == {"id": rule_id, "words": ["ô tô", "xe hơi"]}
    replaced = put(client, "synonyms", rule_id, {"root": "xe hơi", "words": ["ô tô", "xe con"]})
    assert replaced.status_code == 200
    assert replaced.json == {"id": rule_id, "root": "xe hơi", "words": ["ô tô", "xe con"]}
    listed = client.get("/api/synonyms", headers=AUTH).json["synonyms"]
    assert [r for r in listed if r["id"] == rule_id] == [replaced.json]
    assert client.get(f"/api/synonyms/{rule_id}", headers=AUTH).json == replaced.json
    deleted = client.delete(f"/api/synonyms/{rule_id}", headers=AUTH)
    assert deleted.status_code == 200 and deleted.json == {"id": rule_id, "deleted": True}
    assert client.delete(f"/api/synonyms/{rule_id}", headers=AUTH).status_code == 404
    missing = client.get(f"/api/synonyms/{rule_id}", headers=AUTH)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert rule_id not in [
        r["id"] for r in client.get("/api/synonyms", headers=AUTH).json["synonyms"]
    ]


def test_a_curation_is_kept_and_listed(client):
    body = {"query": "giá vàng", "pin": ["a", "b"], "hide": ["c"]}
    assert put(client, "curations", "gold", body).status_code in (200, 201)
    listed = client.get("/api/curations", headers=AUTH).json
    assert {"id": "gold", **body} in listed["curations"]
    assert client.delete("/api/curations/gold", headers=AUTH).status_code == 200
    assert client.get("/api/curations/gold", headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("kind", "body", "code"),
    [
        ("synonyms", {"words": ["một"]}, "invalid_words"),
        ("synonyms", {"words": ["a", "a"]}, "invalid_words"),
        ("synonyms", {"words": []}, "invalid_words"),
        ("synonyms", {"words": "a, b"}, "invalid_words"),
        ("synonyms", {"words": ["a", 3]}, "invalid_words"),
        ("synonyms", {"words": ["a", "!!!"]}, "invalid_words"),
        ("synonyms", {"root": "a", "words": ["a"]}, "invalid_words"),
        ("synonyms", {"root": "", "words": ["b"]}, "invalid_root"),
        ("synonyms", {"words": ["a", "b"], "weight": 2}, "invalid_field"),
        ("synonyms", {"words": ["a", "b"], "id": "other"}, "invalid_id"),
        ("synonyms", {"words": ["x" * 201, "b"]}, "invalid_words"),
        ("curations", {"query": "", "pin": ["a"]}, "invalid_query"),
        ("curations", {"pin": ["a"]}, "invalid_query"),
        ("curations", {"query": "bão"}, "invalid_curation"),
        ("curations", {"query": "bão", "pin": ["a"], "hide": ["a"]}, "invalid_curation"),
        ("curations", {"query": "bão", "pin": "a"}, "invalid_pin"),
        ("curations", {"query": "bão", "hide": [1]}, "invalid_hide"),
        ("curations", {"query": "bão", "pin": ["a"] * 101}, "invalid_pin"),
        ("synonyms", {"words": ["a\ud800", "b"]}, "invalid_words"),  # a lone surrogate
        ("synonyms", {"root": "x\udc00", "words": ["b"]}, "invalid_root"),
        ("curations", {"query": "bão\ud800", "pin": ["a"]}, "invalid_query"),
        ("curations", {"query": "bão", "hide": ["a\udfff"]}, "invalid_hide"),
    ],
)
def test_bad_rules_are_refused_clearly(client, kind, body, code):
    answer = put(client, kind, "bad", body)
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["code"] == code
    assert client.get(f"/api/{kind}/bad", headers=AUTH).status_code == 404  # nothing kept


def test_bad_bodies_and_ids_are_refused(client):
    not_json = client.put(
        "/api/synonyms/x", data="{", content_type="application/json", headers=AUTH
    )
    assert not_json.status_code == 400 and not_json.json["error"]["code"] == "invalid_json"
    listed = client.put("/api/synonyms/x", json=["a", "b"], headers=AUTH)
    assert listed.status_code == 400 and listed.json["error"]["code"] == "invalid_json"
    text = client.put("/api/synonyms/x", data="words", content_type="text/plain", headers=AUTH)
    assert text.status_code == 415
    bad_id = put(client, "synonyms", "a%20b", {"words": ["a", "b"]})
    assert bad_id.status_code == 400 and bad_id.json["error"]["code"] == "invalid_id"
    huge = put(client, "synonyms", "big", {"words": ["a b"] * 40_000})
    assert huge.status_code == 413 and huge.json["error"]["code"] == "request_entity_too_large"
    assert client.get("/api/synonym", headers=AUTH).status_code == 404
    deep = "[" * 50_000  # deeper than the JSON parser goes: still no JSON, not a 500
    for answer in (
        client.put("/api/synonyms/x", data=deep, content_type="application/json", headers=AUTH),
        client.post("/api/search", data=deep, content_type="application/json"),
        client.post("/api/documents", data=deep, content_type="application/json", headers=AUTH),
    ):
        assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_json"
        assert "nested too deeply" in answer.json["error"]["message"]
    lines = client.post(
        "/api/documents", data=deep, content_type="application/x-ndjson", headers=AUTH
    )
    assert lines.status_code == 400
    assert lines.json["error"]["documents"][0]["error"] == "JSON nested too deeply"


# --- synonyms in searches ---------------------------------------------------------------------


def test_a_synonym_group_finds_every_phrase_at_once(client):
    assert set(ids(client, "Sài Gòn")) == {"d1", "d5"}
    assert put(client, "synonyms", "city", {"words": CITY}).status_code in (200, 201)
    try:
        for q in ("Sài Gòn", "sai gon", "TP.HCM", "thanh pho ho chi minh"):
            assert set(ids(client, q)) == {"d1", "d2", "d3", "d5"}, q
        # typed with other marks, another word: no synonym, no document holds both words
        other = found(client, "sái gòn")
        assert other["relaxed"] and {h["id"] for h in other["hits"]} == {"d1", "d5"}  # "gòn"
        assert set(ids(client, "ngập Sài Gòn")) == {"d3", "d5"}  # every other word still needed
        assert set(ids(client, '"sài gòn ngập sâu"')) == {"d3", "d5"}  # inside a phrase too
        # nothing holds every word in any reading: the query as typed, relaxed, as before
        relaxed = found(client, "Sài Gòn ngập xyzzy")
        assert relaxed["relaxed"] and [h["id"] for h in relaxed["hits"]] == ["d5"]
        hits = {h["id"]: h for h in found(client, "Sài Gòn")["hits"]}
        assert "<mark>TP.HCM</mark>" in hits["d3"]["snippet"]
        assert "<mark>Thành phố Hồ Chí Minh</mark>" in hits["d2"]["snippet"]
        assert "<mark>Sài Gòn</mark>" in hits["d5"]["snippet"]
        page = client.get("/doc/d2", query_string={"q": "sai gon"}).get_data(as_text=True)
        assert "<mark>Thành phố Hồ Chí Minh</mark>" in page  # the article's page marks it too
    finally:
        assert client.delete("/api/synonyms/city", headers=AUTH).status_code == 200
    assert set(ids(client, "Sài Gòn")) == {"d1", "d5"}  # gone at once


def test_a_synonym_only_adds_to_a_long_query_or_a_question(client):
    """A question finds the articles holding any of its words: its synonyms add theirs."""
    question = "giá thuê nhà ở Sài Gòn tăng như thế nào"
    before = found(client, question)
    assert put(client, "synonyms", "city-q", {"words": CITY}).status_code in (200, 201)
    try:
        after = found(client, question)
        assert set(ids(client, question)) >= {h["id"] for h in before["hits"]} | {"d2", "d3"}
        assert after["total"] > before["total"]
    finally:
        client.delete("/api/synonyms/city-q", headers=AUTH)


def test_a_root_finds_its_words_as_phrases_not_the_reverse(client):
    body = {"root": "smartphone", "words": ["điện thoại thông minh"]}
    assert put(client, "synonyms", "phone", body).status_code in (200, 201)
    try:
        assert set(ids(client, "smartphone")) == {"d1", "d2"}  # not d4: its words stand apart
        assert set(ids(client, "điện thoại thông minh")) == {"d1", "d4"}  # the words, no more
        assert ids(client, '"điện thoại thông minh"') == ["d1"]
    finally:
        client.delete("/api/synonyms/phone", headers=AUTH)


# --- curations in searches --------------------------------------------------------------------


def test_a_curation_pins_and_hides(client):
    plain = ids(client, "bão số 3")
    assert set(plain) == set(STORM)
    rule = {"query": "bão số 3", "pin": ["s1", "gone", "s0"], "hide": ["s5", "d1"]}
    assert put(client, "curations", "storm", rule).status_code in (200, 201)
    try:
        for q in ("bão số 3", "số 3 bão", "bao so 3", "Bão  Số 3"):
            result = found(client, q)
            assert [h["id"] for h in result["hits"][:2]] == ["s1", "s0"], q
            assert [h["pinned"] for h in result["hits"]] == [True, True, False, False, False]
            rest = [i for i in plain if i not in ("s0", "s1", "s5")]
            assert [h["id"] for h in result["hits"][2:]] == rest
            assert result["total"] == 5
        # paging: the pins fill the first page's first places, the rest follows in order
        pages = [ids(client, "bão số 3", per_page=2, page=p) for p in (1, 2, 3)]
        assert pages == [["s1", "s0"], rest[:2], rest[2:]]
        assert found(client, "bão số 3", per_page=2, page=2)["total"] == 5
        # another query, or the same words filtered apart, is not curated
        assert ids(client, "bão số 3 Hải Phòng") == ["s1"]
        assert not found(client, "bão số 3 Hải Phòng")["hits"][0]["pinned"]
        assert ids(client, "bão số 3 an toàn") == ["s5"]
        # a filter the pinned article fails leaves it out
        assert ids(client, "bão số 3", story="s1") == ["s1"]
        assert ids(client, "bão số 3", story="s2") == ["s2"]
    finally:
        client.delete("/api/curations/storm", headers=AUTH)
    assert ids(client, "bão số 3") == plain


def test_pins_past_the_first_page_rank_as_they_would(client):
    plain = ids(client, "bão số 3")
    rule = {"query": "bão số 3", "pin": [plain[4], plain[3], plain[0]]}
    assert put(client, "curations", "many", rule).status_code in (200, 201)
    try:
        pages = [ids(client, "bão số 3", per_page=2, page=p) for p in (1, 2, 3, 4)]
        assert pages[0] == [plain[4], plain[3]]  # a page of pins; the third ranks as it would
        assert [i for page in pages[1:] for i in page] == [plain[0], *plain[1:3], plain[5]]
        assert found(client, "bão số 3", per_page=2)["total"] == len(plain)
    finally:
        client.delete("/api/curations/many", headers=AUTH)


def test_rules_of_any_shape_follow_each_other(client):
    """Values that look like dates or numbers first, words after: each rule is kept."""
    first = {"query": "lịch thi", "pin": ["2024-03-05"], "hide": ["12345"]}
    then = {"query": "lịch thi đấu", "pin": ["bao-so-3"], "hide": ["2024-13-45x"]}
    try:
        assert put(client, "curations", "2024-03-05", first).status_code in (200, 201)
        assert put(client, "curations", "dates-then", then).status_code in (200, 201)
        kept = client.get("/api/curations", headers=AUTH).json["curations"]
        assert {"id": "dates-then", **then} in kept and {"id": "2024-03-05", **first} in kept
    finally:
        client.delete("/api/curations/2024-03-05", headers=AUTH)
        client.delete("/api/curations/dates-then", headers=AUTH)


# --- strange input ----------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
RULE = st.fixed_dictionaries(
    {},
    optional={
        "words": st.lists(st.text(max_size=20), max_size=4) | JSON,
        "root": st.text(max_size=20) | JSON,
        "query": st.text(max_size=30) | JSON,
        "pin": st.lists(st.text(max_size=12), max_size=3) | JSON,
        "hide": st.lists(st.text(max_size=12), max_size=3) | JSON,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(["synonyms", "curations"]), body=RULE | JSON, q=st.text(max_size=40))
def test_strange_rules_and_queries_never_fail(client, kind, body, q):
    """Any body is kept or refused with a 4xx; any query under the rules kept is answered."""
    answer = put(client, kind, "strange", body)
    if body is None:  # the test client sends no body then
        assert answer.status_code == 415
    else:
        assert answer.status_code in (200, 201, 400), answer.get_data(as_text=True)
    if answer.status_code == 400:
        assert answer.json["error"]["code"].startswith("invalid_")
    assert client.get("/api/search", query_string={"q": q}).status_code == 200
    words = body.get("words") if isinstance(body, dict) else None
    if isinstance(words, list) and all(isinstance(w, str) for w in words):
        phrase = " ".join(words[:2])  # the rule's own phrases, searched
        assert client.get("/api/search", query_string={"q": phrase[:1000]}).status_code == 200
    client.delete(f"/api/{kind}/strange", headers=AUTH)
