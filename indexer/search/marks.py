"""Where a query's words stand in a stored document: the marks of snippets and pages.

A query becomes units to mark (`highlight_units`): each word, as its syllables in
(exact, folded) form. A document's stored syllable terms and spans (indexing.stored)
say where each unit stands (`field_ranges`): no analysis runs on the document, and the
marks land on the characters the reader sees, through folding, tone placement,
abbreviations ("UBND" for "Ủy ban nhân dân") and numerals ("XIII" for "13").
"""

from __future__ import annotations

from ..indexing.stored import Terms, decode_spans
from ..language.analysis import Analysis
from ..language.segment import segment
from .query import Query
from .snippets import matched_spans

Unit = tuple[tuple[str | None, str], ...]  # a word to mark: (exact syllable or None, folded)


def highlight_units(parsed: Query, analyse_text, restore=None) -> list[Unit]:
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
        exact, sizes = run.syllables, typed_words(run)
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


def typed_words(run: Analysis) -> list[int]:
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


def field_ranges(stored: dict, name: str, units: list[Unit]) -> list[tuple[int, int]]:
    """The character ranges of the stored field *name* ("title", "body") to mark."""
    spans = decode_spans(stored.get("spans", {}).get(name, b""))
    text = stored.get(name, "")
    terms = Terms(stored.get("terms", {}).get(name, b""))

    def find(exact, folded):  # exact positions if the text has them, else folded
        return (exact and terms.exact(exact)) or terms.folded(folded)

    return matched_spans(spans, marked_positions(find, units, spans, text), text)


def marked_positions(find, units: list[Unit], spans, text: str) -> set[int]:
    """Syllable positions of a text where the query's words stand; find(exact, folded)
    gives a syllable's positions.

    The syllables of a word must be adjacent in the text too: positions skip
    punctuation, but "ủy, Ban" is not "ủy ban".
    """
    cache: dict[tuple, set[int]] = {}

    def where(pair):
        if pair not in cache:
            cache[pair] = set(find(*pair))
        return cache[pair]

    def adjacent(start: int, count: int) -> bool:
        for p in range(start + 1, start + count):
            if p >= len(spans):
                return False
            between = text[spans[p - 1][1] : spans[p][0]]
            if spans[p] != spans[p - 1] and between.strip():
                return False
        return True

    marked: set[int] = set()
    for unit in units:
        for start in where(unit[0]):
            rest = all(start + i in where(pair) for i, pair in enumerate(unit[1:], 1))
            if rest and adjacent(start, len(unit)):
                marked.update(range(start, start + len(unit)))
    return marked
