"""Suggestions from the index's own vocabulary: accent restoration, corrections, completions.

A query typed without diacritics ("to chuc dang") is read back into its likeliest
accented form ("tổ chức đảng") by a small Viterbi search under a bigram language
model: candidates for each syllable are the indexed syllables that fold to it, and a
candidate scores by how likely it follows the one before (documents holding the two side
by side, in the pair field, over documents holding the first), smoothed with its own
frequency. Corrections for unknown syllables
and completions for the word being typed come from the same vocabulary.
"""

from __future__ import annotations

import bisect
import math
import threading
from typing import Protocol

from ..language.analysis import Analysis
from ..language.text import fold

CANDIDATES = 8  # accented readings tried per folded syllable
# Weight of the pair evidence against the syllable's own frequency. With 8 candidates and
# 0.9, 90.7 % of syllables and 72.4 % of phrases come back as written (89.2 % and 70.0 %
# scoring raw pair counts over 6 candidates): bench/restore_accents.py, docs/benchmarks.md.
FOLLOWS = 0.9
# A reading under this share of the most frequent one's documents is not tried: the same
# restorations, in half the time (pair lookups are most of it).
RARE = 0.003
COMPLETION_MIN_DF = 2  # a body word must occur in this many documents to be offered
ALPHABET = 120  # letters a correction tries in each place: Vietnamese has 89 lower-case


class Lexicon(Protocol):
    """What a backend tells of its index's terms (one consistent reading of it)."""

    def frequencies(self, field: str, representation: str) -> dict[str, int]:
        """Every term of a text field's representation, and how many documents hold it."""

    def frequency(self, field: str, representation: str, term: str) -> int:
        """How many documents hold *term* in a text field's representation."""


class Vocabulary:
    """Views of one index's lexicons, built on first use."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self._lock = threading.Lock()
        self._by_fold: dict[str, list[tuple[str, int]]] | None = None
        self._completions: list[tuple[str, float, str]] | None = None
        self._keys: list[str] = []
        self._total = 1
        self._known: dict[str, int] = {}
        self._alphabet = ""

    # --- lexicons ------------------------------------------------------------------

    def _frequencies(self, field: str, representation: str):
        yield from self.lexicon.frequencies(field, representation).items()

    @property
    def by_fold(self) -> dict[str, list[tuple[str, int]]]:
        """Folded syllable -> [(accented syllable, documents)], most frequent first.

        The same pass counts what `known`, `alphabet` and `syllable_total` return."""
        with self._lock:
            if self._by_fold is None:
                counts: dict[str, int] = {}
                for name in ("body", "title"):
                    for term, df in self._frequencies(name, "syllables"):
                        counts[term] = counts.get(term, 0) + df
                by_fold: dict[str, list[tuple[str, int]]] = {}
                letters: dict[str, int] = {}
                for term, df in counts.items():
                    by_fold.setdefault(fold(term), []).append((term, df))
                    for letter in set(term):
                        letters[letter] = letters.get(letter, 0) + df
                for options in by_fold.values():
                    options.sort(key=lambda item: -item[1])
                self._known = counts
                self._total = max(1, sum(counts.values()))
                self._alphabet = "".join(sorted(letters, key=lambda c: -letters[c])[:ALPHABET])
                self._by_fold = by_fold
            return self._by_fold

    @property
    def known(self) -> dict[str, int]:
        """Every indexed syllable (title or body) and how many documents hold it."""
        self.by_fold  # noqa: B018 - built with it
        return self._known

    @property
    def alphabet(self) -> str:
        """The letters of the indexed syllables, the commonest first: what edits try."""
        self.by_fold  # noqa: B018 - built with it
        return self._alphabet

    @property
    def syllable_total(self) -> int:
        """The sum of every syllable's document frequency: the unigram model's total."""
        self.by_fold  # noqa: B018 - built with it
        return self._total

    def pair_frequency(self, pair: str) -> int:
        """How many documents hold the pair "a b" (body and title counted apart)."""
        return sum(self.lexicon.frequency(f, "pairs", pair) for f in ("body", "title"))

    # --- accent restoration --------------------------------------------------------

    def restore(self, run: Analysis) -> list[str] | None:
        """Return the likeliest accented syllables for a run typed without diacritics."""
        if not run.folded or run.accented:
            return None
        options = [self._readings(f) for f in run.folded]
        total = self.syllable_total

        def follows(before: str, before_df: int, term: str, df: int) -> float:
            """log P(term | before): the pair's share of *before*, smoothed."""
            pair = self.pair_frequency(f"{before} {term}") / max(before_df, 1)
            return math.log(FOLLOWS * pair + (1 - FOLLOWS) * (df + 0.5) / total)

        # Viterbi: per candidate, the best reading ending in it, as (score, path, its df)
        best = [(math.log((df + 0.5) / total), [term], df) for term, df in options[0]]
        for column in options[1:]:
            best = [
                max(
                    (score + follows(path[-1], last, term, df), [*path, term], df)
                    for score, path, last in best
                )
                for term, df in column
            ]
        restored = max(best)[1]
        return restored if restored != run.folded else None

    def _readings(self, folded: str) -> list[tuple[str, int]]:
        """The accented syllables *folded* may stand for, with their frequencies: the
        most frequent CANDIDATES, without the rare forms (mostly typos: "ngưòi")."""
        found = self.by_fold.get(folded)
        if not found:
            return [(folded, 0)]
        floor = found[0][1] * RARE
        return [item for item in found[:CANDIDATES] if item[1] >= floor]

    # --- corrections -----------------------------------------------------------------

    def correct(self, syllable: str) -> str | None:
        """Return the likeliest indexed syllable for one the index does not hold, or None.

        Candidates are the indexed syllables one edit away (a letter left out, added,
        replaced, or two swapped) and the same letters with other marks.
        """
        known = self.known
        if syllable in known:
            return None
        candidates = {t: known[t] for t in one_edit(syllable, self.alphabet) if t in known}
        for term, df in self.by_fold.get(fold(syllable), [])[:3]:  # a wrong tone mark
            candidates[term] = max(candidates.get(term, 0), df)
        if not candidates:
            return None
        return max(candidates.items(), key=lambda item: (item[1], item[0]))[0]

    # --- completions -------------------------------------------------------------------

    def _completion_index(self):
        with self._lock:
            if self._completions is None:
                weights: dict[str, float] = {}
                for term, df in self._frequencies("title", "words"):
                    weights[term] = weights.get(term, 0.0) + 3.0 * df
                for term, df in self._frequencies("body", "words"):
                    if df >= COMPLETION_MIN_DF or term in weights:
                        weights[term] = weights.get(term, 0.0) + df
                entries = sorted((fold(term), -weight, term) for term, weight in weights.items())
                self._completions = entries
                self._keys = [key for key, _, _ in entries]
            return self._completions

    def complete(self, text: str, limit: int = 8) -> list[str]:
        """Complete the last word(s) of *text*, diacritics or not: "to ch" -> "tổ chức"."""
        words = text.split()
        if not words or text[-1:].isspace():
            return []
        entries = self._completion_index()
        found: dict[str, float] = {}
        # the longest tail first: "to ch" completes to "tổ chức" before "ch" does
        for size in range(min(3, len(words)), 0, -1):
            head, tail = words[:-size], " ".join(words[-size:])
            key = fold(tail)
            if not key.strip() or not any(c.isalnum() for c in key):
                continue
            start = bisect.bisect_left(self._keys, key)
            matches = []
            for i in range(start, min(start + 5000, len(entries))):
                folded, weight, term = entries[i]
                if not folded.startswith(key):
                    break
                if term.lower().startswith(tail.lower()):  # agrees with the marks typed
                    weight -= 1e6
                matches.append((weight, term))
            for weight, term in sorted(matches)[:limit]:
                completion = " ".join([*head, term])
                if completion not in found and term.lower() != tail.lower():
                    found[completion] = weight - size * 1e9  # longer tails first
            if found:  # "to ch" found "tổ chức": do not also offer "to chiều"
                break
        return sorted(found, key=lambda c: found[c])[:limit]


def one_edit(word: str, letters: str):
    """Every string one edit away from *word*: a letter deleted, two neighbours swapped,
    a letter replaced or inserted (from *letters*)."""
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        for letter in letters:
            yield head + letter + tail
            if tail:
                yield head + letter + tail[1:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
