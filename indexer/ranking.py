"""Query understanding and ranking: a parsed query and its analysis -> a Whoosh query.

Scores are BM25F sums over the representations, weighted so that, for the same
occurrences, exact words count more than syllables, syllables more than folded forms,
the title more than the body (captions already weigh less in the index), and adjacent
query words (syllable pairs) add a proximity bonus. Short queries are ranked in tiers
on top of that: documents with the words together as written, then with all the words,
then the rest; a query typed without diacritics uses the folded forms for its tiers,
with the likeliest accented reading (see suggest.restore) ranked first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from whoosh import query as wq

from .query import Clause
from .query import Query as Parsed
from .segment import segment
from .text import canonical_iy, fold

# Tuned on the judged sets (bench/relevance.py; docs/benchmarks.md has the numbers).
WEIGHTS = {
    "title": 2.0,  # a title field's terms, relative to the body's
    "words": 1.5,  # pyvi words: the exact compound
    "syllables": 1.0,
    "folded": 0.25,  # folded forms when the query has diacritics: a weak fallback
    "folded_plain": 1.0,  # folded forms when the query has none: they are the query
    "pairs": 0.5,  # adjacent syllables: proximity (more helps long documents, hurts sentences)
    "restored": 1.0,  # the likeliest accented reading of a query typed without marks
    "names": 1.5,  # words typed capitalised after the first (Kuechly, Matlin, AFC)
}
TIER = 10_000.0  # larger than any sum of BM25 scores, so tiers order strictly
SHORT = 8  # syllables: longer queries are ranked by BM25 alone, without tiers
TEXT = ("title", "body")


@dataclass
class Analysed:
    """One run of query text through the index's analysis."""

    words: list[str] = field(default_factory=list)
    syllables: list[str] = field(default_factory=list)  # i/y unified, as indexed
    folded: list[str] = field(default_factory=list)
    surfaces: list[tuple[int, int, str | None]] = field(default_factory=list)  # typed spans
    sizes: list[int] = field(default_factory=list)  # syllables in each word

    @property
    def accented(self) -> bool:
        return any(fold(s) != s for s in self.syllables)

    @staticmethod
    def pairs(terms: list[str]) -> list[str]:
        return [f"{a} {b}" for a, b in itertools.pairwise(terms)]


def analyse(text: str, analyzer) -> Analysed:
    """Run *text* through the word analyzer (the shared pipeline) in query mode."""
    result = Analysed()
    for token in analyzer(text, chars=True, mode="query"):
        result.words.append(token.text)
        result.sizes.append(len(token.parts))
        for syllable, start, end, surface in token.parts:
            term = canonical_iy(syllable)
            result.syllables.append(term)
            result.folded.append(fold(term))
            result.surfaces.append((start, end, surface))
    return result


def _unique(items):
    return list(dict.fromkeys(items))


def _either(fieldname: str, terms: list[str], fields=TEXT) -> wq.Query:
    """All *terms* in one of *fields* (a phrase when there are several)."""
    options = []
    for name in fields:
        target = f"{name}_{fieldname}"
        if len(terms) == 1:
            options.append(wq.Term(target, terms[0]))
        else:
            options.append(wq.Phrase(target, terms))
    return wq.Or(options)


def all_of(fieldname: str, terms: list[str], fields=TEXT) -> wq.Query:
    """Every one of *terms*, each in any of *fields*."""
    return wq.And(
        [wq.Or([wq.Term(f"{name}_{fieldname}", t) for name in fields]) for t in _unique(terms)]
    )


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


def _capitalised(run: Analysed, index: int) -> bool:
    surface = run.surfaces[index][2] if index < len(run.surfaces) else None
    return bool(surface) and surface[:1].isupper()


def question_mask(run: Analysed) -> list[bool]:
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


def _names(run: Analysed, mask: list[bool]) -> set[str]:
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


def _kept_pairs(terms: list[str], mask: list[bool]) -> list[str]:
    """Adjacent pairs of kept syllables; a dropped question word breaks adjacency."""
    return [
        f"{a} {b}"
        for i, (a, b) in enumerate(itertools.pairwise(terms))
        if not mask[i] and not mask[i + 1]
    ]


def scoring(run: Analysed, restored: list[str] | None = None, fields=TEXT) -> list[wq.Query]:
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
            parts += terms(f"{name}_b", _kept_pairs(run.syllables, mask), m * w["pairs"])
            parts += terms(f"{name}_f", _kept(run.folded, mask), m * w["folded"])
        else:
            parts += terms(f"{name}_f", _kept(run.folded, mask), m * w["folded_plain"])
            if restored:
                parts += terms(f"{name}_s", _kept(restored, mask), m * w["restored"])
                parts += terms(
                    f"{name}_b", _kept_pairs(restored, mask), m * w["restored"] * w["pairs"]
                )
    return parts


def tiers(run: Analysed, restored=None, fields=TEXT, phrases: bool = True) -> list[wq.Query]:
    """Constant-score layers that put a short query's best matches strictly first.

    With diacritics: the words together as written, then all the words exactly, then
    all of them folded. Without: the likeliest accented reading together, then the
    folded words together, then all of them folded.
    """
    n = len(run.syllables)
    if n == 0 or n > SHORT:
        return []
    layers = []
    if run.accented:
        if phrases and n > 1:
            layers.append(wq.ConstantScoreQuery(_either("s", run.syllables, fields), 3 * TIER))
        layers.append(wq.ConstantScoreQuery(all_of("s", run.syllables, fields), 2 * TIER))
    elif phrases:
        if restored:
            layers.append(wq.ConstantScoreQuery(_either("s", restored, fields), 3 * TIER))
        if n > 1:
            layers.append(wq.ConstantScoreQuery(_either("f", run.folded, fields), 2 * TIER))
    layers.append(wq.ConstantScoreQuery(all_of("f", run.folded, fields), TIER))
    return layers


def requirement(clause: Clause, run: Analysed) -> wq.Query | None:
    """What a phrase, a field clause or an exclusion demands of a document."""
    if not run.syllables:
        return None
    if clause.field in ("author", "place"):
        return _either("f", run.folded, (clause.field,))
    fields = ("title",) if clause.field == "title" else TEXT
    rep, terms = ("s", run.syllables) if run.accented else ("f", run.folded)
    if clause.phrase:
        return _either(rep, terms, fields)
    return all_of(rep, terms, fields)


def build(parsed: Parsed, analyse_text, restore=None) -> wq.Query:
    """Return the Whoosh query for a parsed query (never None: Every() when empty).

    *analyse_text* maps text to an Analysed; *restore* maps an Analysed without
    diacritics to its likeliest accented syllables (or None).
    """
    alternatives = []
    for clauses in parsed.alternatives:
        required, scored, runs = [], [], []
        for clause in clauses:
            run = analyse_text(clause.text)
            need = requirement(clause, run) if clause.phrase or clause.field else None
            if need is not None:
                required.append(need)
            if clause.field in ("author", "place") or not run.syllables:
                continue
            fields = ("title",) if clause.field == "title" else TEXT
            restored = restore(run) if restore and not run.accented else None
            scored += scoring(run, restored, fields)
            runs.append((run, restored, fields))
        if len(runs) == 1:
            scored += tiers(*runs[0])
        elif len(runs) > 1:  # several runs: tier on all their words, not as one phrase
            joined = Analysed()
            for run, _, _ in runs:
                joined.words += run.words
                joined.syllables += run.syllables
                joined.folded += run.folded
            scored += tiers(joined, phrases=False)
        if scored and required:
            alternatives.append(wq.Require(wq.Or(scored), wq.And(required)))
        elif scored:
            alternatives.append(wq.Or(scored))
        elif required:
            alternatives.append(wq.And(required))
    main = wq.Or(alternatives) if alternatives else wq.Every()
    excluded = [requirement(c, analyse_text(c.text)) for c in parsed.excluded]
    excluded = [q for q in excluded if q is not None]
    if excluded:
        main = wq.AndNot(main, wq.Or(excluded))
    return main


def highlight_units(
    parsed: Parsed, analyse_text, restore=None
) -> list[tuple[tuple[str | None, str], ...]]:
    """The query's words to mark, each a tuple of (exact syllable or None, folded syllable).

    A word of several syllables is marked only where they stand together, so that
    "UBND" (Ủy ban / nhân dân) does not light up every "ban". Per syllable, a document's
    exact occurrences are marked where it has them, its folded ones otherwise; a query
    without diacritics is "exact" in its restored reading, split into words by pyvi.
    """
    units = []
    for clause in parsed.clauses():
        if clause.field in ("author", "place"):
            continue
        run = analyse_text(clause.text)
        exact, sizes = run.syllables, _typed_words(run)
        if not run.accented:
            restored = restore(run) if restore else None
            if restored:
                exact, sizes = restored, [len(words) for words, _ in segment(" ".join(restored))]
            else:
                exact = [None] * len(run.folded)
        if sum(sizes) != len(run.folded):
            sizes = [1] * len(run.folded)
        pairs = list(zip(exact, run.folded))
        start = 0
        for size in sizes:
            units.append(tuple(pairs[start : start + size]))
            start += size
    return list(dict.fromkeys(units))


def _typed_words(run: Analysed) -> list[int]:
    """Word sizes, joining the words that one typed abbreviation expanded into."""
    sizes: list[int] = []
    start = 0
    for size in run.sizes:
        if sizes and run.surfaces[start][:2] == run.surfaces[start - 1][:2]:
            sizes[-1] += size  # same typed span: "UBND" is one word to mark
        else:
            sizes.append(size)
        start += size
    return sizes
