"""What to offer beside the results: the query's accented reading, or plainer words.

>>> from indexer.language.analysis import analyse
>>> respell("Hoi nghi TU", analyse("Hoi nghi TU"), ["hội", "nghị", "tỉnh", "ủy"])
'Hội nghị TU'
"""

from __future__ import annotations

from ..language.analysis import Analysis
from ..language.text import fold
from . import algebra
from .plan import Need
from .plan import plan as make_plan
from .query import Query, parse
from .request import SearchRequest


def suggestion(view, parsed: Query) -> str | None:
    """Did-you-mean: the accented reading of a plain query with syllables typed without
    diacritics, offered when documents hold it (every word of it, exactly)."""
    if not parsed.plain:
        return None
    clause = parsed.alternatives[0][0]
    run = view.analyse(clause.text)
    if not run.syllables or all(run.marked()):
        return None
    restored = view.restore(run)
    if restored and view.count(Need("all", "syllables", tuple(restored))):
        return respell(clause.text, run, restored)
    return None


def plain_words(view, parsed: Query, request: SearchRequest) -> str | None:
    """For a query with operators that finds nothing: the same words without quotes,
    field names or OR, if they find something under the same filters (and accented, or
    spelled right, as the did-you-mean would read them)."""
    if parsed.plain:
        return None
    words = " ".join(clause.text.strip() for clause in parsed.clauses())
    excluded = " ".join(
        f"-{clause.field + ':' if clause.field else ''}"
        + (f'"{clause.text}"' if clause.phrase else clause.text)
        for clause in parsed.excluded
    )  # exclusions stay: only how the words must stand is loosened
    loose = " ".join(filter(None, (words, excluded)))
    if not words or loose == request.q.strip():
        return None
    parsed_loose = parse(loose)
    plan = make_plan(parsed_loose, view.analyse, view.restore)
    if not algebra.total(plan, request, view.count):
        return None
    return suggestion(view, parsed_loose) or loose  # with its diacritics, if lost


def respell(text: str, run: Analysis, syllables: list[str]) -> str:
    """Rewrite *text* with new syllables where the typed ones were, keeping the rest as typed."""
    out, cursor = [], 0
    for (start, end), surface, old, new in zip(run.spans, run.surfaces, run.syllables, syllables):
        typed = text[start:end]
        if surface is None or start < cursor or new == old or fold(typed).lower() != fold(old):
            continue  # an abbreviation or a numeral stays as typed
        if typed.lower() != typed and typed[:1].isupper():
            new = new[:1].upper() + new[1:]
        if typed.isupper() and len(typed) > 1:
            new = new.upper()
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
