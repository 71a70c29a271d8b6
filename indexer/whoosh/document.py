"""A record read from a source, made into the fields of one Whoosh document.

This is the expensive half of indexing (decoding, parsing, the analysis), and it runs
in the worker processes: a DocumentMaker holds what it needs (the index's abbreviation
table and its fields' formats), handed to the workers by fork.
"""

from __future__ import annotations

import zlib

from ..articles.dates import UNDATED, date_key
from ..articles.sources import Problem, Record, to_article
from ..indexing import stories
from ..indexing.stored import STORED_TEXT, encode_spans, encode_terms, marked
from ..language.analysis import analyse
from .analyzers import table_of
from .postings import postings
from .schema import SUFFIXES, Postings


class DocumentMaker:
    """Makes Whoosh documents for one schema."""

    def __init__(self, schema, bands: bool = True):
        """*bands*: index the band keys of each article's story (a full build keeps its
        own table of them instead: whoosh/stories.py)."""
        self.bands = bands
        self.table = table_of(schema)
        self.names = schema["names"]
        self.formats = {s: schema[f"body_{s}"].format for s in SUFFIXES.values()}

    def make(self, record: Record) -> tuple[dict, int] | Problem:
        """Turn one Record into (document fields, characters), or a Problem."""
        try:
            article = to_article(record)
            if isinstance(article, Problem):
                return article
            doc = {
                "id": article.id,
                "hash": record.hash,
                "origin": record.origin,
                "title": article.title,
                "title_given": article.title_given,
                "body": article.body[:STORED_TEXT],
                "captions": article.captions,
                "date": article.date,
                "date_key": date_key(article.date) or UNDATED,  # so sorts and facets see it
                "author": article.author,
                "source": article.source,
                "url": article.url,
                "author_f": article.author,
            }
            if article.places:
                doc["place"] = ",".join(article.places)
                doc["_stored_place"] = article.places
                doc["place_list"] = "|".join(article.places).encode("utf-8")
                doc["place_f"] = " ; ".join(article.places)
            spans, terms, names = {}, {}, set()
            for name, text, captions in (
                ("title", article.title, ()),
                ("body", article.body, article.captions),
            ):
                analysis = analyse(text, self.table)
                names.update(analysis.names())
                # A guessed title is the lead's first sentence: it is in the body already,
                # and scores there (stored for its marks, not indexed as a title).
                if name == "body" or article.title_given:
                    for suffix, value in postings(analysis, self.formats, captions).items():
                        doc[f"{name}_{suffix}"] = value
                if name == "body":
                    doc["minhash"] = stories.signature(analysis.words)
                    if self.bands:
                        doc["bands"] = ",".join(stories.bands(doc["minhash"]))
                shown = marked(analysis.spans)
                spans[name] = encode_spans(analysis.spans[:shown])
                terms[name] = encode_terms(analysis.syllables[:shown])
            doc["spans"] = spans
            doc["terms"] = terms
            if names:  # logged by PostingsWriter, not pooled by Whoosh: as the text fields
                doc["names"] = Postings.of(list(self.names.index(",".join(sorted(names)))))
            if len(article.body) > STORED_TEXT:  # the rest, read for the whole document only
                doc["body_cut"] = True
                doc["body_rest"] = zlib.compress(article.body[STORED_TEXT:].encode("utf-8"), 1)
            chars = len(article.title) + len(article.body)
            return {k: v for k, v in doc.items() if v is not None}, chars
        except Exception as error:  # a bug must cost one article, not the build
            message = f"internal error: {type(error).__name__}: {error}"
            return Problem(record.where, "failed", message)
