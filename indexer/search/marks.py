"""Where a query's words stand in a stored document: the marks of snippets and pages.

A query becomes units to mark (`highlight_units`): each word, as its syllables in
(exact, folded) form. A document's stored syllable terms and spans (indexing.stored)
say where each unit stands (`field_ranges`): no analysis runs on the document, and the
marks land on the characters the reader sees, through folding, tone placement,
abbreviations ("UBND" for "Ủy ban nhân dân") and numerals ("XIII" for "13").
"""

from __future__ import annotations

import heapq

from ..indexing.stored import Terms, decode_spans
from ..language.analysis import Analysis
from ..language.segment import segment
from .query import Query
from .snippets import matched_spans

# A word to mark: per syllable (exact syllable or None, folded or None). Typed with marks:
# (syllable, None), that syllable only; typed bare: (its reading or None, folded), the
# reading where a text has it, else any syllable folding to it.
Unit = tuple[tuple[str | None, str | None], ...]


def highlight_units(parsed: Query, analyse_text, restore=None) -> list[Unit]:
    """The query's words to mark, each a tuple of (exact syllable or None, folded or None).

    A word of several syllables is marked only where they stand together, so that
    "UBND" (Ủy ban / nhân dân) does not light up every "ban". A syllable typed with
    marks is marked where the text has it; one typed bare where the text has its
    reading (the query's restored reading, split into words by pyvi), else where the text
    has any syllable folding to it. A quoted phrase is one unit: it is marked where it
    stands whole, as it matched.
    """
    units = []
    for clause in parsed.clauses():
        if clause.field in ("author", "place"):
            continue
        run = analyse_text(clause.text)
        if not run.folded:
            continue
        marked = run.marked()
        sizes = typed_words(run)
        reading: list[str | None] = list(run.syllables)
        if not all(marked):
            restored = restore(run) if restore and not clause.phrase else None
            if restored:
                reading = list(restored)
                if not run.accented:
                    sizes = [len(words) for words, _ in segment(" ".join(restored))]
            elif not run.accented:
                reading = [None] * len(run.folded)
        if clause.phrase:  # a quoted phrase is marked only where it stands whole
            sizes = [len(run.folded)]
        elif sum(sizes) != len(run.folded):
            sizes = [1] * len(run.folded)
        pairs = [
            (syllable, None) if typed else (exact, folded)
            for syllable, exact, folded, typed in zip(run.syllables, reading, run.folded, marked)
        ]
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


def field_ranges(
    stored: dict, name: str, units: list[Unit], each: int | None = None, decoded=None
) -> list[tuple[int, int]]:
    """The character ranges of the stored field *name* ("title", "body") to mark; with
    *each*, only the first *each* places of each word (what a snippet chooses among).
    *decoded*: the field's (Spans, Terms), if already at hand."""
    if decoded is None:
        spans = decode_spans(stored.get("spans", {}).get(name, b""))
        terms = Terms(stored.get("terms", {}).get(name, b""))
    else:
        spans, terms = decoded
    text = stored.get(name, "")
    return matched_spans(spans, marked_positions(terms, units, spans, text, each), text)


def marked_positions(terms: Terms, units: list[Unit], spans, text: str, each=None) -> set[int]:
    """Syllable positions of a text where the query's words stand (the first *each*
    places of each word, if given).

    Per syllable, a text's exact occurrences are marked where it has any, its folded
    ones otherwise (none, for a syllable typed with marks). The syllables of a word
    must be adjacent in the text too: positions skip punctuation, but "ủy, Ban" is not
    "ủy ban".
    """
    forms: dict[tuple, list[str]] = {}  # (exact, folded) -> the syllables of the text it marks

    def marks(pair) -> list[str]:
        if pair not in forms:
            exact, folded = pair
            if exact is not None and terms.has(exact):
                forms[pair] = [exact]
            else:
                forms[pair] = terms.folding_to(folded) if folded is not None else []
        return forms[pair]

    def places(pair):  # (position, offset of the next syllable), in order
        found = [
            ((position, offset + len(form) + 1) for position, offset in terms.places(form))
            for form in marks(pair)
        ]
        return found[0] if len(found) == 1 else heapq.merge(*found)

    def rest_stands(offset: int, rest) -> bool:
        for pair in rest:
            for form in marks(pair):
                after = terms.stands(offset, form)
                if after is not None:
                    offset = after
                    break
            else:
                return False
        return True

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
        placed = 0
        for start, after in places(unit[0]):
            if rest_stands(after, unit[1:]) and adjacent(start, len(unit)):
                marked.update(range(start, start + len(unit)))
                placed += 1
                if placed == each:
                    break
    return marked
