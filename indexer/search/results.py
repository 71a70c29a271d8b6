"""What a search returns: plain objects that the page, the JSON API and the terminal render."""

from __future__ import annotations

from dataclasses import dataclass, field

from .request import MAX_DEPTH


@dataclass
class DocumentInfo:
    """What a hit and a whole document both show of an article."""

    id: str
    title: str
    title_given: bool  # False: the title was guessed from the article's lead
    title_html: str  # the title, escaped, with the query's matches in <mark>
    date: str | None
    author: str | None
    source: str | None
    place: list[str]
    url: str | None


@dataclass
class Hit(DocumentInfo):
    score: float | None  # None when sorted by date
    snippet: str  # HTML: escaped text with <mark>s


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[dict]]
    suggestion: str | None
    sort: str = "relevance"
    # the reading of the query searched instead of it as typed ("tổ chức đảng" for
    # "toor chuwcs ddangr"), or None; verbatim=true searches it as typed
    searched_as: str | None = None
    partial: bool = False  # the time limit cut the search short: total is a lower bound
    relaxed: bool = False  # no document holds every word of a short query: these hold most
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_DEPTH) // self.per_page))


@dataclass
class Document(DocumentInfo):
    text: str
    paragraphs: list[dict]  # {"html", "caption"}: the text with the query's matches marked
    shown_chars: int  # how much of the text the paragraphs hold (all but for a huge one)
