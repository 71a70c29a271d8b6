"""Synonyms at query time: a query holding a phrase of a group also finds the others.

A query's clause holds a rule's phrase where their syllables agree, each by the rule of
a query's syllables: one typed with marks (or written so in the rule) means that
syllable, one typed bare any that folds to it ("sai gon" holds "Sài Gòn"; "sái gòn"
does not). Abbreviations are read as the index reads them, so "TP.HCM" and "Thành phố
Hồ Chí Minh" are one phrase already.

A query whose clauses hold phrases of rules becomes a query of alternatives (OR), one
per choice of a phrase for each place: "bão Sài Gòn" is read as

    bão "Sài Gòn"  OR  bão "TP.HCM"  OR  bão "Thành phố Hồ Chí Minh"

every phrase matched as a phrase and the rest of each alternative's words required
(Clause.required), so the rewritten query finds what the query finds as typed plus what
its synonyms find, and marks each alternative's words where they matched. At most
MAX_ALTERNATIVES alternatives, the query as typed first.
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


def expand(parsed: Query, matcher: Matcher | None, analyse) -> Query:
    """*parsed* with the phrases of synonym rules it holds read as alternatives (above);
    itself when it holds none."""
    if matcher is None or not matcher.by_first:
        return parsed
    alternatives: list[list[Clause]] = []
    changed = False
    for clauses in parsed.alternatives:
        choices = [_choices(clause, matcher, analyse) for clause in clauses]
        if all(len(c) == 1 for c in choices):
            alternatives.append(clauses)
            continue
        changed = True
        for picked in itertools.product(*choices):
            alternatives.append([c for part in picked for c in part])
            if len(alternatives) >= MAX_ALTERNATIVES:
                break
    if not changed:
        return parsed
    return Query(alternatives[:MAX_ALTERNATIVES], parsed.excluded)


def _choices(clause: Clause, matcher: Matcher, analyse) -> list[list[Clause]]:
    """The ways to read one clause: as typed (its words required, its phrases as
    phrases) and with each other phrase of its rules in their places."""
    if clause.field is not None:
        return [[clause]]
    run = analyse(clause.text)
    places = matcher.places(run)
    if not places:
        required = clause if clause.phrase else Clause(clause.text, required=True)
        return [[required]]
    text = clause.text
    cuts = [(run.spans[first][0], run.spans[end - 1][1], phrase) for first, end, phrase in places]
    # None: the phrase as typed (its syllables by the query's rule); else a synonym
    options = [(None, *phrase.rule.replacing(phrase.text)) for _, _, phrase in cuts]
    choices = []
    for picked in itertools.product(*options):
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
                parts.append(Clause(text[at:start].strip(), required=True))
            parts.append(Clause(text[start:end] if chosen is None else chosen, phrase=True))
            at = end
        if any(c.isalnum() for c in text[at:]):
            parts.append(Clause(text[at:].strip(), required=True))
        choices.append(parts)
    return choices
