"""Vietnamese text normalization: NFC with offsets, tone placement, i/y spelling, folding.

Every function here works on plain strings and is cheap to call per syllable: the
per-syllable ones are cached, because a news corpus has only some ten thousand distinct
syllables.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

HUYEN, SAC, NGA, HOI, NANG = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
TONE_MARKS = HUYEN + SAC + NGA + HOI + NANG
VOWELS = "aăâeêioôơuưy"
_ONSET = "(?:ngh|ng|gh|gi|kh|ph|th|tr|ch|nh|qu|[bcdđghklmnprstvx])"
_SYLLABLE_SHAPE = re.compile(f"^{_ONSET}?[{VOWELS}]{{1,3}}(?:ch|ng|nh|[cmnpt])?$")
# A syllable as the tone rule reads it: onset, vowels, final consonant (lower case, no tone).
# "gi" and "qu" are onsets when a vowel follows them ("giá", "quý"); "gì" is g + i.
_PARTS = re.compile(f"^({_ONSET}?)([{VOWELS}]{{1,3}})(ch|ng|nh|[cmnpt])?$")
_MODIFIED = "ăâêôơư"  # vowels with a mark of their own: the tone goes on one of them
# Onsets after which a lone i and a lone y are the same syllable in two orthographies.
_IY_SYLLABLE = re.compile(r"^(h|k|l|m|s|t|qu)[iy]$")


NOT_TEXT = "holds a lone surrogate (\\ud800-\\udfff): not Unicode text"


def is_text(value: str) -> bool:
    """Whether *value* is Unicode text, as UTF-8 holds it: JSON may carry a lone surrogate
    ("\\ud800"), which is not (say so with NOT_TEXT)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def nfc(text: str) -> str:
    """Return *text* in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def strip_tone(syllable: str) -> tuple[str, str]:
    """Split an NFC syllable into (NFC syllable without tone mark, tone mark or "");
    a syllable of two tone marks or none is returned whole, with ""."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return syllable, ""
    return nfc(decomposed.replace(tones[0], "")), tones[0]


def _put_tone(base: str, index: int, tone: str) -> str:
    return nfc(base[:index] + base[index] + tone + base[index + 1 :])


def tone_vowel(base: str) -> int | None:
    """Where the tone mark of a syllable without one (*base*) belongs, or None when it
    is not shaped like a Vietnamese syllable. Tones sit as the older convention puts
    them, on the first vowel of an open oa, oe or uy ("hòa", "thủy"): one convention,
    so that both meet.

    >>> [tone_vowel(s) for s in ("viêt", "hoa", "hoan", "quy", "gia", "gi", "khuyu", "cafe")]
    [2, 1, 2, 2, 2, 1, 3, None]
    """
    match = _PARTS.match(base.lower())
    if not match:
        return None
    onset, vowels, final = match.groups()
    start = len(onset)
    modified = [i for i, c in enumerate(vowels) if c in _MODIFIED]
    if modified:  # ươ, uô, iê, yê: on the last of them ("người", "thuốc", "việt")
        return start + modified[-1]
    if final or len(vowels) == 1:
        return start + len(vowels) - 1  # "hoàn", "toán", "quỳnh", "má"
    if len(vowels) == 2:
        return start  # "hòa", "thủy", "mía", "của", "tài"
    return start + 1  # "ngoái", "xoáy", "khuỷu", "ngoẹo"


def place_tone(base: str, tone: str) -> str:
    """*base* (NFC, no tone mark) with *tone* (a combining mark, or "") where it belongs;
    on the last vowel when *base* is no Vietnamese syllable.

    >>> place_tone("viêt", "\u0323"), place_tone("Hoa", "\u0300"), place_tone("cafe", "\u0301")
    ('việt', 'Hòa', 'café')
    """
    if not tone:
        return base
    index = tone_vowel(base)
    if index is None:
        vowels = [i for i, c in enumerate(base.lower()) if c in VOWELS]
        if not vowels:
            return base
        index = vowels[-1]
    return _put_tone(base, index, tone)


@lru_cache(maxsize=200_000)
def canonical_tone(syllable: str) -> str:
    """Put the tone mark of a syllable where the rule puts it; change nothing else.

    Both conventions of open oa, oe, uy meet ("hoà", "hòa" -> "hòa"), and a mark typed on
    the wrong vowel moves to its place ("vịêt" -> "việt"). A word that is no Vietnamese
    syllable ("café") keeps its marks where they are.

    >>> [canonical_tone(s) for s in ["hoà", "Khoá", "UỶ", "thuỷ", "quý", "hoàn", "vịêt", "qúa"]]
    ['hòa', 'Khóa', 'ỦY', 'thủy', 'quý', 'hoàn', 'việt', 'quá']
    """
    base, tone = strip_tone(syllable)
    if not tone:
        return syllable
    index = tone_vowel(base)
    if index is None:
        return syllable
    return _put_tone(base, index, tone)


@lru_cache(maxsize=200_000)
def canonical_iy(syllable: str) -> str:
    """Spell a lone i after h, k, l, m, s, t or qu as y, keeping the tone (lower case input).

    >>> [canonical_iy(s) for s in ["kĩ", "lí", "qui", "tỉ", "kỹ", "chỉ", "kim"]]
    ['kỹ', 'lý', 'quy', 'tỷ', 'kỹ', 'chỉ', 'kim']
    """
    base, tone = strip_tone(syllable)
    if not _IY_SYLLABLE.match(base):
        return syllable
    return nfc(base[:-1] + "y" + tone)


# Đ (U+0110) and its look-alike Ð (U+00D0, the Icelandic eth some keyboards give) are
# one letter; folded, both are d.
_ETH = str.maketrans("ðÐ", "đĐ")
FOLD_D = str.maketrans("đĐðÐ", "dDdD")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Remove every diacritic and lower-case: the form people type without Vietnamese keys.

    >>> fold("Đường Dương Tỉnh Uỷ Ðảng")
    'duong duong tinh uy dang'
    """
    decomposed = unicodedata.normalize("NFD", text.translate(FOLD_D))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_normalized: dict[str, str] = {}


def normalize_syllable(syllable: str) -> str:
    """Return the matching form of one NFC syllable: lower case, Ð as Đ, the tone mark
    where it belongs.

    >>> normalize_syllable("ÐẢNG"), normalize_syllable("Vịêt")
    ('đảng', 'việt')
    """
    try:
        return _normalized[syllable]
    except KeyError:
        if len(_normalized) > 500_000:
            _normalized.clear()
        found = _normalized[syllable] = canonical_tone(syllable.lower().translate(_ETH))
        return found


def is_vietnamese_syllable(word: str) -> bool:
    """Tell whether a lower-case word is shaped like a Vietnamese syllable (tu, tư, hòa)."""
    base = fold(word)
    return bool(_SYLLABLE_SHAPE.match(base)) if base.isalpha() else False


def has_diacritics(text: str) -> bool:
    """Tell whether *text* carries any Vietnamese mark (or đ)."""
    return fold(text) != text.lower()


# --- Roman numerals -------------------------------------------------------------------

_ROMAN_VALUES = (("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))
ROMAN_MAX = 89  # I, V, X and L only: C, D and M are far more often letters (CD, MC, CV)


def to_roman(value: int) -> str:
    """Write 1..89 in upper-case Roman numerals."""
    out = []
    for letters, amount in _ROMAN_VALUES:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


ROMAN_NUMERALS = {to_roman(n): n for n in range(1, ROMAN_MAX + 1)}  # "XIII" -> 13


def roman_value(word: str) -> int | None:
    """Return the value of a well-formed upper-case Roman numeral in 1..89, else None."""
    return ROMAN_NUMERALS.get(word)


# --- NFC with offsets -----------------------------------------------------------------

_composing_starters: frozenset[str] | None = None


def _starters_that_compose() -> frozenset[str]:
    """Characters of combining class 0 that NFC can merge into the character before them."""
    global _composing_starters
    if _composing_starters is None:
        found = set()
        for code in range(sys.maxunicode + 1):
            parts = unicodedata.decomposition(chr(code)).split()
            if len(parts) == 2 and not parts[0].startswith("<"):
                second = chr(int(parts[1], 16))
                if not unicodedata.combining(second):
                    found.add(second)
        found.update(chr(c) for c in range(0x1161, 0x1176))  # Hangul vowel jamo
        found.update(chr(c) for c in range(0x11A8, 0x11C3))  # Hangul final jamo
        _composing_starters = frozenset(found)
    return _composing_starters


def nfc_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Return (NFC text, map) where map[i] is the offset in *text* of NFC character i.

    The map has one extra entry, len(text), so an NFC span [a, b) is the original span
    [map[a], map[b]). Returns map None when *text* is already NFC (the identity).
    A cluster that NFC changes (a letter and its marks) is never split: positions
    inside it map to its end. For Vietnamese every such cluster composes to one
    character, so a span of NFC text always maps to original text that normalizes to it.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, None
    merging = _starters_that_compose()
    pieces: list[str] = []
    mapping: list[int] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and (unicodedata.combining(text[i]) or text[i] in merging):
            continue
        chunk = text[start:i]
        composed = nfc(chunk)
        pieces.append(composed)
        if composed == chunk:
            mapping.extend(range(start, i))
        else:  # a span cannot end inside a changed cluster: it snaps outward to the end
            mapping.append(start)
            mapping.extend([i] * (len(composed) - 1))
        start = i
    mapping.append(len(text))
    return "".join(pieces), mapping
