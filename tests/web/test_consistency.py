"""Read your writes, monotonic reads: on the real server with its default workers, a write
answered "applied" is seen by every later request to any worker, and a delete so answered
by none. Both backends.

Each write (`wait=true`) is followed at once by READS requests from CLIENTS threads at
the same time, so that every worker answers some: searches for the article's own word
and requests for the document.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from indexer.opensearch.backend import OpenSearchBackend

from ..conftest import BACKENDS, CORPUS
from ..servers import serving, serving_corpus

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKEN = "newsroom-token"
ENV = {"VNSEARCH_WRITE_TOKENS": TOKEN}
WRITES = 200
DELETES = 50
READS = 20
CLIENTS = 4


def call(base: str, method: str, path: str, body=None, token=None):
    """(status, JSON answer) of one request."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def word(number: int) -> str:
    """A word that the article *number* alone holds."""
    return f"vnx{number:04d}q"


def seen(base: str, number: int, turn: int) -> bool:
    """Does this request (a search, or the document: by turns) see the article?"""
    doc_id = f"rw-{number}"
    if turn % 2:
        query = urllib.parse.urlencode({"q": word(number)})
        status, answer = call(base, "GET", f"/api/search?{query}")
        assert status == 200, answer
        ids = [hit["id"] for hit in answer["hits"]]
        assert answer["total"] == len(ids) and ids in ([], [doc_id]), answer
        return ids == [doc_id]
    status, answer = call(base, "GET", "/api/documents/" + doc_id)
    assert status in (200, 404), answer
    return status == 200


def reads(pool: ThreadPoolExecutor, base: str, number: int) -> list[bool]:
    """READS requests at once, from CLIENTS threads, each saying whether it saw it."""
    return list(pool.map(lambda turn: seen(base, number, turn), range(READS)))


@pytest.fixture(params=BACKENDS)
def base(request, tmp_path, opensearch_urls_if):
    if request.param == "whoosh":
        with serving_corpus(tmp_path, env=ENV) as url:
            yield url
        return
    alias = f"test-consistency-{uuid.uuid4().hex[:8]}"
    backend = OpenSearchBackend(opensearch_urls_if, alias)
    assert backend.build([CORPUS], workers=1, quiet=True).published
    try:
        with serving(alias, opensearch=opensearch_urls_if, env=ENV) as url:
            yield url
    finally:
        backend.delete()
        backend.close()


@pytest.fixture
def opensearch_urls_if(request):
    """The cluster's URLs for the OpenSearch case (the fixture fails without a cluster)."""
    if request.node.callspec.params.get("base") == "opensearch":
        return request.getfixturevalue("opensearch_urls")
    return None


def test_a_write_answered_applied_is_seen_by_every_later_read(base):
    late = []
    with ThreadPoolExecutor(CLIENTS) as pool:
        for number in range(WRITES):
            article = {"id": f"rw-{number}", "text": f"Tin {word(number)} về giá lúa gạo."}
            status, answer = call(base, "POST", "/api/documents?wait=true", article, TOKEN)
            assert (status, answer["status"]) == (200, "applied"), answer
            late += [(number, "put") for saw in reads(pool, base, number) if not saw]
        for number in range(DELETES):
            status, answer = call(base, "DELETE", f"/api/documents/rw-{number}?wait=true",
                                  token=TOKEN)  # fmt: skip
            assert (status, answer["status"]) == (200, "applied"), answer
            late += [(number, "delete") for saw in reads(pool, base, number) if saw]
    assert not late, f"{len(late)} reads of {(WRITES + DELETES) * READS} went back: {late[:10]}"
