"""How a Vietnamese syllable gets misspelled: regional confusions and slips of a key.

People write as they speak, and the regions of Vietnam merge sounds that the spelling
keeps apart: s and x, ch and tr, d, gi and r, l and n at the start of a syllable; n and
ng, c and t at its end; the hỏi and ngã tones. `regional` gives every syllable one such
confusion away ("sây" -> "xây", "lượt" -> "lược"); `one_edit` every string one slip of a
key away (a letter left out, added, replaced, or two swapped). Which of them was meant is
for the index's vocabulary to say.

>>> sorted(regional("sây")), sorted(regional("chiến"))
(['xây'], ['chiếng', 'triến'])
"""

from __future__ import annotations

import re

from .text import HOI, NGA, canonical_tone, place_tone, strip_tone

ONSETS = (("s", "x"), ("ch", "tr"), ("d", "gi"), ("d", "r"), ("gi", "r"), ("l", "n"))
FINALS = (("n", "ng"), ("c", "t"))
_SPLIT = re.compile(
    r"^(ngh|ng|gh|gi|kh|ph|th|tr|ch|nh|qu|[bcdđghklmnprstvx])?(.*?)(ch|ng|nh|[cmnpt])?$"
)


def _swaps(part: str, pairs) -> list[str]:
    return [b if part == a else a for a, b in pairs if part in (a, b)]


def regional(syllable: str) -> set[str]:
    """The syllables one regional confusion away from *syllable* (lower case, NFC): its
    onset, its final consonant or its hỏi/ngã tone said as another region says it.

    >>> sorted(regional("lượt")), sorted(regional("dễ")), sorted(regional("nghĩ"))
    (['lược', 'nượt'], ['dể', 'giễ', 'rễ'], ['nghỉ'])
    """
    base, tone = strip_tone(syllable)
    match = _SPLIT.match(base)
    if not match:
        return set()
    onset, middle, final = (part or "" for part in match.groups())
    if not middle and onset != "gi":
        return set()
    held = "i" if onset == "gi" and not middle else ""  # "gì" holds its i: "dì", "rì"
    found = set()
    for other in _swaps(onset, ONSETS):
        found.add(other + held + middle + final)
    for other in _swaps(final, FINALS):
        found.add(onset + middle + other)
    if tone in (HOI, NGA):
        found.add(base)
        tone_of = {base: NGA if tone == HOI else HOI}
    else:
        tone_of = {}
    spelled = {canonical_tone(place_tone(word, tone_of.get(word, tone))) for word in found}
    spelled.discard(syllable)
    return spelled


def one_edit(word: str, letters: str):
    """Every string one edit away from *word*: a letter deleted, two neighbours swapped,
    a letter replaced or inserted (from *letters*).

    >>> sorted(set(one_edit("ab", "x")) - {"ab"})
    ['a', 'abx', 'ax', 'axb', 'b', 'ba', 'xab', 'xb']
    """
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        for letter in letters:
            yield head + letter + tail
            if tail:
                yield head + letter + tail[1:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
