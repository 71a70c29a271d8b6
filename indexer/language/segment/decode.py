"""Decoding pyvi's labels: sentences cut into chunks, a two-label Viterbi, pyvi's join rule."""

from __future__ import annotations

import string

import pycrfsuite

from .features import Features
from .model import WEIGHTS, tagger

# The CRF tags a few sentences at a time (a chunk of at most MAX_SENTENCE syllables), so
# memory stays bounded on a 10 MB line. A sentence ends after these: pyvi never joins a
# syllable to them; features see the neighbours beyond a cut and the decoding runs on
# past it (OVERLAP), so the labels match tagging the whole text at once.
_SENTENCE_END = frozenset({".", "!", "?"})
# With no sentence end in sight, cut here (clause punctuation) or, failing that, anywhere.
_CLAUSE_END = frozenset({",", ";", ":"})
MAX_SENTENCE = 400
OVERLAP = 6  # syllables of context decoded on each side of a chunk


TIE = 1e-9  # two path scores closer than this are left to CRFsuite to decide


def viterbi(scores: list[tuple[float, float]]) -> list[bool] | None:
    """The best label path as "is I_W" flags, or None when a close call could go either way.

    Scores summed in another order than CRFsuite's may differ in the last bits, so any
    comparison closer than TIE is handed back to CRFsuite, whose decision is the reference.
    """
    bb, bi, ib, ii = WEIGHTS.transition
    low, high = -TIE, TIE
    b, i = scores[0]
    back = []  # per position: bit 0, did the best path into B_W come from I_W; bit 1, into I_W
    for sb, si in scores[1:]:
        to_b_from_b, to_b_from_i = b + bb, i + ib
        to_i_from_b, to_i_from_i = b + bi, i + ii
        into_b = to_b_from_b - to_b_from_i  # its sign is the comparison's, exactly
        into_i = to_i_from_b - to_i_from_i
        if low < into_b < high or low < into_i < high:
            return None
        if into_b < 0:
            b = to_b_from_i + sb
            step = 1
        else:
            b = to_b_from_b + sb
            step = 0
        if into_i < 0:
            i = to_i_from_i + si
            step |= 2
        else:
            i = to_i_from_b + si
        back.append(step)
    if abs(b - i) < TIE:
        return None
    label = i > b
    path = [label]
    for step in reversed(back):
        label = bool(step >> label & 1)
        path.append(label)
    path.reverse()
    return path


def joins(previous: str, current: str) -> bool:
    # pyvi's rule for gluing a syllable tagged I_W to the one before it. Note that
    # `in string.punctuation` is a substring test, exactly as pyvi has it.
    return not (
        current in string.punctuation
        or previous in string.punctuation
        or current[0].isdigit()
        or previous[0].isdigit()
        or (current[0].istitle() and not previous[0].istitle())
    )


def sentences(tokens: list[str]):
    """Yield (start, end) index ranges of the sentences in a syllable list."""
    ends = [i + 1 for i, token in enumerate(tokens) if token in _SENTENCE_END]
    if not ends or ends[-1] != len(tokens):
        ends.append(len(tokens))
    start = 0
    for end in ends:
        while end - start > MAX_SENTENCE:  # a run-on "sentence": cut at a clause, or anywhere
            window = range(start + MAX_SENTENCE - 1, start, -1)
            cut = next((i + 1 for i in window if tokens[i] in _CLAUSE_END), start + MAX_SENTENCE)
            yield start, cut
            start = cut
        if end > start:
            yield start, end
        start = end


def tag(tokens: list[str], start: int = 0, end: int | None = None) -> list[bool]:
    """For each syllable of the sentences tokens[start:end]: does pyvi label it I_W?

    The CRF decodes a window reaching OVERLAP syllables into the neighbouring sentences:
    a label depends on its neighbours' labels, and cutting the chain exactly at the
    sentence would, rarely, decide a first word differently than pyvi's whole-text pass.
    """
    end = len(tokens) if end is None else end
    if start >= end:
        return []
    lo, hi = max(start - OVERLAP, 0), min(end + OVERLAP, len(tokens))
    inside = viterbi(Features.scores(tokens, lo, hi))
    if inside is None:
        labels = tagger().tag(pycrfsuite.ItemSequence(Features.sentence(tokens, lo, hi)))
        inside = [label == "I_W" for label in labels]
    return inside[start - lo : end - lo]


def chunks(tokens: list[str]):
    """Whole sentences gathered into chunks of at most MAX_SENTENCE syllables.

    Fewer, longer sequences for the CRF: less overhead per call, and the context
    decoded around each cut (OVERLAP) is paid once per chunk, not once per sentence.
    """
    start = end = 0
    for sentence_start, sentence_end in sentences(tokens):
        if sentence_end - start > MAX_SENTENCE and end > start:
            yield start, end
            start = sentence_start
        end = sentence_end
    if end > start:
        yield start, end
