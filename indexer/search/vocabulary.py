"""The index's own vocabulary: accent restoration, spelling corrections, written forms.

A query typed without diacritics ("to chuc dang") is read back into its likeliest
accented form ("tổ chức đảng") under the index's bigram model (bigrams.py): candidates
for each syllable are the indexed syllables that fold to it. The readings of a
query that correct.py tries, the forms names are written in ("Lạng Sơn") and the
completions of complete.py come from the same vocabulary.
"""

from __future__ import annotations

import threading
from itertools import pairwise
from typing import Protocol

from ..language.analysis import NAME_SYLLABLES, Analysis
from ..language.text import fold
from .bigrams import Bigrams, Reading

CANDIDATES = 8  # accented readings tried per folded syllable
# A reading under this share of the most frequent one's documents is not tried: the same
# restorations, in half the time (pair lookups are most of it).
RARE = 0.003
# A name is written capitalised when nearly all the documents holding its syllables
# together write it so: a word capitalised at the start of sentences, or inside a name
# ("Tổ chức" in "Ban Tổ chức"), is lower-case elsewhere, and is no name.
NAME_SHARE = 0.9
# Of several syllables, two or more capitalised ("Khánh Hòa", "Ban Tổ chức Trung ương",
# not "Tổ chức"), a smaller share: headlines in capitals, abbreviations ("Ban Tổ chức TW")
# and pyvi words cut across the name ("tỉnh_Khánh Hòa") hide it in a tenth of its
# documents or more (Khánh Hòa: 400 of 449 in baomoi; Yên Bái 301 of 380).
TITLED_NAME_SHARE = 0.75
# What reading a syllable typed bare as another syllable costs (natural log) in a query
# whose other syllables were typed with marks: "hải quan" is customs, though "hải quân"
# (navy) is the commoner pair; "xay dựng" is still read "xây dựng".
BARE_BESIDE_MARKED = 5.0
NAMED_BARE = 4.0  # and one typed capitalised ("chiến thắng The Face")
ALPHABET = 120  # letters an edit tries in each place: Vietnamese has 89 lower-case


def bare_cost(run: Analysis, p: int) -> float:
    """What reading the syllable at *p*, typed bare, as another syllable costs: nothing in
    a query typed bare; beside syllables typed with marks BARE_BESIDE_MARKED, and more
    when it was typed capitalised (a name, a foreign word: "Lin Dan", "The Face")."""
    if not run.accented:
        return 0.0
    surface = run.surfaces[p] if p < len(run.surfaces) else None
    named = bool(surface) and surface[:1].isupper()
    return BARE_BESIDE_MARKED + (NAMED_BARE if named else 0.0)


class Lexicon(Protocol):
    """What a backend tells of its index's terms (one consistent reading of it)."""

    def frequencies(self, field: str, representation: str) -> dict[str, int]:
        """Every term of a text field's representation, and how many documents hold it."""

    def frequency(self, field: str, representation: str, term: str) -> int:
        """How many documents hold *term* in a text field's representation."""

    def counts(self, field: str, representation: str, terms) -> dict[str, int]:
        """frequency() of each of *terms*, at once (a backend may ask for them together)."""

    def starting(self, field: str, representation: str, prefixes) -> dict[str, int]:
        """The terms of a text field's representation beginning with any of *prefixes*,
        each with how many documents hold it."""

    def names(self) -> dict[str, int]:
        """Words as written capitalised in the documents ("Lạng Sơn"), each with how many
        documents write it so."""


class Vocabulary:
    """Views of one index's lexicons, built on first use."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self._lock = threading.Lock()
        self._by_fold: dict[str, list[tuple[str, int]]] | None = None
        self._names: dict[str, tuple[int, str]] | None = None
        self._words: dict[str, dict[str, int]] = {}
        self._total = 1
        self._known: dict[str, int] = {}
        self._alphabet = ""

    # --- lexicons ------------------------------------------------------------------

    def _frequencies(self, field: str, representation: str):
        yield from self.lexicon.frequencies(field, representation).items()

    @property
    def by_fold(self) -> dict[str, list[tuple[str, int]]]:
        """Folded syllable -> [(accented syllable, documents)], most frequent first.

        The same pass counts what `known`, `alphabet` and `syllable_total` return."""
        with self._lock:
            if self._by_fold is None:
                counts: dict[str, int] = {}
                for name in ("body", "title"):
                    for term, df in self._frequencies(name, "syllables"):
                        counts[term] = counts.get(term, 0) + df
                by_fold: dict[str, list[tuple[str, int]]] = {}
                letters: dict[str, int] = {}
                for term, df in counts.items():
                    by_fold.setdefault(fold(term), []).append((term, df))
                    for letter in set(term):
                        letters[letter] = letters.get(letter, 0) + df
                for options in by_fold.values():
                    options.sort(key=lambda item: -item[1])
                self._known = counts
                self._total = max(1, sum(counts.values()))
                self._alphabet = "".join(sorted(letters, key=lambda c: -letters[c])[:ALPHABET])
                self._by_fold = by_fold
            return self._by_fold

    @property
    def known(self) -> dict[str, int]:
        """Every indexed syllable (title or body) and how many documents hold it."""
        self.by_fold  # noqa: B018 - built with it
        return self._known

    @property
    def alphabet(self) -> str:
        """The letters of the indexed syllables, the commonest first: what edits try."""
        self.by_fold  # noqa: B018 - built with it
        return self._alphabet

    @property
    def syllable_total(self) -> int:
        """The sum of every syllable's document frequency: the unigram model's total."""
        self.by_fold  # noqa: B018 - built with it
        return self._total

    def pair_frequency(self, pair: str) -> int:
        """How many documents hold the pair "a b" (body and title counted apart)."""
        return self.pair_frequencies([pair])[pair]

    def pair_frequencies(self, pairs) -> dict[str, int]:
        """pair_frequency() of each of *pairs*, asked of the lexicon at once."""
        pairs = list(pairs)
        body = self.lexicon.counts("body", "pairs", pairs)
        title = self.lexicon.counts("title", "pairs", pairs)
        return {pair: body[pair] + title[pair] for pair in body}

    def words(self, field: str) -> dict[str, int]:
        """Every pyvi word of a text field and how many documents hold it (read once)."""
        with self._lock:
            if field not in self._words:
                self._words[field] = self.lexicon.frequencies(field, "words")
            return self._words[field]

    # --- written forms -------------------------------------------------------------

    def written(self, key: str) -> str | None:
        """The capitalised form most documents write *key* (lower-case syllables) in, if
        at least NAME_SHARE of the documents holding those syllables together write it
        so: "lạng sơn" -> "Lạng Sơn"; not "lý", which "quản lý" holds lower-case."""
        with self._lock:
            if self._names is None:
                best: dict[str, tuple[int, str]] = {}
                for form, df in self.lexicon.names().items():
                    lower = form.lower()
                    if df > best.get(lower, (0, ""))[0]:
                        best[lower] = (df, form)
                self._names = best
        found = self._names.get(key)
        if found is None:
            return None
        df, form = found
        syllables = key.split()
        if len(syllables) == 1:
            held = self.known.get(key, 0)
        else:  # documents holding each pair of it: at least those holding it all
            pairs = [f"{a} {b}" for a, b in pairwise(syllables)]
            held = min(self.pair_frequencies(pairs).values())
        capitals = [s[:1].isupper() for s in form.split()]
        titled = capitals[0] and sum(capitals) >= 2  # "Khánh Hòa", "Ban Tổ chức Trung ương"
        share = TITLED_NAME_SHARE if titled else NAME_SHARE
        return form if df >= share * max(held, df) else None

    def as_written(self, syllables: list[str]) -> list[str]:
        """*syllables* (lower case) in the form the articles write them: the longest runs
        that are names ("lạng sơn" -> "Lạng Sơn") capitalised as the names are."""
        out, i = [], 0
        while i < len(syllables):
            for j in range(min(len(syllables), i + NAME_SYLLABLES), i, -1):
                form = self.written(" ".join(syllables[i:j]))
                if form is not None and len(form.split()) == j - i:
                    out += form.split()
                    i = j
                    break
            else:
                out.append(syllables[i])
                i += 1
        return out

    # --- accent restoration --------------------------------------------------------

    def restore(self, run: Analysis) -> list[str] | None:
        """Return the likeliest reading of a run with syllables typed bare: each of those
        read with its diacritics in the context of the others (those typed with marks
        stay as typed); None when it has none, or no reading adds a mark to any."""
        marked = run.marked()
        if not run.folded or all(marked):
            return None
        known = self.known
        columns = [
            [Reading(syllable, known.get(syllable, 0))] if typed else
            [Reading(term, df, 0.0 if term == folded else bare_cost(run, p))
             for term, df in self.readings(folded, itself=run.accented)]
            for p, (syllable, folded, typed) in enumerate(zip(run.syllables, run.folded, marked))
        ]  # fmt: skip
        restored = [reading.syllable for reading in Bigrams(self, columns).likeliest()[1]]
        return restored if restored != run.syllables else None

    def readings(self, folded: str, itself: bool = False) -> list[tuple[str, int]]:
        """The accented syllables *folded* may stand for, with their frequencies: the
        most frequent CANDIDATES, without the rare forms (mostly typos: "ngưòi"); with
        *itself*, the bare syllable too when the index holds it (typed bare beside
        syllables typed with marks, it is what was likely meant: "moi tiền")."""
        found = self.by_fold.get(folded)
        if not found:
            return [(folded, 0)]
        floor = found[0][1] * RARE
        chosen = [item for item in found[:CANDIDATES] if item[1] >= floor]
        if itself and folded in self.known and all(term != folded for term, _ in chosen):
            chosen.append((folded, self.known[folded]))
        return chosen
