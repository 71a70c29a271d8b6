"""Results shaped for news, on both backends: fresh news first when asked, one hit per
story, related articles."""

import pytest

from indexer.indexing.stored import encode_terms
from indexer.indexing.stories import SIMILARITY, shingles
from indexer.indexing.writes import put
from indexer.language.analysis import analyse
from indexer.search.related import syllables_of
from indexer.search.request import InvalidRequest, SearchRequest

from ..conftest import BACKENDS
from ..conftest import CORPUS as SEEDS
from .test_search import ids, jsonl

STORY = (
    "Chiều nay, bão số 3 đã đổ bộ vào các tỉnh ven biển miền Bắc với sức gió mạnh cấp 12,"
    " giật cấp 14. Ban Chỉ đạo phòng chống thiên tai yêu cầu các địa phương sơ tán người dân"
    " khỏi vùng nguy hiểm, cấm tàu thuyền ra khơi và kiểm tra hệ thống đê điều. Mưa lớn kéo"
    " dài khiến nhiều tuyến đường bị ngập sâu, hàng nghìn ngôi nhà bị tốc mái. Lực lượng cứu"
    " hộ đã có mặt tại các điểm xung yếu để hỗ trợ người dân khắc phục hậu quả của cơn bão."
)
# three papers' copies of one story, each reworded a little, and another story of storms
COPIES = [
    {"id": "wire-a", "title": "Bão số 3 đổ bộ miền Bắc", "date": "2023-09-01", "text": STORY},
    {
        "id": "wire-b",
        "title": "Bão số 3 vào đất liền",
        "date": "2023-09-02",
        "source": "Báo B",
        "text": STORY.replace("Chiều nay", "Chiều 1-9"),
    },
    {
        "id": "wire-c",
        "title": "Miền Bắc hứng bão số 3",
        "date": "2023-09-03",
        "source": "Báo C",
        "text": STORY.replace("hàng nghìn", "hàng trăm"),
    },
    {
        "id": "other",
        "title": "Nông dân gặt lúa chạy bão",
        "date": "2023-08-30",
        "text": "Trước khi bão đến, nông dân các tỉnh đồng bằng khẩn trương gặt lúa vụ mùa,"
        " thu hoạch hoa màu và gia cố chuồng trại để giảm thiệt hại do mưa lớn.",
    },
]
# the same words, years apart; and a fresh article that holds them, but not together
DATED = [
    {
        "id": "old",
        "title": "Lũ quét Yên Bái",
        "date": "2017-10-12",
        "text": "Lũ quét Yên Bái cuốn trôi nhà cửa; chính quyền huyện Mù Cang Chải di dời dân.",
    },
    {
        "id": "new",
        "title": "Lũ quét Yên Bái",
        "date": "2024-09-10",
        "text": "Lũ quét Yên Bái làm sạt lở nhiều tuyến đường; tỉnh đưa máy móc đến thông xe.",
    },
    {
        "id": "apart",
        "title": "Mùa lúa chín",
        "date": "2024-09-20",
        "text": "Ở Yên Bái mùa này lúa chín; người ta kể chuyện lũ năm xưa và đường quét sạch.",
    },
    {"id": "undated", "title": "Lũ quét Yên Bái", "text": "Lũ quét Yên Bái năm nào cũng có."},
]


@pytest.fixture(scope="module", params=BACKENDS)
def news(request, make_backend, tmp_path_factory):
    source = jsonl(tmp_path_factory.mktemp("news"), COPIES + DATED)
    return make_backend(request.param, [source], "news")


@pytest.fixture(scope="module", params=BACKENDS)
def seeds(request, make_backend):
    return make_backend(request.param, [SEEDS], "seed-related")


def jaccard(a: str, b: str) -> float:
    x, y = set(shingles(analyse(a).words)), set(shingles(analyse(b).words))
    return len(x & y) / len(x | y)


def test_the_copies_are_copies_and_the_other_story_is_not():
    for copy in COPIES[1:3]:
        assert jaccard(STORY, copy["text"]) >= SIMILARITY
    assert jaccard(STORY, COPIES[3]["text"]) < 0.2


# --- freshness --------------------------------------------------------------------------


def test_fresh_puts_the_newer_of_two_alike_first(news):
    fresh = news.search(q="lũ quét Yên Bái", sort="fresh")
    assert ids(fresh)[:2] == ["new", "old"]
    assert fresh.sort == "fresh" and fresh.total == 4


def test_an_undated_article_counts_as_old_as_the_oldest(news):
    fresh = news.search(q="lũ quét Yên Bái", sort="fresh", collapse=False)
    scores = {hit.id: hit.score for hit in fresh.hits}
    # "old" is 2,525 days older than "new": at a half-life of 90 days its relevance is gone
    assert scores["undated"] == pytest.approx(scores["old"], abs=1e-3)
    assert ids(fresh)[0] == "new"


def test_the_half_life_sets_how_fast_scores_fall(news):
    relevance = {h.id: h.score for h in news.search(q="lũ quét Yên Bái").hits}
    decade = {
        h.id: h.score for h in news.search(q="lũ quét Yên Bái", sort="fresh", half_life=3650).hits
    }
    # the newest keeps its score; one 2,525 days older keeps 0.5 ** (2525 / 3650) of its
    # relevance (the tiers, added whole, aside)
    tiers = relevance["new"] - relevance["new"] % 10_000
    assert decade["new"] == pytest.approx(relevance["new"], rel=1e-3)
    old_bm25 = relevance["old"] - tiers
    assert decade["old"] - tiers == pytest.approx(old_bm25 * 0.5 ** (2525 / 3650), rel=0.02)


def test_tiers_come_before_freshness(news):
    # "apart" is the freshest, and holds every word, but never together: it stays last
    found = news.search(q="lũ quét Yên Bái", sort="fresh", collapse=False)
    assert ids(found)[-1] == "apart" and "apart" in ids(found)
    assert ids(found)[0] == "new"


def test_an_empty_query_sorted_fresh_is_newest_first(news):
    found = news.search(q="", sort="fresh", per_page=3, collapse=False)
    assert ids(found) == ["apart", "new", "wire-c"]


@pytest.mark.parametrize("half_life", ["0", "-3", "abc", "40000"])
def test_a_bad_half_life_is_refused(half_life):
    with pytest.raises(InvalidRequest) as error:
        SearchRequest.from_params({"q": "bão", "sort": "fresh", "half_life": half_life})
    assert error.value.code == "invalid_half_life"


# --- one hit per story --------------------------------------------------------------------


def test_one_hit_per_story_with_its_copies_beside_it(news):
    found = news.search(q="bão")
    by_id = {hit.id: hit for hit in found.hits}
    assert found.total == 4  # articles
    assert found.stories == 2 and len(found.hits) == 2
    story = next(hit for hit in found.hits if hit.story == "wire-a")
    assert story.similar.total == 2
    assert sorted([story.id, *story.similar.ids]) == ["wire-a", "wire-b", "wire-c"]
    assert by_id["other"].story == "other" and by_id["other"].similar.total == 0
    assert sum(item["count"] for item in found.facets["year"]) == 4


def test_collapse_false_returns_every_article(news):
    found = news.search(q="bão", collapse=False)
    assert sorted(ids(found)) == ["other", "wire-a", "wire-b", "wire-c"]
    assert found.total == 4 and found.stories is None
    assert all(hit.similar is None for hit in found.hits)
    assert {hit.id: hit.story for hit in found.hits}["wire-c"] == "wire-a"


def test_the_story_filter_lists_one_story(news):
    found = news.search(q="bão", story="wire-a", collapse=False)
    assert sorted(ids(found)) == ["wire-a", "wire-b", "wire-c"] and found.total == 3
    assert found.filters == {"story": "wire-a"}
    assert news.search(q="", story="other").total == 1


def test_paging_is_over_stories(news):
    first = news.search(q="bão", per_page=1)
    second = news.search(q="bão", per_page=1, page=2)
    assert first.pages == 2 and second.pages == 2
    assert {first.hits[0].story, second.hits[0].story} == {"wire-a", "other"}
    assert news.search(q="bão", per_page=1, page=3).hits == []


def test_sorted_by_date_each_story_shows_its_newest(news):
    found = news.search(q="bão", sort="newest")
    assert ids(found) == ["wire-c", "other"]
    assert found.hits[0].similar.ids == ["wire-b", "wire-a"]


def test_documents_carry_their_story(news):
    assert news.document("wire-b").story == "wire-a"
    assert news.document("old").story == "old"


@pytest.mark.parametrize("kind", BACKENDS)
def test_an_article_written_later_joins_its_story(kind, make_backend, tmp_path_factory):
    source = jsonl(tmp_path_factory.mktemp("later"), COPIES[:1] + COPIES[3:])
    backend = make_backend(kind, [source], "later")
    copy = {"id": "wire-d", "title": "Bão số 3", "text": STORY.replace("cấp 12", "cấp 11")}
    lone = {"id": "lone", "title": "Cây đổ", "text": "Nhiều cây xanh bị gió quật đổ trên phố."}
    number = backend.write([put(copy), put(lone)], [])
    assert backend.applied(number, 60)["status"] == "applied"
    assert backend.document("wire-d").story == "wire-a"
    assert backend.document("lone").story == "lone"
    found = backend.search(q="bão số 3")
    hit = next(h for h in found.hits if h.story == "wire-a")
    assert hit.similar.total == 1 and found.total == 2 and found.stories == 1


@pytest.mark.parametrize("kind", BACKENDS)
def test_an_update_adds_copies_to_their_story_and_a_rebuild_keeps_it(
    kind, make_backend, tmp_path_factory
):
    folder = tmp_path_factory.mktemp("updated")
    first = jsonl(folder, COPIES[:1] + COPIES[3:])
    backend = make_backend(kind, [first], "updated")
    more = folder / "more.jsonl"
    more.write_text(jsonl(tmp_path_factory.mktemp("more"), COPIES[1:3]).read_text("utf-8"), "utf-8")
    summary = backend.update([first, more], workers=1, quiet=True)
    assert summary.published and summary.indexed == 2
    assert [backend.document(i).story for i in ("wire-b", "wire-c")] == ["wire-a", "wire-a"]
    backend.build([first, more], workers=1, quiet=True)  # a rebuild finds the same stories
    assert [backend.document(i).story for i in ("wire-b", "wire-c")] == ["wire-a", "wire-a"]
    assert backend.search(q="bão số 3").stories == 1


# --- related articles ---------------------------------------------------------------------


def test_related_articles_share_the_most_words(seeds):
    found = seeds.related("003_483ea6bfdeb6afd9", 5)
    assert found.id == "003_483ea6bfdeb6afd9"
    related = [hit.id for hit in found.related]
    assert "003_483ea6bfdeb6afd9" not in related
    assert len(related) == 4 and len(set(related)) == 4  # the other seed articles
    assert related[0] == "004_80203056e2d47fdc"  # both on the Central Organising Committee
    scores = [hit.score for hit in found.related]
    assert scores == sorted(scores, reverse=True)
    assert seeds.related("003_483ea6bfdeb6afd9", 2).related[:2] == found.related[:2]


def test_related_never_shows_the_story_of_the_article(news):
    related = [hit.id for hit in news.related("wire-b", 5).related]
    assert not {"wire-a", "wire-b", "wire-c"} & set(related)
    assert "other" in related


def test_related_of_an_unknown_id_is_none_and_limits_are_checked(seeds):
    assert seeds.related("no-such-id", 5) is None
    for limit in (0, 21):
        with pytest.raises(InvalidRequest):
            seeds.related("003_483ea6bfdeb6afd9", limit)


# an article, a brief telling the same, and a week's roundup that holds all of its words
# among a dozen other stories: the roundup holds more of them, the brief is the closer
STEEL = (
    "Tập đoàn Hòa Phát khánh thành khu liên hợp gang thép Dung Quất ở Quảng Ngãi. Ông Trần"
    " Đình Long cho biết nhà máy thép Dung Quất sẽ sản xuất 5,6 triệu tấn thép mỗi năm."
)
LENGTHS = [
    {"id": "steel", "title": "Hòa Phát khánh thành thép Dung Quất", "text": STEEL},
    {
        "id": "brief",
        "title": "Thép Dung Quất",
        "text": "Hòa Phát đưa khu liên hợp gang thép Dung Quất (Quảng Ngãi) vào hoạt động,"
        " ông Trần Đình Long nói.",
    },
    {
        "id": "roundup",
        "title": "Tin kinh tế trong tuần",
        "text": " ".join(
            [
                "Tuần qua, Hòa Phát khánh thành khu liên hợp gang thép Dung Quất ở Quảng Ngãi;"
                " ông Trần Đình Long nói thép Dung Quất sẽ đạt 5,6 triệu tấn mỗi năm.",
                "Giá xăng giảm lần thứ ba liên tiếp, giá vàng đứng yên, tỷ giá đô la tăng nhẹ.",
                "Xuất khẩu gạo sang châu Phi tăng mạnh, cà phê được mùa nhưng mất giá.",
                "Ngân hàng Nhà nước giữ nguyên lãi suất điều hành, thị trường chứng khoán"
                " hồi phục sau hai phiên giảm sâu, khối ngoại mua ròng cổ phiếu ngân hàng.",
                "Các hãng hàng không mở thêm đường bay đến Nhật Bản và Hàn Quốc dịp cuối năm,"
                " giá vé máy bay Tết tăng, nhiều chuyến đã kín chỗ.",
                "Doanh nghiệp dệt may lo thiếu đơn hàng quý tới, lao động nghỉ việc luân phiên.",
                "Bất động sản nghỉ dưỡng ven biển ảm đạm, nhiều dự án chậm tiến độ bàn giao.",
            ]
            * 3
        ),
    },
    {
        "id": "farm",
        "title": "Mùa cà phê",
        "text": "Nông dân Tây Nguyên thu hoạch cà phê, giá cà phê tăng nhẹ so với tuần trước.",
    },
]


@pytest.fixture(scope="module", params=BACKENDS)
def lengths(request, make_backend, tmp_path_factory):
    source = jsonl(tmp_path_factory.mktemp("lengths"), LENGTHS)
    return make_backend(request.param, [source], "lengths")


def test_related_prefers_the_article_telling_the_same_in_fewer_words(lengths):
    related = [hit.id for hit in lengths.related("steel", 5).related]
    assert related[:2] == ["brief", "roundup"]
    assert related == ["brief", "roundup"]  # "farm" shares none of the article's words


def test_key_terms_are_read_from_the_stored_syllables():
    stored = {"title": "Thép Dung Quất", "terms": {"title": encode_terms(["thép", "dung", "quất"])}}
    assert syllables_of(stored, "title") == ["thép", "dung", "quất"]
    assert syllables_of(stored, "body") == []
