"""Reading sources: .txt folders and JSON Lines, decoding, and every problem as a Problem."""

import codecs
import gzip
import json
import os
import random
import struct
import unicodedata
import zlib

import pytest

from indexer.articles.parse import Article, parse
from indexer.articles.sources import MAX_BYTES, Problem, Record, read, to_article

from ..conftest import CORPUS

SEED = CORPUS / "003_483ea6bfdeb6afd9.txt"
TEXT = "Hội nghị diễn ra sáng nay tại Lạng Sơn. Các đại biểu đã thảo luận nhiều nội dung."


def load(*sources, max_bytes=MAX_BYTES) -> list[Article | Problem]:
    """Read and parse *sources*: Articles and Problems in reading order."""
    return [
        to_article(item) if isinstance(item, Record) else item
        for item in read(list(sources), max_bytes)
    ]


def only(items, kind):
    return [item for item in items if isinstance(item, kind)]


# --- JSON Lines -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["news.jsonl", "news.jsonl.gz"])
def test_jsonl_fields(tmp_path, write_jsonl, name):
    path = write_jsonl(
        tmp_path / name,
        {
            "id": "a1",
            "text": TEXT,
            "title": "  Hội nghị ở Lạng Sơn ",
            "date": "2023-10-02T08:30:15+07:00",
            "author": "Thanh Mai",
            "source": "Báo Lạng Sơn",
            "url": "https://baolangson.vn/a1",
            "tags": ["hội nghị"],  # fields the reader does not know are ignored
            "views": 12,
        },
        {"id": "a2", "text": f"Thứ hai, 02/10/2023\n\n{TEXT}\n\nTHANH MAI"},
    )
    first, second = load(path)
    assert first == Article(
        id="a1",
        title="Hội nghị ở Lạng Sơn",
        body=TEXT,
        date="2023-10-02T08:30",
        author="Thanh Mai",
        source="Báo Lạng Sơn",
        places=["Lạng Sơn"],
        url="https://baolangson.vn/a1",
    )
    # optional fields left out: the text is parsed for them, as a .txt file would be
    assert second == parse(f"Thứ hai, 02/10/2023\n\n{TEXT}\n\nTHANH MAI", "a2")
    assert (second.date, second.author, second.url) == ("2023-10-02", "Thanh Mai", None)


def test_jsonl_and_gzip_read_the_same(tmp_path, write_jsonl):
    rows = [{"id": f"n{i}", "text": f"{TEXT} Số {i}."} for i in range(20)]
    plain = load(write_jsonl(tmp_path / "a.jsonl", *rows))
    packed = load(write_jsonl(tmp_path / "a.jsonl.gz", *rows))
    assert plain == packed
    assert [a.id for a in plain] == [f"n{i}" for i in range(20)]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("bài số 1", "bài số 1"),  # spaces
        ("2023/10/hoi-nghi", "2023/10/hoi-nghi"),  # slashes, like a URL path
        ("tin@baoquangninh.vn", "tin@baoquangninh.vn"),  # an at sign
        ("Quảng Ninh – số đặc biệt", "Quảng Ninh – số đặc biệt"),  # Vietnamese and a dash
        (42, "42"),  # a number becomes its text
    ],
)
def test_jsonl_ids(tmp_path, write_jsonl, given, expected):
    (article,) = load(write_jsonl(tmp_path / "a.jsonl", {"id": given, "text": TEXT}))
    assert article.id == expected


def test_malformed_line_is_reported_and_the_rest_read(tmp_path, write_jsonl):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        {"id": "a", "text": TEXT},
        '{"id": "b", "text": "không đóng ngoặc"',
        "",  # blank lines are passed over
        {"id": "c", "text": TEXT},
    )
    items = load(path)
    assert [a.id for a in only(items, Article)] == ["a", "c"]
    (problem,) = only(items, Problem)
    assert problem.where == f"{path}:2"
    assert problem.status == "failed"
    assert problem.message.startswith("malformed JSON")
    assert str(problem).startswith(f"{path}:2: failed: malformed JSON")


@pytest.mark.parametrize(
    ("row", "status", "message"),
    [
        ({"text": TEXT}, "failed", "missing 'id'"),  # no id
        ({"id": "", "text": TEXT}, "failed", "missing 'id'"),  # an empty id
        ({"id": "  ", "text": TEXT}, "failed", "missing 'id'"),  # a blank id
        ({"id": ["a"], "text": TEXT}, "failed", "missing 'id'"),  # not a string
        ({"id": True, "text": TEXT}, "failed", "missing 'id'"),  # a boolean is not a number
        ({"id": "a"}, "failed", "missing 'text'"),  # no text
        ({"id": "a", "text": None}, "failed", "missing 'text'"),  # null text
        ({"id": "a", "text": 5}, "failed", "missing 'text'"),  # text that is not a string
        ({"id": "a", "text": " \n "}, "skipped", "empty text"),  # blank text
        ('["a", "b"]', "failed", "expected a JSON object"),  # an array
        ('"text"', "failed", "expected a JSON object"),  # a string
        ("\xff\xfe", "failed", "malformed JSON"),  # not JSON at all
    ],
)
def test_missing_id_or_text(tmp_path, write_jsonl, row, status, message):
    path = write_jsonl(tmp_path / "a.jsonl", row, {"id": "good", "text": TEXT})
    problem, article = load(path)
    assert isinstance(problem, Problem)
    assert (problem.where, problem.status) == (f"{path}:1", status)
    assert message in problem.message
    assert article.id == "good"


def test_invalid_utf8_line_is_malformed(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "H\xe9"}\n' + f'{{"id": "b", "text": "{TEXT}"}}\n'.encode()
    )
    problem, article = load(path)
    assert (problem.where, problem.status) == (f"{path}:1", "failed")
    assert article.id == "b"


@pytest.mark.parametrize(
    "date",
    [
        "02/10/2023",  # day first: not ISO 8601
        "2023-02-30",  # no such day
        "2023-13",  # no such month
        "hôm qua",
        "20231002",  # no separators
    ],
)
def test_bad_date(tmp_path, write_jsonl, date):
    path = write_jsonl(tmp_path / "a.jsonl", {"id": "a", "text": TEXT, "date": date})
    (problem,) = load(path)
    assert (problem.where, problem.status) == (f"{path}:1", "failed")
    assert repr(date) in problem.message and "ISO 8601" in problem.message


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2023-10-02", "2023-10-02"),
        ("2022-07", "2022-07"),  # a month
        ("2020-10-13T14:21:59.123Z", "2020-10-13T14:21"),  # cut to minutes
        ("2020-10-13 14:21", "2020-10-13T14:21"),  # a space for the T
        ("  ", None),  # blank: as if not given
    ],
)
def test_good_dates(tmp_path, write_jsonl, date, expected):
    (article,) = load(write_jsonl(tmp_path / "a.jsonl", {"id": "a", "text": TEXT, "date": date}))
    assert article.date == expected


def test_jsonl_bom_is_ignored(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + f'{{"id": "a", "text": "{TEXT}"}}\n'.encode())
    (article,) = load(path)
    assert (article.id, article.body) == ("a", TEXT)


def test_truncated_gzip_keeps_what_was_read(tmp_path, write_jsonl):
    rows = [{"id": f"n{i}", "text": f"{TEXT} {os.urandom(300).hex()}"} for i in range(200)]
    path = write_jsonl(tmp_path / "a.jsonl.gz", *rows)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    items = load(path)
    articles, problems = only(items, Article), only(items, Problem)
    assert 0 < len(articles) < 200
    assert [a.id for a in articles] == [f"n{i}" for i in range(len(articles))]
    assert [(p.where, p.status) for p in problems] == [(str(path), "failed")]


def test_empty_jsonl_has_no_articles(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b"\n\n"))
    assert load(tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz") == []


# --- folders of .txt files --------------------------------------------------------------


def test_folder_ids_are_relative_paths(tmp_path):
    (tmp_path / "2023" / "10").mkdir(parents=True)
    (tmp_path / "2023" / "10" / "hội nghị.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.md").write_text(TEXT, encoding="utf-8")  # not an article
    (tmp_path / ".hidden.txt").write_text(TEXT, encoding="utf-8")  # hidden files are passed over
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "b.txt").write_text(TEXT, encoding="utf-8")
    assert sorted(a.id for a in load(tmp_path)) == ["2023/10/hội nghị", "a"]


def test_single_txt_file(tmp_path):
    (article,) = load(SEED)
    assert article.id == SEED.stem
    assert article.author == "Duy Phương"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing", "no such file or folder"),  # nothing there
        ("notes.md", "not a folder, a .txt, .jsonl or .jsonl.gz file"),  # a file of another kind
    ],
)
def test_not_a_source(tmp_path, name, message):
    if name.endswith(".md"):
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    (problem,) = load(tmp_path / name)
    assert (problem.where, problem.status, problem.message) == (
        str(tmp_path / name),
        "failed",
        message,
    )


# --- decoding ---------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed, tone marks combining."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


ENCODINGS = [
    # UTF-8 with a byte-order mark
    ("utf-8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    # UTF-16 with a BOM, both byte orders
    ("utf-16-le-bom", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
    ("utf-16-be-bom", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")),
    # UTF-16 without a BOM: told apart by which reading is Vietnamese
    ("utf-16-le", lambda t: t.encode("utf-16-le")),
    ("utf-16-be", lambda t: t.encode("utf-16-be")),
    # UTF-32 with a BOM
    ("utf-32", lambda t: t.encode("utf-32")),
    # the legacy Windows code page, tone marks combining
    ("cp1258", cp1258),
    # Windows line ends
    ("crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
    # decomposed UTF-8 ("Unicode tổ hợp"), as older Vietnamese keyboards type it
    ("nfd", lambda t: unicodedata.normalize("NFD", t).encode("utf-8")),
]


@pytest.mark.parametrize(("encoding", "encode"), ENCODINGS, ids=[e for e, _ in ENCODINGS])
def test_decoding(tmp_path, encoding, encode):
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / f"{SEED.stem}.txt"
    path.write_bytes(encode(text))
    (article,) = load(path)
    assert article == parse(text, SEED.stem)


def test_cp1258_is_really_a_legacy_encoding():
    data = cp1258(SEED.read_text(encoding="utf-8"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def png() -> bytes:
    """A real 16x16 grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + bytes(range(16)) for _ in range(16))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # a PNG image: NUL bytes everywhere
        (png(), "binary data (NUL bytes), not text"),
        # random bytes
        (random.Random(7).randbytes(4096), "binary data (NUL bytes), not text"),
        # text, but not Vietnamese in any encoding read here
        (
            "Le café était très animé à Genève, où les élèves mangeaient.".encode("latin-1"),
            "not UTF-8, UTF-16 or Windows-1258 Vietnamese text",
        ),
        # valid UTF-8 that is control characters
        (bytes(range(1, 32)) * 50, "binary data"),
        # a UTF-16 BOM followed by an odd byte count
        (codecs.BOM_UTF16_LE + b"a\x00b", "invalid utf-16 after its byte-order mark"),
    ],
)
def test_binary_files_are_rejected(tmp_path, data, message):
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    (problem,) = load(path)
    assert (problem.where, problem.status) == (str(path), "failed")
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    "data",
    [
        b"",  # empty
        b" \n\t\r\n",  # whitespace only
    ],
)
def test_empty_file_is_skipped(tmp_path, data):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    (problem,) = load(path)
    assert (problem.where, problem.status, problem.message) == (str(path), "skipped", "empty file")


def test_bom_alone_is_skipped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"\n")
    (problem,) = load(path)
    assert (problem.where, problem.status, problem.message) == (str(path), "skipped", "no text")


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(TEXT * 30, encoding="utf-8")
    size = path.stat().st_size
    (problem,) = load(path, max_bytes=1000)
    assert (problem.where, problem.status) == (str(path), "failed")
    assert "limit 1,000" in problem.message
    assert f"{size:,} bytes" in problem.message
    # the limit itself is allowed
    (article,) = load(path, max_bytes=size)
    assert isinstance(article, Article)


def test_jsonl_line_over_the_size_limit(tmp_path, write_jsonl):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        {"id": "big", "text": TEXT * 30},
        {"id": "small", "text": TEXT},
    )
    problem, article = load(path, max_bytes=1000)
    assert (problem.where, problem.status) == (f"{path}:1", "failed")
    assert "limit 1,000" in problem.message
    assert article.id == "small"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")
    (tmp_path / "open.txt").write_text(TEXT, encoding="utf-8")
    path.chmod(0)
    try:
        items = load(tmp_path)
    finally:
        path.chmod(0o644)
    problem = next(item for item in items if isinstance(item, Problem))
    assert (problem.where, problem.status) == (str(path), "failed")
    assert problem.message.startswith("cannot read")
    assert [a.id for a in only(items, Article)] == ["open"]


def test_dangling_link_is_reported(tmp_path):
    # unreadable whoever runs the tests, root included
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "open.txt").write_text(TEXT, encoding="utf-8")
    problem, article = load(tmp_path)
    assert (problem.where, problem.status) == (str(tmp_path / "gone.txt"), "failed")
    assert problem.message == "cannot read: No such file or directory"
    assert article.id == "open"


# --- records ------------------------------------------------------------------------------


def test_record_hashes_follow_content_and_id(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    first = {r.id: r.hash for r in read([tmp_path])}
    assert first == {r.id: r.hash for r in read([tmp_path])}  # stable
    assert first["a"] != first["b"]  # the id is part of it: renaming re-indexes
    (tmp_path / "a.txt").write_text(TEXT + " Thêm.", encoding="utf-8")
    assert {r.id: r.hash for r in read([tmp_path])}["a"] != first["a"]


def test_records_name_their_origin(tmp_path, write_jsonl):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "a.txt").write_text(TEXT, encoding="utf-8")
    path = write_jsonl(tmp_path / "a.jsonl", {"id": "x", "text": TEXT})
    folder_record, line_record = read([tmp_path / "f", path])
    assert (folder_record.origin, folder_record.kind) == (str((tmp_path / "f").resolve()), "txt")
    assert (line_record.origin, line_record.kind) == (str(path.resolve()), "jsonl")
    assert line_record.where == f"{path}:1"


def test_invisible_direction_overrides_are_removed(tmp_path):
    # U+202E would display the rest of a title backwards; U+2066 starts an isolate
    path = tmp_path / "rtl.txt"
    text = "Tiêu đề \u202eđảo\u2066 chiều\n\nNội dung \u202ebình thường."
    path.write_text(text, encoding="utf-8")
    (record,) = read([path])
    article = to_article(record)
    assert article.title == "Tiêu đề đảo chiều"
    assert "\u202e" not in article.body


def test_jsonl_fields_lose_control_characters(tmp_path):
    path = tmp_path / "x.jsonl"
    item = {"id": "a", "title": "Tin\u202e mới\x07", "text": "Nội dung.", "author": "Thu\x00 Hằng"}
    path.write_text(json.dumps(item), encoding="utf-8")
    (record,) = read([path])
    article = to_article(record)
    assert (article.title, article.author) == ("Tin mới", "Thu Hằng")
