"""How Vietnamese text becomes terms: the one analysis that indexing and searching share.

`analyse` runs a text through four small steps, each a function over a list of words:
pyvi segmentation with offsets (`words_of`), abbreviations written out
(`expand_abbreviations`), Roman numerals as numbers (`convert_numerals`), lower case and
one tone placement (`normalize`). The `Analysis` it returns holds every representation
the index stores and the query asks for, position by position:

>>> a = analyse("Tỉnh uỷ họp, khóa XIII")
>>> a.words
['tỉnh ủy', 'họp', 'khóa', '13']
>>> a.syllables, a.folded
(['tỉnh', 'ủy', 'họp', 'khóa', '13'], ['tinh', 'uy', 'hop', 'khoa', '13'])
>>> a.pairs()
['tỉnh ủy', 'ủy họp', 'khóa 13']

Pairs never span punctuation ("họp, khóa" is no pair), and each syllable keeps its
character span in the text as given (NFD or not), so marks land on what the reader sees.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from .abbreviations import MAX_PARTS, PLAIN, Abbreviations
from .segment import segment_cached
from .text import ROMAN_NUMERALS, canonical_iy, canonical_tone, fold, normalize_syllable

# Which analysis made an index's terms: a backend refuses an index of another (rebuild it).
# 2: tone marks placed by rule wherever typed ("vịêt"), Ð (U+00D0) read as Đ.
VERSION = 2
NAME_SYLLABLES = 6  # "Ban Tổ chức Trung ương", "Thành phố Hồ Chí Minh": names are short
# The representations an Analysis holds, which every backend indexes for each text field.
REPRESENTATIONS = ("words", "syllables", "folded", "pairs")
# A one-letter Roman numeral (I, V, X, L) is a number only right after one of these.
NUMERAL_CUES = frozenset(
    "quý khóa kỳ kì phần chương mục tập thứ kỷ kỉ hạng loại cấp vùng đợt bậc nhóm đoạn hội".split()
)

_is_word = re.compile(r"[^\W_]").search  # has a letter or a digit

# A syllable while the steps run: [text, start, end, surface]. `surface` is the syllable
# as written (NFC), None where several written syllables became one abbreviation.
Part = list


class Word:
    """A pyvi word during analysis: its syllables, and whether punctuation comes before it."""

    __slots__ = ("gap", "parts")

    def __init__(self, parts: list[Part], gap: bool = False):
        self.parts = parts
        self.gap = gap


@dataclass
class Analysis:
    """A text's terms in every representation, and where each syllable stands in the text.

    Per word: `words` (the pyvi compound, tone-normalized, "tỉnh ủy") and `sizes` (its
    syllables). Per syllable position: `syllables` (i/y unified: "kỹ" for "kĩ"),
    `folded` (no diacritics), `spans` (start, end in the text) and `surfaces` (as
    written). `gaps` lists the positions that follow punctuation.
    """

    words: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    syllables: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    surfaces: list[str | None] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)

    @property
    def accented(self) -> bool:
        """Does the text carry any diacritic (a query typed with Vietnamese keys)?"""
        return any(f != s for f, s in zip(self.folded, self.syllables))

    def marked(self) -> list[bool]:
        """Which syllables carry a diacritic (a tone, â ă ê ô ơ ư, or đ): a syllable
        typed so means that syllable; one typed bare may mean any that folds to it.

        >>> analyse("bão so 3").marked()
        [True, False, False]
        """
        return [f != s for f, s in zip(self.folded, self.syllables)]

    def starts(self) -> list[int]:
        """The position of each word's first syllable."""
        found, position = [], 0
        for size in self.sizes:
            found.append(position)
            position += size
        return found

    def names(self, longest: int = NAME_SYLLABLES) -> set[str]:
        """The names written in the text, as written ("Lạng Sơn"; tones placed one way):
        every run of up to *longest* syllables of words written with a capital, no
        punctuation between (pyvi may cut a name: "Phạm Minh" "Chính"). Not words in
        capitals (headlines, abbreviations). What completions write names as.

        >>> sorted(analyse("Ông Phạm Minh Chính thăm Lạng Sơn, Huế; UBND họp").names())
        ... # doctest: +NORMALIZE_WHITESPACE
        ['Chính', 'Huế', 'Lạng Sơn', 'Phạm Minh', 'Phạm Minh Chính', 'Ông', 'Ông Phạm Minh',
         'Ông Phạm Minh Chính']
        """
        after_gap = set(self.gaps)
        surfaces, folded = self.surfaces, self.folded
        runs: list[list[tuple[int, int]]] = [[]]  # runs of capitalised words (start, size)
        previous = -2  # where the last capitalised word ended
        start = 0
        for size in self.sizes:
            first = surfaces[start]
            # as names are written: "Lạng Sơn", and "Tổ chức" in "Ban Tổ chức"
            capitalised = (
                first
                and first[0].isupper()
                and not (len(first) > 1 and first.isupper())
                and all(
                    surfaces[p] and fold(surfaces[p]) == folded[p]
                    for p in range(start, start + size)
                )
            )
            if capitalised:
                if previous != start or start in after_gap:
                    runs.append([])
                runs[-1].append((start, size))
                previous = start + size
            start += size
        found = set()
        for run in runs:
            for i, (first, _) in enumerate(run):
                for last, size in run[i:]:
                    end = last + size
                    if end - first > longest:
                        break
                    found.add(" ".join(map(canonical_tone, self.surfaces[first:end])))
        return found

    def pair_positions(self) -> list[int]:
        """The positions p whose syllable pairs with the one before (p - 1, p): every
        position but the first and those after punctuation."""
        after_gap = set(self.gaps)
        return [p for p in range(1, len(self.syllables)) if p not in after_gap]

    def pairs(self, terms: list[str] | None = None, dropped: list[bool] | None = None) -> list[str]:
        """Adjacent syllables as "a b" terms, never across punctuation.

        *terms* replaces the syllables position by position (the folded forms, an
        accented reading); a position *dropped* pairs with neither neighbour.
        """
        terms = self.syllables if terms is None else terms
        return [
            f"{terms[p - 1]} {terms[p]}"
            for p in self.pair_positions()
            if dropped is None or not (dropped[p - 1] or dropped[p])
        ]


def words_of(text: str) -> list[Word]:
    """pyvi's words of *text* with their syllables' offsets; punctuation only sets gaps.

    >>> [[p[0] for p in w.parts] for w in words_of("Hà Nội, TP. HCM")]
    [['Hà', 'Nội'], ['TP'], ['HCM']]
    """
    words = []
    gap = False
    for texts, spans in segment_cached(text):
        if len(texts) == 1 and texts[0].isalnum():  # most words: one plain syllable
            syllable = texts[0]
            start, end = spans[0]
            parts = [[syllable, start, end, syllable]]
        else:
            parts = []
            for syllable, (start, end) in zip(texts, spans):
                if syllable.endswith(".") and len(syllable) > 1 and syllable[-2].isalpha():
                    syllable, end = syllable[:-1], end - 1  # pyvi keeps the dot of "TP." and "Mr."
                if _is_word(syllable):
                    parts.append([syllable, start, end, syllable])
        if not parts:
            gap = True
            continue
        words.append(Word(parts, gap))
        gap = False
    return words


def expand_abbreviations(words: list[Word], table: Abbreviations) -> list[Word]:
    """Write each abbreviation out as its full form, each word spanning the abbreviation.

    Both sides run this, so "UBND" and "Ủy ban nhân dân" find each other either way; an
    abbreviation written in parts ("TP . HCM", "KT-XH") is looked up whole.

    >>> [[p[0] for p in w.parts] for w in expand_abbreviations(words_of("UBND TP.HCM"), _TABLE)]
    [['Ủy', 'ban'], ['nhân', 'dân'], ['Thành', 'phố'], ['Hồ', 'Chí', 'Minh']]
    """
    out: list[Word] = []
    about = table.about
    pending: list[Word] = []  # one-syllable words that may begin "TP . HCM"
    for word in words:
        if not pending and all(about(part[0]) is PLAIN for part in word.parts):
            out.append(word)  # no syllable is or begins an abbreviation: the common case
            continue
        single = len(word.parts) == 1
        if pending and single and word.parts[0][1] - pending[-1].parts[-1][2] <= 1:
            pending.append(word)  # adjacent: "TP.HCM", "TP HCM", "KT-XH"
            if len(pending) < MAX_PARTS and table.may_continue(_key(pending)):
                continue
            _flush(pending, table, out)
            pending = []
            continue
        if pending:
            _flush(pending, table, out)
            pending = []
        if single and table.may_begin(word.parts[0][0]):
            pending = [word]
            continue
        _expand(word, table, out)
    if pending:
        _flush(pending, table, out)
    return out


def _key(words: list[Word]) -> tuple[str, ...]:
    return tuple(w.parts[0][0] for w in words)


def _flush(pending: list[Word], table: Abbreviations, out: list[Word]) -> None:
    """Write out words that may have begun an abbreviation: the longest runs that are one."""
    i = 0
    while i < len(pending):
        for j in range(len(pending), i + 1, -1):
            full = table.lookup(_key(pending[i:j]))
            if full is not None:
                start, end = pending[i].parts[0][1], pending[j - 1].parts[0][2]
                _emit(full, start, end, None, pending[i].gap, out)
                i = j
                break
        else:
            _expand(pending[i], table, out)
            i += 1


def _expand(word: Word, table: Abbreviations, out: list[Word]) -> None:
    """Write out the syllables of one word that are abbreviations; the others stay a word."""
    lookup = table.lookup_one
    if not any(lookup(part[0]) for part in word.parts):
        out.append(word)
        return
    gap = word.gap
    run: list[Part] = []  # syllables of the word that are no abbreviation, kept as one word
    for part in [*word.parts, None]:
        full = lookup(part[0]) if part is not None else None
        if full is None and part is not None:
            run.append(part)
            continue
        if run:
            out.append(Word(run, gap))
            gap, run = False, []
        if full is not None:
            _emit(full, part[1], part[2], part[3], gap, out)
            gap = False


def _emit(full, start: int, end: int, surface, gap: bool, out: list[Word]) -> None:
    for words in full:
        out.append(Word([[syllable, start, end, surface] for syllable in words], gap))
        gap = False


def convert_numerals(words: list[Word], cues=NUMERAL_CUES) -> list[Word]:
    """Write Roman numerals as Arabic ones, so "khóa XIII" and "khóa 13" are the same.

    A numeral of two or more letters always converts; I, V, X and L alone only after a
    cue word (quý I, khóa X, lần thứ V), so that a letter stays a letter.

    >>> [w.parts[0][0] for w in convert_numerals(words_of("Xã X khóa X XIV"))]
    ['Xã', 'X', 'khóa', '10', '14']
    """
    numerals = ROMAN_NUMERALS
    previous = ""  # the syllable before, as written
    for word in words:
        for part in word.parts:
            value = numerals.get(part[0])
            if value is not None and (len(part[0]) > 1 or normalize_syllable(previous) in cues):
                part[0] = str(value)
            previous = part[0]
    return words


def normalize(words: list[Word]) -> list[Word]:
    """Lower-case every syllable and place tone marks one way (hoà, hòa -> hòa).

    >>> [w.parts[0][0] for w in normalize(words_of("HOÀ Khoá"))]
    ['hòa', 'khóa']
    """
    for word in words:
        for part in word.parts:
            part[0] = normalize_syllable(part[0])
    return words


def analysis_of(words: list[Word]) -> Analysis:
    """Read every representation off the words the steps made."""
    result = Analysis()
    syllables: list[str] = []
    spans, surfaces, gaps = result.spans, result.surfaces, result.gaps
    for word in words:
        parts = word.parts
        if word.gap:
            gaps.append(len(syllables))
        if len(parts) == 1:
            text, start, end, surface = parts[0]
            result.words.append(text)
            syllables.append(text)
            spans.append((start, end))
            surfaces.append(surface)
        else:
            texts = [part[0] for part in parts]
            result.words.append(" ".join(texts))
            syllables += texts
            spans += [(part[1], part[2]) for part in parts]
            surfaces += [part[3] for part in parts]
        result.sizes.append(len(parts))
    result.syllables = list(map(canonical_iy, syllables))
    result.folded = list(map(fold, result.syllables))
    return result


_TABLE = Abbreviations()  # the built-in table, when a caller brings none
_cache: OrderedDict[str, tuple[Abbreviations, Analysis]] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 8


def analyse(text: str, table: Abbreviations | None = None) -> Analysis:
    """Analyse *text* (a field, a query) with *table*'s abbreviations (the built-ins by default).

    The last few results are remembered: Whoosh analyses a stored text once per
    representation, and a query's text is read several times while it is planned.
    Callers must not change what they are given.
    """
    table = _TABLE if table is None else table
    with _cache_lock:
        found = _cache.get(text)
    if found is not None and found[0] is table:
        return found[1]
    analysis = analysis_of(normalize(convert_numerals(expand_abbreviations(words_of(text), table))))
    with _cache_lock:
        _cache[text] = (table, analysis)
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return analysis
