"""The query syntax people know, parsed deliberately: never an error, odd input is words.

    "exact phrase"    -word    -"a phrase"    a b OR c d    title:x  author:"Thu Hằng"  place:x

``OR`` (in capitals) separates alternatives, each a run of clauses that must hold
together; exclusions apply to every alternative. Consecutive plain words stay one text
run, so pyvi segments them together ("tổ chức" is one word only when seen whole).
Unbalanced quotes, a lone "-", a leading or doubled OR and unknown "name:" prefixes
are read as plain text or ignored.

>>> q = parse('tổ chức -"hội nghị" OR title:Đảng author:"Thu Hằng"')
>>> [[(c.text, c.field) for c in alternative] for alternative in q.alternatives]
[[('tổ chức', None)], [('Đảng', 'title'), ('Thu Hằng', 'author')]]
>>> [(c.text, c.phrase) for c in q.excluded]
[('hội nghị', True)]
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

FIELDS = {
    "title": "title",
    "tieude": "title",
    "author": "author",
    "tacgia": "author",
    "place": "place",
    "diadiem": "place",
}
_FIELD_PREFIX = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)


@dataclass
class Clause:
    """A run of words, or a quoted phrase, searched in all text or in one field."""

    text: str
    phrase: bool = False
    field: str | None = None  # None, "title", "author" or "place"
    required: bool = False  # every word must hold (a query rewritten by search.synonyms)


@dataclass
class Query:
    """Alternatives (each a list of clauses that must all hold) and exclusions."""

    alternatives: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.alternatives and not self.excluded

    def clauses(self):
        """Every positive clause, in order."""
        for alternative in self.alternatives:
            yield from alternative

    @property
    def plain(self) -> bool:
        """Tell whether this is plain words only (no operators, phrases or fields)."""
        return (
            len(self.alternatives) == 1
            and not self.excluded
            and all(not c.phrase and c.field is None for c in self.alternatives[0])
        )


def _pieces(text: str):
    """Yield (kind, value, negated, start, end) for "or", "phrase", "word" and "dropped"
    pieces of *text* (start, end: where the piece stands in it)."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        negated = False
        begin = i
        if char == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            negated = True
            i += 1
            char = text[i]
        if char == '"':
            close = text.find('"', i + 1)
            if close == -1:  # an unbalanced quote is not an operator
                i += 1
                continue
            yield "phrase", text[i + 1 : close], negated, begin, close + 1
            i = close + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        word = text[i:j]
        # a field name with a quoted value: title:"..."
        if word.endswith(":") and j < n and text[j] == '"' and text.find('"', j + 1) != -1:
            close = text.find('"', j + 1)
            word = word + text[j : close + 1]
            j = close + 1
        i = j
        if word == "OR" and not negated:
            yield "or", word, False, begin, j
        elif word not in ("AND", "+", "|", "&&", "||"):
            yield "word", word.lstrip("+"), negated, j - len(word.lstrip("+")), j
        else:
            yield "dropped", word, negated, begin, j


def _field_clause(word: str) -> Clause | None:
    match = _FIELD_PREFIX.match(word)
    if not match or match.group(1).lower() not in FIELDS:
        return None
    name, value = FIELDS[match.group(1).lower()], match.group(2)
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return Clause(value[1:-1], phrase=True, field=name)
    return Clause(value, field=name)


def parse(text: str) -> Query:
    """Parse a search box's text; any input gives a Query."""
    query = Query()
    current: list[Clause] = []
    run: list[tuple] = []  # the run's words: (word, start, end or None after a dropped one)

    def end_run():
        if run:
            # the words as they stand in the text, so that punctuation and line breaks
            # between them part them as they do in a document
            joined = run[0][0]
            for (_, _, end), (word, start, _) in itertools.pairwise(run):
                joined += (" " if end is None else text[end:start]) + word
            current.append(Clause(joined))
            run.clear()

    for kind, value, negated, start, end in _pieces(text):
        if kind == "or":
            end_run()
            if current:
                query.alternatives.append(current)
                current = []
            continue
        if kind == "dropped":  # AND, +, |: the words around it stay one run
            if run:
                run[-1] = (run[-1][0], run[-1][1], None)
            continue
        clause = Clause(value, phrase=True) if kind == "phrase" else _field_clause(value)
        if clause is None and not negated:
            run.append((value, start, end))
            continue
        if clause is None:
            clause = Clause(value)
        end_run()
        if not clause.text.strip():
            continue
        (query.excluded if negated else current).append(clause)
    end_run()
    if current:
        query.alternatives.append(current)
    return query
