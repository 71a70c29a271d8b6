"""Raw article text -> Article: the five seed articles, then title, date and byline rules."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.articles import parse as articles
from indexer.articles.dates import iso_date
from indexer.articles.parse import TITLE_LENGTH, first_sentence, parse
from indexer.articles.sources import Record, read, to_article
from indexer.language.text import fold

from ..conftest import CORPUS

LEAD = "Hội nghị diễn ra sáng nay tại Hà Nội. Các đại biểu đã thảo luận nhiều nội dung quan trọng."


@pytest.fixture(scope="module")
def seeds():
    """The seed articles as sources.read and to_article give them, by number ("000")."""
    records = list(read([CORPUS]))
    assert all(isinstance(r, Record) for r in records)
    return {record.id[:3]: to_article(record) for record in records}


@pytest.fixture(scope="module")
def raw():
    """The seed files' text, by number."""
    return {p.stem[:3]: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


def test_ids_are_file_stems(seeds):
    assert sorted(a.id for a in seeds.values()) == sorted(p.stem for p in CORPUS.glob("*.txt"))


def test_parse_equals_the_source_pipeline(seeds, raw):
    for number, article in seeds.items():
        assert parse(raw[number], article.id) == article


# --- the seed articles ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "title"),
    [
        # a headline line longer than a cut title: kept whole
        (
            "000",
            "Ngành tổ chức xây dựng đảng triển khai nhiệm vụ quý II: Tiếp tục tham mưu thực hiện"
            " hiệu quả các nghị quyết, kết luận của Trung ương về công tác tổ chức xây dựng đảng",
        ),
        # a headline line above a timestamp line
        ("002", "Phát huy tốt vai trò cơ quan tham mưu đắc lực của Đảng"),
    ],
)
def test_headline_is_the_title(seeds, number, title):
    article = seeds[number]
    assert article.title == title
    assert title not in article.body


@pytest.mark.parametrize(
    ("number", "title"),
    [
        # the (GLO) agency tag and the "date 2022-07" prefix are not part of it
        (
            "001",
            "Chiều 15-7, Ban Tổ chức Tỉnh ủy Gia Lai tổ chức hội nghị sơ kết công tác tổ chức"
            " xây dựng Đảng 6 tháng đầu năm và triển…",
        ),
        # a lead paragraph and nothing else above it
        (
            "003",
            "Chiều 3-8, Ban Tổ chức Trung ương đã tổ chức Hội nghị giao ban trực tuyến ngành"
            " Tổ chức xây dựng Đảng đánh giá kết quả…",
        ),
        # a lead followed by an unpunctuated caption block
        (
            "004",
            "Chiều nay, Trưởng Ban Tổ chức TƯ Phạm Minh Chính chủ trì hội nghị giao ban trực"
            " tuyến đến 71 điểm cầu trên cả nước sơ…",
        ),
    ],
)
def test_title_from_the_lead(seeds, number, title):
    article = seeds[number]
    assert article.title == title
    lead = article.body.split("\n\n")[0].removeprefix("(GLO)- ")
    cut = title.removesuffix("…")
    assert lead.startswith(cut)
    assert lead[len(cut)] == " "  # cut between words, never inside one
    assert TITLE_LENGTH - 25 <= len(title) <= TITLE_LENGTH + 1


@pytest.mark.parametrize(
    ("number", "date"),
    [
        ("000", "2023-10-02"),  # "Thứ hai, 02/10/2023"
        ("001", "2022-07-15"),  # "date 2022-07 (GLO)- Chiều 15-7": the day from the lead
        ("002", "2020-10-13T14:21"),  # "13/10/2020 14:21"
        ("003", None),  # "Chiều 3-8" alone is no date: none is invented
        ("004", None),  # no date anywhere
    ],
)
def test_dates(seeds, number, date):
    assert seeds[number].date == date


@pytest.mark.parametrize(
    ("number", "author"),
    [
        ("000", "Thanh Mai"),  # "THANH MAI": all capitals, title-cased
        ("001", "Anh Huy"),  # "ANH HUY"
        ("002", None),  # the page ends with the paper's name and site chrome, no byline
        ("003", "Duy Phương"),  # "Duy Phương." with a full stop
        ("004", "Thu Hằng"),
    ],
)
def test_authors(seeds, number, author):
    assert seeds[number].author == author


@pytest.mark.parametrize(
    ("number", "source"),
    [
        ("000", None),
        ("001", "Báo Gia Lai"),  # from the (GLO) tag in front of the lead
        ("002", "Báo Quảng Ninh"),  # the line above the site chrome
        ("003", None),
        ("004", None),
    ],
)
def test_sources(seeds, number, source):
    assert seeds[number].source == source


@pytest.mark.parametrize(
    ("number", "places"),
    [
        ("000", ["Lạng Sơn"]),
        ("001", ["Gia Lai"]),
        ("002", ["Quảng Ninh"]),
        ("003", ["Thái Nguyên"]),
        ("004", []),  # a national meeting: no province
    ],
)
def test_places(seeds, number, places):
    assert seeds[number].places == places


@pytest.mark.parametrize(
    "chrome",
    [
        "Tin Nóng",  # navigation
        "Tin tiêu điểm",
        "Lịch công tác",
        "Website liên kết",
        "Thống kê truy cập",  # visitor counters
        "Hôm nay: 541",
        "Đã truy cập",
        "105018",
        "Tìm kiếm theo chuyên mục",  # the search box
        "Báo Quảng Ninh",  # the source line moved into Article.source
    ],
)
def test_site_chrome_is_not_body(seeds, chrome):
    assert chrome not in seeds["002"].body


def test_body_ends_with_the_story(seeds):
    assert seeds["002"].body.endswith("đáp ứng yêu cầu sự nghiệp đổi mới của tỉnh.")


@pytest.mark.parametrize(
    ("number", "line"),
    [
        # the same caption printed twice, word for word
        ("002", "Đầu cầu Quảng Ninh tham dự hội nghị giao ban"),
        # printed twice with "Trong ảnh:" and "(Trong ảnh:": the fuller one kept
        ("002", "Thị trấn Quảng Hà (huyện Hải Hà) ổn định bộ máy tổ chức"),
        # printed twice, once without its dash
        ("002", "trao đổi nghiệp vụ với cán bộ công chức của cơ quan"),
        # a line repeated with a blank line between
        ("004", "Phương án sắp xếp, bố trí cán bộ sau Đại hội 13"),
    ],
)
def test_doubled_captions_appear_once_as_captions(seeds, raw, number, line):
    article = seeds[number]
    assert raw[number].count(line) == 2
    assert article.body.count(line) == 1
    start = article.body.index(line)
    assert any(a <= start and start + len(line) <= b for a, b in article.captions)


@pytest.mark.parametrize(
    ("number", "caption"),
    [
        ("001", "Quang cảnh hội nghị. Ảnh: Anh Huy"),  # names its photographer
        ("002", "Trong ảnh: Đại biểu bỏ phiếu bầu trực tiếp"),  # "(Trong ảnh: ...)"
        ("000", "Đồng chí Hoàng Văn Nghiệm, Phó Bí thư Thường trực Tỉnh ủy"),  # under a headline
    ],
)
def test_photo_captions_are_marked(seeds, number, caption):
    article = seeds[number]
    start = article.body.index(caption)
    assert any(a <= start < b for a, b in article.captions)


def test_story_paragraphs_are_not_captions(seeds):
    for article in seeds.values():
        lead = next(p for p in article.body.split("\n\n") if p.endswith("."))
        start = article.body.index(lead)
        assert not any(a <= start < b for a, b in article.captions), article.id


def test_caption_spans_are_whole_paragraphs(seeds):
    for article in seeds.values():
        paragraphs = article.body.split("\n\n")
        for start, end in article.captions:
            assert article.body[start:end] in paragraphs
            assert start == 0 or article.body[start - 2 : start] == "\n\n"
        assert article.captions == sorted(article.captions)


def test_junk_line_is_dropped(seeds, raw):
    assert "\na\n" in raw["002"]
    paragraphs = seeds["002"].body.split("\n\n")
    assert "a" not in paragraphs
    assert all(sum(c.isalpha() for c in p) >= 2 for p in paragraphs)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("000", "THANH MAI"),  # the byline
        ("000", "02/10/2023"),  # the date line
        ("001", "ANH HUY"),
        ("001", "date 2022-07"),  # the date prefix in front of the lead
        ("002", "13/10/2020 14:21"),
        ("003", "Duy Phương"),
        ("004", "Thu Hằng"),
    ],
)
def test_byline_and_date_are_not_body(seeds, number, text):
    assert text not in seeds[number].body


def test_body_paragraphs_are_clean(seeds):
    for article in seeds.values():
        assert article.body == article.body.strip()
        assert "\n\n\n" not in article.body
        assert all(p == " ".join(p.split()) for p in article.body.split("\n\n"))


# --- first_sentence -----------------------------------------------------------------------

LONG = (
    "Ban Tổ chức Trung ương tổ chức hội nghị giao ban trực tuyến đánh giá tình hình, kết quả"
    " công tác quý I, triển khai nhiệm vụ quý II năm 2023 với sự tham dự của đại biểu các tỉnh"
    " thành trong cả nước."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a short first sentence, whole
        ("Hội nghị diễn ra sáng nay. Các đại biểu thảo luận.", "Hội nghị diễn ra sáng nay."),
        # whitespace and line breaks collapse
        ("Một   câu\nngắn gọn. Câu sau.", "Một câu ngắn gọn."),
        # "TP." is an abbreviation, not the end of the sentence
        (
            "Sáng 2-9, tại TP. Hồ Chí Minh diễn ra lễ mít tinh. Sau đó là diễu hành.",
            "Sáng 2-9, tại TP. Hồ Chí Minh diễn ra lễ mít tinh.",
        ),
        # a decimal point does not end it either
        ("Tăng 3.5 lần so với năm trước. Câu sau.", "Tăng 3.5 lần so với năm trước."),
        # no full stop at all
        ("Hội nghị giao ban", "Hội nghị giao ban"),
        # a long sentence: cut at the last space before the limit, with an ellipsis
        (
            LONG,
            "Ban Tổ chức Trung ương tổ chức hội nghị giao ban trực tuyến đánh giá tình hình, kết"
            " quả công tác quý I, triển khai nhiệm…",
        ),
        # one enormous word: cut inside it at the limit
        ("x" * 300, "x" * TITLE_LENGTH + "…"),
        ("", ""),
    ],
)
def test_first_sentence(text, expected):
    assert first_sentence(text) == expected


@pytest.mark.parametrize("limit", [40, 60, 80, 100, 120])
def test_first_sentence_cuts_at_a_word_boundary(limit):
    title = first_sentence(LONG, limit)
    cut = title.removesuffix("…")
    assert title.endswith("…")
    assert len(cut) <= limit
    assert len(cut) >= limit // 2
    assert LONG.startswith(cut)
    assert LONG[len(cut)] in " ,"  # the next character ends a word
    assert not cut.endswith((" ", ","))


# --- date lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thứ hai, 02/10/2023", "2023-10-02"),  # weekday line
        ("Thứ Sáu, ngày 5/3/2021", "2021-03-05"),  # "ngày", one-digit day and month
        ("Chủ nhật, 05/03/2023 - 08:15", "2023-03-05T08:15"),  # weekday line with a time
        ("Thứ 7, 01.07.2023 | 20h30", "2023-07-01T20:30"),  # dotted date, 20h30
        ("13/10/2020 14:21", "2020-10-13T14:21"),  # timestamp line
        ("14:21 | 13/10/2020", "2020-10-13T14:21"),  # time first
        ("13/10/2020 14:21 (GMT+7)", "2020-10-13T14:21"),  # with the time zone
        ("2023-10-02", "2023-10-02"),  # ISO
        ("Thứ năm, 29/02/2024", "2024-02-29"),  # a leap day
        ("Thứ ba, 31/02/2023", None),  # no 31 February: no date
        ("29/02/2023 10:00", None),  # 2023 is not a leap year
        ("13/13/2020", None),  # no month 13
        ("Thứ hai, 02/10/2023 25:10", None),  # no hour 25
        ("2023-02-30", None),
    ],
)
def test_date_lines(line, expected):
    article = parse(f"{line}\n\n{LEAD}", "x")
    assert article.date == expected
    if expected:
        assert line not in article.body


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        # the lead names the day of the prefix's month
        ("date 2022-07 (GLO)- Chiều 15-7, hội nghị đã diễn ra.", "2022-07-15"),
        ("date 2022-07 Ngày 3/7, hội nghị đã diễn ra.", "2022-07-03"),
        # a day of another month is not taken: the month alone
        ("date 2022-07 (GLO)- Chiều 3-8, hội nghị đã diễn ra.", "2022-07"),
        # an impossible day: the month alone
        ("date 2022-02 (GLO)- Chiều 30-2, hội nghị đã diễn ra.", "2022-02"),
        # a full date in the prefix
        ("date 2022-07-09 Hội nghị đã diễn ra.", "2022-07-09"),
    ],
)
def test_date_prefix(lead, expected):
    article = parse(f"{lead}\n\n{LEAD}", "x")
    assert article.date == expected
    assert not article.body.startswith("date")


def test_date_in_the_story_is_not_taken():
    # only the first lines are looked at, and a date inside a sentence is no date line
    text = f"{LEAD}\n\nNgày 02/10/2023 hội nghị tiếp tục.\n\n" + "\n\n".join([LEAD] * 8)
    assert parse(text, "x").date is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2023, 10, 2), "2023-10-02"),
        ((2022, 7), "2022-07"),  # a month
        ((2020, 10, 13, 14, 21), "2020-10-13T14:21"),
        ((2023, 2, 31), None),
        ((2023, 13), None),
        ((2023, 1, 1, 24, 0), None),
    ],
)
def test_iso_date(args, expected):
    assert iso_date(*args) == expected


# --- bylines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_line", "author"),
    [
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),  # all capitals, title-cased
        ("Duy Phương.", "Duy Phương"),  # a full stop after the name
        ("THANH MAI - ANH HUY", "Thanh Mai - Anh Huy"),  # two authors
        ("Thu Hằng và Minh Đức", "Thu Hằng - Minh Đức"),
        ("Hội nghị kết thúc vào chiều cùng ngày với nhiều ý kiến đóng góp.", None),  # a sentence
        ("Các Đại Biểu Đã Thảo Luận Về Nhiều Nội Dung Quan Trọng Của Năm", None),  # too many words
        ("Số 5 Nguyễn Du", None),  # digits: an address, not a name
        ("nguyễn văn an", None),  # not capitalised
    ],
)
def test_byline(last_line, author):
    article = parse(f"{LEAD}\n\n{last_line}", "x")
    assert article.author == author
    if author:
        assert last_line not in article.body
    else:
        assert article.body.endswith(last_line)


@pytest.mark.parametrize(
    ("last_lines", "source", "author"),
    [
        (["Báo Quảng Ninh"], "Báo Quảng Ninh", None),  # the paper's name
        (["THANH MAI", "Theo Báo Lạng Sơn"], "Báo Lạng Sơn", "Thanh Mai"),  # byline, then source
        (["(Theo TTXVN)"], "TTXVN", None),  # a cited agency
        (["TTXVN"], "TTXVN", None),  # an agency's code alone
    ],
)
def test_source_and_byline_at_the_end(last_lines, source, author):
    article = parse("\n\n".join([LEAD, *last_lines]), "x")
    assert (article.source, article.author) == (source, author)
    assert article.body == LEAD


@pytest.mark.parametrize(
    ("last_line", "is_story"),
    [
        ("Hôm nay, hội nghị bế mạc.", True),  # a sentence opening with a label's words
        ("Giá vàng hôm nay tăng 200.000 đồng mỗi lượng.", True),
        ("Đăng ký tham gia trước ngày 5/10.", True),
        ("Video: toàn cảnh hội nghị", False),  # labels
        ("Xem thêm...", False),
        ("Tin liên quan", False),
        ("Bình luận (0)", False),
        ("Lượt xem: 1.234", False),  # a counter
    ],
)
def test_story_end_or_site_chrome(last_line, is_story):
    body = parse(f"{LEAD}\n\n{last_line}", "x").body
    assert body == (f"{LEAD}\n\n{last_line}" if is_story else LEAD)


def test_one_line_article():
    article = parse("Tin khác hẳn.", "x")
    assert (article.title, article.body) == ("Tin khác hẳn.", "Tin khác hẳn.")


def test_known_fields_win_over_guesses():
    text = f"Thứ hai, 02/10/2023\n\nTiêu đề trong bài\n\n{LEAD}\n\nTHANH MAI"
    article = parse(
        text, "x", title="Tiêu đề", date="2024-01-01", author="Minh Đức", url="https://x.vn/1"
    )
    assert article.title == "Tiêu đề"
    assert (article.date, article.author, article.url) == (
        "2024-01-01",
        "Minh Đức",
        "https://x.vn/1",
    )


def test_text_without_a_lead():
    article = parse("   \n\n", "x")
    assert (article.title, article.body, article.captions) == ("", "", [])


def test_decomposed_text_parses_the_same(seeds, raw):
    # "Unicode tổ hợp": tone marks as combining characters
    for number, article in seeds.items():
        assert parse(unicodedata.normalize("NFD", raw[number]), article.id) == article


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_line_keys_are_folded_letters_and_digits(line):
    expected = re.sub(r"[\W_]+", "", fold(line))
    assert articles.line_key(line) == expected
    assert articles.line_key(unicodedata.normalize("NFD", line)) == articles.line_key(line)
