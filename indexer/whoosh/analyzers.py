"""Whoosh analyzers for the four representations, each a view of `language.analyse`.

Whoosh pickles a schema's analyzers into the index, so these are top-level classes
that carry the abbreviation table the index was built with; a reader gets it back
from the schema (`table_of`). The index's text fields take postings computed ahead
(postings.py); these analyzers serve Whoosh wherever it analyses a string itself
(the author and place fields, and any Whoosh tool opening the index).

>>> [t.text for t in RepresentationAnalyzer("words")("Tỉnh uỷ họp bàn nhân sự khóa XIII")]
['tỉnh ủy', 'họp', 'bàn', 'nhân sự', 'khóa', '13']
>>> [t.text for t in RepresentationAnalyzer("folded")("UBND TP.HCM")]
['uy', 'ban', 'nhan', 'dan', 'thanh', 'pho', 'ho', 'chi', 'minh']
>>> [t.text for t in RepresentationAnalyzer("pairs")("Hà Nội, Hải Phòng")]
['hà nội', 'hải phòng']
"""

from __future__ import annotations

from whoosh.analysis import Analyzer, Token

from ..language.abbreviations import Abbreviations
from ..language.analysis import REPRESENTATIONS, analyse


class RepresentationAnalyzer(Analyzer):
    """The terms of one representation ("words", "syllables", "folded" or "pairs").

    Honours Whoosh's positions, chars, start_pos, start_char and mode, and reuses one
    Token, as Whoosh's own tokenizers do. Words take a position each; syllables and
    folded syllables share theirs; a pair takes its first syllable's.
    """

    def __init__(self, representation: str, table: Abbreviations | None = None):
        if representation not in REPRESENTATIONS:
            raise ValueError(f"unknown representation {representation!r}")
        self.representation = representation
        self.table = table if table is not None else Abbreviations()

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        analysis = analyse(value, self.table)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        for text, pos, start, end in self._terms(analysis):
            token.text = text
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token

    def _terms(self, analysis):
        """(text, position, start, end) of each term."""
        spans = analysis.spans
        if self.representation == "words":
            for pos, (word, first, size) in enumerate(
                zip(analysis.words, analysis.starts(), analysis.sizes)
            ):
                yield word, pos, spans[first][0], spans[first + size - 1][1]
        elif self.representation == "pairs":
            terms = analysis.syllables
            for p in analysis.pair_positions():
                yield f"{terms[p - 1]} {terms[p]}", p - 1, spans[p - 1][0], spans[p][1]
        else:
            terms = analysis.syllables if self.representation == "syllables" else analysis.folded
            for pos, (term, (start, end)) in enumerate(zip(terms, spans)):
                yield term, pos, start, end


def table_of(schema) -> Abbreviations:
    """The abbreviation table an index was built with, from its (unpickled) schema."""
    return schema["body_w"].analyzer.table
