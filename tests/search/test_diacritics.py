"""Diacritics respected: a syllable typed with marks is that syllable, one typed bare any
reading of it; totals, facets, sorts, pages, phrases, relaxed results and marks follow.
Both backends."""

import re

import pytest

from ..conftest import BACKENDS
from .test_search import ids, jsonl

# Words that fold alike: "lụt" (flood), "lút" (submerged), "lút"; "chó" (dog), "cho"
# (give), "chợ" (market); "giày" (shoe) and "giầy" (the same word, another spelling).
# Ids never explain an order.
COLLIDING = [
    {"id": "k1", "title": "Mưa lũ", "text": "Lũ lụt ở miền Trung, mưa to.", "date": "2024-10-02",
     "author": "Hà Linh"},
    {"id": "k2", "title": "Sau lũ", "text": "Nước lụt rút chậm. Lụt lội kéo dài.",
     "date": "2021-09-12", "author": "Minh Khôi"},
    {"id": "k3", "title": "Sông cạn", "text": "Ghe bị cát vùi lút cả thân.", "date": "2023-01-05",
     "author": "Hà Linh"},
    {"id": "k4", "title": "Chợ quê", "text": "Phiên chợ cho bà con bán chó mèo.",
     "date": "2022-03-01", "author": "Hà Linh"},
    {"id": "k5", "title": "Quà tặng", "text": "Anh cho em đôi giày mới.", "date": "2020-06-30",
     "author": "Minh Khôi"},
    {"id": "k6", "title": "Thú cưng", "text": "Nuôi chó cảnh cần kiên nhẫn.", "date": "2019-11-11"},
    {"id": "k7", "title": "Đêm lụt", "text": "Cả xóm thức trắng vì nước lụt lên nhanh.",
     "author": "Minh Khôi"},
    {"id": "k8", "title": "Ðảng ủy xã", "text": "Ðảng ủy họp bàn việc cứu trợ.",
     "date": "2024-01-02"},  # Ð (U+00D0), the look-alike of Đ
    {"id": "k9", "title": "Văn hóa", "text": "Người Vịêt giữ nếp nhà.", "date": "2018-08-08"},
    {"id": "k10", "title": "Phố giầy", "text": "Làng nghề làm giầy da.", "date": "2017-02-02"},
]  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, make_backend, tmp_path_factory):
    source = jsonl(tmp_path_factory.mktemp("colliding"), COLLIDING)
    return make_backend(request.param, [source], "colliding")


def marks(html):
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_a_word_typed_with_marks_counts_only_the_articles_holding_it(engine):
    result = engine.search(q="lụt")
    assert set(ids(result)) == {"k1", "k2", "k7"}  # not "lút" (k3)
    assert result.total == 3
    assert result.facets["author"] == [
        {"value": "Minh Khôi", "count": 2},
        {"value": "Hà Linh", "count": 1},
    ]
    assert result.facets["year"] == [
        {"value": "2024", "count": 1},
        {"value": "2021", "count": 1},
    ]
    assert engine.search(q="lút").total == 1


def test_a_word_typed_bare_finds_every_reading_the_likeliest_first(engine):
    result = engine.search(q="lut")
    assert set(ids(result)) == {"k1", "k2", "k3", "k7"}
    assert ids(result)[-1] == "k3"  # "lút" is the rarer reading


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("chó", {"k4", "k6"}),  # not "cho" (k4 has both, k5 only cho) nor "chợ"
        ("chợ", {"k4"}),
        ("cho", {"k4", "k5", "k6"}),  # bare: every reading
        ("chó cảnh", {"k6"}),
        ("cho canh", {"k6"}),
        ("chó canh", {"k6"}),  # mixed: each syllable by its own rule
        ("cho cảnh", {"k6"}),
    ],
)
def test_each_syllable_follows_its_own_rule(engine, query, expected):
    result = engine.search(q=query)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_filters_sorts_and_pages_follow(engine):
    newest = engine.search(q="lụt", sort="newest")
    assert ids(newest) == ["k1", "k2", "k7"]  # undated last
    assert ids(engine.search(q="lụt", sort="oldest")) == ["k2", "k1", "k7"]
    assert ids(engine.search(q="lụt", author="Hà Linh")) == ["k1"]
    assert ids(engine.search(q="lụt", date_from="2022-01-01")) == ["k1"]
    pages = [ids(engine.search(q="lụt", per_page=2, page=n)) for n in (1, 2)]
    assert len(pages[0]) == 2 and len(pages[1]) == 1
    assert set(pages[0] + pages[1]) == {"k1", "k2", "k7"}
    assert engine.search(q="lụt", per_page=2).pages == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"nước lụt"', {"k2", "k7"}),
        ('"nuoc lut"', {"k2", "k7"}),
        ('"nước lut"', {"k2", "k7"}),  # a phrase may mix them too
        ('"nuoc lút"', set()),
        ('"vùi lút"', {"k3"}),
        ('"vui lụt"', set()),
        ('"cát vui lut"', {"k3"}),
    ],
)
def test_phrases_follow(engine, query, expected):
    assert set(ids(engine.search(q=query))) == expected


def test_exclusions_follow(engine):
    assert ids(engine.search(q="chó -chợ")) == ["k6"]
    assert ids(engine.search(q="cho -chó")) == ["k5"]  # "cho" alone: k4 and k6 hold "chó"
    assert ids(engine.search(q="lut -lụt")) == ["k3"]
    assert ids(engine.search(q="lut -lut")) == []


def test_relaxed_results_follow(engine):
    result = engine.search(q="lụt xyzzy")  # no article holds both: those holding most
    assert result.relaxed
    assert set(ids(result)) == {"k1", "k2", "k7"} and result.total == 3


def test_marks_follow(engine):
    hit = engine.search(q="lụt").hits[0]
    assert {m.lower() for m in marks(hit.snippet) + marks(hit.title_html)} <= {"lụt"}
    doc = engine.document("k3", "lụt")
    assert not marks(" ".join(p["html"] for p in doc.paragraphs))  # "lút" is another word
    doc = engine.document("k3", "lut")
    assert marks(" ".join(p["html"] for p in doc.paragraphs)) == ["lút"]


@pytest.mark.parametrize("query", ["Đảng ủy", "đảng ủy", "ÐẢNG ỦY", "dang uy"])
def test_the_look_alike_of_d_is_d_on_both_sides(engine, query):
    result = engine.search(q=query)
    assert ids(result) == ["k8"]
    assert "Ðảng ủy" in marks(result.hits[0].title_html)


@pytest.mark.parametrize("query", ["Việt", "vịêt", "VIỆT", "viet"])
def test_a_tone_mark_on_the_wrong_vowel_is_put_where_it_belongs(engine, query):
    result = engine.search(q=query)
    assert ids(result) == ["k9"]
    assert marks(result.hits[0].snippet) == ["Vịêt"]


def test_two_spellings_of_one_word_stay_two_words(engine):
    # "giày" and "giầy" are both written; each typed finds its own (a synonym, not a mark)
    assert ids(engine.search(q="giày")) == ["k5"]
    assert ids(engine.search(q="giầy")) == ["k10"]
    assert set(ids(engine.search(q="giay"))) == {"k5", "k10"}
