"""Query understanding and ranking: a parsed query and its analysis -> a Plan.

A Plan says what each alternative of the query matches (Needs, read as sets of
documents by docsets.py), in which tiers its documents rank, and the weighted terms
that BM25F scores them by.

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

from whoosh import query as wq

from ..language.analysis import Analysis
from ..language.segment import segment
from ..language.text import fold
from .query import Clause
from .query import Query as Parsed

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


def _unique(items):
    return list(dict.fromkeys(items))


# How questions are asked, not what they ask about: these words only match other
# questions ("có bao nhiêu" in a sentence about something else), so they do not score.
QUESTION_WORDS = [
    tuple(phrase.split())
    for phrase in (
        "bao nhiêu", "mấy", "gì", "nào", "ai", "đâu", "tại sao", "vì sao", "ra sao", "thế nào",
        "khi nào", "lúc nào", "bao giờ", "là gì", "cái gì", "điều gì", "những gì",
        "đúng hay sai", "hay không", "phải không", "có phải", "đúng không", "không", "chăng",
    )
]  # fmt: skip
_QUESTION_EXACT = sorted(QUESTION_WORDS, key=len, reverse=True)
# Without diacritics only the phrases: "ai", "gi", "nao" alone are too many other words.
_QUESTION_FOLDED = sorted(
    {tuple(fold(w) for w in p) for p in QUESTION_WORDS if len(p) > 1}, key=len, reverse=True
)


def _capitalised(run: Analysis, index: int) -> bool:
    surface = run.surfaces[index] if index < len(run.surfaces) else None
    return bool(surface) and surface[:1].isupper()


def question_mask(run: Analysis) -> list[bool]:
    """Which syllables of *run* only ask the question: True to leave out of the scoring.

    A one-syllable question word counts only as a word of its own, and not capitalised
    inside the text: "ai" asks who, "Ai Cập" is Egypt. "không" asks only at the end.
    All of them stay when the query is nothing else.
    """
    terms, phrases = (
        (run.syllables, _QUESTION_EXACT) if run.accented else (run.folded, _QUESTION_FOLDED)
    )
    alone, start = set(), 0
    for size in run.sizes:
        if size == 1:
            alone.add(start)
        start += size
    mask = [False] * len(terms)
    for i in range(len(terms)):
        for phrase in phrases:
            if tuple(terms[i : i + len(phrase)]) != phrase:
                continue
            if len(phrase) == 1 and (i not in alone or (i > 0 and _capitalised(run, i))):
                continue
            if phrase == ("không",) and i != len(terms) - 1:
                continue
            mask[i : i + len(phrase)] = [True] * len(phrase)
            break
    return [False] * len(terms) if all(mask) else mask


def _names(run: Analysis, mask: list[bool]) -> set[str]:
    """Words typed capitalised, and their syllables: what a question is about.

    The first word counts only when all its syllables are capitalised ("Marlee Matlin"):
    a sentence capitalises just its first letter.
    """
    found, start = set(), 0
    for word, size in zip(run.words, run.sizes):
        syllables = range(start, start + size)
        if (start > 0 or size > 1) and all(_capitalised(run, i) and not mask[i] for i in syllables):
            found.add(word)
            found.update(run.syllables[start : start + size])
        start += size
    return found


def _kept(terms: list[str], mask: list[bool]) -> list[str]:
    return [t for t, dropped in zip(terms, mask) if not dropped]


def scoring(run: Analysis, restored: list[str] | None = None, fields=TEXT) -> list[wq.Query]:
    """The BM25F terms of one run, weighted by representation and field."""
    w = WEIGHTS
    mask = question_mask(run)
    words, start = [], 0
    for word, size in zip(run.words, run.sizes):
        if not all(mask[start : start + size]):
            words.append(word)
        start += size
    names = _names(run, mask)

    def terms(fieldname, items, boost):
        return [
            wq.Term(fieldname, t, boost=boost * (w["names"] if t in names else 1.0))
            for t in _unique(items)
        ]

    parts: list[wq.Query] = []
    for name in fields:
        m = w["title"] if name == "title" else 1.0
        if run.accented:
            parts += terms(f"{name}_w", words, m * w["words"])
            parts += terms(f"{name}_s", _kept(run.syllables, mask), m * w["syllables"])
            parts += terms(f"{name}_b", run.pairs(dropped=mask), m * w["pairs"])
        else:
            parts += terms(f"{name}_f", _kept(run.folded, mask), m * w["folded_plain"])
            if restored:
                parts += terms(f"{name}_s", _kept(restored, mask), m * w["restored"])
                parts += terms(
                    f"{name}_b", run.pairs(restored, mask), m * w["restored"] * w["pairs"]
                )
    return parts


@dataclass(frozen=True)
class Need:
    """Documents described by terms of one representation in some fields.

    kind "all": every term, each in any of the fields; "any": at least one term;
    "phrase": the terms together, in one of the fields (positions are read).
    """

    kind: str
    rep: str  # the representation: "s", "f", "b" (the field is f"{field}_{rep}")
    terms: tuple[str, ...]
    fields: tuple[str, ...] = TEXT


@dataclass
class Alternative:
    """One side of an OR: what a document must satisfy, how it ranks."""

    recall: Need | None = None  # any of its words: the documents it matches at all
    needs: list[Need] = field(default_factory=list)  # phrases and fields: all must hold
    tiers: list[list[Need]] = field(default_factory=list)  # best first, for a short query
    scoring: list[wq.Query] = field(default_factory=list)


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
    def scoring(self) -> wq.Query | None:
        terms = [t for alternative in self.alternatives for t in alternative.scoring]
        return wq.Or(terms) if terms else None


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
            layers.append(
                [Need("all", "b", tuple(pairs), fields), _all("s", run.syllables, fields)]
            )
        layers.append([_all("s", run.syllables, fields)])
    elif phrases and restored:
        together = [_all("s", restored, fields)]
        if pairs := run.pairs(restored):
            together.insert(0, Need("all", "b", tuple(pairs), fields))
        layers.append(together)
    layers.append([_all("f", run.folded, fields)])
    return layers


def _all(rep: str, terms, fields) -> Need:
    return Need("all", rep, tuple(terms), fields)


def requirement(clause: Clause, run: Analysis) -> Need | None:
    """What a phrase, a field clause or an exclusion demands of a document."""
    if not run.syllables:
        return None
    if clause.field in ("author", "place"):
        return Need("phrase", "f", tuple(run.folded), (clause.field,))
    fields = ("title",) if clause.field == "title" else TEXT
    rep, terms = ("s", run.syllables) if run.accented else ("f", run.folded)
    return Need("phrase" if clause.phrase else "all", rep, tuple(terms), fields)


def plan(parsed: Parsed, analyse_text, restore=None) -> Plan:
    """Understand a parsed query: what each alternative matches, needs, and how it ranks.

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
            recall.setdefault(fields, []).extend(_kept(run.folded, mask))
            runs.append((run, restored, fields))
        if recall:  # one field set in practice; title: clauses are also in needs
            fields, terms = max(recall.items(), key=lambda item: len(item[0]))
            alternative.recall = Need("any", "f", tuple(dict.fromkeys(terms)), fields)
        if len(runs) == 1:
            alternative.tiers = tiers(*runs[0])
        elif len(runs) > 1:  # several runs: tiers on all their words, not as one phrase
            joined = Analysis(
                syllables=[s for run, _, _ in runs for s in run.syllables],
                folded=[f for run, _, _ in runs for f in run.folded],
            )
            alternative.tiers = tiers(joined, phrases=False)
        if alternative.recall or alternative.needs:
            result.alternatives.append(alternative)
    for clause in parsed.excluded:
        if need := requirement(clause, analyse_text(clause.text)):
            result.excluded.append(need)
    return result


def longest_run(query: tuple[str, ...], text: list[str]) -> int:
    """How many syllables of *query*, in its order, stand together somewhere in *text*."""
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


def highlight_units(
    parsed: Parsed, analyse_text, restore=None
) -> list[tuple[tuple[str | None, str], ...]]:
    """The query's words to mark, each a tuple of (exact syllable or None, folded syllable).

    A word of several syllables is marked only where they stand together, so that
    "UBND" (Ủy ban / nhân dân) does not light up every "ban". Per syllable, a document's
    exact occurrences are marked where it has them, its folded ones otherwise; a query
    without diacritics is "exact" in its restored reading, split into words by pyvi.
    A quoted phrase is one unit: it is marked where it stands whole, as it matched.
    """
    units = []
    for clause in parsed.clauses():
        if clause.field in ("author", "place"):
            continue
        run = analyse_text(clause.text)
        exact, sizes = run.syllables, _typed_words(run)
        if not run.accented:
            restored = restore(run) if restore and not clause.phrase else None
            if restored:
                exact, sizes = restored, [len(words) for words, _ in segment(" ".join(restored))]
            else:
                exact = [None] * len(run.folded)
        if not run.folded:
            continue
        if clause.phrase:  # a quoted phrase is marked only where it stands whole
            sizes = [len(run.folded)]
        elif sum(sizes) != len(run.folded):
            sizes = [1] * len(run.folded)
        pairs = list(zip(exact, run.folded))
        start = 0
        for size in sizes:
            units.append(tuple(pairs[start : start + size]))
            start += size
    return list(dict.fromkeys(units))


def _typed_words(run: Analysis) -> list[int]:
    """Word sizes, joining the words that one typed abbreviation expanded into."""
    sizes: list[int] = []
    start = 0
    for size in run.sizes:
        if sizes and run.spans[start] == run.spans[start - 1]:
            sizes[-1] += size  # same typed span: "UBND" is one word to mark
        else:
            sizes.append(size)
        start += size
    return sizes
