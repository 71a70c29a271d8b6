"""Strategies for fuzzing the HTTP API: any Unicode, operators, odd numbers, repeated params."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from hypothesis import strategies as st

NAMES = ["q", "page", "per_page", "sort", "date_from", "date_to", "author", "place", "source",
         "half_life", "collapse", "story", "verbatim", "limit"]  # fmt: skip
OPERATORS = [
    '"',
    "-",
    "OR",
    "AND",
    "title:",
    "author:",
    "place:",
    "(",
    ")",
    "*",
    ":",
    "\\",
    "%",
    "&",
]

vietnamese = st.sampled_from(
    [
        "tổ chức",
        "to chuc",
        "Tỉnh uỷ",
        "UBND",
        "khóa XIII",
        "đường",
        "hoà bình",
        "kĩ thuật",
        "TP.HCM",
    ]
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["0", "1", "100", "101", "1e9", "NaN", "-0", "0x10", "1.5", " 2", "", "٣", "fresh", "false"]
    ),
)
dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        ["2023-02-30", "2023-13-01", "0000-01-01", "9999-12-31", "2023", "2023-1-1", "yesterday"]
    ),
)
any_text = st.text(max_size=60)  # every code point hypothesis draws: controls, RTL, emoji
quoted = st.one_of(any_text, vietnamese).map(lambda text: f'"{text}"')  # a phrase of anything
words = st.lists(
    st.one_of(any_text, vietnamese, quoted, st.sampled_from(OPERATORS)), max_size=8
).map(" ".join)
value = st.one_of(words, numbers, dates, any_text, st.text(min_size=990, max_size=1010))
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), any_text), value), max_size=6)


@st.composite
def requests(draw) -> str:
    """A path with a query string: search, suggest, a document, or anything under /api."""
    kind = draw(st.sampled_from(["search", "search", "search", "suggest", "document", "other"]))
    if kind == "document":
        path = "/api/documents/" + quote(draw(st.text(min_size=1, max_size=80)), safe="")
        if draw(st.booleans()):  # its related articles
            path += "/related?" + urlencode(draw(pairs), doseq=True)
        return path
    if kind == "other":
        return "/api/" + quote(draw(any_text), safe="/")
    path = "/api/search" if kind == "search" else "/api/suggest"
    return path + "?" + urlencode(draw(pairs), doseq=True)
