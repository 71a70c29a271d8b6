"""Whoosh analyzers for Vietnamese: pyvi words, syllables and folded syllables.

Each analyzer is a pipeline joined with ``|``, tokenizer first, and the same pipeline
runs at index time and at query time: this module is the one definition of how
Vietnamese text becomes terms. A word token carries its syllables in ``token.parts``,
a list of ``[text, startchar, endchar, surface]``, so filters that rewrite syllables
(numerals, abbreviations, tone marks) keep exact offsets into the original text and the
syllable as written (``surface``, NFC; None where several abbreviation syllables merged).

>>> [t.text for t in word_analyzer()("Tỉnh uỷ họp bàn nhân sự khóa XIII")]
['tỉnh ủy', 'họp', 'bàn', 'nhân sự', 'khóa', '13']
>>> [t.text for t in folded_analyzer()("UBND TP.HCM")]
['uy', 'ban', 'nhan', 'dan', 'thanh', 'pho', 'ho', 'chi', 'minh']
"""

from __future__ import annotations

import re

from whoosh.analysis import Filter, Token, Tokenizer

from .abbreviations import MAX_PARTS, PLAIN, Abbreviations
from .segment import segment_cached
from .text import ROMAN_NUMERALS, canonical_iy, fold, normalize_syllable

# A one-letter Roman numeral (I, V, X, L) is a number only right after one of these.
NUMERAL_CUES = frozenset(
    "quý khóa kỳ kì phần chương mục tập thứ kỷ kỉ hạng loại cấp vùng đợt bậc nhóm đoạn hội".split()
)


_is_word = re.compile(r"[^\W_]").search  # has a letter or a digit


class VietnameseTokenizer(Tokenizer):
    """Split text into pyvi words; each token's ``parts`` are its syllables with offsets.

    Punctuation is dropped; the token after it has ``gap`` set. Offsets always point
    into the text as given, whatever its normalization form.
    """

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = segment_cached(value) if tokenize else [((value,), ((0, len(value)),))]
        pos = start_pos
        gap = False
        for texts, spans in words:
            if len(texts) == 1 and texts[0].isalnum():  # most words: one plain syllable
                text = texts[0]
                start, end = spans[0]
                parts = [[text, start_char + start, start_char + end, text]]
            else:
                parts = []
                for text, (start, end) in zip(texts, spans):
                    if text.endswith(".") and len(text) > 1 and text[-2].isalpha():
                        text, end = text[:-1], end - 1  # pyvi keeps the dot of "TP." and "Mr."
                    if _is_word(text):
                        parts.append([text, start_char + start, start_char + end, text])
            if not parts:
                gap = True
                continue
            token.parts = parts
            token.text = parts[0][0] if len(parts) == 1 else " ".join([p[0] for p in parts])
            token.gap, gap = gap, False
            token.startchar, token.endchar = parts[0][1], parts[-1][2]
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
                pos += 1
            yield token


class AbbreviationFilter(Filter):
    """Replace an abbreviation with its full form, each word spanning the abbreviation.

    Running at index and at query time, this lets "UBND" and "Ủy ban nhân dân" find
    each other both ways. Positions are renumbered, as one token may become several.
    """

    def __init__(self, table: Abbreviations | None = None):
        self.table = table if table is not None else Abbreviations()

    def __call__(self, tokens):
        renumber = _Renumber()
        about = self.table.about
        pending = []  # copies of one-syllable tokens that may begin "TP . HCM"
        for token in tokens:
            if not pending:
                for part in token.parts:
                    if about(part[0]) is not PLAIN:
                        break
                else:  # no syllable is or begins an abbreviation: the common case
                    yield renumber(token)
                    continue
            single = len(token.parts) == 1
            if pending and single and self._adjacent(pending[-1], token):
                pending.append(token.copy())
                if len(pending) < MAX_PARTS and self.table.may_continue(self._key(pending)):
                    continue
                yield from self._flush(pending, renumber)
                pending = []
                continue
            if pending:
                yield from self._flush(pending, renumber)
                pending = []
            if single and self.table.may_begin(token.parts[0][0]):
                pending = [token.copy()]
                continue
            yield from self._expand(token, renumber)
        if pending:
            yield from self._flush(pending, renumber)

    @staticmethod
    def _key(tokens) -> tuple[str, ...]:
        return tuple(t.parts[0][0] for t in tokens)

    @staticmethod
    def _adjacent(before, after) -> bool:
        return after.parts[0][1] - before.parts[-1][2] <= 1  # "TP.HCM", "TP HCM", "KT-XH"

    def _flush(self, pending, renumber):
        i = 0
        while i < len(pending):
            for j in range(len(pending), i + 1, -1):
                full = self.table.lookup(self._key(pending[i:j]))
                if full is not None:
                    first, last = pending[i], pending[j - 1]
                    surface = first.parts[0][3] if i + 1 == j else None
                    start, end = first.parts[0][1], last.parts[0][2]
                    yield from self._emit(first, full, start, end, surface, renumber)
                    i = j
                    break
            else:
                yield from self._expand(pending[i], renumber)
                i += 1

    def _expand(self, token, renumber):
        parts = token.parts
        lookup = self.table.lookup_one
        for part in parts:
            if lookup(part[0]):
                break
        else:  # no abbreviation in the word: the common case
            yield renumber(token)
            return
        run = []  # syllables of the word that are not abbreviations, kept as one word
        for part in [*parts, None]:
            full = lookup(part[0]) if part else None
            if full is None and part is not None:
                run.append(part)
                continue
            if run:
                token.parts = run
                token.text = " ".join(p[0] for p in run)
                token.startchar, token.endchar = run[0][1], run[-1][2]
                yield renumber(token)
                run = []
            if full is not None:
                yield from self._emit(token, full, part[1], part[2], part[3], renumber)

    @staticmethod
    def _emit(token, full, start, end, surface, renumber):
        for word in full:
            token.parts = [[syllable, start, end, surface] for syllable in word]
            token.text = " ".join(word)
            token.startchar, token.endchar = start, end
            yield renumber(token)
            token.gap = False


class _Renumber:
    """Give tokens consecutive positions from the first one seen."""

    def __init__(self):
        self.next = None

    def __call__(self, token):
        if token.positions:
            if self.next is None:
                self.next = token.pos
            token.pos = self.next
            self.next += 1
        return token


class RomanNumeralFilter(Filter):
    """Write Roman numerals as Arabic ones: "khóa XIII" and "khóa 13" become the same.

    A numeral of two or more letters is always converted; I, V, X and L alone only
    after a cue word (quý I, khóa X, lần thứ V), so that a letter stays a letter.
    """

    def __init__(self, cues=NUMERAL_CUES):
        self.cues = frozenset(cues)

    def __call__(self, tokens):
        numerals = ROMAN_NUMERALS
        previous = ""  # the syllable before, as written
        for token in tokens:
            changed = False
            for part in token.parts:
                value = numerals.get(part[0])
                if value is not None and (
                    len(part[0]) > 1 or normalize_syllable(previous) in self.cues
                ):
                    part[0] = str(value)
                    changed = True
                previous = part[0]
            if changed:
                token.text = " ".join(p[0] for p in token.parts)
            yield token


class NormalizeFilter(Filter):
    """Lower-case every syllable and place tone marks one way (hoà, hòa -> hòa)."""

    def __call__(self, tokens):
        for token in tokens:
            parts = token.parts
            if len(parts) == 1:
                part = parts[0]
                part[0] = token.text = normalize_syllable(part[0])
            else:
                for part in parts:
                    part[0] = normalize_syllable(part[0])
                token.text = " ".join([p[0] for p in parts])
            yield token


class SyllableFilter(Filter):
    """Split each word into its syllables, one position each, so "họp" finds "họp báo"."""

    def __call__(self, tokens):
        pos = None
        for token in tokens:
            parts = token.parts
            if token.positions and pos is None:
                pos = token.pos
            for text, start, end, surface in parts:
                token.text = text
                token.surface = surface
                token.startchar, token.endchar = start, end
                if token.positions:
                    token.pos = pos
                    pos += 1
                yield token
                token.gap = False  # only the first syllable of a word follows punctuation


class BigramFilter(Filter):
    """Join each syllable to the next one ("tổ chức", "chức đảng"): cheap proximity.

    Pairs never span punctuation, so "Hà Nội, Hải Phòng" yields no "nội hải".
    """

    def __call__(self, tokens):
        previous = None  # (text, startchar, pos) of the syllable before
        for token in tokens:
            current = (token.text, token.startchar, token.pos if token.positions else None)
            if previous is not None and not token.gap:
                token.text = f"{previous[0]} {current[0]}"
                token.startchar = previous[1]
                if token.positions:
                    token.pos = previous[2]
                yield token
            previous = current


class SpellingVariantFilter(Filter):
    """Spell lone i/y after h, k, l, m, s, t, qu one way: kĩ = kỹ, lí = lý, qui = quy."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = canonical_iy(token.text)
            yield token


class FoldFilter(Filter):
    """Remove every diacritic (đ -> d): the form of a query typed without Vietnamese keys."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


def _base(abbreviations: Abbreviations | None):
    return (
        VietnameseTokenizer()
        | AbbreviationFilter(abbreviations)
        | RomanNumeralFilter()
        | NormalizeFilter()
    )


def word_analyzer(abbreviations: Abbreviations | None = None):
    """Terms are pyvi words (a compound is one term, "tổ chức"), spelled as written."""
    return _base(abbreviations)


def syllable_analyzer(abbreviations: Abbreviations | None = None):
    """Terms are syllables, with i/y spelling unified."""
    return _base(abbreviations) | SyllableFilter() | SpellingVariantFilter()


def folded_analyzer(abbreviations: Abbreviations | None = None):
    """Terms are syllables without diacritics; positions equal those of syllable_analyzer."""
    return syllable_analyzer(abbreviations) | FoldFilter()


def bigram_analyzer(abbreviations: Abbreviations | None = None):
    """Terms are pairs of adjacent syllables: "tổ chức", "chức đảng"."""
    return syllable_analyzer(abbreviations) | BigramFilter()
