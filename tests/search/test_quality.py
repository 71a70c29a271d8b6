"""Search quality on input shaped unlike the seeds: guessed titles, punctuation, every word
of a short query, a huge article, completions that read the whole query."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.articles.parse import parse
from indexer.indexing.stored import MARKED_CHARS, decode_spans
from indexer.language.analysis import analyse
from indexer.language.text import fold
from indexer.search.plan import TIER, plan
from indexer.search.query import parse as parse_query

from ..conftest import BACKENDS, CORPUS


def jsonl(folder, *records):
    source = folder / "news.jsonl"
    source.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    return source


def ids(result):
    return [hit.id for hit in result.hits]


@pytest.fixture(scope="module", params=BACKENDS)
def seeds(request, make_backend):
    return make_backend(request.param, [CORPUS], "seeds")


# --- 1. a guessed title is not a title -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "given"),
    [
        ("Một đoạn văn không có tiêu đề. Câu thứ hai.", None, False),  # the lead's first sentence
        ("Một đoạn văn.", "Tiêu đề có sẵn", True),  # a JSON title
        ("Tiêu đề ở dòng đầu\n\nThân bài có câu. Câu nữa.", None, True),  # a headline line
        ("", None, False),
    ],
)
def test_each_article_says_which_kind_its_title_is(text, title, given):
    assert parse(text, "x", title=title).title_given is given


FILLER = " ".join(["Trời hôm nay nắng đẹp, gió nhẹ thổi qua làng."] * 3)


@pytest.fixture(scope="module", params=BACKENDS)
def untitled(request, make_backend, tmp_path_factory):
    source = jsonl(
        tmp_path_factory.mktemp("untitled"),
        # its guessed title is its first sentence, which holds the words once
        {"id": "lead", "text": f"Hội nghị khai mạc. {FILLER} Mọi người về nhà."},
        # the words twice in the body, none in its first sentence
        {"id": "twice", "text": f"Tin trong làng. {FILLER} Hội nghị họp, hội nghị bàn."},
        {"id": "titled", "title": "Hội nghị tỉnh", "text": f"Tin tức. {FILLER}"},
        # most articles have a title: Lucene's BM25 counts a field's documents per field
        {"id": "sport", "title": "Tin thể thao", "text": f"Bóng đá. {FILLER}"},
        {"id": "weather", "title": "Thời tiết", "text": f"Nắng ấm. {FILLER}"},
    )
    return make_backend(request.param, [source], "untitled")


def test_a_guessed_title_scores_as_the_body_it_came_from(untitled):
    result = untitled.search(q="hội nghị")
    assert ids(result)[:2] == ["titled", "twice"]  # a given title weighs; a guessed one not
    shown = {hit.id: hit for hit in result.hits}
    assert shown["lead"].title == "Hội nghị khai mạc."  # still shown, and marked
    assert "<mark>" in shown["lead"].title_html
    assert shown["lead"].title_given is False and shown["titled"].title_given is True


def test_title_field_queries_search_given_titles(untitled):
    assert ids(untitled.search(q="title:hội")) == ["titled"]


# --- 2. punctuation never breaks what stands together ------------------------------------


def _asked_pairs(text):
    """Every pair a query of *text* asks for, in its scoring terms and its tiers."""
    found = plan(parse_query(text), analyse)
    pairs = {t.text for t in found.scoring if t.representation == "pairs"}
    for alternative in found.alternatives:
        for layer in alternative.tiers:
            pairs.update(t for need in layer if need.representation == "pairs" for t in need.terms)
    return pairs


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aăâđeêoôơuưyiAĐÊỦYáàảãạếềểễệ .,;:!?\nXIVUBNDTPHĐ0123456789", max_size=80))
def test_a_query_asks_only_pairs_the_index_stores_for_the_same_text(text):
    assert _asked_pairs(text) <= set(analyse(text).pairs())


def test_pairs_across_punctuation_are_never_asked():
    assert _asked_pairs("Lạng Sơn, Gia Lai") == {"lạng sơn", "gia lai"}
    assert "ủy hội" not in _asked_pairs("cấp ủy, HĐND các cấp")


def test_a_query_standing_as_written_with_punctuation_reaches_the_first_tier(seeds):
    hits = seeds.search(q="cấp ủy, HĐND các cấp").hits
    assert hits[0].id == "002_abb0d72e086358a6"
    assert hits[0].score > 2 * TIER  # two tiers: together as written, then every word


# --- 3. a short query finds the documents holding every word ----------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def names(request, make_backend, tmp_path_factory):
    source = jsonl(
        tmp_path_factory.mktemp("names"),
        {"id": "pm", "title": "Thủ tướng Phạm Minh Chính", "text": "Thủ tướng Phạm Minh Chính họp.",
         "date": "2023-05-01"},
        {"id": "pm2", "title": "Làm việc ở Hà Nội", "text": "Ông Phạm Minh Chính đến Hà Nội.",
         "date": "2022-05-01"},
        {"id": "chinh", "title": "Chính sách mới", "text": "Chính phủ ban hành chính sách.",
         "date": "2021-05-01"},
        {"id": "minh", "title": "Trời sáng", "text": "Bình minh trên biển.", "date": "2020-05-01"},
        {"id": "where", "title": "Hỏi đường", "text": "Nhà ông ở đâu? Ở đâu cũng được."},
        {"id": "ubnd", "title": "Ủy ban nhân dân tỉnh họp", "text": "Ủy ban nhân dân tỉnh họp về "
         "khóa 13.", "date": "2019-05-01"},
    )  # fmt: skip
    return make_backend(request.param, [source], "names")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Phạm Minh Chính", {"pm", "pm2"}),  # not every article with "chính" or "minh"
        ("pham minh chinh", {"pm", "pm2"}),  # folded forms count
        ("UBND tỉnh", {"ubnd"}),  # an abbreviation's full form counts
        ("khóa XIII", {"ubnd"}),  # a numeral counts
    ],
)
def test_a_short_query_finds_the_documents_holding_every_word(names, query, found):
    result = names.search(q=query)
    assert set(ids(result)) == found and result.total == len(found)
    assert result.relaxed is False
    assert sum(item["count"] for item in result.facets["year"]) == len(found)  # facets too


def test_when_no_document_holds_every_word_the_search_relaxes(names):
    result = names.search(q="Phạm Minh Chính xyzabc")
    assert result.relaxed is True
    assert set(ids(result)) == {"pm", "pm2"}  # those holding the most of the words
    assert names.search(q="xyzabc qwerty").total == 0  # none of them: nothing, not relaxed


@pytest.mark.parametrize(
    "query",
    [
        "Phạm Minh OR trời",  # OR keeps either side
        "ai là Phạm Minh Chính",  # a question
        "pham minh chinh o dau",  # typed without diacritics: its reading asks "ở đâu"
        "Thủ tướng Phạm Minh Chính họp ở Hà Nội về chính sách",  # a long query
    ],
)
def test_questions_long_queries_and_or_keep_the_ranked_or(names, query):
    result = names.search(q=query)
    assert result.total > 2 and result.relaxed is False


# --- 4. one huge article does not slow every search -------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def huge(request, make_backend, tmp_path_factory):
    sentence = "Đại hội xây dựng đảng bộ vững mạnh trong sạch. "
    text = sentence * (3 * MARKED_CHARS // len(sentence))  # three times the marked part
    source = jsonl(
        tmp_path_factory.mktemp("huge"), {"id": "huge", "title": "Bài dài", "text": text}
    )
    return make_backend(request.param, [CORPUS, source], "huge"), text


def test_marks_of_a_huge_article_lie_in_its_first_part(huge):
    backend, text = huge
    view = backend.view()
    docnum = view.lookup("huge")
    assert len(decode_spans(view.stored(docnum)["spans"]["body"])) < len(text.split()) / 2
    hit = next(h for h in backend.search(q="xây dựng", per_page=10).hits if h.id == "huge")
    assert "<mark>xây dựng</mark>" in hit.snippet
    doc = backend.document("huge", "xây dựng")
    assert MARKED_CHARS - 10 < doc.shown_chars <= MARKED_CHARS < len(doc.text)
    assert doc.text == text.strip() and doc.text[doc.shown_chars] == " "  # cut between words
    html = "".join(p["html"] for p in doc.paragraphs)
    assert html.count("<mark>xây dựng</mark>") == text[: doc.shown_chars].count("xây dựng")
    assert "<mark>" not in html.rsplit("</mark>", 1)[-1]  # no mark cut short


def test_the_time_limit_covers_snippets(huge, monkeypatch):
    backend, _ = huge
    monkeypatch.setattr(backend, "time_limit", 0.0)
    result = backend.search(q="xây dựng")
    assert result.partial is True  # answered, and says it is partial


# --- 6. completions read the whole query ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("ket na", "kết nạp"),  # the word before read with its diacritics, then completed
        ("Lang S", "Lạng Sơn"),  # a name as the articles write it
        ("pham minh ch", "Phạm Minh Chính"),
        ("to ch", "tổ chức"),
        ("hội nghị to chu", "hội nghị tổ chức"),
    ],
)
def test_completions_read_the_words_before(seeds, typed, first):
    assert seeds.suggest(typed)[0] == first


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("ban to chuc tr", "Ban Tổ chức Trung ương"),  # a whole word, and the name as written
        ("bao ve chinh", "bảo vệ chính trị"),  # a syllable typed whole: its word
        ("ddoongf", "đồng"),  # Telex: the syllable as read, first
        ("d9o6ng2", "đồng"),  # VNI
        ("toor chuwcs tr", "Tổ chức Trung ương"),  # the words before read with their keys
        ("xaay duwn", "xây dựng"),  # the word being typed too
        ("to63 chu7", "tổ chức"),
    ],
)
def test_completions_are_whole_words_typed_any_way(seeds, typed, first):
    assert seeds.suggest(typed)[0] == first


@pytest.mark.parametrize(
    ("typed", "never"),
    [
        ("to ch", "tổ chức danh"),  # "tổ chức" is a whole word: not lengthened again
        ("pham minh ch", "Phạm Minh Chính trị"),  # a name ends where it ends
    ],
)
def test_a_completed_word_is_not_lengthened(seeds, typed, never):
    assert never not in seeds.suggest(typed)


@pytest.mark.parametrize("typed", ["ha n", "to ch", "tinh u", "d", "Lang S", "xay d"])
def test_no_two_completions_differ_only_by_diacritics_or_case(seeds, typed):
    found = seeds.suggest(typed)
    assert found and len({fold(s).lower() for s in found}) == len(found)
    assert all(fold(s).lower().startswith(fold(typed).lower()) for s in found)


@pytest.fixture(scope="module", params=BACKENDS)
def in_capitals(request, make_backend, tmp_path_factory):
    # a name written in capitals too (a headline), where case says nothing
    source = jsonl(
        tmp_path_factory.mktemp("capitals"),
        {"id": "a", "title": "Tin tỉnh", "text": "Người dân Khánh Hòa xây dựng nông thôn mới."},
        {"id": "b", "title": "Tin tỉnh", "text": "Nông dân Khánh Hoà xây dựng đường làng."},
        {"id": "c", "title": "Tin xã", "text": "Ở Khánh Hòa, xã Ninh Thọ đón khách."},
        {"id": "d", "title": "Tin xã", "text": "Ở Khánh Hoà, xã Ninh Ích có lễ hội."},
        {"id": "e", "title": "Tin cầu", "text": "KHÁNH HÒA XÂY DỰNG CẦU MỚI"},
        {"id": "f", "title": "Tin", "text": "Ông Lý nói. Việc quản lý tốt."},
        {"id": "g", "title": "Tin", "text": "Công tác quản lý đất đai."},
        {"id": "h", "title": "Tin", "text": "Cán bộ quản lý thị trường."},
    )
    return make_backend(request.param, [source], "capitals")


def test_a_name_is_completed_as_it_is_written(in_capitals):
    found = in_capitals.suggest("khanh hoa x")
    assert found and all(s.startswith(("Khánh Hòa ", "Khánh Hoà ")) for s in found), found
    assert in_capitals.suggest("quan l")[0] == "quản lý"  # not "quản Lý"


def test_the_words_before_are_read_once_while_a_word_is_typed(seeds, monkeypatch):
    view = seeds.view()
    calls = []
    restore = view.vocabulary.restore
    monkeypatch.setattr(view.vocabulary, "restore", lambda run: calls.append(run) or restore(run))
    typed = [seeds.suggest(prefix) for prefix in ("hoi nghi t", "hoi nghi to", "hoi nghi to ")]
    assert typed[1][0] == "hội nghị tổ chức"  # the words before as read, even alone
    heads = [run.folded for run in calls if run.folded == ["hoi", "nghi"]]
    assert len(heads) == 1  # "hoi nghi" restored once, for both


def test_words_written_since_the_vocabulary_are_offered_as_a_rebuild_would():
    from indexer.search.complete import Recent

    entries, _ = Recent({"bão lũ": 1}, {"mưa": 1, "ngập": 2, "bão lũ": 1}).entries
    # a title's word, and a body's word in two documents; not one body alone holds
    assert [term for _, _, term in entries] == ["bão lũ", "ngập"]
    assert [weight for _, weight, _ in entries] == [-4.0, -2.0]  # title 3 + body 1
