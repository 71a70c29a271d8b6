"""A query read as it was meant: Telex, VNI, regional spellings and slips of a key are
searched in their likeliest reading, said so, and searched as typed on request. Both
backends."""

import pytest

from indexer.indexing.writes import put
from indexer.search.request import SearchRequest

from ..conftest import BACKENDS
from ..conftest import CORPUS as SEEDS
from .test_search import ids, jsonl


@pytest.fixture(scope="module", params=BACKENDS)
def seeds(request, make_backend):
    return make_backend(request.param, [SEEDS], "seed-correct")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("toor chuwcs ddangr", "tổ chức đảng"),  # Telex, the tone key at the end
        ("Toro chuwsc ddarng", "Tổ chức đảng"),  # Telex, the tone key after the vowel
        ("to63 chu7c1 d9ang3", "tổ chức đảng"),  # VNI
        ("to36 chu7c1 d9a3ng", "tổ chức đảng"),  # VNI, the tone digit after the vowel
        ("hooij nghij", "hội nghị"),
        ("Ban Toor chuwcs Trung uwowng", "Ban Tổ chức Trung ương"),  # uwow: ươ
        ("toor chuwcs đảng", "tổ chức đảng"),  # keys and marks in one query
        ("sây dựng đảng", "xây dựng đảng"),  # s for x, as the north says it
        ("tổ chức đãng", "tổ chức đảng"),  # ngã for hỏi, as the centre and south say it
        ("xây dựgn đảng", "xây dựng đảng"),  # two letters swapped
        ("tổ chứcc đảng", "tổ chức đảng"),  # one too many
        ("xây dựg đảng", "xây dựng đảng"),  # one left out
        ("xây dựng đảngg tổ chưc", "xây dựng đảng tổ chức"),  # two words at once
    ],
)
def test_a_query_found_little_is_searched_as_meant(seeds, typed, read):
    result = seeds.search(q=typed)
    assert result.searched_as == read
    meant = seeds.search(q=read)
    assert meant.searched_as is None
    assert (result.total, ids(result)) == (meant.total, ids(meant))
    assert result.facets == meant.facets
    assert result.query == typed  # the query stays what was typed


def test_pages_and_filters_follow_the_reading(seeds):
    read = seeds.search(q="tổ chức đảng", per_page=2, page=2, sort="oldest")
    typed = seeds.search(q="toor chuwcs ddangr", per_page=2, page=2, sort="oldest")
    assert typed.searched_as == "tổ chức đảng"
    assert ids(typed) == ids(read) and typed.pages == read.pages == 3
    narrowed = seeds.search(q="toor chuwcs ddangr", place="Gia Lai")
    assert ids(narrowed) == ["001_cb7a5b37da5bff54"]


def test_verbatim_searches_as_typed_and_offers_the_reading(seeds):
    result = seeds.search(SearchRequest(q="toor chuwcs ddangr", verbatim=True))
    assert result.searched_as is None
    assert result.total == 0 and result.hits == []
    assert result.suggestion == "tổ chức đảng"


def test_a_reading_that_finds_no_more_is_only_offered(seeds):
    # "tỉnh uỷ gia lai" stands as typed: nothing to read otherwise, nothing offered
    result = seeds.search(q="tỉnh uỷ gia lai")
    assert result.searched_as is None and result.suggestion is None and result.total == 2


@pytest.mark.parametrize(
    "typed",
    [
        "chó",  # a word of three letters: no slip is looked for ("có" is not meant)
        "hỏi",  # nor "hội"
        "Tổ chức",  # the index holds it as typed
        "tổ chức đảng",
        "qưzx",  # nothing the index holds is near it
    ],
)
def test_what_is_typed_right_or_unknown_is_searched_as_typed(seeds, typed):
    result = seeds.search(q=typed)
    assert result.searched_as is None
    assert result.suggestion is None


HOLDING = (
    [  # "chó" once, the words one edit or a mark away from it often
        {"id": f"c{i}", "text": "Bà con có chợ cho mọi người. Có có có."} for i in range(12)
    ]
    + [
        {"id": "dog", "text": "Con chó nhà bên sủa suốt đêm."},
        {"id": "storm", "text": "Cơn bão số 3 đổ bộ. Báo chí đưa tin bão số 3."},
    ]
    + [{"id": f"b{i}", "text": "Báo số 3 phát hành hôm nay. Báo số 3 bán chạy."} for i in range(8)]
)


@pytest.fixture(scope="module", params=BACKENDS)
def holding(request, make_backend, tmp_path_factory):
    source = jsonl(tmp_path_factory.mktemp("holding"), HOLDING)
    return make_backend(request.param, [source], "holding")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("chó", ["dog"]),  # a single word the index holds stays itself
        ("bão số 3", ["storm"]),  # standing together as typed: never another reading
        ("con chó", ["dog"]),
    ],
)
def test_a_query_the_index_holds_as_typed_is_never_read_otherwise(holding, typed, found):
    result = holding.search(q=typed)
    assert result.searched_as is None and result.suggestion is None
    assert ids(result) == found and result.total == len(found)


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_write_that_makes_the_query_stand_ends_its_reading(kind, make_backend):
    backend = make_backend(kind, [SEEDS], "written-correct")
    assert backend.search(q="sây dựng đảng").searched_as == "xây dựng đảng"
    article = {"id": "say", "title": "Sây dựng đảng", "text": "Bài về sây dựng đảng."}
    assert backend.applied(backend.write([put(article)], []), 60)["status"] == "applied"
    result = backend.search(q="sây dựng đảng")  # now held standing together, as typed
    assert result.searched_as is None
    assert ids(result) == ["say"] and result.total == 1
