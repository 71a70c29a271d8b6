"""Related articles: those that share the most distinctive syllables and pairs of one.

An article's key terms are its syllables and syllable pairs (adjacent syllables) weighed
as BM25 weighs a query's terms against a document: how often the article writes them
(saturating), and how few articles of the index hold them. They are read from the
syllables the index stores with each article (indexing.stored.Terms), its title and the
first READ_SYLLABLES of its body: no analysis at request time. Its best KEY_SYLLABLES
syllables and KEY_PAIRS pairs become a Search (search.algebra) like any other: the
articles holding any of them, ranked by BM25 over them in the body, one a story, never
the article's own story, near ties broken in favour of the fresher (a half-life of
RELATED_HALF_LIFE days).

The best RERANKED of those are then ranked again by their score per length, pivoted
(score × (PIVOT / length) ** LENGTH_POWER): BM25 scores a document's match with a
query of a few words; asked with dozens of an article's terms, a long article holds
more of them by its length alone, and the article telling the same thing in fewer words
is the closer one (cosine similarity normalises alike). MRR@5 of an article's other half
0.425 -> 0.528 on 35,440 news articles (docs/benchmarks.md).
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise

from ..indexing.stored import Terms
from .algebra import AllOf, AnyOf, Field, Not, Ranking, Search
from .answer import info
from .plan import WEIGHTS, Need, Weighted
from .request import Deadline
from .results import Ranked, Related

RELATED = 5  # articles, unless asked for another number
MAX_RELATED = 20
READ_SYLLABLES = 800  # of the body: a news article says what it is about early
KEY_SYLLABLES = 20
KEY_PAIRS = 8
PAIR_CANDIDATES = 12  # the article's commonest pairs, whose frequency in the index is asked
RELATED_HALF_LIFE = 3650.0  # a year older weighs 7 % less: freshness decides near ties
K1 = 1.2
RERANKED = 20  # the best found, ranked again by score per length
PIVOT = 2500  # characters: a typical article's length keeps its score
SHORTEST = 200  # characters: a shorter article counts as this long
LENGTH_POWER = 0.75  # 0.5: MRR@5 0.519; 0.75: 0.528 (and 0.540 with pyvi words, 1.6x slower)


def syllables_of(stored: dict, name: str) -> list[str]:
    """The syllable terms of a stored field, in order, as the index stored them."""
    return Terms(stored.get("terms", {}).get(name, b"")).sequence()


def key_terms(view, stored: dict) -> list[Weighted]:
    """The article's best syllables and pairs (of its title and body), weighted, as terms
    of the body field."""
    title = syllables_of(stored, "title")
    body = syllables_of(stored, "body")[:READ_SYLLABLES]
    syllables = Counter(title + body)
    pairs = Counter(f"{a} {b}" for text in (title, body) for a, b in pairwise(text))
    documents = max(view.documents_known(), 1)
    known = view.vocabulary.known

    def weight(tf: int, df: int) -> float:
        idf = math.log(1 + (documents - df + 0.5) / (df + 0.5))
        return idf * tf * (K1 + 1) / (tf + K1)

    def shared(term: str, df: int) -> bool:  # held by another article than this one
        return df > 1 and any(c.isalpha() for c in term)

    frequency = {s: known.get(s, 0) for s in syllables}
    scored = [
        (weight(tf, frequency[s]), s) for s, tf in syllables.items() if shared(s, frequency[s])
    ]
    common = [pair for pair, _ in pairs.most_common(PAIR_CANDIDATES)]
    # the body's own counts: the terms are asked of the body (a pair running across
    # punctuation is no term of the index, and is held by none)
    held = view.vocabulary.lexicon.counts("body", "pairs", common) if common else {}
    scored_pairs = [(weight(pairs[p], held[p]), p) for p in common if shared(p, held[p])]
    chosen = [("syllables", s, w) for w, s in sorted(scored, reverse=True)[:KEY_SYLLABLES]]
    chosen += [("pairs", p, w) for w, p in sorted(scored_pairs, reverse=True)[:KEY_PAIRS]]
    top = max((w for _, _, w in chosen), default=1.0)
    # squared: the rarest terms the article shares (its names, its own words) weigh far
    # more than its topic's; bodies only: other papers' titles on one event are alike
    return [
        Weighted("body", form, text, (w / top) ** 2 * WEIGHTS[form]) for form, text, w in chosen
    ]


def per_length(score: float, stored: dict) -> float:
    """*score* of an article, pivoted by its length (see the module's docstring)."""
    length = max(len(stored.get("title") or "") + len(stored.get("body") or ""), SHORTEST)
    return round(score * (PIVOT / length) ** LENGTH_POWER, 4)


def related(view, doc_id: str, limit: int, time_limit: float) -> Related | None:
    """The articles related to *doc_id* (None when there is no such article)."""
    ref = view.lookup(doc_id)
    if ref is None:
        return None
    stored = view.stored(ref)
    terms = key_terms(view, stored)
    if not terms:
        return Related(stored["id"], [])
    needs = tuple(
        Need("any", form, tuple(dict.fromkeys(t.text for t in terms if t.representation == form)))
        for form in ("syllables", "pairs")
        if any(t.representation == form for t in terms)
    )
    story = stored.get("story") or stored["id"]
    select = AllOf((AnyOf(needs) if len(needs) > 1 else needs[0], Not(Field("story", story))))
    asked = Search(
        select,
        Ranking(terms),
        top=max(limit, RERANKED),
        facets=(),
        half_life=RELATED_HALF_LIFE,
        collapse=True,
    )
    found = view.find(asked, Deadline(time_limit))
    again = []
    for ref, score in found.ranked:
        kept = view.stored(ref)
        again.append((per_length(score or 0.0, kept), kept))
    again.sort(key=lambda item: -item[0])  # stable: equal scores keep the order found
    hits = [Ranked(**info(kept, []), score=score) for score, kept in again[:limit]]
    return Related(stored["id"], hits)
