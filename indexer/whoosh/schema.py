"""The Whoosh schema: which fields, analyzed how, stored or not.

Each text field (title, body) is indexed in four representations, named by suffix:
``_w`` pyvi words, ``_s`` syllables, ``_f`` folded syllables and ``_b`` pairs of adjacent
syllables (see language/analysis.py). Syllables and folded syllables share positions, so one
stored table of character spans (``spans``) and one of syllables by position (``terms``)
serve highlighting for both; the pairs carry
proximity without the cost of phrase queries. (Pairs of folded syllables were measured
and left out: no better ranking for queries without diacritics, a quarter more index.)
"""

from __future__ import annotations

from whoosh import columns, fields

from ..language.abbreviations import Abbreviations
from ..language.analysis import REPRESENTATIONS
from .analyzers import RepresentationAnalyzer

TEXT_FIELDS = ("title", "body")
# Each representation's suffix in a field's name: body_w, body_s, body_f, body_b.
SUFFIXES = dict(zip(REPRESENTATIONS, ("w", "s", "f", "b")))


def fieldname(field: str, representation: str) -> str:
    """The Whoosh field of a field's representation: ("body", "syllables") -> "body_s"."""
    return f"{field}_{SUFFIXES[representation]}"


class Postings:
    """A field's postings computed ahead (in a worker): the items of field.index(), as
    four columns (term bytes, frequencies, weights, value bytes)."""

    __slots__ = ("freqs", "texts", "values", "weights")

    def __init__(self, texts: list, freqs: list, weights: list, values: list):
        self.texts, self.freqs, self.weights, self.values = texts, freqs, weights, values

    @classmethod
    def of(cls, items) -> Postings:
        """The Postings of items as a field's index() gives them."""
        texts, freqs, weights, values = (list(c) for c in zip(*items)) if items else ([],) * 4
        return cls(texts, freqs, weights, values)

    @property
    def items(self) -> list[tuple]:
        return list(zip(self.texts, self.freqs, self.weights, self.values))

    def __getstate__(self):
        return self.texts, self.freqs, self.weights, self.values

    def __setstate__(self, state):
        self.texts, self.freqs, self.weights, self.values = state


class VietnameseText(fields.TEXT):
    """A TEXT field that also accepts Postings computed ahead instead of a string."""

    def index(self, value, **kwargs):
        if isinstance(value, Postings):
            return iter(value.items)
        return super().index(value, **kwargs)


class Names(fields.KEYWORD):
    """The names a document writes ("Lạng Sơn", comma-separated), or their Postings."""

    def __init__(self):
        super().__init__(commas=True, lowercase=False, scorable=False)

    def index(self, value, **kwargs):
        if isinstance(value, Postings):
            return iter(value.items)
        return super().index(value, **kwargs)


def build_schema(abbreviations: Abbreviations | None = None) -> fields.Schema:
    """Return the schema, its analyzers carrying *abbreviations* (built-ins plus the user's)."""
    table = abbreviations if abbreviations is not None else Abbreviations()
    analyzers = {
        suffix: RepresentationAnalyzer(representation, table)
        for representation, suffix in SUFFIXES.items()
    }
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        serial=fields.ID(),  # one per record of a run: lets a later duplicate replace it
        hash=fields.ID(sortable=True),  # content hash, for incremental updates
        origin=fields.ID(),  # the folder or file the document came from
        title=fields.STORED(),
        title_given=fields.STORED(),  # False: guessed from the lead, not indexed as a title
        body=fields.STORED(),  # its first indexing.stored.STORED_TEXT characters
        body_cut=fields.STORED(),  # True: the body goes on, in body_rest
        body_rest=fields.COLUMN(columns.VarBytesColumn()),  # zlib: the rest of a long body
        captions=fields.STORED(),  # [(start, end)] photo captions in body
        spans=fields.STORED(),  # {"title": bytes, "body": bytes}: see postings.encode_spans
        terms=fields.STORED(),  # {"title": bytes, "body": bytes}: see postings.encode_terms
        date=fields.STORED(),  # ISO 8601 text, or absent
        date_key=fields.NUMERIC(int, bits=64, sortable=True, signed=False),  # YYYYMMDDhhmm
        author=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True, sortable=True),
        place=fields.KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        place_list=fields.COLUMN(columns.VarBytesColumn()),  # b"A|B": facet counts
        url=fields.STORED(),
        # its story (indexing/stories.py): written by updates and writes; a build's are in
        # the generation's stories.json (whoosh/stories.py)
        story=fields.ID(sortable=True),
        bands=fields.KEYWORD(commas=True, scorable=False, lowercase=False),  # LSH band keys
        minhash=fields.COLUMN(columns.VarBytesColumn()),  # its MinHash signature
        # the words each document writes capitalised ("Lạng Sơn"), for completions
        names=Names(),
        author_f=fields.TEXT(analyzer=analyzers["f"], phrase=True),  # for author: queries
        place_f=fields.TEXT(analyzer=analyzers["f"], phrase=True),  # for place: queries
    )
    for name in TEXT_FIELDS:
        schema.add(f"{name}_w", VietnameseText(analyzer=analyzers["w"], phrase=False))
        schema.add(f"{name}_s", VietnameseText(analyzer=analyzers["s"], phrase=True))
        schema.add(f"{name}_f", VietnameseText(analyzer=analyzers["f"], phrase=True))
        schema.add(f"{name}_b", VietnameseText(analyzer=analyzers["b"], phrase=False))
    return schema
