"""Vietnamese typed on a keyboard without its input method: Telex and VNI read back.

With the input method off, the keys meant as marks stay in the text as letters or
digits: "toor chuwcs ddangr" (Telex) and "to63 chu7c1 d9ang3" (VNI) are "tổ chức
đảng". `readings` reads one typed syllable back as the syllables it may mean; a key may
come right after the letter it marks or anywhere later in the syllable (a tone key
usually comes last). Which reading was meant is for the index's vocabulary to say: a
key may also be a letter ("s" of "sang", "o" of "xoong"), so the text as typed is one
more candidate beside these.

>>> sorted(readings("chuwcs", TELEX)), sorted(readings("d9ang3", VNI))
(['chức'], ['đảng'])
>>> prefix_reading("ddoongf", TELEX), prefix_reading("nguwo", TELEX)
('đồng', 'ngưo')
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .text import (
    HOI,
    HUYEN,
    NANG,
    NGA,
    SAC,
    VOWELS,
    is_vietnamese_syllable,
    place_tone,
    strip_tone,
    tone_vowel,
)

CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
HORN = {"u": "ư", "o": "ơ"}
BREVE = {"a": "ă"}
LONGEST = 12  # characters of a typed syllable read: longer ones are no syllable
MOST = 16  # readings of one syllable kept


@dataclass(frozen=True)
class Keyboard:
    """The keys of an input method: tones, the key that clears a tone, and the keys that
    mark a letter (each with the letters it marks, what they become)."""

    name: str
    tones: dict[str, str]
    clear: str
    marks: dict[str, dict[str, str]] = field(default_factory=dict)
    alone: dict[str, str] = field(default_factory=dict)  # a mark key with no letter to mark

    def keys(self) -> set[str]:
        return {*self.tones, self.clear, *self.marks}


TELEX = Keyboard(
    "telex",
    tones={"s": SAC, "f": HUYEN, "r": HOI, "x": NGA, "j": NANG},
    clear="z",
    marks={
        "w": {**HORN, **BREVE},
        "a": {"a": "â"},
        "e": {"e": "ê"},
        "o": {"o": "ô"},
        "d": {"d": "đ"},
    },
    alone={"w": "ư"},
)
VNI = Keyboard(
    "vni",
    tones={"1": SAC, "2": HUYEN, "3": HOI, "4": NGA, "5": NANG},
    clear="0",
    marks={"6": CIRCUMFLEX, "7": HORN, "8": BREVE, "9": {"d": "đ"}},
)
KEYBOARDS = (TELEX, VNI)


@dataclass(frozen=True)
class _State:
    letters: str  # the syllable so far, without its tone
    tone: str = ""
    keyed: bool = False  # some key was read as a mark


def _mark(letters: str, key: str, keyboard: Keyboard) -> list[str]:
    """The ways *key* marks a letter already typed: the nearest one it can mark; "uo"
    under a horn becomes "ươ" (and "uơ", as in "thuở")."""
    changes = keyboard.marks[key]
    found = []
    if "u" in changes and "o" in changes:
        at = letters.rfind("uo")
        if at != -1:
            found.append(letters[:at] + "ươ" + letters[at + 2 :])
            found.append(letters[:at] + "uơ" + letters[at + 2 :])
    for i in range(len(letters) - 1, -1, -1):
        if letters[i] in changes:
            if key == "d" and i != 0:
                break  # dd: only the onset d becomes đ
            found.append(letters[:i] + changes[letters[i]] + letters[i + 1 :])
            break
    return found


def _read(typed: str, keyboard: Keyboard) -> list[_State]:
    """Every way of reading the keys of *typed*: each key as the mark it may be, or as
    itself (a letter)."""
    states = [_State("")]
    for key in typed:
        after: list[_State] = []
        for state in states:
            has_vowel = any(c in VOWELS for c in unicodedata.normalize("NFC", state.letters))
            if key in keyboard.tones and has_vowel:
                after.append(_State(state.letters, keyboard.tones[key], True))
            elif key == keyboard.clear and has_vowel:
                after.append(_State(state.letters, "", True))
            if key in keyboard.marks:
                marked = _mark(state.letters, key, keyboard)
                after += [_State(letters, state.tone, True) for letters in marked]
                if not marked and key in keyboard.alone:
                    after.append(_State(state.letters + keyboard.alone[key], state.tone, True))
            if key.isalpha():
                after.append(_State(state.letters + key, state.tone, state.keyed))
        states = list(dict.fromkeys(after))[: MOST * 4]
    return states


def readings(typed: str, keyboard: Keyboard) -> set[str]:
    """The Vietnamese syllables *typed* (one syllable, lower case, no marks) may mean on
    *keyboard*, read with at least one of its keys as a mark.

    >>> sorted(readings("nguwowif", TELEX)), sorted(readings("tosan", TELEX))
    (['người'], ['toán'])
    >>> sorted(readings("thuo73", VNI)), readings("sang", TELEX)
    (['thuở', 'thưở'], set())
    """
    if not typed or len(typed) > LONGEST or not typed.isascii() or not typed.isalnum():
        return set()
    found = []
    for state in _read(typed, keyboard):
        if state.keyed and is_vietnamese_syllable(state.letters):
            found.append(place_tone(state.letters, state.tone))
    return set(found[:MOST])


def prefix_reading(typed: str, keyboard: Keyboard) -> str | None:
    """The beginning of a syllable that *typed*, the keys typed so far, means on
    *keyboard* with every key that can be a mark read as one; None when none is."""
    if not typed or len(typed) > LONGEST or not typed.isascii() or not typed.isalnum():
        return None
    keyed = [state for state in _read(typed, keyboard) if state.keyed]
    if not keyed:
        return None
    best = min(keyed, key=lambda state: len(state.letters))  # the most keys read as marks
    return place_tone(best.letters, best.tone)


_KEYS_OF = {  # a marked letter -> the letter and the key that marks it, per keyboard
    "telex": {"â": "aa", "ê": "ee", "ô": "oo", "ă": "aw", "ơ": "ow", "ư": "uw", "đ": "dd"},
    "vni": {"â": "a6", "ê": "e6", "ô": "o6", "ă": "a8", "ơ": "o7", "ư": "u7", "đ": "d9"},
}


def keystrokes(syllable: str, keyboard: Keyboard, tone_last: bool = True) -> str:
    """The keys that type *syllable* (lower case) on *keyboard*: each marked letter as
    its letter and key, the tone key at the end (or, *tone_last* false, right after the
    vowel that carries it). What `readings` reads back.

    >>> keystrokes("người", TELEX), keystrokes("người", VNI, tone_last=False)
    ('nguwowif', 'ngu7o72i')
    """
    base, tone = strip_tone(unicodedata.normalize("NFC", syllable))
    tone_key = next((key for key, mark in keyboard.tones.items() if mark == tone), "")
    keys = []
    where = tone_vowel(base) if tone else None
    for i, letter in enumerate(base):
        keys.append(_KEYS_OF[keyboard.name].get(letter, letter))
        if tone_key and not tone_last and i == where:
            keys.append(tone_key)
    if tone_key and (tone_last or where is None):
        keys.append(tone_key)
    return "".join(keys)
