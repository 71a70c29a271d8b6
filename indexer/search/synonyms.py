"""Synonyms at query time: a query holding a phrase of a group also finds the others.

A query's clause holds a rule's phrase where their syllables agree, each by the rule of
a query's syllables: one typed with marks (or written so in the rule) means that
syllable, one typed bare any that folds to it ("sai gon" holds "Sài Gòn"; "sái gòn"
does not). Abbreviations are read as the index reads them, so "TP.HCM" and "Thành phố
Hồ Chí Minh" are one phrase already.

A query whose clauses hold phrases of rules becomes a query of alternatives (OR): the
query as typed, then one per choice of another phrase for each place. A short query of
keywords, which finds the articles holding every word, "bão Sài Gòn", is read as

    bão Sài Gòn (every word)  OR  bão "TP.HCM"  OR  bão "Thành phố Hồ Chí Minh"

each synonym matched as a phrase and the rest of each alternative's words still required
(Clause.required); a long query or a question, which finds articles holding any of its
words, keeps the words beside a phrase for ranking only. Either way the rewritten query
finds what the query finds as typed and what its synonyms find, and marks each
alternative's words where they matched. At most MAX_ALTERNATIVES alternatives, every
alternative the reader typed first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .editorial import Rules, Synonym
from .query import Clause, Query

MAX_ALTERNATIVES = 16


@dataclass(frozen=True)
class Phrase:
    """A rule's phrase as analysed: its syllables, folded and as written."""

    text: str
    syllables: tuple[str, ...]
    folded: tuple[str, ...]
    rule: Synonym


class Matcher:
    """The phrases of a set of rules, by their first folded syllable, longest first."""

    def __init__(self, rules: Rules, analyse):
        self.by_first: dict[str, list[Phrase]] = {}
        for rule in rules.synonyms:
            for text in rule.phrases():
                run = analyse(text)
                if not run.folded or not rule.replacing(text):
                    continue  # a root's words find nothing more
                phrase = Phrase(text, tuple(run.syllables), tuple(run.folded), rule)
                self.by_first.setdefault(run.folded[0], []).append(phrase)
        for phrases in self.by_first.values():
            phrases.sort(key=lambda p: -len(p.folded))

    def places(self, run) -> list[tuple[int, int, Phrase]]:
        """Where the phrases stand in an analysed clause: (first, end, phrase), the longest
        at the leftmost place, none overlapping."""
        found, i, n = [], 0, len(run.folded)
        marked = run.marked()
        while i < n:
            for phrase in self.by_first.get(run.folded[i], ()):
                end = i + len(phrase.folded)
                if end <= n and all(
                    run.folded[i + j] == phrase.folded[j]
                    and (
                        not marked[i + j]
                        or phrase.syllables[j] == phrase.folded[j]  # written bare in the rule
                        or run.syllables[i + j] == phrase.syllables[j]
                    )
                    for j in range(len(phrase.folded))
                ):
                    found.append((i, end, phrase))
                    i = end
                    break
            else:
                i += 1
        return found


def expand(parsed: Query, matcher: Matcher | None, analyse, every_word: bool = True) -> Query:
    """*parsed* with the phrases of synonym rules it holds read as alternatives (above);
    itself when it holds none. *every_word*: the query as typed finds the articles holding
    every word (a short query of keywords), and so does each alternative; else (a long
    query, a question, an OR) the words beside a phrase rank as they do as typed, so the
    alternatives only add articles. Every alternative as typed comes first, then the
    synonyms' readings in turn, MAX_ALTERNATIVES in all."""
    if matcher is None or not matcher.by_first:
        return parsed
    readings = []
    for clauses in parsed.alternatives:
        choices = [_choices(clause, matcher, analyse, every_word) for clause in clauses]
        readings.append(list(itertools.islice(itertools.product(*choices), MAX_ALTERNATIVES)))
    if all(len(found) == 1 for found in readings):
        return parsed
    alternatives = [
        [clause for part in found[depth] for clause in part]
        for depth in range(MAX_ALTERNATIVES)
        for found in readings
        if depth < len(found)
    ]
    return Query(alternatives[:MAX_ALTERNATIVES], parsed.excluded)


def _choices(clause: Clause, matcher: Matcher, analyse, every_word: bool) -> list[list[Clause]]:
    """The ways to read one clause: as typed first (its words required with
    *every_word*), then with the phrases of its rules in their places, each a phrase."""
    typed = clause
    if every_word and not clause.phrase and clause.field is None:
        typed = Clause(clause.text, required=True)
    if clause.field is not None:
        return [[typed]]
    run = analyse(clause.text)
    places = matcher.places(run)
    if not places:
        return [[typed]]
    text = clause.text
    cuts = [(run.spans[first][0], run.spans[end - 1][1], phrase) for first, end, phrase in places]
    # None: the phrase as typed (its syllables by the query's rule); else a synonym
    options = [(None, *phrase.rule.replacing(phrase.text)) for _, _, phrase in cuts]
    choices = [[typed]]
    for picked in itertools.islice(itertools.product(*options), 1, None):
        if len(choices) >= MAX_ALTERNATIVES:
            break
        if clause.phrase:  # a quoted phrase stays one phrase, its synonyms in their places
            written, at = "", 0
            for (start, end, _), chosen in zip(cuts, picked):
                written += text[at:start] + (text[start:end] if chosen is None else chosen)
                at = end
            choices.append([Clause(written + text[at:], phrase=True)])
            continue
        parts, at = [], 0
        for (start, end, _), chosen in zip(cuts, picked):
            if any(c.isalnum() for c in text[at:start]):
                parts.append(Clause(text[at:start].strip(), required=every_word))
            parts.append(Clause(text[start:end] if chosen is None else chosen, phrase=True))
            at = end
        if any(c.isalnum() for c in text[at:]):
            parts.append(Clause(text[at:].strip(), required=every_word))
        choices.append(parts)
    return choices
