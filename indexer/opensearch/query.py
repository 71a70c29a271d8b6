"""A Plan (search.plan) as OpenSearch's query language.

Needs become filters (they decide what matches, not how it ranks); weighted terms become
`term` queries with their boosts, which OpenSearch scores with BM25 per field and sums;
a short query's tiers become constant scores of TIER each, so that, as in the Whoosh
backend, a better tier always ranks higher (the tiers nest: a document in one is in
every tier after it).
"""

from __future__ import annotations

from ..articles.dates import AFTER_EVERY_DATE
from ..search.plan import TIER, Need, Plan
from ..search.request import SearchRequest
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


def matching(plan: Plan) -> list[dict]:
    """Filters for what the plan matches at all (any alternative, no exclusion). A short
    query's words (every_word) say more than its recall (any of them): it is left out."""
    alternatives = []
    for alternative in plan.alternatives:
        recall = None if plan.every_word else alternative.recall
        needs = [need(n) for n in [recall, *alternative.needs] if n]
        alternatives.append({"bool": {"filter": needs}})
    found: list[dict] = []
    if alternatives:
        found.append(_any(alternatives))
    if plan.excluded:
        found.append({"bool": {"must_not": [need(n) for n in plan.excluded]}})
    return found


def filters(request: SearchRequest) -> list[dict]:
    """Filters for the request's author, place, source and dates."""
    found = [{"term": {name: value}} for name in ("author", "place", "source")
             if (value := getattr(request, name))]  # fmt: skip
    low, high = request.dates()
    if low is not None or high is not None:  # undated documents have no date_key: never pass
        found.append({"range": {"date_key": {"gte": low or 1, "lte": high or AFTER_EVERY_DATE}}})
    return found


def every_word(plan: Plan, least: int | None = None) -> list[dict]:
    """A short query's words, every one of them (or, with *least*, at least that many of
    them), each in any form: filters."""
    if not plan.every_word:
        return []
    if least is None:
        return [need(n) for n in plan.every_word]
    words = words_of(plan)
    return [{"bool": {"should": words, "minimum_should_match": least}}]


def words_of(plan: Plan) -> list[dict]:
    """One query per distinct word of a short query: the document holds it, any form."""
    return [need(term) for n in plan.every_word for term in n.each()]


def scoring(plan: Plan, every_word: bool = False) -> list[dict]:
    """What ranks the matching documents: the weighted terms, and the tiers (with
    *every_word*, not the last: every document found is in it, see last_tier)."""
    found = []
    for weighted in plan.scoring:
        name = fieldname(weighted.field, weighted.representation)
        found.append({"term": {name: {"value": term(weighted.text), "boost": weighted.boost}}})
    if len(plan.alternatives) == 1:
        layers = plan.alternatives[0].tiers
        for layer in layers[:-1] if every_word else layers:
            tier = {"bool": {"filter": [need(n) for n in layer]}}
            found.append({"constant_score": {"filter": tier, "boost": TIER}})
    return found


def last_tier(plan: Plan, least: int | None) -> float:
    """What the last tier adds to every score when search() leaves it out: a short
    query's documents all hold every word, so all of them are in it."""
    if plan.every_word and least is None and len(plan.alternatives) == 1:
        return TIER if plan.alternatives[0].tiers else 0.0
    return 0.0


def search(plan: Plan, request: SearchRequest, least: int | None = None) -> dict:
    """The whole query of a search: what it matches, under the filters, how it ranks."""
    strict = bool(plan.every_word) and least is None
    return {
        "bool": {
            "filter": [*matching(plan), *every_word(plan, least), *filters(request)],
            "should": scoring(plan, strict),
        }
    }
