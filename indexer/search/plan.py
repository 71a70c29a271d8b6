"""Query understanding and ranking: a parsed query and its analysis -> a Plan.

A Plan says, independently of any backend, what each alternative of the query matches
(Needs: terms of one representation in some fields), in which tiers its documents rank,
and the weighted terms that BM25F scores them by. A backend turns Needs into sets of
documents and the weighted terms into scores.

Scores are BM25F sums over the representations, weighted so that, for the same
occurrences, exact words count more than syllables, syllables more than folded forms,
the title more than the body (captions already weigh less in the index), and adjacent
query words (syllable pairs) add a proximity bonus. Short queries are ranked in tiers
on top of that: documents with the words together as written, then with all the words,
then the rest; a query typed without diacritics uses the folded forms for its tiers,
with the likeliest accented reading (see suggest.restore) ranked first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..language.analysis import Analysis
from .query import Clause
from .query import Query as Parsed
from .questions import kept, names, question_mask

# Tuned on the judged sets (bench/relevance.py; docs/benchmarks.md has the numbers).
WEIGHTS = {
    "title": 2.0,  # a title field's terms, relative to the body's
    "words": 1.5,  # pyvi words: the exact compound
    "syllables": 1.0,
    "folded_plain": 1.0,  # folded forms, when the query has no diacritics: they are the query
    "pairs": 0.5,  # adjacent syllables: proximity (more helps long documents, hurts sentences)
    "restored": 1.0,  # the likeliest accented reading of a query typed without marks
    "names": 1.5,  # words typed capitalised after the first (Kuechly, Matlin, AFC)
}
SHORT = 8  # syllables: longer queries are ranked by BM25F alone, without tiers
TEXT = ("title", "body")


class Weighted(NamedTuple):
    """A term that scores: in a text field ("title", "body"), one of its representations
    ("words", "syllables", "folded", "pairs"), with a boost."""

    field: str
    representation: str
    text: str
    boost: float


def scoring(run: Analysis, restored: list[str] | None = None, fields=TEXT) -> list[Weighted]:
    """The BM25F terms of one run, weighted by representation and field."""
    w = WEIGHTS
    mask = question_mask(run)
    words = [
        word
        for word, start, size in zip(run.words, run.starts(), run.sizes)
        if not all(mask[start : start + size])
    ]
    typed_names = names(run, mask)

    def terms(field, representation, items, boost):
        return [
            Weighted(field, representation, t, boost * (w["names"] if t in typed_names else 1.0))
            for t in dict.fromkeys(items)
        ]

    parts: list[Weighted] = []
    for name in fields:
        m = w["title"] if name == "title" else 1.0
        if run.accented:
            parts += terms(name, "words", words, m * w["words"])
            parts += terms(name, "syllables", kept(run.syllables, mask), m * w["syllables"])
            parts += terms(name, "pairs", run.pairs(dropped=mask), m * w["pairs"])
        else:
            parts += terms(name, "folded", kept(run.folded, mask), m * w["folded_plain"])
            if restored:
                parts += terms(name, "syllables", kept(restored, mask), m * w["restored"])
                parts += terms(
                    name, "pairs", run.pairs(restored, mask), m * w["restored"] * w["pairs"]
                )
    return parts


@dataclass(frozen=True)
class Need:
    """Documents described by terms of one representation in some fields.

    kind "all": every term, each in any of the fields; "any": at least one term;
    "phrase": the terms together, in one of the fields (positions are read).
    """

    kind: str
    representation: str  # "syllables", "folded" or "pairs" (or "words")
    terms: tuple[str, ...]
    fields: tuple[str, ...] = TEXT


@dataclass
class Alternative:
    """One side of an OR: what a document must satisfy, how it ranks."""

    recall: Need | None = None  # any of its words: the documents it matches at all
    needs: list[Need] = field(default_factory=list)  # phrases and fields: all must hold
    tiers: list[list[Need]] = field(default_factory=list)  # best first, for a short query
    scoring: list[Weighted] = field(default_factory=list)
    # A short query of keywords matches the documents holding every word (each Need holds
    # one text run's words, folded: any form of them); if none does, those holding most.
    every_word: list[Need] = field(default_factory=list)


@dataclass
class Plan:
    """A parsed query, understood: alternatives and exclusions, all as Needs and terms."""

    alternatives: list[Alternative] = field(default_factory=list)
    excluded: list[Need] = field(default_factory=list)
    # each text run's syllables in order, and whether they are exact (else folded):
    # what longest_run looks for in a long query's best documents
    sequences: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)

    @property
    def long(self) -> bool:
        """Ranked by BM25F alone, without tiers: a question, not a few words."""
        return bool(self.alternatives) and not any(a.tiers for a in self.alternatives)

    @property
    def every_word(self) -> list[Need]:
        """What a document must hold to hold every word of a short keyword query (else [])."""
        return self.alternatives[0].every_word if len(self.alternatives) == 1 else []

    @property
    def scoring(self) -> list[Weighted]:
        """Every weighted term of every alternative: what ranks the documents."""
        return [t for alternative in self.alternatives for t in alternative.scoring]


def tiers(run: Analysis, restored=None, fields=TEXT, phrases: bool = True) -> list[list[Need]]:
    """The layers that put a short query's best matches strictly first.

    With diacritics: the words together as written (every pair of adjacent syllables
    present, pairs never spanning punctuation), then all the words exactly, then all of
    them folded. Without: the likeliest accented reading together, then all the words
    folded.
    """
    n = len(run.syllables)
    if n == 0 or n > SHORT:
        return []
    layers = []
    if run.accented:
        if phrases and (pairs := run.pairs()):
            layers.append([_all("pairs", pairs, fields), _all("syllables", run.syllables, fields)])
        layers.append([_all("syllables", run.syllables, fields)])
    elif phrases and restored:
        together = [_all("syllables", restored, fields)]
        if pairs := run.pairs(restored):
            together.insert(0, _all("pairs", pairs, fields))
        layers.append(together)
    layers.append([_all("folded", run.folded, fields)])
    return layers


def asks(run: Analysis, restored: list[str] | None = None) -> bool:
    """Is the run a question? Typed without diacritics, read in its accented reading too:
    "tesla sinh ra o dau" asks "ở đâu"."""
    if any(question_mask(run)):
        return True
    if run.accented or not restored:
        return False
    reading = Analysis(
        words=run.words,
        sizes=run.sizes,
        syllables=restored,
        folded=run.folded,
        spans=run.spans,
        surfaces=run.surfaces,
        gaps=run.gaps,
    )
    return any(question_mask(reading))


def _all(representation: str, terms, fields) -> Need:
    return Need("all", representation, tuple(terms), fields)


def requirement(clause: Clause, run: Analysis) -> Need | None:
    """What a phrase, a field clause or an exclusion demands of a document."""
    if not run.syllables:
        return None
    if clause.field in ("author", "place"):
        return Need("phrase", "folded", tuple(run.folded), (clause.field,))
    fields = ("title",) if clause.field == "title" else TEXT
    representation, terms = ("syllables", run.syllables) if run.accented else ("folded", run.folded)
    return Need("phrase" if clause.phrase else "all", representation, tuple(terms), fields)


def plan(parsed: Parsed, analyse_text, restore=None) -> Plan:
    """Understand a parsed query: what each alternative matches, needs, and how it ranks.

    Long queries and questions match every document holding any of their words, ranked;
    a short query of keywords (up to SHORT syllables, no question word, no OR) the
    documents holding all of them (Plan.every_word).

    *analyse_text* maps text to an Analysis; *restore* maps an Analysis without
    diacritics to its likeliest accented syllables (or None).
    """
    result = Plan()
    for clauses in parsed.alternatives:
        alternative = Alternative()
        runs, recall = [], {}
        for clause in clauses:
            run = analyse_text(clause.text)
            if (clause.phrase or clause.field) and (need := requirement(clause, run)):
                alternative.needs.append(need)
            if clause.field in ("author", "place") or not run.syllables:
                continue
            fields = ("title",) if clause.field == "title" else TEXT
            restored = restore(run) if restore and not run.accented else None
            alternative.scoring += scoring(run, restored, fields)
            exact = run.accented
            result.sequences.append((tuple(run.syllables if exact else run.folded), exact))
            mask = question_mask(run)
            recall.setdefault(fields, []).extend(kept(run.folded, mask))
            runs.append((run, restored, fields))
        if recall:  # one field set in practice; title: clauses are also in needs
            fields, terms = max(recall.items(), key=lambda item: len(item[0]))
            alternative.recall = Need("any", "folded", tuple(dict.fromkeys(terms)), fields)
        if len(runs) == 1:
            alternative.tiers = tiers(*runs[0])
        elif len(runs) > 1:  # several runs: tiers on all their words, not as one phrase
            joined = Analysis(
                syllables=[s for run, _, _ in runs for s in run.syllables],
                folded=[f for run, _, _ in runs for f in run.folded],
            )
            alternative.tiers = tiers(joined, phrases=False)
        if alternative.tiers and not any(asks(run, restored) for run, restored, _ in runs):
            alternative.every_word = [
                Need("all", "folded", tuple(run.folded), fields) for run, _, fields in runs
            ]
        if alternative.recall or alternative.needs:
            result.alternatives.append(alternative)
    for clause in parsed.excluded:
        if need := requirement(clause, analyse_text(clause.text)):
            result.excluded.append(need)
    return result
