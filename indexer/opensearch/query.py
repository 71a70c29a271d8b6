"""A Search (search.algebra) as OpenSearch's query language.

The nodes of a Search (search.algebra) become filters (they decide what matches, not how
it ranks); weighted terms become `term` queries with their boosts, which OpenSearch
scores with BM25 per field and sums; boosts (a short query's tiers) become constant
scores.
"""

from __future__ import annotations

from ..search.algebra import (
    AllOf,
    AnyOf,
    AtLeast,
    Dated,
    Everything,
    Field,
    Not,
    Ranking,
    Search,
)
from ..search.plan import Need
from .mapping import fieldname, term


def need(needed: Need) -> dict:
    """The documents that satisfy *needed*, as a query."""
    if needed.kind == "phrase" and len(needed.terms) > 1:
        if needed.representation == "mixed":
            return _any([_mixed_phrase(needed, f) for f in needed.fields])
        text = " ".join(term(t) for t in needed.terms)
        fields = [fieldname(f, needed.representation) for f in needed.fields]
        return _any([{"match_phrase": {f: text}} for f in fields])
    per_term = [
        _any([{"term": {fieldname(f, form): term(t)}} for f in needed.fields])
        for form, t in dict.fromkeys(zip(needed.representations(), needed.terms))
    ]
    if needed.kind == "any":
        return _any(per_term)
    return {"bool": {"filter": per_term}}


def _mixed_phrase(needed: Need, field: str) -> dict:
    """A phrase of syllables and folded syllables in one text field: they share
    positions, so each folded term is read as if in the syllables' field."""
    exact = fieldname(field, "syllables")
    spans = []
    for form, text in zip(needed.forms, needed.terms):
        span = {"span_term": {fieldname(field, form): term(text)}}
        if form != "syllables":
            span = {"field_masking_span": {"query": span, "field": exact}}
        spans.append(span)
    return {"span_near": {"clauses": spans, "slop": 0, "in_order": True}}


def _any(queries: list[dict]) -> dict:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def node(found) -> dict:
    """A node of search.algebra as a query (a filter: it decides what matches)."""
    match found:
        case Need():
            return need(found)
        case AllOf(children):
            return {"bool": {"filter": [node(child) for child in children]}}
        case AnyOf(children):
            return _any([node(child) for child in children])
        case AtLeast(least, children):
            return {"bool": {"should": [node(c) for c in children], "minimum_should_match": least}}
        case Not(child):
            return {"bool": {"must_not": [node(child)]}}
        case Everything():
            return {"match_all": {}}
        case Field(name, value):
            return {"term": {name: value}}
        case Dated(low, high):
            return {"range": {"date_key": {"gte": low, "lte": high}}}
    raise TypeError(f"not a node of search.algebra: {found!r}")


def decay(half_life: float, days: tuple[float, float]) -> list[dict]:
    """The functions of freshness: 0.5 ** (age / half_life), age in days before the
    newest document (*days*: the newest's and the oldest's day); an undated document as
    old as the oldest. (The cluster's decay functions: its scripting module is not
    there in every distribution.)"""
    newest, oldest = days
    exp = {"day": {"origin": newest, "scale": half_life, "decay": 0.5, "offset": 0}}
    dated = {"exists": {"field": "day"}}
    return [
        {"filter": dated, "exp": exp},
        {
            "filter": {"bool": {"must_not": [dated]}},
            "weight": 0.5 ** ((newest - oldest) / half_life),
        },
    ]


def scoring(ranking: Ranking, half_life=None, days=(0.0, 0.0)) -> list[dict]:
    """What ranks the matching documents: the weighted terms (BM25 per field, summed;
    with *half_life* decayed by age, *days* the newest and oldest day) and each boost, a
    constant score (ranking.base is added to the scores that come back)."""
    found = []
    for weighted in ranking.terms:
        name = fieldname(weighted.field, weighted.representation)
        found.append({"term": {name: {"value": term(weighted.text), "boost": weighted.boost}}})
    if half_life is not None and found:
        terms = {
            "query": {"bool": {"should": found}},
            "functions": decay(half_life, days),
            "score_mode": "multiply",
            "boost_mode": "multiply",
        }
        found = [{"function_score": terms}]
    for boost in ranking.boosts:
        found.append({"constant_score": {"filter": node(boost.node), "boost": boost.weight}})
    return found


def search(asked: Search, days=None) -> dict:
    """The whole query of a search: what it matches and how it ranks (*days*: the newest
    and the oldest document's, for freshness)."""
    should = scoring(asked.ranking, asked.half_life, days or (0.0, 0.0))
    return {"bool": {"filter": [node(asked.select)], "should": should}}
