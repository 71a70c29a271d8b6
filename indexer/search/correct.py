"""A query read as it was meant, from the index's own statistics.

People type "toor chuwcs ddangr" with Telex's keys left in (the input method off), "to63
chu7c1 d9ang3" in VNI, "sây dựng" as they speak, "tổ chứcc" with a slip of a key. Each
syllable of a plain query gets candidates: as typed; its Telex and VNI readings
(language.keyboards); its regional confusions and, from four letters, every syllable
one edit away (language.misspellings), each of those known to the index. The readings
are scored with the vocabulary's word and pair counts (bigrams.py), each candidate
less what its origin costs; of the likeliest reading and those one syllable away from
it, the first that the index holds standing together wins. `correct` gives it when it
differs from the query as typed, with how much likelier it is; search.answer decides
whether to search it or only offer it.

A query is never corrected when the index holds every syllable as typed and some
document holds them standing together as read, each adjacent pair (a single word it
holds stays itself: "chó" is not "có").
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

from ..language.analysis import Analysis
from ..language.keyboards import KEYBOARDS, readings
from ..language.misspellings import one_edit, regional
from ..language.text import fold, is_vietnamese_syllable
from .bigrams import Bigrams, Reading
from .didyoumean import respell
from .vocabulary import Vocabulary, bare_cost

# What a candidate costs by its origin (natural log of how much rarer than the syllable
# as typed it is taken to be): a key read as its mark is nearly certain when the reading
# is a syllable; a regional spelling likelier than a slip of a key, and a slip that
# made another word (or a syllable read with keys) rarer than one that made none.
COSTS = {"keys": 1.0, "regional": 3.0, "edit": 4.0, "edit of a word": 6.0}
EDITED = 4  # letters a syllable must have for slips of a key to be tried
READINGS = 30  # candidates of a position scored (its readings as typed always are)
LONGEST = 12  # syllables of a query corrected at most: a longer one is a question
NEAR = 8  # readings one syllable from the likeliest looked up in the index
ASCII = string.ascii_lowercase + string.digits  # what an edit of a bare syllable tries


@dataclass
class Correction:
    """The likeliest reading of a query that differs from it as typed."""

    text: str  # the query respelled where it was read otherwise
    syllables: list[str]  # each position as read: a syllable, or a bare one typed bare
    gain: float  # how much likelier than as typed (natural log)
    stands: bool  # does the index hold it standing together (each adjacent pair)?


def correct(
    vocabulary: Vocabulary, run: Analysis, text: str, reading=None, standing=None
) -> Correction | None:
    """The likeliest reading of the plain query *text* (analysed: *run*; its syllables
    typed bare restored: *reading*), or None when the query as typed is likeliest, or
    stands in the index as typed. *standing(pairs)* tells whether some document holds
    all of the pairs of syllables (without it: each pair, in some document)."""
    size = len(run.syllables)
    if not size or size > LONGEST:
        return None
    fixed = _fixed(run)
    known = [fixed[p] or _known(vocabulary, run, p) for p in range(size)]
    read = reading or run.syllables
    positions = run.pair_positions()
    pairs = [f"{read[p - 1]} {read[p]}" for p in positions]
    held = vocabulary.pair_frequencies(pairs)
    missing = {p for p, pair in zip(positions, pairs) if not held[pair]}
    if all(known) and not missing:
        if len(pairs) < 2 or standing is None or standing(pairs):
            return None  # every word known, standing together as typed
        missing = set(positions)  # each pair somewhere, never all of them together
    typed = [_as_typed(vocabulary, run, p) for p in range(size)]
    columns = [
        typed[p] + _likeliest(_candidates(vocabulary, run, p))
        if not fixed[p] and (not known[p] or p in missing or p + 1 in missing)
        else typed[p]
        for p in range(size)
    ]
    model = Bigrams(vocabulary, columns)
    score, path = model.likeliest()
    if [r.shown for r in path] == list(run.syllables):
        return None
    # Of the likeliest reading and those one syllable away from it, the first that some
    # document holds standing together: the query as meant is most often in the index.
    stands = False
    for near_score, near_path in model.near(path, NEAR):
        read = [r.syllable for r in near_path]
        pairs = [f"{read[p - 1]} {read[p]}" for p in positions]
        if all(model.held[pair] for pair in pairs) and (
            len(pairs) < 2 or standing is None or standing(pairs)
        ):
            score, path, stands = near_score, near_path, True
            break
    shown = [r.shown for r in path]
    if shown == list(run.syllables):
        return None
    if run.accented:  # typed with marks, a syllable read otherwise is shown as read
        shown = [r.syllable if r.shown != was else was for r, was in zip(path, run.syllables)]
    typed_score, _ = Bigrams(vocabulary, typed).likeliest()
    return Correction(respell(text, run, shown), shown, score - typed_score, stands)


def _fixed(run: Analysis) -> list[bool]:
    """Positions read as typed whatever: an abbreviation written out ("UBND": several
    positions of one span), a numeral ("XIII" -> 13)."""
    spans = run.spans
    return [
        (p > 0 and spans[p - 1] == span)
        or (p + 1 < len(spans) and spans[p + 1] == span)
        or surface is None
        or fold(surface) != run.folded[p]
        for p, (span, surface) in enumerate(zip(spans, run.surfaces))
    ]


def _known(vocabulary: Vocabulary, run: Analysis, p: int) -> bool:
    """Does the index hold the syllable at *p* as typed (typed bare: any reading)?"""
    if run.syllables[p] != run.folded[p]:
        return run.syllables[p] in vocabulary.known
    return run.folded[p] in vocabulary.by_fold


def _as_typed(vocabulary: Vocabulary, run: Analysis, p: int) -> list[Reading]:
    """Position *p* as typed: the syllable typed with marks, every reading of a bare one."""
    syllable = run.syllables[p]
    if syllable != run.folded[p]:
        return [Reading(syllable, vocabulary.known.get(syllable, 0), 0.0, syllable)]
    return _bare(vocabulary, syllable, 0.0, bare_cost(run, p))


def _bare(vocabulary: Vocabulary, shown: str, cost: float, more: float) -> list[Reading]:
    """The readings of a bare syllable, each at *cost*, every one but the bare syllable
    itself *more* (vocabulary.bare_cost)."""
    other = cost + more
    return [
        Reading(term, df, cost if term == shown else other, shown)
        for term, df in vocabulary.readings(shown, itself=more > 0)
    ]


def _candidates(vocabulary: Vocabulary, run: Analysis, p: int) -> list[Reading]:
    """The other readings of position *p*: Telex and VNI, regional, one edit away.

    A bare syllable the index holds, in a query typed bare, stands for all its readings
    already: only keys are read in it ("as" may be "á"). Slips of a key are looked for
    in syllables of EDITED letters or more, and in a shorter one that the index does not
    hold or that is no syllable, by adding the letter left out of it ("đợc" -> "được",
    "hnh" -> "hình")."""
    syllable = run.syllables[p]
    marked = syllable != run.folded[p]
    known, by_fold = vocabulary.known, vocabulary.by_fold
    held = known if marked else by_fold
    found: dict[str, float] = {}  # as the query would show it -> what it costs

    def offer(shown: str, origin: str) -> None:
        if shown != syllable and COSTS[origin] < found.get(shown, math.inf):
            found[shown] = COSTS[origin]

    if not marked:
        typed = (run.surfaces[p] or syllable).lower()
        for keyboard in KEYBOARDS:
            for reading in readings(typed, keyboard):
                if reading in known:
                    offer(reading, "keys")
    if not marked and syllable in by_fold and not run.accented:
        return _readings(vocabulary, found, 0.0)
    word = bool(found) or syllable in held  # a slip that made a word, or keys
    for other in regional(syllable):
        if other in held and is_vietnamese_syllable(fold(other)):
            offer(other, "regional")
    shaped = is_vietnamese_syllable(run.folded[p])  # "hnh" is a slip, held or not
    if len(syllable) >= EDITED or syllable not in held or not shaped:
        letters = vocabulary.alphabet if marked else ASCII
        for other in one_edit(syllable, letters):
            if (
                other in held
                and max(len(other), len(syllable)) >= EDITED
                and is_vietnamese_syllable(fold(other))
            ):
                offer(other, "edit of a word" if word else "edit")
    # a syllable the index holds typed bare beside marked ones meant bare: so its variants
    return _readings(vocabulary, found, bare_cost(run, p) if syllable in held else 0.0)


def _readings(vocabulary: Vocabulary, found: dict[str, float], more: float) -> list[Reading]:
    """The Readings of candidates (as the query would show each -> its cost; a bare one
    any of its readings, but itself *more*)."""
    known = vocabulary.known
    out = []
    for shown, cost in found.items():
        if shown != fold(shown):  # with marks: that syllable
            out.append(Reading(shown, known.get(shown, 0), cost, shown))
        else:  # bare: any of its readings
            out += _bare(vocabulary, shown, cost, more)
    return out


def _likeliest(candidates: list[Reading]) -> list[Reading]:
    """The READINGS likeliest of *candidates*, by frequency and cost."""
    return sorted(candidates, key=lambda r: r.cost - math.log(r.df + 0.5))[:READINGS]
