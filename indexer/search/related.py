"""Related articles: those that share the most distinctive words and word pairs of one.

An article's key terms are its pyvi words and syllable pairs weighed as BM25 weighs a
query's terms against a document: how often the article writes them (saturating), and
how few articles of the index hold them. Its best KEY_WORDS words and KEY_PAIRS pairs
become a Search (search.algebra) like any other: the articles holding any of them,
ranked by BM25 over them in the body, one a story, never the article's own story, near
ties broken in favour of the fresher (a half-life of RELATED_HALF_LIFE days).
"""

from __future__ import annotations

import math
from collections import Counter

from ..language.analysis import analyse
from .algebra import AllOf, AnyOf, Field, Not, Ranking, Search
from .answer import info
from .plan import WEIGHTS, Need, Weighted
from .request import Deadline
from .results import Ranked, Related

RELATED = 5  # articles, unless asked for another number
MAX_RELATED = 20
READ_CHARS = 2500  # of the body: a news article says what it is about early
KEY_WORDS = 20
KEY_PAIRS = 8
PAIR_CANDIDATES = 12  # the article's commonest pairs, whose frequency in the index is asked
RELATED_HALF_LIFE = 3650.0  # a year older weighs 7 % less: freshness decides near ties
K1 = 1.2


def key_terms(view, stored: dict) -> list[Weighted]:
    """The article's best words and pairs (of its title and body), weighted, as terms of
    the body field."""
    title = analyse(stored.get("title", ""), view.table)
    body = analyse(stored.get("body", "")[:READ_CHARS], view.table)
    words = Counter(title.words + body.words)
    pairs = Counter(title.pairs() + body.pairs())
    documents = max(view.documents_known(), 1)
    known = view.vocabulary.words("body")
    titled = view.vocabulary.words("title")

    def weight(tf: int, df: int) -> float:
        idf = math.log(1 + (documents - df + 0.5) / (df + 0.5))
        return idf * tf * (K1 + 1) / (tf + K1)

    scored_words = []
    for word, tf in words.items():
        df = max(known.get(word, 0), titled.get(word, 0))
        if df > 1 and any(c.isalpha() for c in word):  # held by another article than this
            scored_words.append((weight(tf, df), word))
    common = [pair for pair, _ in pairs.most_common(PAIR_CANDIDATES)]
    held = view.vocabulary.pair_frequencies(common) if common else {}
    scored_pairs = [
        (weight(pairs[pair], held[pair]), pair)
        for pair in common
        if held.get(pair, 0) > 1 and any(c.isalpha() for c in pair)
    ]
    chosen = [("words", w, s) for s, w in sorted(scored_words, reverse=True)[:KEY_WORDS]]
    chosen += [("pairs", p, s) for s, p in sorted(scored_pairs, reverse=True)[:KEY_PAIRS]]
    top = max((s for _, _, s in chosen), default=1.0)
    # squared: the rarest terms the article shares (its names, its own words) weigh far
    # more than its topic's; bodies only: other papers' titles on one event are alike
    return [
        Weighted("body", form, text, (score / top) ** 2 * WEIGHTS[form])
        for form, text, score in chosen
    ]


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
        for form in ("words", "pairs")
        if any(t.representation == form for t in terms)
    )
    story = stored.get("story") or stored["id"]
    select = AllOf((AnyOf(needs) if len(needs) > 1 else needs[0], Not(Field("story", story))))
    asked = Search(
        select,
        Ranking(terms),
        top=limit,
        facets=(),
        half_life=RELATED_HALF_LIFE,
        collapse=True,
    )
    found = view.find(asked, Deadline(time_limit))
    hits = [Ranked(**info(view.stored(ref), []), score=score) for ref, score in found.ranked]
    return Related(stored["id"], hits)
