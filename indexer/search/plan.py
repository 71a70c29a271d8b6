"""Query understanding and ranking: a parsed query and its analysis -> a Plan.

A Plan says, independently of any backend, what each alternative of the query matches
(Needs: terms in some fields), in which tiers its documents rank, and the weighted terms
that BM25F scores them by. A backend turns Needs into sets of documents and the weighted
terms into scores. Each syllable of a query follows its own rule: typed with any
diacritic it matches that syllable only ("bão" is not "báo"); typed bare, every
syllable that folds to it, its likeliest reading ranked first.

Scores are BM25F sums over the representations, weighted so that, for the same
occurrences, exact words count more than syllables, syllables more than folded forms,
the title more than the body (captions already weigh less in the index), and adjacent
query words (syllable pairs) add a proximity bonus. Short queries are ranked in tiers
on top of that: documents with the words together as read (the syllables typed bare in
their likeliest accented reading, vocabulary.restore), then with all of them, then the
rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..language.analysis import Analysis
from .query import Clause
from .query import Query as Parsed
from .questions import names, question_mask

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
TIER = 10_000.0  # what a tier adds to a score: more than any BM25F score, so a better tier
# always ranks higher (every backend adds it: its documents in the tier times the tiers below)
TEXT = ("title", "body")


class Weighted(NamedTuple):
    """A term that scores: in a text field ("title", "body"), one of its representations
    ("words", "syllables", "folded", "pairs"), with a boost."""

    field: str
    representation: str
    text: str
    boost: float


def reading_of(run: Analysis, restored: list[str] | None = None) -> list[str] | None:
    """The syllables *run* is read as: those typed with marks as typed, the bare ones as
    restored (or as typed, when nothing restores them); None for a bare run that no
    reading restores."""
    if restored:
        return restored
    return list(run.syllables) if run.accented else None


def scoring(run: Analysis, restored: list[str] | None = None, fields=TEXT) -> list[Weighted]:
    """The BM25F terms of one run, weighted by representation and field.

    Each syllable by its own rule: one typed with marks scores as that syllable; one typed
    bare as its folded form and as its likeliest reading (*restored*). Whole pyvi words
    and pairs of adjacent syllables score in the run's reading.
    """
    w = WEIGHTS
    mask = question_mask(run)
    marked = run.marked()
    reading = reading_of(run, restored)
    words = []
    if run.accented:  # the exact compounds: every syllable typed with marks, or read as typed
        for word, start, size in zip(run.words, run.starts(), run.sizes):
            spots = range(start, start + size)
            if all(mask[p] for p in spots):
                continue
            if all(marked[p] or reading[p] == run.syllables[p] for p in spots):
                words.append(word)
    typed_names = names(run, mask)
    exact = [s for p, s in enumerate(run.syllables) if marked[p] and not mask[p]]
    # a bare syllable beside ones typed with marks scores as read (its likeliest reading);
    # in a query typed bare, also as its folded form: any reading of it
    bare = [
        f for p, f in enumerate(run.folded) if not marked[p] and not mask[p] and not run.accented
    ]
    restored_bare = (
        [reading[p] for p in range(len(marked)) if not marked[p] and not mask[p]] if reading else []
    )
    pair_weight = w["pairs"] * (1.0 if run.accented else w["restored"])

    def terms(field, representation, items, boost):
        return [
            Weighted(field, representation, t, boost * (w["names"] if t in typed_names else 1.0))
            for t in dict.fromkeys(items)
        ]

    parts: list[Weighted] = []
    for name in fields:
        m = w["title"] if name == "title" else 1.0
        parts += terms(name, "words", words, m * w["words"])
        parts += terms(name, "syllables", exact, m * w["syllables"])
        parts += terms(name, "folded", bare, m * w["folded_plain"])
        if reading:
            parts += terms(name, "syllables", restored_bare, m * w["restored"])
            parts += terms(name, "pairs", run.pairs(reading, mask), m * pair_weight)
    return parts


@dataclass(frozen=True)
class Need:
    """Documents described by terms in some fields.

    kind "all": every term, each in any of the fields; "any": at least one term;
    "phrase": the terms together, in one of the fields (positions are read). The terms
    are of one representation, or, when it is "mixed", each of its own (*forms*): a
    query's syllables typed with marks are "syllables", those typed bare "folded" (the
    two share positions, so a phrase may mix them).
    """

    kind: str
    representation: str  # "syllables", "folded", "pairs", "words", or "mixed"
    terms: tuple[str, ...]
    fields: tuple[str, ...] = TEXT
    forms: tuple[str, ...] = ()  # with "mixed": each term's representation

    def representations(self) -> tuple[str, ...]:
        """Each term's representation."""
        return (
            self.forms
            if self.representation == "mixed"
            else (self.representation,) * len(self.terms)
        )

    def each(self) -> list[Need]:
        """One Need a distinct term: the document holds it, in any of the fields."""
        distinct = dict.fromkeys(zip(self.representations(), self.terms))
        return [Need("any", form, (term,), self.fields) for form, term in distinct]


def syllable_need(
    kind: str, run: Analysis, fields=TEXT, keep: list[bool] | None = None
) -> Need | None:
    """The run's syllables as a Need, each by its own rule: typed with marks, that
    syllable; typed bare, any that folds to it. *keep* leaves positions out; None when
    nothing is left.

    >>> from indexer.language.analysis import analyse
    >>> syllable_need("all", analyse("bão so 3")).forms
    ('syllables', 'folded', 'folded')
    """
    marked = run.marked()
    pairs = [
        ("syllables", run.syllables[p]) if marked[p] else ("folded", run.folded[p])
        for p in range(len(marked))
        if keep is None or keep[p]
    ]
    if kind != "phrase":  # a phrase keeps its order and its repeats; a set does not
        pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return None
    forms, terms = (tuple(column) for column in zip(*pairs))
    if len(set(forms)) == 1:
        return Need(kind, forms[0], terms, fields)
    return Need(kind, "mixed", terms, fields, forms)


@dataclass
class Alternative:
    """One side of an OR: what a document must satisfy, how it ranks."""

    recall: Need | None = None  # any of its words: the documents it matches at all
    needs: list[Need] = field(default_factory=list)  # phrases and fields: all must hold
    tiers: list[list[Need]] = field(default_factory=list)  # best first, for a short query
    scoring: list[Weighted] = field(default_factory=list)
    # A short query of keywords matches the documents holding every word (each Need holds
    # one text run's words, each by its own rule); if none does, those holding most.
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

    The run's reading (the syllables typed with marks as typed, the bare ones restored)
    together (every pair of adjacent syllables present, pairs never spanning
    punctuation); with marks typed, that reading's syllables anywhere; then every
    syllable by its own rule (what a document must hold to hold every word).
    """
    n = len(run.syllables)
    if n == 0 or n > SHORT:
        return []
    reading = reading_of(run, restored)
    every = syllable_need("all", run, fields)
    layers = []
    if phrases and reading:
        together = [_all("syllables", reading, fields)]
        if pairs := run.pairs(reading):
            together.insert(0, _all("pairs", pairs, fields))
        layers.append(together)
    if run.accented and reading:
        apart = _all("syllables", reading, fields)
        if apart != every:
            layers.append([apart])
    layers.append([every])
    return layers


def asks(run: Analysis, restored: list[str] | None = None) -> bool:
    """Is the run a question? Syllables typed bare are read in the run's reading too:
    "tesla sinh ra o dau" asks "ở đâu"."""
    if any(question_mask(run)):
        return True
    reading = reading_of(run, restored)
    if not reading or reading == run.syllables:
        return False
    read = Analysis(
        words=run.words,
        sizes=run.sizes,
        syllables=reading,
        folded=run.folded,
        spans=run.spans,
        surfaces=run.surfaces,
        gaps=run.gaps,
    )
    return any(question_mask(read))


def _all(representation: str, terms, fields) -> Need:
    return Need("all", representation, tuple(dict.fromkeys(terms)), fields)


def requirement(clause: Clause, run: Analysis) -> Need | None:
    """What a phrase, a field clause, a required run (Clause.required) or an exclusion
    demands of a document: each syllable by its own rule (marks typed, that syllable;
    bare, any that folds to it)."""
    if not run.syllables:
        return None
    if clause.field in ("author", "place"):
        return Need("phrase", "folded", tuple(run.folded), (clause.field,))
    fields = ("title",) if clause.field == "title" else TEXT
    return syllable_need("phrase" if clause.phrase else "all", run, fields)


def plan(parsed: Parsed, analyse_text, restore=None) -> Plan:
    """Understand a parsed query: what each alternative matches, needs, and how it ranks.

    Long queries and questions match every document holding any of their words, ranked;
    a short query of keywords (up to SHORT syllables, no question word, no OR) the
    documents holding all of them (Plan.every_word). A syllable typed with marks matches
    that syllable only; one typed bare, every syllable folding to it.

    *analyse_text* maps text to an Analysis; *restore* maps an Analysis with syllables
    typed bare to its likeliest reading (or None).
    """
    result = Plan()
    for clauses in parsed.alternatives:
        alternative = Alternative()
        runs, recall = [], {}
        for clause in clauses:
            run = analyse_text(clause.text)
            if (clause.phrase or clause.field or clause.required) and (
                need := requirement(clause, run)
            ):
                alternative.needs.append(need)
            if clause.field in ("author", "place") or not run.syllables:
                continue
            fields = ("title",) if clause.field == "title" else TEXT
            restored = restore(run) if restore and not all(run.marked()) else None
            alternative.scoring += scoring(run, restored, fields)
            reading = reading_of(run, restored)
            if run.accented and reading:  # typed with marks: the syllables as read
                result.sequences.append((tuple(reading), True))
            else:
                result.sequences.append((tuple(run.folded), False))
            mask = question_mask(run)
            recall.setdefault(fields, []).append((run, [not m for m in mask]))
            runs.append((run, restored, fields))
        if recall:  # one field set in practice; title: clauses are also in needs
            fields, parts = max(recall.items(), key=lambda item: len(item[0]))
            joined = _joined([run for run, _ in parts])
            keep = [k for _, kept_ in parts for k in kept_]
            alternative.recall = syllable_need("any", joined, fields, keep)
        if len(runs) == 1:
            alternative.tiers = tiers(*runs[0])
        elif len(runs) > 1:  # several runs: tiers on all their words, not as one phrase
            alternative.tiers = tiers(_joined([run for run, _, _ in runs]), phrases=False)
        if alternative.tiers and not any(asks(run, restored) for run, restored, _ in runs):
            alternative.every_word = [
                need for run, _, fields in runs if (need := syllable_need("all", run, fields))
            ]
        if alternative.recall or alternative.needs:
            result.alternatives.append(alternative)
    for clause in parsed.excluded:
        if need := requirement(clause, analyse_text(clause.text)):
            result.excluded.append(need)
    return result


def _joined(runs: list[Analysis]) -> Analysis:
    """The syllables of several runs as one (no words, pairs or spans)."""
    return Analysis(
        syllables=[s for run in runs for s in run.syllables],
        folded=[f for run in runs for f in run.folded],
    )
