"""What a search returns: plain objects that the page, the JSON API and the terminal render.

Their JSON (`to_json`) and its OpenAPI schema (`schema`) are read off the dataclasses: a
field is in the JSON unless its class shows it on the page only (PAGE_ONLY), a property
named in JSON_PROPERTIES is added, and a field's `doc` (its metadata) describes it.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field

from .request import MAX_DEPTH, before

FACETS = ("year", "author", "place", "source")  # what every result counts its documents by
FACET_SIZE = 10  # values shown of each facet but the year (every year is shown)


def _doc(text: str, schema: dict | None = None) -> dict:
    """A field's metadata: its description in the OpenAPI schema, a schema of its own."""
    return {"doc": text, "schema": schema} if schema else {"doc": text}


@dataclass
class DocumentInfo:
    """What a hit and a whole document both show of an article."""

    id: str
    title: str
    title_given: bool = field(
        metadata=_doc(
            "false when the article had no title and this one was taken from its lead (it is"
            " shown, and scores as the body it is in)"
        )
    )
    title_html: str = field(metadata=_doc("The title, escaped, with <mark> around matches"))
    date: str | None = field(metadata=_doc("ISO 8601, or null when unknown"))
    author: str | None
    source: str | None
    place: list[str]
    url: str | None
    story: str = field(
        metadata=_doc(
            "The story this article belongs to: the id of the first article of which it is a"
            " near-copy (the same wire story reworded a little), or its own id"
        )
    )


@dataclass
class Similar:
    total: int = field(metadata=_doc("How many more articles of this story the search found"))
    ids: list[str] = field(metadata=_doc("The first five of them, in the search's order"))


@dataclass
class Ranked(DocumentInfo):
    score: float | None = field(metadata=_doc("null when sorted by date"))


@dataclass
class Hit(Ranked):
    snippet: str = field(metadata=_doc("Escaped text with <mark> around matches"))
    similar: Similar | None = field(
        default=None,
        metadata=_doc(
            "With collapse (the default), the other articles of this hit's story that the"
            " search found (story=<story> lists them all); null with collapse=false"
        ),
    )
    pinned: bool = field(
        default=False,
        metadata=_doc(
            "Shown first by an editor's curation of this query (PUT /api/curations/{id})"
        ),
    )


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[dict]] = field(
        metadata=_doc(
            "For each of year, author, place and source, its values and how many documents"
            " hold each",
            {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Facet"}},
        )
    )
    suggestion: str | None = field(
        metadata=_doc(
            "Did you mean: the accented reading of a query typed without diacritics, or a"
            " likelier reading of it (Telex, VNI, a regional spelling, a slip of a key) that finds"
            " more; when a query with quotes, fields or OR finds nothing, its words without them"
        )
    )
    searched_as: str | None = field(
        default=None,
        metadata=_doc(
            "The reading of the query that was searched instead of it as typed, when the query"
            ' found nothing or little and the reading is much likelier ("tổ chức đảng" for'
            ' "toor chuwcs ddangr"); null when searched as typed. verbatim=true searches it as'
            " typed"
        ),
    )
    sort: str = "relevance"
    collapse: bool = True
    stories: int | None = field(
        default=None,
        metadata=_doc(
            "With collapse, how many stories the articles found make (one hit each: pages"
            " count them); total counts articles. null with collapse=false"
        ),
    )
    filters: dict[str, str] = field(default_factory=dict)
    relaxed: bool = field(
        default=False,
        metadata=_doc(
            "A short query of keywords finds the documents holding every word, each in any of"
            " its forms (with or without diacritics, abbreviated, as a numeral). true: no"
            " document holds them all, and these hold the most of them"
        ),
    )
    partial: bool = field(
        default=False,
        metadata=_doc(
            "true when the search hit its time limit; total counts what was found by then"
        ),
    )

    JSON_PROPERTIES: typing.ClassVar[dict[str, dict]] = {"pages": {"type": "integer"}}

    @property
    def pages(self) -> int:
        shown = self.total if self.stories is None else self.stories
        return max(1, -(-min(shown, MAX_DEPTH) // self.per_page))

    @property
    def start(self) -> int:
        """How many results come before this page."""
        return before(self.page, self.per_page)


@dataclass
class Document(DocumentInfo):
    text: str
    paragraphs: list[dict]  # {"html", "caption"}: the text with the query's matches marked
    shown_chars: int  # how much of the text the paragraphs hold (all but for a huge one)

    PAGE_ONLY: typing.ClassVar[tuple[str, ...]] = ("title_html", "paragraphs", "shown_chars")


@dataclass
class Related:
    id: str
    related: list[Ranked] = field(
        metadata=_doc(
            "The articles sharing the most distinctive words and word pairs of this one, one"
            " a story, fresher first among near ties; never this article nor its story's copies"
        )
    )


@functools.cache
def json_fields(cls) -> tuple[str, ...]:
    """The names of the JSON form of a result class, in order."""
    page_only = getattr(cls, "PAGE_ONLY", ())
    names = [f.name for f in dataclasses.fields(cls) if f.name not in page_only]
    return (*names, *getattr(cls, "JSON_PROPERTIES", {}))


def to_json(result) -> dict:
    """The JSON form of a result object (those within it too)."""
    return {name: _json_value(getattr(result, name)) for name in json_fields(type(result))}


def _json_value(value):
    if dataclasses.is_dataclass(value):
        return to_json(value)
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def schema(cls) -> dict:
    """The OpenAPI schema of a result class's JSON form."""
    hints = typing.get_type_hints(cls)
    by_name = {f.name: f for f in dataclasses.fields(cls)}
    properties = {}
    for name in json_fields(cls):
        if name not in by_name:
            properties[name] = dict(cls.JSON_PROPERTIES[name])
            continue
        meta = by_name[name].metadata
        found = dict(meta.get("schema") or _type_schema(hints[name]))
        if "doc" in meta:
            found["description"] = meta["doc"]
        properties[name] = found
    return {"type": "object", "required": list(json_fields(cls)), "properties": properties}


SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _type_schema(hint) -> dict:
    """The schema of a type annotation: scalars, X | None, list[X], dict[str, X], a result."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        (inner,) = [a for a in args if a is not type(None)]
        found = _type_schema(inner)
        if "$ref" in found:  # OpenAPI 3.0 reads nothing beside a $ref
            return {"allOf": [found], "nullable": True}
        return {**found, "nullable": True}
    origin = typing.get_origin(hint)
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1])}
    if dataclasses.is_dataclass(hint):
        return {"$ref": f"#/components/schemas/{hint.__name__}"}
    if hint is dict:
        return {"type": "object"}
    return {"type": SCALARS[hint]}
