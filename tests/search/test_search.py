"""Search behaviour on the seed corpus and on small made-up corpora, on every backend."""

import json
import re

import pytest

from indexer.indexing.stored import encode_spans, encode_terms
from indexer.language.analysis import analyse
from indexer.language.text import fold
from indexer.search import rerank
from indexer.search.marks import field_ranges, highlight_units
from indexer.search.query import parse
from indexer.search.request import MAX_QUERY, InvalidRequest, SearchRequest
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.build import build

from ..conftest import BACKENDS
from ..conftest import CORPUS as SEEDS

MADE_UP = [
    # ids chosen so that alphabetical order never explains a ranking
    {
        "id": "phrase",
        "title": "Hội nghị",
        "text": "Bàn về công tác tổ chức đảng ở cơ sở.",
        "date": "2021-05-01",
    },
    {
        "id": "apart",
        "title": "Tin địa phương",
        "text": "Tổ dân phố họp. Đảng viên chức năng mới.",
        "date": "2022-01-01",
    },
    {
        "id": "some",
        "title": "Tin vắn",
        "text": "Ban tổ chức thông báo lịch thi đấu.",
        "date": "2019-03-04",
    },
    {
        "id": "road",
        "title": "Giao thông",
        "text": "Con đường mới mở ở Hà Nội.",
        "author": "Nam Anh",
    },
    {
        "id": "ocean",
        "title": "Biển",
        "text": "Thái Bình Dương rộng lớn; cây dương liễu.",
        "author": "Nam Anh",
    },
    {
        "id": "html",
        "title": "<script>alert(1)</script> tiêu đề",
        "text": "Nội dung <b>đậm</b> & ký tự.",
    },
]


def jsonl(folder, records):
    source = folder / "news.jsonl"
    source.write_text(
        "\n".join(json.dumps(d, ensure_ascii=False) for d in records), encoding="utf-8"
    )
    return source


@pytest.fixture(scope="module", params=BACKENDS)
def seed_engine(request, make_backend):
    return make_backend(request.param, [SEEDS], "seed")


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, make_backend, tmp_path_factory):
    source = jsonl(tmp_path_factory.mktemp("made-up"), MADE_UP)
    return make_backend(request.param, [source], "made")


def ids(result):
    return [hit.id for hit in result.hits]


def marks(html):
    return re.findall(r"<mark>(.*?)</mark>", html)


# --- query syntax ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',  # an open quote is not an operator
        "-",  # a lone minus
        "OR",  # a lone OR
        "OR OR tổ",
        "title:",  # a field with no value
        "http://example.com/a?b=c",  # an unknown "name:" prefix stays text
        "((()))[]{}*?~^!",
        "\x00\x01\u200b\u202e",  # control, zero-width and right-to-left characters
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 中文 العربية",
        "a" * MAX_QUERY,
    ],
)
def test_odd_queries_never_raise(seed_engine, text):
    result = seed_engine.search(q=text)
    assert result.total >= 0
    assert parse(text) is not None


def test_too_long_query_is_refused(seed_engine):
    with pytest.raises(InvalidRequest) as error:
        seed_engine.search(q="a" * (MAX_QUERY + 1))
    assert error.value.code == "query_too_long"


def test_phrase_requires_the_words_together(engine):
    assert ids(engine.search(q='"tổ chức đảng"')) == ["phrase"]


def test_exclusion(engine):
    found = ids(engine.search(q="tổ chức -đảng"))
    assert "some" in found
    assert "phrase" not in found and "apart" not in found


def test_or(engine):
    assert set(ids(engine.search(q="đường OR biển"))) == {"road", "ocean"}


def test_title_field(engine):
    assert ids(engine.search(q="title:giao thông")) == ["road"]


def test_author_field_ignores_case_and_marks(engine):
    assert set(ids(engine.search(q='author:"nam anh"'))) == {"road", "ocean"}


def test_place_field(seed_engine):
    assert ids(seed_engine.search(q="place:lang son")) == ["000_50d02545dceeb243"]


# --- ranking -------------------------------------------------------------------------------


def test_words_together_first_then_all_words_apart(engine):
    found = ids(engine.search(q="tổ chức đảng"))
    assert found == ["phrase", "apart"]  # together as written, then apart; "some" lacks one
    assert "some" in ids(engine.search(q="tổ chức đảng OR thi đấu"))  # OR: either side


def test_query_without_diacritics_matches_through_folding(engine):
    found = ids(engine.search(q="to chuc dang"))
    assert found == ["phrase", "apart"]


def test_a_word_typed_with_marks_is_that_word(engine):
    assert ids(engine.search(q="đường")) == ["road"]  # "dương" folds the same: another word
    assert ids(engine.search(q="dương")) == ["ocean"]


def test_a_word_typed_bare_finds_every_reading(engine):
    assert set(ids(engine.search(q="duong"))) == {"road", "ocean"}


def test_empty_query_lists_everything_newest_first(engine):
    result = engine.search(q="")
    assert result.total == len(MADE_UP)
    assert ids(result)[:3] == ["apart", "phrase", "some"]
    assert all(hit.date is None for hit in result.hits[3:])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Tỉnh uỷ Gia Lai", "001_cb7a5b37da5bff54"),  # old-style tone mark
        ("tinh uy gia lai", "001_cb7a5b37da5bff54"),  # no diacritics
        ("khóa 13", "004_80203056e2d47fdc"),  # Arabic numeral, as written there
        # TW = Trung ương; it names "Ban Tổ chức Trung ương" six times, Trung ương in its
        # headline (003's first sentence names it too, but that is a guessed title)
        ("Ban Tổ chức TW", "000_50d02545dceeb243"),
        ("báo Quảng Ninh", "002_abb0d72e086358a6"),
    ],
)
def test_seed_queries_find_their_article_first(seed_engine, query, expected):
    assert ids(seed_engine.search(q=query))[0] == expected


def test_roman_numeral_query_finds_arabic_and_roman(seed_engine):
    found = set(ids(seed_engine.search(q='"khóa XIII"')))
    assert {"000_50d02545dceeb243", "004_80203056e2d47fdc"} <= found


# --- filters, facets, sorting, paging ----------------------------------------------------


def test_date_filter_excludes_undated(engine):
    result = engine.search(q="", date_from="2020-01-01")
    assert set(ids(result)) == {"phrase", "apart"}


def test_date_range_is_inclusive(engine):
    assert ids(engine.search(q="", date_from="2019-03-04", date_to="2019-03-04")) == ["some"]
    assert ids(engine.search(q="", date_to="2019")) == ["some"]


def test_author_place_source_filters(seed_engine):
    assert ids(seed_engine.search(q="", author="Thu Hằng")) == ["004_80203056e2d47fdc"]
    assert ids(seed_engine.search(q="", place="Gia Lai")) == ["001_cb7a5b37da5bff54"]
    assert ids(seed_engine.search(q="tổ chức", source="Báo Quảng Ninh")) == ["002_abb0d72e086358a6"]


def test_facets_count_the_current_query(seed_engine):
    facets = seed_engine.search(q="Tỉnh ủy").facets
    assert {"value": "2022", "count": 1} in facets["year"]
    assert {"value": "Gia Lai", "count": 1} in facets["place"]
    assert {"value": "Báo Quảng Ninh", "count": 1} in facets["source"]
    assert {"value": "Thanh Mai", "count": 1} in facets["author"]
    narrowed = seed_engine.search(q="Tỉnh ủy", place="Gia Lai").facets
    assert narrowed["place"] == [{"value": "Gia Lai", "count": 1}]


def test_sort_newest_and_oldest_put_undated_last(seed_engine):
    newest = seed_engine.search(q="tổ chức", sort="newest")
    oldest = seed_engine.search(q="tổ chức", sort="oldest")
    dated = ["000_50d02545dceeb243", "001_cb7a5b37da5bff54", "002_abb0d72e086358a6"]
    assert ids(newest)[:3] == dated
    assert ids(oldest)[:3] == dated[::-1]
    assert [h.date for h in oldest.hits[3:]] == [None, None]
    assert all(h.score is None for h in newest.hits)


def test_paging(seed_engine):
    first = seed_engine.search(q="tổ chức", per_page=2)
    second = seed_engine.search(q="tổ chức", per_page=2, page=2)
    third = seed_engine.search(q="tổ chức", per_page=2, page=3)
    assert first.total == 5 and first.pages == 3
    assert len(ids(first)) == 2 and len(ids(second)) == 2 and len(ids(third)) == 1
    assert not set(ids(first)) & set(ids(second))
    assert ids(seed_engine.search(q="tổ chức", per_page=2, page=9)) == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"page": "0"}, "invalid_page"),
        ({"page": "x"}, "invalid_page"),
        ({"per_page": "101"}, "invalid_per_page"),
        ({"per_page": "0"}, "invalid_per_page"),
        ({"page": "1000", "per_page": "100"}, "page_too_deep"),
        ({"sort": "random"}, "invalid_sort"),
        ({"date_from": "2023-02-30"}, "invalid_date_from"),
        ({"date_to": "yesterday"}, "invalid_date_to"),
        ({"date_from": "2023-01-02", "date_to": "2023-01-01"}, "invalid_date_range"),
    ],
)
def test_invalid_parameters(params, code):
    with pytest.raises(InvalidRequest) as error:
        SearchRequest.from_params(params)
    assert error.value.code == code


LONG_QUERY = "quy định thời hạn nộp hồ sơ đăng ký kinh doanh của doanh nghiệp"
TOGETHER_AND_APART = [
    {
        "id": "together",
        "title": "Tin doanh nghiệp",
        "text": "Luật mới quy định thời hạn nộp hồ sơ đăng ký kinh doanh là ba ngày. "
        "Các sở sẽ hướng dẫn cụ thể.",
    },
    {
        "id": "apart",  # every word, some twice, none of them together
        "title": "Tin doanh nghiệp",
        "text": "Doanh nghiệp hỏi về hồ sơ. Thời hạn đã hết, phải nộp lại. Kinh doanh khó, "
        "đăng ký chậm, quy định nhiều. Hồ sơ kinh doanh của doanh nghiệp.",
    },
] + [
    {  # lower down: fewer of the words, some of them together, in longer texts
        "id": f"other{i:02d}",
        "title": "Tin khác",
        "text": f"Bài {i} về {'hồ sơ đăng ký kinh doanh' if i % 3 else 'doanh nghiệp'} và"
        + " thời tiết" * (i + 1),
    }
    for i in range(30)
]


@pytest.fixture(scope="module", params=BACKENDS)
def long_engine(request, make_backend, tmp_path_factory):
    source = jsonl(tmp_path_factory.mktemp("together"), TOGETHER_AND_APART)
    return make_backend(request.param, [source], "together")


@pytest.mark.parametrize("typed", [LONG_QUERY, fold(LONG_QUERY)])
def test_a_long_query_standing_together_ranks_first(long_engine, typed, monkeypatch):
    assert ids(long_engine.search(q=typed))[:2] == ["together", "apart"]
    monkeypatch.setattr(rerank, "GAIN", 0.0)  # by BM25F alone: the other way round
    assert ids(long_engine.search(q=typed))[:2] == ["apart", "together"]


def test_pages_of_a_long_query_follow_one_order(long_engine):
    whole = ids(long_engine.search(q=LONG_QUERY, per_page=30))
    paged = [
        i for n in (1, 2, 3, 4) for i in ids(long_engine.search(q=LONG_QUERY, per_page=7, page=n))
    ]
    assert paged == whole[:28]
    scores = [h.score for h in long_engine.search(q=LONG_QUERY, per_page=30).hits]
    assert scores == sorted(scores, reverse=True)


# --- snippets ----------------------------------------------------------------------------------


def test_snippet_marks_original_text_through_every_route(seed_engine):
    def marked(query, doc_id):
        for hit in seed_engine.search(q=query, per_page=5).hits:
            if hit.id == doc_id:
                return marks(hit.snippet) + marks(hit.title_html)
        raise AssertionError(f"{doc_id} not found for {query!r}")

    assert "Tỉnh uỷ" in marked("Tỉnh ủy", "000_50d02545dceeb243")  # tone placement
    assert "Tỉnh ủy" in marked("tinh uy", "001_cb7a5b37da5bff54")  # folding
    assert "UBND tỉnh" in marked("Ủy ban nhân dân tỉnh", "002_abb0d72e086358a6")  # abbreviation
    assert "khóa XIII" in marked("khóa 13", "000_50d02545dceeb243")  # numeral
    assert "TƯ" in marked("Trung ương", "004_80203056e2d47fdc")


@pytest.mark.parametrize("query", ['"tổ chức xây dựng"', '"to chuc xay dung"'])
def test_a_quoted_phrase_is_marked_only_where_it_stands_whole(seed_engine, query):
    hits = seed_engine.search(q=query, per_page=5).hits
    assert hits
    for hit in hits:
        found = marks(hit.snippet) + marks(hit.title_html)
        assert found, hit.id  # the snippet is cut around the phrase
        assert {m.lower() for m in found} == {"tổ chức xây dựng"}, hit.id
    # unquoted, the same words are marked wherever each of them stands
    loose = seed_engine.search(q=query.strip('"'), per_page=5).hits
    assert any(m.lower() == "xây dựng" for h in loose for m in marks(h.snippet))


@pytest.mark.parametrize("query", ['tổ chức "😀"', 'tổ chức "\u0301"', 'title:"…" tổ chức'])
def test_a_quoted_phrase_without_words_marks_the_other_words(seed_engine, query):
    hits = seed_engine.search(q=query).hits
    assert hits and all("tổ chức" in [m.lower() for m in marks(h.snippet)] for h in hits)


@pytest.mark.parametrize(
    "query", ["Tỉnh ủy", "tinh uy", "Ủy ban nhân dân tỉnh", "khóa 13", "Trung ương", "to chuc dang"]
)
def test_marks_from_stored_terms_equal_marks_from_the_text_analysed_again(seed_engine, query):
    """Hits mark from each document's stored syllables and spans; analysing its stored
    text again must give the same marks."""
    view = seed_engine.view()
    units = highlight_units(parse(query), view.analyse, view.restore)
    marked = 0
    for path in sorted(SEEDS.glob("*.txt")):
        stored = view.stored(view.lookup(path.stem))
        again = dict(stored, spans={}, terms={})
        for name in ("title", "body"):
            analysis = analyse(stored[name], view.table)
            again["spans"][name] = encode_spans(analysis.spans)
            again["terms"][name] = encode_terms(analysis.syllables)
        for name in ("title", "body"):
            ours = field_ranges(stored, name, units)
            assert ours == field_ranges(again, name, units)
            marked += len(ours)
    assert marked > 0


def test_snippet_size_and_fragments(seed_engine):
    for hit in seed_engine.search(q="tổ chức", per_page=5).hits:
        text = re.sub(r"</?mark>", "", hit.snippet)
        fragments = [f for f in text.split("…") if f.strip()]
        assert 1 <= len(fragments) <= 3
        assert all(len(f.strip()) <= 300 for f in fragments)


def test_snippets_and_titles_are_escaped(engine):
    hit = engine.search(q="tiêu đề nội dung").hits[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<b>" not in hit.snippet and "&lt;b&gt;" in hit.snippet
    assert "&amp;" in hit.snippet


def test_document_marks_the_whole_text(seed_engine):
    doc = seed_engine.document("002_abb0d72e086358a6", "UBND")
    html = " ".join(p["html"] for p in doc.paragraphs)
    assert marks(html).count("UBND") == 2
    assert any(p["caption"] for p in doc.paragraphs)
    assert seed_engine.document("no such id") is None


# --- suggestions ----------------------------------------------------------------------------------


def test_did_you_mean_restores_diacritics(seed_engine):
    assert seed_engine.search(q="to chuc dang").suggestion == "tổ chức đảng"
    assert seed_engine.search(q="Tinh uy").suggestion == "Tỉnh ủy"


@pytest.mark.parametrize("kind", BACKENDS)
def test_restoring_diacritics_weighs_what_follows_what(tmp_path, make_backend, kind):
    """Frequent syllables do not win over a pair that always goes together.

    "báo" and "nhiều" are each far more frequent than "bao" and "nhiêu", and "nhiều
    người" is a frequent pair; but "nhiêu" follows "bao" wherever "bao" stands.
    """
    texts = ["Báo chí đưa tin sáng nay."] * 20 + ["Có nhiều người đến xem."] * 20
    texts += ["Hỏi có bao nhiêu người đến?"] * 2
    source = jsonl(tmp_path, [{"id": str(i), "text": t} for i, t in enumerate(texts)])
    engine = make_backend(kind, [source], "restore")
    view = engine.view()
    assert view.vocabulary.restore(view.analyse("bao nhieu nguoi")) == [
        "bao", "nhiêu", "người"
    ]  # fmt: skip
    assert view.vocabulary.restore(view.analyse("bao chi")) == ["báo", "chí"]
    assert engine.search(q="bao nhieu nguoi").suggestion == "bao nhiêu người"


def test_did_you_mean_corrects_a_misspelling(seed_engine):
    # "bam" has three letters: no slip of a key is looked for, the bare syllables are read
    assert seed_engine.search(q="hội nghi giao bam").suggestion == "hội nghị giao bám"
    assert seed_engine.search(q="xay dựng").suggestion == "xây dựng"  # a missing mark


def test_no_suggestion_for_a_good_query(seed_engine):
    assert seed_engine.search(q="tổ chức đảng").suggestion is None
    assert seed_engine.search(q='"tổ chức"').suggestion is None


@pytest.mark.parametrize(
    "query, loose",
    [
        ('"hội nghị xây dựng đảng"', "hội nghị xây dựng đảng"),  # the words, never together
        ('title:"Tỉnh ủy Hội nghị"', "Tỉnh ủy Hội nghị"),
        ('"đảng hội nghị" OR "ủy tỉnh ban"', "đảng hội nghị ủy tỉnh ban"),
        ('"hội nghị xây dựng đảng" -"Gia Lai"', 'hội nghị xây dựng đảng -"Gia Lai"'),
        ('"hội nghị xây dựng đảng" -title:Lai', "hội nghị xây dựng đảng -title:Lai"),
        ('"hoi nghi xay dung dang"', "hội nghị xây dựng đảng"),  # and read with its marks
    ],
)
def test_a_query_with_operators_that_finds_nothing_offers_its_words(seed_engine, query, loose):
    result = seed_engine.search(q=query)
    assert result.total == 0 and result.hits == []
    assert result.suggestion == loose
    assert seed_engine.search(q=loose).total > 0


def test_nothing_offered_when_the_words_find_nothing_either(seed_engine):
    assert seed_engine.search(q='"qưzx blorf"').suggestion is None
    # the same filters apply to the words: a date no document has
    assert seed_engine.search(q='"tổ chức đảng" -"tổ chức"').suggestion is None
    result = seed_engine.search(q='"hội nghị xây dựng đảng"', date_from="1990", date_to="1990")
    assert result.total == 0 and result.suggestion is None


@pytest.mark.parametrize("typed", ["to ch", "tổ ch", "TO CH"])
def test_autocomplete_ignores_diacritics(seed_engine, typed):
    assert "tổ chức" in [s.lower() for s in seed_engine.suggest(typed)]


def test_autocomplete_keeps_the_words_before(seed_engine):
    assert "hội nghị tổ chức" in seed_engine.suggest("hội nghị to chu")
    assert seed_engine.suggest("") == []


def test_time_limit_gives_a_partial_result_not_an_error(seed_engine, monkeypatch):
    assert seed_engine.search(q="tổ chức đảng").partial is False
    monkeypatch.setattr(seed_engine, "time_limit", 0.0)
    assert seed_engine.search(q="tổ chức đảng").partial is True


def test_restricted_search_over_several_segments(tmp_path):
    # an update adds a segment: filters and phrases must map document numbers right
    import shutil

    from indexer.whoosh.build import update

    corpus = tmp_path / "corpus"
    shutil.copytree("corpus", corpus)
    build(tmp_path / "index", [corpus], workers=1, quiet=True)
    (corpus / "new.txt").write_text(
        "Tin mới ở Gia Lai\n\nHội nghị tổ chức xây dựng đảng ở Gia Lai, Gia Lai.\n",
        encoding="utf-8",
    )
    update(tmp_path / "index", [corpus], workers=1, quiet=True)
    engine = WhooshBackend(tmp_path / "index")
    assert len(engine.view().searcher.subsearchers or ()) > 1
    found = ids(engine.search(q='"tổ chức xây dựng đảng"', place="Gia Lai"))
    assert set(found) == {"001_cb7a5b37da5bff54", "new"}
    assert ids(engine.search(q="tin mới", place="Gia Lai"))[0] == "new"
    engine.close()


def test_the_request_parameters_are_one_table():
    from dataclasses import fields

    from indexer.search.request import FILTERS, INTERNAL, KEPT, NAMES

    assert tuple(f.name for f in fields(SearchRequest) if f.name not in INTERNAL) == NAMES
    assert not set(INTERNAL) & set(NAMES)
    assert set(FILTERS) < set(KEPT) < set(NAMES)
    assert "page" not in KEPT  # a new search starts at the first page
