"""The bigram model of an index: how likely a reading of a query's syllables is.

A query's positions each have readings (the syllables they may be read as); a path
through them is scored by how likely each syllable follows the one before in the index:
the documents holding the two side by side (the pair field) over those holding the
first, smoothed with the syllable's own frequency; less what each reading costs (a
reading other than the syllable typed is less likely). Accent restoration
(vocabulary.restore) and query correction (correct.py) both take the likeliest path.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import NamedTuple

# Weight of the pair evidence against the syllable's own frequency. With 8 candidates and
# 0.9, 90.7 % of syllables and 72.4 % of phrases come back as written (89.2 % and 70.0 %
# scoring raw pair counts over 6 candidates): bench/restore_accents.py, docs/benchmarks.md.
FOLLOWS = 0.9


class Reading(NamedTuple):
    """A syllable a position of a query may be read as: how many documents hold it, what
    reading it so costs (log-odds: 0 as typed), and how the query shows it (the syllable,
    or a bare one standing for all its readings)."""

    syllable: str
    df: int
    cost: float = 0.0
    shown: str = ""


class Bigrams:
    """The model over *columns*, the readings of each position of a query; *vocabulary*
    counts the pairs of every two neighbouring readings at once."""

    def __init__(self, vocabulary, columns: list[list[Reading]]):
        self.columns = columns
        self.total = vocabulary.syllable_total
        self.held = vocabulary.pair_frequencies(
            f"{a.syllable} {b.syllable}"
            for column, after in pairwise(columns)
            for a in column
            for b in after
        )

    def first(self, reading: Reading) -> float:
        """log P(reading) at the start of the query, less its cost."""
        return math.log((reading.df + 0.5) / self.total) - reading.cost

    def follows(self, before: Reading, reading: Reading) -> float:
        """log P(reading | before): the pair's share of *before*, smoothed; less its cost."""
        pair = self.held[f"{before.syllable} {reading.syllable}"] / max(before.df, 1)
        chance = FOLLOWS * pair + (1 - FOLLOWS) * (reading.df + 0.5) / self.total
        return math.log(chance) - reading.cost

    def score(self, path: list[Reading]) -> float:
        """The log-likelihood of one path (a reading of each position, from the columns)."""
        return self.first(path[0]) + sum(self.follows(a, b) for a, b in pairwise(path))

    def likeliest(self) -> tuple[float, list[Reading]]:
        """The likeliest path and its log-likelihood (Viterbi)."""
        # per reading of the position, the best path ending in it: (score, its syllables,
        # its readings); of equal scores, the larger syllables (a stable choice)
        best = [(self.first(r), [r.syllable], [r]) for r in self.columns[0]]
        for column in self.columns[1:]:
            best = [
                max(
                    (score + self.follows(path[-1], r), [*syllables, r.syllable], [*path, r])
                    for score, syllables, path in best
                )
                for r in column
            ]
        score, _, path = max(best)
        return score, path

    def near(self, path: list[Reading], most: int) -> list[tuple[float, list[Reading]]]:
        """*path* and the paths that differ from it in one position (at most one a way to
        show it), the *most* likeliest, best first."""
        found: dict[tuple[str, ...], tuple[float, list[Reading]]] = {}
        for p, column in enumerate(self.columns):
            for reading in column:
                other = [*path[:p], reading, *path[p + 1 :]]
                key = tuple(r.shown for r in other)
                score = self.score(other)
                if key not in found or score > found[key][0]:
                    found[key] = (score, other)
        return sorted(found.values(), key=lambda item: -item[0])[:most]
