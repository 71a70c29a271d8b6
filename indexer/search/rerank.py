"""A long query's best documents, re-ranked by how much of it stands together in them.

A question copied from a text, or quoting one, finds that text's run of syllables
standing together: the best RERANKED documents gain GAIN of their score for each
syllable beyond FREE of the longest run of the query found together in their title or
text (alqac nDCG@10 0.896 -> 0.916, xquad unchanged: docs/benchmarks.md).
"""

from __future__ import annotations

from ..indexing.stored import Terms
from .plan import Plan

RERANKED = 10
FREE = 3
GAIN = 0.05


def longest_run(query: tuple[str, ...], text: list[str]) -> int:
    """How many syllables of *query*, in its order, stand together somewhere in *text*.

    >>> longest_run(("a", "b", "c", "d"), "x a b c y d".split())
    3
    """
    where: dict[str, list[int]] = {}
    wanted = set(query)
    for position, syllable in enumerate(text):
        if syllable in wanted:
            where.setdefault(syllable, []).append(position)
    best, ending = 0, {}  # ending: text position -> length of the run ending there
    for syllable in query:
        ending = {p: ending.get(p - 1, 0) + 1 for p in where.get(syllable, ())}
        best = max(best, *ending.values(), 0)
    return best


def by_longest_run(view, plan: Plan, head: list[tuple[object, float]]) -> list:
    """*head* (references and scores, best first) re-ranked: × (1 + GAIN per syllable of
    the longest run beyond FREE). Scores stay above the rest's; unscored documents (0)
    keep their places at the end."""
    scored = [(ref, score) for ref, score in head if score]
    again = []
    for order, (ref, score) in enumerate(scored):
        stored = view.stored(ref).get("terms", {})
        texts = [Terms(stored.get(name, b"")) for name in ("title", "body")]
        run = max(
            longest_run(syllables, text.sequence(folded=not exact))
            for syllables, exact in plan.sequences
            for text in texts
        )
        again.append((round(score * (1 + GAIN * max(0, run - FREE)), 4), order, ref))
    again.sort(key=lambda item: (-item[0], item[1]))
    return [(ref, score) for score, _, ref in again] + head[len(scored) :]
