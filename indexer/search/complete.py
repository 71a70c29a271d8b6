"""Completions for the search box: the word being typed, read in the context of the others.

The words before the one being typed are read with their diacritics (the accent
restoration of vocabulary.py: "ket" -> "kết"); the last one is completed with what
follows them in the index (its pairs of syllables, titles counted three times), or with
a whole word or name that the typed text begins ("pham minh ch" -> "phạm minh chính"),
the commonest first. Suggestions never differ only by diacritics or case, and names
come as the articles write them ("Lạng Sơn").

>>> variants("d", "dđaáà"), variants("a", "dđaáà")
(['d', 'đ'], ['a', 'á', 'à'])
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict

from ..language.analysis import NAME_SYLLABLES, Analysis
from ..language.keyboards import KEYBOARDS, prefix_reading, readings
from ..language.text import fold, has_diacritics, normalize_syllable, strip_tone
from .didyoumean import respell
from .vocabulary import Vocabulary

COMPLETION_MIN_DF = 2  # a body word must occur in this many documents to be offered
TITLE_WEIGHT = 3.0  # a word or pair in a title counts as this many in a body
READINGS = 3  # accented readings of the word before tried as the context
SCANNED = 5000  # words looked at, at most, for one prefix
# readings of the words before kept: while a word is typed letter by letter, the words
# before it stay the same, and their accent restoration is most of a completion's time
CONTEXTS_KEPT = 2000
WHOLE = 2  # whole words a completed syllable is offered as ("trung" -> "trung ương")


def begins(syllable: str, typed: str) -> bool:
    """Does *syllable* begin as *typed*, the beginning of a syllable, reads? A letter
    typed with a mark must be that letter, a tone typed that tone; a letter typed bare
    may still get its mark, and the tone usually comes last.

    >>> begins("đồng", "đô"), begins("người", "ngưo"), begins("bảo", "bă"), begins("tổ", "tố")
    (True, True, False, False)
    """
    base, tone = strip_tone(syllable)
    typed_base, typed_tone = strip_tone(typed)
    if (typed_tone and typed_tone != tone) or len(typed_base) > len(base):
        return False
    return all(t == b or (t == fold(t) and fold(b) == t) for t, b in zip(typed_base, base))


def _agrees(term: str, typed: str) -> bool:
    """Does *term* begin as *typed*, syllable by syllable, where *typed* has marks?"""
    for word, given in zip(term.split(), typed.split()):
        if has_diacritics(given) and not begins(word, given):
            return False
    return True


def variants(letter: str, alphabet: str) -> list[str]:
    """The letters of *alphabet* that fold to *letter* (itself first): what a letter typed
    without diacritics may stand for."""
    found = [c for c in alphabet if fold(c) == letter and c != letter]
    return [letter, *found]


def offered(title: dict[str, int], body: dict[str, int]) -> list[tuple[str, float, str]]:
    """The words offered of those of titles and bodies (how many documents hold each), as
    (folded, -weight, word) in folded order: every title word, TITLE_WEIGHT times; a body
    word in COMPLETION_MIN_DF documents or more, or in a title."""
    weights: dict[str, float] = {}
    for term, df in title.items():
        weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT * df
    for term, df in body.items():
        if df >= COMPLETION_MIN_DF or term in weights:
            weights[term] = weights.get(term, 0.0) + df
    return sorted((fold(term), -weight, term) for term, weight in weights.items())


class Recent:
    """The words of the documents written since a vocabulary was read, offered as the
    vocabulary's are (a word a rebuilt index would not offer is not offered now either)."""

    def __init__(self, title: dict[str, int], body: dict[str, int]):
        entries = offered(title, body)
        self.entries = (entries, [key for key, _, _ in entries])


class Completions:
    """Completions over one index's vocabulary; *analyse* is the index's analysis."""

    def __init__(self, vocabulary: Vocabulary, analyse):
        self.vocabulary = vocabulary
        self.analyse = analyse
        self._lock = threading.Lock()
        self._entries: list[tuple[str, float, str]] | None = None
        self._keys: list[str] = []
        self._contexts: OrderedDict[str, list] = OrderedDict()
        self._whole: dict[str, list[tuple[float, list[str]]]] = {}
        self._words: set[str] = set()  # the offered words of several syllables

    def entries(self) -> list[tuple[str, float, str]]:
        """Every offered word as (folded, -weight, word), in folded order."""
        with self._lock:
            if self._entries is None:
                vocabulary = self.vocabulary
                entries = offered(vocabulary.words("title"), vocabulary.words("body"))
                self._words = {term for _, _, term in entries if " " in term}
                self._entries = entries
                self._keys = [key for key, _, _ in entries]
            return self._entries

    def words_starting(self, typed: str, recent: Recent | None = None) -> list[tuple[float, str]]:
        """(weight, word) of the words whose folded form begins as *typed* folds, and
        that agree with the marks typed, if any ("báo bắ" is not "bảo ban"); the words
        of *recent* documents, written since the vocabulary was read, added."""
        key = fold(typed)
        marked = has_diacritics(typed)
        found: dict[str, float] = {}
        for entries, keys in ((self.entries(), self._keys), recent.entries if recent else ([], [])):
            start = bisect.bisect_left(keys, key)
            for folded, weight, term in entries[start : start + SCANNED]:
                if not folded.startswith(key):
                    break
                if marked and not _agrees(term, typed):
                    continue
                found[term] = found.get(term, 0.0) - weight
        return [(weight, term) for term, weight in found.items()]

    def following(self, before: str, typed: str) -> list[tuple[float, str]]:
        """(weight, syllable) of the syllables that follow *before* in the index and begin
        as *typed* does, diacritics or not (marks typed must agree)."""
        vocabulary = self.vocabulary
        heads = variants(fold(typed[0]), vocabulary.alphabet)
        if has_diacritics(typed[0]):
            heads = [typed[0]]
        prefixes = [f"{before} {head}" for head in heads]
        marked = has_diacritics(typed)
        weights: dict[str, float] = {}
        for field, weight in (("body", 1.0), ("title", TITLE_WEIGHT)):
            for pair, df in vocabulary.lexicon.starting(field, "pairs", prefixes).items():
                after = pair[len(before) + 1 :]
                if fold(after).startswith(fold(typed)) and (not marked or begins(after, typed)):
                    weights[after] = weights.get(after, 0.0) + weight * df
        return [(weight, syllable) for syllable, weight in weights.items()]

    def whole(self, syllable: str) -> list[tuple[float, list[str]]]:
        """The words of the index that *syllable* begins, each with its share of them
        (of their documents): "trung" -> "trung ương", "trung tâm", "trung"; at most
        WHOLE, the commonest first, and *syllable* itself when it is none."""
        with self._lock:
            if syllable in self._whole:
                return self._whole[syllable]
        entries, key = self.entries(), fold(syllable)
        start = bisect.bisect_left(self._keys, key)
        found = []
        for folded, weight, term in entries[start : start + SCANNED]:
            if folded != key and not folded.startswith(key + " "):
                break
            if term == syllable or term.startswith(syllable + " "):
                found.append((-weight, term.split()))
        total = sum(weight for weight, _ in found)
        found.sort(key=lambda item: -item[0])
        shares = [(weight / total, words) for weight, words in found[:WHOLE]] or [(1.0, [syllable])]
        with self._lock:
            self._whole[syllable] = shares
            if len(self._whole) > CONTEXTS_KEPT:
                self._whole.clear()
        return shares

    def complete(self, text: str, limit: int = 8, recent: Recent | None = None) -> list[str]:
        """Complete the last word of *text* to a whole word of the index, diacritics or
        not: "to ch" -> "tổ chức", "ban to chuc tr" -> "Ban Tổ chức Trung ương". Words
        typed with Telex's or VNI's keys are read as meant ("ddoongf" -> "đồng"). The
        words of *recent* documents count too."""
        words = text.split()
        if not words or text[-1:].isspace() or not any(c.isalnum() for c in words[-1]):
            return []
        *head, last = [self.keyed(w) for w in words[:-1]] + [words[-1]]
        typings = [normalize_syllable(last)]
        for keyboard in KEYBOARDS:
            reading = prefix_reading(last.lower(), keyboard)
            if reading and reading not in typings:
                typings.append(reading)
        contexts = self.contexts(" ".join(head)) if head else []
        shown = contexts[0][0] if contexts else []  # the words before, as read
        ranked: list[tuple[int, float, list[str]]] = []  # (tier, -weight, words)
        if (meant := self.keyed(last)) != last:  # a whole syllable typed with keys: first
            before = shown or [normalize_syllable(w) for w in head]
            ranked.append((-1, 0.0, [*before, meant]))
        for typed in typings:
            ranked += self._ranked(head, typed, contexts, shown, recent)
        ranked.sort(key=lambda item: (item[0], item[1]))
        found: dict[str, str] = {}  # folded -> the suggestion
        as_typed = [normalize_syllable(w) for w in words]
        for _, _, syllables in ranked:
            key = fold(" ".join(syllables))
            if key in found or syllables == as_typed:  # nothing to complete
                continue
            found[key] = " ".join(self.shown(syllables, words))
            if len(found) == limit:
                break
        return list(found.values())

    def _ranked(self, head: list[str], typed: str, contexts, shown, recent=None) -> list:
        """(tier, -weight, words) of every completion of *typed* after *head*."""
        ranked = []
        if len(shown) == len(head):  # one syllable a word: the typed text may begin a name
            words = [*head, typed]
            for size in range(min(3, len(words)), 1, -1):
                tail = " ".join(normalize_syllable(w) for w in words[-size:])
                for weight, term in self.words_starting(tail, recent):
                    ranked.append((0, -weight, [*shown[: len(words) - size], *term.split()]))
        for before, syllable, known in contexts:  # what follows the words before, whole
            for weight, after in self.following(syllable, typed):
                ended = self.ends_word([*before, after])
                for share, word in [(1.0, [after])] if ended else self.whole(after):
                    ranked.append((0 if known else 1, -weight * share, [*before, *word]))
        if not ranked:  # nothing follows the words before: the last word alone, after them
            before = shown or [normalize_syllable(w) for w in head]
            for weight, term in self.words_starting(typed, recent):
                ranked.append((2, -weight, [*before, *term.split()]))
        return ranked

    def ends_word(self, syllables: list[str]) -> bool:
        """Does the last of *syllables* end a word of several that the index holds, or a
        name ("tổ chức", "Phạm Minh Chính")? Then it is no beginning to complete."""
        self.entries()
        for size in range(2, min(len(syllables), NAME_SYLLABLES) + 1):
            tail = " ".join(syllables[-size:])
            if tail in self._words or self.vocabulary.written(tail) is not None:
                return True
        return False

    def keyed(self, word: str) -> str:
        """*word*, or what it means typed with Telex's or VNI's keys when the index does
        not hold it as typed and holds that ("chuwcs" -> "chức")."""
        plain = word.lower()
        if not plain.isascii() or fold(plain) in self.vocabulary.by_fold:
            return word
        known = self.vocabulary.known
        meant = [r for keyboard in KEYBOARDS for r in readings(plain, keyboard) if r in known]
        return max(meant, key=lambda r: known[r]) if meant else word

    def shown(self, words: list[str], typed: list[str]) -> list[str]:
        """*words* as the articles write them (names capitalised), and where a word was
        typed with a capital (the one being typed too), with it."""
        out = self.vocabulary.as_written(words)
        for i, word in enumerate(typed[: len(out)]):
            if word.isupper() and len(word) > 1:
                out[i] = out[i].upper()
            elif word[:1].isupper():
                out[i] = out[i][:1].upper() + out[i][1:]
        return out

    def contexts(self, head: str) -> list[tuple[list[str], str, bool]]:
        """The readings of the words before: (the words as shown, the syllable a
        completion follows, whether this is the likeliest reading), the likeliest first.

        Typed without diacritics, they are restored, and the last one's other readings
        are tried too; abbreviations and numerals are shown as typed."""
        with self._lock:
            if head in self._contexts:
                self._contexts.move_to_end(head)
                return self._contexts[head]
        found = self._read(head)
        with self._lock:
            self._contexts[head] = found
            while len(self._contexts) > CONTEXTS_KEPT:
                self._contexts.popitem(last=False)
        return found

    def _read(self, head: str) -> list[tuple[list[str], str, bool]]:
        run = self.analyse(head)
        if not run.syllables:
            return []
        syllables = list(run.syllables)
        typed_plain = not has_diacritics(head)  # "UBND tinh": restore what was typed
        if typed_plain:
            bare = Analysis(syllables=run.folded, folded=run.folded)
            syllables = self.vocabulary.restore(bare) or list(run.folded)
        plain = len(run.syllables) == len(head.split()) and all(
            surface is not None and fold(surface).lower() == folded
            for surface, folded in zip(run.surfaces, run.folded)
        )
        if not plain:  # "UBND tinh": shown as typed, read with its diacritics
            shown = respell(head, run, syllables).split()
            return [([*shown[:-1], normalize_syllable(shown[-1])], syllables[-1], True)]
        readings = [(syllables, syllables[-1], True)]
        if typed_plain:
            for term, _ in self.vocabulary.readings(run.folded[-1])[:READINGS]:
                if term != syllables[-1]:
                    readings.append(([*syllables[:-1], term], term, False))
        return readings
