"""A search request: its parameters, their limits, validation, and the time it may take.

The parameters are defined once, here (`PARAMETERS`): the JSON API, the search page, its
templates, the OpenAPI description and the command line all read their names, defaults
and limits from this table.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import NamedTuple

from ..articles.dates import bound

MAX_QUERY = 1000  # characters
MAX_PER_PAGE = 100
MAX_DEPTH = 10_000  # page * per_page: deeper pages are refused, as every engine does
MAX_FILTER = 200  # characters of an author, place or source filter
SORTS = ("relevance", "fresh", "newest", "oldest")
HALF_LIFE = 90.0  # days: the default of half_life (VNSEARCH_HALF_LIFE_DAYS sets a server's)
MAX_HALF_LIFE = 36_500.0


class Parameter(NamedTuple):
    """One request parameter: its name, JSON type, default and a line of help."""

    name: str
    kind: str  # "string", "integer", "number" or "boolean"
    default: str | int | bool | None
    help: str


PARAMETERS = (
    Parameter(
        "q",
        "string",
        "",
        f'the query, at most {MAX_QUERY:,} characters: words (with or without diacritics), "a'
        ' phrase", -word, a OR b, title:, author:, place:; empty: every document, newest first',
    ),
    Parameter("page", "integer", 1, "the page of results, from 1"),
    Parameter("per_page", "integer", 10, f"results a page, 1 to {MAX_PER_PAGE}"),
    Parameter(
        "sort",
        "string",
        "relevance",
        f"one of: {', '.join(SORTS)}; fresh: relevance times 0.5 ** (age in days / half_life),"
        " age counted from the newest article (undated ones as old as the oldest), the"
        " ranking tiers first (VNSEARCH_DEFAULT_SORT sets a server's default)",
    ),
    Parameter(
        "half_life",
        "number",
        HALF_LIFE,
        "days after which sort=fresh halves an article's score, above 0 and at most"
        f" {MAX_HALF_LIFE:,.0f} (VNSEARCH_HALF_LIFE_DAYS sets a server's default)",
    ),
    Parameter(
        "collapse",
        "boolean",
        True,
        "true: one hit per story (near-copies of one article), the best-ranked, with the"
        " others in its similar; false: every article",
    ),
    Parameter(
        "date_from",
        "string",
        None,
        "ISO date (2023, 2023-10 or 2023-10-02), inclusive; undated articles are left out",
    ),
    Parameter("date_to", "string", None, "ISO date, inclusive; undated articles are left out"),
    Parameter("author", "string", None, "only articles by this author (exact)"),
    Parameter("place", "string", None, "only articles about this province or city (exact)"),
    Parameter("source", "string", None, "only articles of this newspaper (exact)"),
    Parameter("story", "string", None, "only the articles of this story (a hit's story id)"),
    Parameter(
        "verbatim",
        "boolean",
        False,
        "true: search the query exactly as typed, never a reading of it that the engine"
        " finds likelier (a Telex, VNI, regional or mistyped spelling read back)",
    ),
)
NAMES = tuple(p.name for p in PARAMETERS)
FILTERS = ("date_from", "date_to", "author", "place", "source", "story")  # what narrows the results
KEPT = tuple(name for name in NAMES if name != "page")  # what a new page of results keeps
INTERNAL = ("without",)  # SearchRequest's fields that no caller sets: the engine's own


class InvalidRequest(ValueError):
    """A request the engine refuses, with a machine-readable code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class SearchRequest:
    """What a search asks for; `from_params` validates text parameters from a URL."""

    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    half_life: float = HALF_LIFE
    collapse: bool = True
    date_from: str | None = None
    date_to: str | None = None
    author: str | None = None
    place: str | None = None
    source: str | None = None
    story: str | None = None
    verbatim: bool = False
    # not a parameter (INTERNAL): ids left out (a curation's pinned ones, shown apart, and
    # hidden ones)
    without: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params, defaults: dict | None = None) -> SearchRequest:
        """Build and validate a request from a mapping of strings (a query string);
        *defaults* (by name) replace the parameters' own (a server's sort, half_life)."""
        values = {}
        for parameter in PARAMETERS:
            value = params.get(parameter.name)
            default = (defaults or {}).get(parameter.name, parameter.default)
            parameter = parameter._replace(default=default)
            if parameter.kind in NUMBERS:
                values[parameter.name] = numeric(
                    value, parameter.name, parameter.default, parameter.kind
                )
            elif parameter.kind == "boolean":
                values[parameter.name] = _boolean(value, parameter.name, parameter.default)
            elif parameter.name == "q":
                values["q"] = value or ""
            else:
                values[parameter.name] = (value or "").strip() or parameter.default
        request = cls(**values)
        request.validate()
        return request

    def validate(self) -> None:
        """Raise InvalidRequest naming the first parameter out of its limits."""
        check_query(self.q)
        if self.page < 1:
            raise InvalidRequest("invalid_page", "page must be a positive integer")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidRequest(
                "invalid_per_page", f"per_page must be between 1 and {MAX_PER_PAGE}"
            )
        if self.page * self.per_page > MAX_DEPTH:
            raise InvalidRequest("page_too_deep", f"page × per_page may not exceed {MAX_DEPTH:,}")
        if self.sort not in SORTS:
            raise InvalidRequest("invalid_sort", f"sort must be one of: {', '.join(SORTS)}")
        if not 0 < self.half_life <= MAX_HALF_LIFE:
            raise InvalidRequest(
                "invalid_half_life", f"half_life must be above 0 and at most {MAX_HALF_LIFE:,.0f}"
            )
        low, high = self.dates()
        if low is not None and high is not None and low > high:
            raise InvalidRequest("invalid_date_range", "date_from is after date_to")
        for name in ("author", "place", "source", "story"):
            value = getattr(self, name)
            if value is not None and len(value) > MAX_FILTER:
                raise InvalidRequest(
                    f"invalid_{name}", f"{name} is longer than {MAX_FILTER} characters"
                )

    @property
    def start(self) -> int:
        """How many results come before this page."""
        return before(self.page, self.per_page)

    def dates(self) -> tuple[int | None, int | None]:
        """The date filters as inclusive date-key bounds (None where not set)."""
        return (
            date_bound(self.date_from, "date_from", end=False),
            date_bound(self.date_to, "date_to", end=True),
        )

    def filters(self) -> dict[str, str]:
        """The filters in use, by name."""
        return {name: value for name in FILTERS if (value := getattr(self, name))}


def before(page: int, per_page: int) -> int:
    """How many results come before the page *page* of *per_page* results."""
    return (page - 1) * per_page


def check_query(q: str) -> None:
    """Refuse a query over MAX_QUERY characters (searches, documents and suggestions)."""
    if len(q) > MAX_QUERY:
        message = f"q is {len(q)} characters; the limit is {MAX_QUERY}"
        raise InvalidRequest("query_too_long", message)


NUMBERS = {  # what an integer or a number parameter accepts, and what it becomes
    "integer": (re.compile(r"[0-9]{1,9}"), int, "a positive integer"),
    "number": (re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?"), float, "a positive number"),
}


def numeric(value, name: str, default, kind: str):
    """*value* (a parameter's text) read as an "integer" or a "number"; *default* when
    it is absent; InvalidRequest("invalid_<name>") when it is neither."""
    if value is None or value == "":
        return default
    pattern, convert, what = NUMBERS[kind]
    text = str(value).strip()
    if not pattern.fullmatch(text):
        raise InvalidRequest(f"invalid_{name}", f"{name} must be {what}, not {text[:40]!r}")
    return convert(text)


TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _boolean(value, name: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE or text in FALSE:
        return text in TRUE
    raise InvalidRequest(f"invalid_{name}", f"{name} must be true or false, not {text[:40]!r}")


def date_bound(value: str | None, name: str, end: bool) -> int | None:
    """Return a date filter (YYYY, YYYY-MM or YYYY-MM-DD) as an inclusive date-key bound."""
    if value is None:
        return None
    try:
        return bound(value, end)
    except ValueError:
        raise InvalidRequest(
            f"invalid_{name}", f"{name} must be an ISO date like 2023-10-02, not {value[:40]!r}"
        ) from None


class Deadline:
    """The time a search may still spend; `passed` once it ran out."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.passed = False

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        self.passed = self.passed or self.remaining() <= 0
        return self.passed
