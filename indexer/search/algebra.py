"""What a search asks of a backend, as a small tree: which documents, how they rank, what
comes back. Written once here; each backend only translates the nodes (whoosh/: boolean
arrays and BM25F, opensearch/: the query DSL and aggregations).

Selection nodes (each a set of live documents):

- `Need` (search.plan): terms of a representation in some fields: all, any, a phrase;
- `AllOf(children)`, `AnyOf(children)`, `AtLeast(k, children)`, `Not(child)`, `Everything()`;
- `Field(name, value)`: a keyword field (author, place, source, story) holds the value;
- `Dated(low, high)`: the date key within bounds (undated documents never pass).

A `Ranking` scores the selected documents: BM25F over weighted terms (Weighted), plus
`Boost(weight, node)` for each boost whose node holds the document (a short query's
tiers), plus `base` for every document. A `Search` says what the caller wants back, in
the manner of tantivy's collectors: the total, the facet counts, and the `top` documents
by score or by date after `skip` of them (those skipped are not fetched); with
`half_life`, each document's BM25F part of the score decays by its age (the boosts, a
short query's tiers, do not: freshness orders within a tier); with `collapse`, one
document a story (the first in the order), the rest of its story found beside it, the
total and facets still counting documents.

`search(plan, request)` builds the Search of a plan; `relax(plan, request, count)` the
Search of a short query none of whose documents holds every word: those holding the
most of its words. Relaxation, tiers, the every-word rule, paging and the facets are
decided here and nowhere else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..articles.dates import AFTER_EVERY_DATE
from .plan import TIER, Need, Plan, Weighted
from .request import SearchRequest
from .results import FACETS


@dataclass(frozen=True)
class AllOf:
    children: tuple


@dataclass(frozen=True)
class AnyOf:
    children: tuple


@dataclass(frozen=True)
class AtLeast:
    least: int
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


@dataclass(frozen=True)
class Everything:
    pass


@dataclass(frozen=True)
class Field:
    name: str  # a keyword field: "author", "place", "source", "story", "id"
    value: str


@dataclass(frozen=True)
class Dated:
    low: int  # date keys, inclusive
    high: int


Node = Need | AllOf | AnyOf | AtLeast | Not | Everything | Field | Dated


@dataclass(frozen=True)
class Boost:
    weight: float
    node: Node


@dataclass
class Ranking:
    terms: list[Weighted] = field(default_factory=list)  # BM25F
    boosts: list[Boost] = field(default_factory=list)
    base: float = 0.0  # added to every document's score
    long: bool = False  # a question: BM25+'s floor, its words weighed by the best documents


@dataclass
class Search:
    select: Node
    ranking: Ranking
    order: str = "relevance"  # or "newest", "oldest" (undated last), ties by id
    top: int = 0  # how many documents in order, counted from the first
    skip: int = 0  # of those, how many come back unfetched (a page further down)
    facets: tuple[str, ...] = FACETS
    # fresh: the BM25F part times 0.5 ** (age / half_life), age in days before the newest
    # document of the index (an undated one as old as the oldest)
    half_life: float | None = None
    collapse: bool = False  # one document a story: top and skip count stories


def all_of(nodes: list) -> Node:
    """The documents in every one of *nodes* (every document when there is none)."""
    if not nodes:
        return Everything()
    return nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))


def matching(plan: Plan) -> Node:
    """Every document the plan matches at all: any alternative, no exclusion. A short
    query's words (every_word, or at least one of them) say more than its recall (any of
    them): it is left out then."""
    if plan.alternatives:
        alternatives = []
        for a in plan.alternatives:
            recall = None if plan.every_word else a.recall
            alternatives.append(all_of([n for n in [recall, *a.needs] if n is not None]))
        found = alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives))
    else:
        found = Everything()  # an empty query, or exclusions only
    if plan.excluded:
        found = AllOf((found, *(Not(n) for n in plan.excluded)))
    return found


def filters(request: SearchRequest) -> list[Node]:
    """The request's author, place, source, story and dates, and the ids it leaves out."""
    found: list[Node] = []
    if request.without:
        found.append(Not(AnyOf(tuple(Field("id", i) for i in request.without))))
    for name in ("author", "place", "source", "story"):
        if value := getattr(request, name):
            found.append(Field(name, value))
    low, high = request.dates()
    if low is not None or high is not None:
        found.append(Dated(low or 1, high or AFTER_EVERY_DATE - 1))
    return found


def words(plan: Plan) -> tuple[Need, ...]:
    """One Need a distinct word of a short query: the document holds it, in any form."""
    return tuple(term for need in plan.every_word for term in need.each())


def selection(plan: Plan, request: SearchRequest, least: int | None = None) -> Node:
    """The documents a search finds: the plan's, under the request's filters; for a short
    query, those holding every word (with *least*: at least that many of them)."""
    parts = [matching(plan), *filters(request)]
    if plan.every_word:
        if least is None:
            parts += plan.every_word
        else:
            parts.append(AtLeast(least, words(plan)))
    return all_of(parts)


def ranking(plan: Plan, strict: bool) -> Ranking:
    """How the found documents rank: BM25F over the plan's weighted terms, and for a
    short query its tiers, TIER for each tier a document is in (the tiers nest: one in
    a tier is in every tier after it). With *strict* (every document found holds every
    word), the last tier holds them all: its TIER is the base of every score."""
    result = Ranking(list(plan.scoring), long=plan.long)
    if len(plan.alternatives) == 1:
        layers = plan.alternatives[0].tiers
        if strict and layers:
            result.base = TIER
            layers = layers[:-1]
        for layer in layers:
            result.boosts.append(Boost(TIER, all_of(layer)))
    return result


def search(plan: Plan, request: SearchRequest, sort: str, needed: int, skip: int = 0) -> Search:
    """The Search of *plan* under *request*: its *needed* first documents (or stories)
    in *sort* order ("fresh": relevance decayed by age), the first *skip* unfetched."""
    ranked = sort in RANKED
    return Search(
        selection(plan, request),
        ranking(plan, bool(plan.every_word)) if ranked else Ranking(),
        "relevance" if ranked else sort,
        needed,
        min(skip, needed),
        half_life=request.half_life if sort == "fresh" else None,
        collapse=request.collapse,
    )


RANKED = ("relevance", "fresh")  # the sorts by score


def total(plan: Plan, request: SearchRequest, count) -> int:
    """How many documents a search of *plan* finds (relaxed if need be), as counted by
    *count* (a View's: node -> documents)."""
    found = count(selection(plan, request))
    if found or not plan.every_word:
        return found
    least = relaxed(plan, request, count)
    return 0 if least is None else count(selection(plan, request, least))


def relaxed(plan: Plan, request: SearchRequest, count) -> int | None:
    """For a short query none of whose documents holds every word: the most of its words
    some document found holds (*count* counts a node's documents), or None."""
    if not plan.every_word:
        return None
    for least in range(len(words(plan)) - 1, 0, -1):
        if count(selection(plan, request, least)):
            return least
    return None


def relax(asked: Search, plan: Plan, request: SearchRequest, least: int) -> Search:
    """*asked* again, for the documents holding at least *least* of the words."""
    ranked = ranking(plan, strict=False) if asked.order == "relevance" else Ranking()
    return dataclasses.replace(asked, select=selection(plan, request, least), ranking=ranked)
