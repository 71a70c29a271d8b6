"""The JSON API through Flask's test client: every endpoint and every error path."""

import json
import re
from urllib.parse import quote

import pytest

from indexer.search.results import Document, json_fields
from indexer.settings import SettingError
from indexer.whoosh.build import build
from webapp import create_app

ODD_IDS = [
    "a b/c@d",
    "Tỉnh ủy/2023",
    "100%",
    "q?x#y&z=1",
    "/lead",
    "trail/",
    "..",
    "a//b",
    "ủy ban",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    odd = folder / "odd.jsonl"
    odd.write_text(
        "\n".join(
            json.dumps(
                {"id": i, "text": f"Bài viết số {n} về hội nghị.", "url": "https://example.vn/a"}
            )
            for n, i in enumerate(ODD_IDS)
        ),
        encoding="utf-8",
    )
    build(folder / "index", ["corpus", odd], workers=1, quiet=True)
    app = create_app({"INDEX": str(folder / "index"), "TESTING": True})
    yield app.test_client()
    app.extensions["engine"].close()


def test_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "documents": 5 + len(ODD_IDS)}


def test_health_without_an_index(tmp_path):
    response = create_app({"INDEX": str(tmp_path / "none")}).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_search_contract(client):
    response = client.get("/api/search", query_string={"q": "to chuc dang", "per_page": 2})
    assert response.status_code == 200
    data = response.json
    for key in ("query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion"):
        assert key in data
    assert data["query"] == "to chuc dang" and data["page"] == 1 and data["per_page"] == 2
    assert data["total"] >= 5 and len(data["hits"]) == 2
    assert data["suggestion"] == "tổ chức đảng"
    hit = data["hits"][0]
    assert set(hit) >= {
        "id",
        "title",
        "date",
        "author",
        "source",
        "place",
        "url",
        "score",
        "snippet",
    }
    assert isinstance(hit["score"], float)
    assert "<mark>" in hit["snippet"]
    assert set(data["facets"]) == {"year", "author", "place", "source"}
    assert data["partial"] is False


def test_search_filters_and_sort(client):
    data = client.get("/api/search?q=&sort=oldest&date_from=2020-01-01&date_to=2022-12-31").json
    assert [h["date"] for h in data["hits"]] == ["2020-10-13T14:21", "2022-07-15"]
    assert data["hits"][0]["score"] is None
    data = client.get("/api/search", query_string={"q": "tổ chức", "place": "Lạng Sơn"}).json
    assert [h["id"] for h in data["hits"]] == ["000_50d02545dceeb243"]
    assert data["hits"][0]["date"] == "2023-10-02"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("page=0", "invalid_page"),
        ("page=-1", "invalid_page"),
        ("page=1.5", "invalid_page"),
        ("page=abc", "invalid_page"),
        ("page=99999999999999999999", "invalid_page"),  # a huge number is not a page
        ("per_page=0", "invalid_per_page"),
        ("per_page=101", "invalid_per_page"),
        ("per_page=x", "invalid_per_page"),
        ("sort=best", "invalid_sort"),
        ("date_from=2023-13-01", "invalid_date_from"),
        ("date_to=02/10/2023", "invalid_date_to"),
        ("date_from=2024-01-01&date_to=2023-01-01", "invalid_date_range"),
        ("q=" + "a" * 1001, "query_too_long"),
        ("q=a&q=b", "repeated_parameter"),
        ("page=1000&per_page=100", "page_too_deep"),
    ],
)
def test_search_errors(client, query, code):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


@pytest.mark.parametrize("query", ['"', "-", "OR", "title:", "\u202e\u200b", "%00", "😀" * 200])
def test_strange_queries_are_answered(client, query):
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200
    assert response.json["total"] >= 0


@pytest.mark.parametrize("doc_id", ODD_IDS)
def test_documents_with_any_id(client, doc_id):
    response = client.get("/api/documents/" + quote(doc_id, safe=""))
    assert response.status_code == 200, doc_id
    data = response.json
    assert data["id"] == doc_id
    assert set(data) == set(json_fields(Document))
    assert "hội nghị" in data["text"]


def test_seed_document(client):
    data = client.get("/api/documents/002_abb0d72e086358a6").json
    assert data["source"] == "Báo Quảng Ninh" and data["date"] == "2020-10-13T14:21"
    assert data["place"] == ["Quảng Ninh"] and data["author"] is None
    assert "Tin Nóng" not in data["text"]


def test_unknown_document(client):
    response = client.get("/api/documents/" + quote("không có", safe=""))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_suggest(client):
    data = client.get("/api/suggest", query_string={"q": "to ch"}).json
    assert "tổ chức" in data["suggestions"]
    assert client.get("/api/suggest").json == {"suggestions": []}
    assert client.get("/api/suggest?q=" + "a" * 1001).status_code == 400


def test_openapi_describes_every_endpoint(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/healthz",
        "/api/search",
        "/api/documents/{id}",
        "/api/documents/{id}/related",
        "/api/suggest",
        "/api/openapi.json",
        "/api/documents",
        "/api/tasks/{number}",
        "/api/synonyms",
        "/api/synonyms/{id}",
        "/api/curations",
        "/api/curations/{id}",
        "/api/analytics/searches",
        "/metrics",
    }
    assert set(spec["paths"]["/api/documents/{id}"]) == {"get", "put", "delete"}
    assert spec["paths"]["/api/documents"]["post"]["security"] == [{"bearer": []}]
    for path in spec["paths"].values():  # every reference resolves
        for ref in re.findall(r'"#/components/schemas/(\w+)"', json.dumps(path)):
            assert ref in spec["components"]["schemas"]
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {
        "q",
        "page",
        "per_page",
        "sort",
        "date_from",
        "date_to",
        "author",
        "place",
        "source",
        "verbatim",
        "half_life",
        "collapse",
        "story",
    }
    body = spec["paths"]["/api/search"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["schema"]["properties"]) == names


def test_unknown_api_path_and_method_are_json(client):
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/nothing").json["error"]["code"] == "not_found"
    response = client.delete("/api/search")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert client.post("/api/suggest").json["error"]["code"] == "method_not_allowed"


def test_security_headers(client):
    for path in ("/api/search?q=a", "/", "/healthz"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_never_debug(client):
    assert not client.application.debug


def test_the_openapi_parameters_are_the_request_s_own(client):
    from indexer.search.request import MAX_PER_PAGE, MAX_QUERY, NAMES

    spec = client.get("/api/openapi.json").json
    parameters = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert tuple(parameters) == NAMES
    assert parameters["q"]["schema"]["maxLength"] == MAX_QUERY
    assert parameters["per_page"]["schema"]["maximum"] == MAX_PER_PAGE
    assert all(p["description"] for p in parameters.values())


TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
         "array": list, "object": dict}  # fmt: skip


def conforms(value, schema: dict, spec: dict) -> bool:
    """Does *value* have the type *schema* (of the OpenAPI document *spec*) says, its
    objects exactly the properties described, its arrays' items each?"""
    if "allOf" in schema:  # a nullable reference
        return (value is None and schema.get("nullable")) or conforms(
            value, schema["allOf"][0], spec
        )
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if value is None:
        return bool(schema.get("nullable"))
    if isinstance(value, bool) and schema["type"] in ("integer", "number"):
        return False
    if not isinstance(value, TYPES[schema["type"]]):
        return False
    if schema["type"] == "array":
        return all(conforms(item, schema["items"], spec) for item in value)
    if schema["type"] == "object" and "properties" in schema:
        properties = schema["properties"]
        return set(value) == set(properties) and all(
            conforms(value[name], properties[name], spec) for name in value
        )
    if schema["type"] == "object" and "additionalProperties" in schema:
        return all(conforms(v, schema["additionalProperties"], spec) for v in value.values())
    return True


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/search?q=to+chuc+dang&per_page=3", "SearchResult"),
        ("/api/search?q=t%E1%BB%95+ch%E1%BB%A9c&sort=newest", "SearchResult"),
        ("/api/search?q=toor+chuwcs+ddangr", "SearchResult"),
        ("/api/search?q=t%E1%BB%95+ch%E1%BB%A9c&collapse=false&sort=fresh", "SearchResult"),
        ("/api/documents/002_abb0d72e086358a6", "Document"),
        ("/api/documents/002_abb0d72e086358a6/related?limit=3", "Related"),
    ],
)
def test_answers_are_what_the_openapi_schemas_say(client, path, schema):
    spec = client.get("/api/openapi.json").json
    answer = client.get(path).json
    assert conforms(answer, {"$ref": f"#/components/schemas/{schema}"}, spec), answer
    if schema == "SearchResult":
        assert answer["hits"], path  # the hits' schema was checked too


def test_the_json_fields_are_the_contract(client):
    # what programs calling the API read: extend it, never rename it
    hit = client.get("/api/search?q=to+chuc+dang").json["hits"][0]
    assert list(hit) == ["id", "title", "title_given", "title_html", "date", "author",
                         "source", "place", "url", "story", "score", "snippet",
                         "similar", "pinned"]  # fmt: skip
    document = client.get("/api/documents/002_abb0d72e086358a6").json
    assert list(document) == ["id", "title", "title_given", "date", "author", "source",
                              "place", "url", "story", "text"]  # fmt: skip
    related = client.get("/api/documents/002_abb0d72e086358a6/related").json
    assert list(related) == ["id", "related"]
    assert list(related["related"][0]) == ["id", "title", "title_given", "title_html", "date",
                                           "author", "source", "place", "url", "story",
                                           "score"]  # fmt: skip


# --- POST /api/search: the same search, for queries too long for a URL ------------------


def test_posted_search_equals_the_get(client):
    params = {"q": "to chuc dang", "per_page": 2, "sort": "relevance", "place": "Gia Lai"}
    got = client.get("/api/search", query_string=params).json
    posted = client.post("/api/search", json=params).json
    for result in (got, posted):
        result.pop("took_ms")
    assert posted == got and posted["total"] >= 1


def test_a_long_query_is_posted():
    long_query = "tổ chức đảng " * 70  # 910 characters: 3,800 percent-encoded in a URL
    assert len(long_query) < 1000
    app = create_app({"INDEX": "corpus-index-not-needed", "TESTING": True})
    response = app.test_client().post("/api/search", json={"q": long_query * 2})
    assert response.status_code == 400  # over MAX_QUERY: the limit is the same as GET's
    assert response.json["error"]["code"] == "query_too_long"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{", "application/json", 400, "invalid_json"),
        (b"[1, 2]", "application/json", 400, "invalid_json"),
        (b'{"q": "a", "colour": "red"}', "application/json", 400, "unknown_parameter"),
        (b'{"page": [1]}', "application/json", 400, "invalid_page"),
        (b'{"page": true}', "application/json", 400, "invalid_page"),
        (b'{"per_page": 1000}', "application/json", 400, "invalid_per_page"),
        (b"q=a", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"q": "' + b"a" * 70_000 + b'"}', "application/json", 413, "body_too_large"),
    ],
)
def test_bad_posted_searches_get_json_errors(client, body, content_type, status, code):
    response = client.post("/api/search", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.json["error"]["code"] == code


def test_every_search_says_whether_it_relaxed(client):
    assert client.get("/api/search?q=t%E1%BB%95+ch%E1%BB%A9c").json["relaxed"] is False
    relaxed = client.get("/api/search", query_string={"q": "tổ chức xyzabc"}).json
    assert relaxed["relaxed"] is True and relaxed["total"] > 0


def test_a_hit_says_whether_its_title_was_given(client):
    hits = client.get("/api/search?q=h%E1%BB%99i+ngh%E1%BB%8B").json["hits"]
    assert {type(hit["title_given"]) for hit in hits} == {bool}


# --- a query read as meant: searched_as, verbatim ---------------------------------------------


def test_a_query_typed_with_telex_is_searched_as_meant(client):
    data = client.get("/api/search", query_string={"q": "toor chuwcs ddangr"}).json
    assert data["searched_as"] == "tổ chức đảng"
    assert data["query"] == "toor chuwcs ddangr"
    meant = client.get("/api/search", query_string={"q": "tổ chức đảng"}).json
    assert meant["searched_as"] is None
    assert [h["id"] for h in data["hits"]] == [h["id"] for h in meant["hits"]]
    assert data["total"] == meant["total"] == 5


@pytest.mark.parametrize("flag", ["true", "1", "TRUE", "yes", "on"])
def test_verbatim_searches_as_typed(client, flag):
    data = client.get("/api/search", query_string={"q": "toor chuwcs ddangr", "verbatim": flag})
    assert data.json["searched_as"] is None and data.json["total"] == 0
    assert data.json["suggestion"] == "tổ chức đảng"


@pytest.mark.parametrize("flag", ["false", "0", "", "no", "off"])
def test_verbatim_off_reads_as_meant(client, flag):
    data = client.get("/api/search", query_string={"q": "toor chuwcs ddangr", "verbatim": flag})
    assert data.json["searched_as"] == "tổ chức đảng"


@pytest.mark.parametrize(("flag", "read"), [(True, None), (False, "tổ chức đảng"), ("true", None)])
def test_verbatim_posted(client, flag, read):
    data = client.post("/api/search", json={"q": "toor chuwcs ddangr", "verbatim": flag}).json
    assert data["searched_as"] == read


@pytest.mark.parametrize("flag", ["maybe", "2", "truee"])
def test_a_bad_verbatim_is_a_400(client, flag):
    response = client.get("/api/search", query_string={"q": "a", "verbatim": flag})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_verbatim"
    posted = client.post("/api/search", json={"q": "a", "verbatim": [True]})
    assert posted.status_code == 400 and posted.json["error"]["code"] == "invalid_verbatim"


# --- stories, freshness, related articles -------------------------------------------------


def test_related_articles(client):
    answer = client.get("/api/documents/002_abb0d72e086358a6/related?limit=3")
    assert answer.status_code == 200
    related = answer.json["related"]
    assert answer.json["id"] == "002_abb0d72e086358a6" and len(related) == 3
    assert "002_abb0d72e086358a6" not in [hit["id"] for hit in related]
    assert all("snippet" not in hit for hit in related)
    assert len(client.get("/api/documents/002_abb0d72e086358a6/related").json["related"]) == 4


@pytest.mark.parametrize("limit", ["0", "21", "abc", "-1", "5.5"])
def test_related_limits(client, limit):
    answer = client.get(f"/api/documents/002_abb0d72e086358a6/related?limit={limit}")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_limit"


def test_related_of_an_unknown_id_is_404_json(client):
    answer = client.get("/api/documents/no-such-id/related")
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"


def test_a_search_says_its_stories(client):
    collapsed = client.get("/api/search?q=h%E1%BB%99i+ngh%E1%BB%8B").json
    assert collapsed["collapse"] is True and collapsed["stories"] == collapsed["total"]
    assert all(hit["similar"] == {"total": 0, "ids": []} for hit in collapsed["hits"])
    assert all(hit["story"] == hit["id"] for hit in collapsed["hits"])
    every = client.get("/api/search?q=h%E1%BB%99i+ngh%E1%BB%8B&collapse=false").json
    assert every["stories"] is None and every["collapse"] is False
    assert all(hit["similar"] is None for hit in every["hits"])
    assert every["total"] == collapsed["total"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("sort=fresh&half_life=0", "invalid_half_life"),
        ("sort=fresh&half_life=x", "invalid_half_life"),
        ("collapse=maybe", "invalid_collapse"),
        ("story=" + "x" * 201, "invalid_story"),
    ],
)
def test_bad_freshness_and_story_parameters(client, query, code):
    answer = client.get(f"/api/search?q=a&{query}")
    assert answer.status_code == 400 and answer.json["error"]["code"] == code


def test_the_server_s_default_sort_and_half_life(tmp_path, monkeypatch):
    build(tmp_path / "index", ["corpus"], workers=1, quiet=True)
    monkeypatch.setenv("VNSEARCH_DEFAULT_SORT", "fresh")
    monkeypatch.setenv("VNSEARCH_HALF_LIFE_DAYS", "30")
    client = create_app({"INDEX": str(tmp_path / "index"), "TESTING": True}).test_client()
    query = "/api/search?q=t%E1%BB%95+ch%E1%BB%A9c"

    def ranked(path):
        answer = client.get(path).json
        return answer["sort"], [(hit["id"], hit["score"]) for hit in answer["hits"]]

    assert ranked(query) == ranked(query + "&sort=fresh&half_life=30")
    assert ranked(query) != ranked(query + "&sort=fresh&half_life=3000")
    assert ranked(query + "&sort=relevance")[0] == "relevance"
    client.application.extensions["engine"].close()  # its view's files, before tmp_path goes
    monkeypatch.setenv("VNSEARCH_DEFAULT_SORT", "popular")
    with pytest.raises(SettingError, match="VNSEARCH_DEFAULT_SORT"):
        create_app({"INDEX": str(tmp_path / "index"), "TESTING": True})
