"""Read your writes, monotonic reads: on the real server with its default workers, a write
answered "applied" is seen by every later request to any worker, and a delete so answered
by none. Both backends.

Each write (`wait=true`) is followed at once by READS requests from CLIENTS threads at
the same time, so that every worker answers some: searches for the article's own word,
requests for the document, and suggestions for the beginning of its word (which a
title's words always are).
"""

import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from indexer.opensearch.backend import OpenSearchBackend

from ..conftest import BACKENDS, CORPUS
from ..servers import call_json as call
from ..servers import serving, serving_corpus

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKEN = "newsroom-token"
ENV = {"VNSEARCH_WRITE_TOKENS": TOKEN}
WRITES = 200
DELETES = 50
READS = 20
CLIENTS = 4


def word(number: int) -> str:
    """A word that the article *number* alone holds."""
    return f"vnx{number:04d}q"


def seen(base: str, number: int, turn: int, suggested: bool = True) -> bool:
    """Does this request (by turns a search, the document, and with *suggested* the
    search box's suggestions for the beginning of its word) see the article?"""
    doc_id = f"rw-{number}"
    if suggested and turn % 3 == 2:
        query = urllib.parse.urlencode({"q": word(number)[:-1]})
        status, answer = call(base, "GET", f"/api/suggest?{query}")
        assert status == 200, answer
        return word(number) in [s.lower() for s in answer["suggestions"]]
    if turn % 3 == 1:
        query = urllib.parse.urlencode({"q": word(number)})
        status, answer = call(base, "GET", f"/api/search?{query}")
        assert status == 200, answer
        ids = [hit["id"] for hit in answer["hits"]]
        assert answer["total"] == len(ids) and ids in ([], [doc_id]), answer
        return ids == [doc_id]
    status, answer = call(base, "GET", "/api/documents/" + doc_id)
    assert status in (200, 404), answer
    return status == 200


def reads(pool: ThreadPoolExecutor, base: str, number: int, suggested=True) -> list[bool]:
    """READS requests at once, from CLIENTS threads, each saying whether it saw it."""
    return list(pool.map(lambda turn: seen(base, number, turn, suggested), range(READS)))


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
            article = {
                "id": f"rw-{number}",
                "title": f"Bản tin {word(number)}",
                "text": f"Tin {word(number)} về giá lúa gạo.",
            }
            status, answer = call(base, "POST", "/api/documents?wait=true", article, TOKEN)
            assert (status, answer["status"]) == (200, "applied"), answer
            late += [(number, "put") for saw in reads(pool, base, number) if not saw]
        for number in range(DELETES):
            status, answer = call(base, "DELETE", f"/api/documents/rw-{number}?wait=true",
                                  token=TOKEN)  # fmt: skip
            assert (status, answer["status"]) == (200, "applied"), answer
            # a suggestion is a word, not the article: it may stay (docs/architecture.md)
            late += [(number, "delete") for saw in reads(pool, base, number, False) if saw]
    assert not late, f"{len(late)} reads of {(WRITES + DELETES) * READS} went back: {late[:10]}"
