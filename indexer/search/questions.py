"""What a question only asks, and what it is about: question words and typed names.

>>> from indexer.language.analysis import analyse
>>> run = analyse("Marlee Matlin đã giành được giải thưởng nào?")
>>> [s for s, asks in zip(run.syllables, question_mask(run)) if asks]
['nào']
>>> sorted(names(run, question_mask(run)))
['marlee', 'marlee matlin', 'matlin']
"""

from __future__ import annotations

from ..language.analysis import Analysis
from ..language.text import fold

# How questions are asked, not what they ask about: these words only match other
# questions ("có bao nhiêu" in a sentence about something else), so they do not score.
QUESTION_WORDS = [
    tuple(phrase.split())
    for phrase in (
        "bao nhiêu", "mấy", "gì", "nào", "ai", "đâu", "tại sao", "vì sao", "ra sao", "thế nào",
        "khi nào", "lúc nào", "bao giờ", "là gì", "cái gì", "điều gì", "những gì",
        "đúng hay sai", "hay không", "phải không", "có phải", "đúng không", "không", "chăng",
    )
]  # fmt: skip
_QUESTION_EXACT = sorted(QUESTION_WORDS, key=len, reverse=True)
# Without diacritics only the phrases: "ai", "gi", "nao" alone are too many other words.
_QUESTION_FOLDED = sorted(
    {tuple(fold(w) for w in p) for p in QUESTION_WORDS if len(p) > 1}, key=len, reverse=True
)


def capitalised(run: Analysis, position: int) -> bool:
    """Was the syllable at *position* typed with a capital?"""
    surface = run.surfaces[position] if position < len(run.surfaces) else None
    return bool(surface) and surface[:1].isupper()


def question_mask(run: Analysis) -> list[bool]:
    """Which syllables of *run* only ask the question: True to leave out of the scoring.

    A one-syllable question word counts only as a word of its own, and not capitalised
    inside the text: "ai" asks who, "Ai Cập" is Egypt. "không" asks only at the end.
    All of them stay when the query is nothing else.
    """
    terms, phrases = (
        (run.syllables, _QUESTION_EXACT) if run.accented else (run.folded, _QUESTION_FOLDED)
    )
    alone = {start for start, size in zip(run.starts(), run.sizes) if size == 1}
    mask = [False] * len(terms)
    for i in range(len(terms)):
        for phrase in phrases:
            if tuple(terms[i : i + len(phrase)]) != phrase:
                continue
            if len(phrase) == 1 and (i not in alone or (i > 0 and capitalised(run, i))):
                continue
            if phrase == ("không",) and i != len(terms) - 1:
                continue
            mask[i : i + len(phrase)] = [True] * len(phrase)
            break
    return [False] * len(terms) if all(mask) else mask


def names(run: Analysis, mask: list[bool]) -> set[str]:
    """Words typed capitalised, and their syllables: what a question is about.

    The first word counts only when all its syllables are capitalised ("Marlee Matlin"):
    a sentence capitalises just its first letter.
    """
    found = set()
    for word, start, size in zip(run.words, run.starts(), run.sizes):
        syllables = range(start, start + size)
        if (start > 0 or size > 1) and all(capitalised(run, i) and not mask[i] for i in syllables):
            found.add(word)
            found.update(run.syllables[start : start + size])
    return found


def kept(terms: list[str], mask: list[bool]) -> list[str]:
    """The terms the mask keeps."""
    return [t for t, dropped in zip(terms, mask) if not dropped]
