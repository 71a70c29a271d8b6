"""An OpenSearch index of articles: its settings and fields, and one article as a document.

Our Python analysis produces the terms (language.analyse); OpenSearch only splits them
on spaces. Each text field ("title", "body") has the four representations as fields of
pre-analysed terms: words (`_w`), syllables (`_s`), folded syllables (`_f`) and pairs
(`_b`). A term of several syllables ("tổ chức", the pair "chức đảng") joins them with a
no-break space, which OpenSearch's whitespace tokenizer does not split on; syllables and
folded syllables take one position each, so phrases work. (Photo captions are part of
the body here: a term frequency is a whole number, so an occurrence in a caption cannot
weigh half of one, as it does in the Whoosh index.)

What the page shows of a hit comes from `_source`: the text, and per text field the
stored spans and terms of indexing.stored (base64), with which search.marks places the
marks exactly as for the Whoosh backend. Keyword fields hold what the vocabulary is read
from (the syllables, words, title words and names of each document).
"""

from __future__ import annotations

import base64

from ..articles.dates import UNDATED, date_key, key_days, key_year
from ..articles.parse import Article
from ..indexing import stories
from ..indexing.stored import STORED_TEXT, encode_spans, encode_terms, marked
from ..language.abbreviations import Abbreviations
from ..language.analysis import REPRESENTATIONS, VERSION, Analysis, analyse

JOIN = "\u00a0"  # joins the syllables of one term; not whitespace to OpenSearch
SUFFIXES = dict(zip(REPRESENTATIONS, ("w", "s", "f", "b")))
TEXT_FIELDS = ("title", "body")
PHRASES = ("syllables", "folded")  # the representations whose positions are read
VOCABULARY = ("vocab_s", "vocab_w", "vocab_tw", "names")
FIELDS = 2  # the version of these fields (in _meta): 2 stories and freshness


def fieldname(field: str, representation: str) -> str:
    """The OpenSearch field of a text field's representation: ("body", "pairs") -> body_b."""
    return f"{field}_{SUFFIXES[representation]}"


def term(text: str) -> str:
    """A term as indexed: its syllables joined so that it stays one token."""
    return text.replace(" ", JOIN)


def settings(shards: int, replicas: int) -> dict:
    """The index's settings: shards, replicas, and the analyzer that splits on spaces."""
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "refresh_interval": "1s",
        "analysis": {"analyzer": {"terms": {"type": "custom", "tokenizer": "whitespace"}}},
        "similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75}},
    }


def mappings(table: Abbreviations) -> dict:
    """The fields of an article; `_meta` keeps the abbreviation table it was built with
    and the version of the analysis that made its terms."""
    terms = {"type": "text", "analyzer": "terms"}
    properties = {
        "id": {"type": "keyword"},
        "hash": {"type": "keyword"},
        "origin": {"type": "keyword"},
        "title": {"type": "text", "index": False},
        "title_given": {"type": "boolean"},
        "body": {"type": "text", "index": False},
        "body_cut": {"type": "boolean"},
        "body_rest": {"type": "text", "index": False},
        "captions": {"type": "integer", "index": False},
        "spans": {"type": "object", "enabled": False},
        "terms": {"type": "object", "enabled": False},
        "date": {"type": "keyword", "index": False},
        "date_key": {"type": "long"},
        "day": {"type": "double"},  # days from 1970 (articles.dates.key_days): freshness
        # its story (indexing/stories.py), its LSH band keys and MinHash signature (base64)
        "story": {"type": "keyword"},
        "bands": {"type": "keyword"},
        "minhash": {"type": "binary"},
        "year": {"type": "keyword"},
        "author": {"type": "keyword"},
        "source": {"type": "keyword"},
        "place": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        "author_f": {**terms, "index_options": "positions"},
        "place_f": {**terms, "index_options": "positions"},
        # kept for the vocabulary's counts (opensearch/vocabulary.py), never searched
        **{name: {"type": "keyword", "index": False, "doc_values": False} for name in VOCABULARY},
    }
    for field in TEXT_FIELDS:
        for representation in REPRESENTATIONS:
            options = "positions" if representation in PHRASES else "freqs"
            properties[fieldname(field, representation)] = {**terms, "index_options": options}
    return {
        "dynamic": "strict",
        "_meta": {"abbreviations": table.source, "analysis": VERSION, "fields": FIELDS},
        "_source": {"excludes": []},
        "properties": properties,
    }


def document(article: Article, record_hash: str, origin: str, table: Abbreviations) -> dict:
    """The `_source` of one article: its fields, every representation, what marks read."""
    title = analyse(article.title, table)
    body = analyse(article.body, table)
    key = date_key(article.date) or UNDATED
    signature = stories.signature(body.words)
    doc = {
        "id": article.id,
        "hash": record_hash,
        "origin": origin,
        "title": article.title,
        "title_given": article.title_given,
        "body": article.body[:STORED_TEXT],
        "captions": [list(span) for span in article.captions],
        "spans": {"title": _stored(title, "spans"), "body": _stored(body, "spans")},
        "terms": {"title": _stored(title, "terms"), "body": _stored(body, "terms")},
        "date": article.date,
        "date_key": key or None,  # absent when undated: sorted last either way
        "day": key_days(key),
        "bands": stories.bands(signature),
        "minhash": base64.b64encode(signature).decode("ascii"),
        "year": key_year(key),
        "author": article.author,
        "source": article.source,
        "place": article.places,
        "url": article.url,
        "author_f": " ".join(analyse(article.author, table).folded) if article.author else None,
        "place_f": " ; ".join(" ".join(analyse(p, table).folded) for p in article.places),
        "vocab_s": sorted(set(title.syllables) | set(body.syllables)),
        "vocab_w": sorted(set(body.words)),
        "vocab_tw": sorted(set(title.words)) if article.title_given else [],
        "names": sorted(title.names() | body.names()),
    }
    if len(article.body) > STORED_TEXT:
        doc["body_cut"] = True
        doc["body_rest"] = article.body[STORED_TEXT:]
    # A guessed title is the lead's first sentence: it is in the body already, and
    # scores there (kept for its marks, not indexed as a title).
    if article.title_given:
        doc.update(_streams("title", title, range(len(title.syllables))))
    doc.update(_streams("body", body, range(len(body.syllables))))
    return {k: v for k, v in doc.items() if v not in (None, [], "")}


def _stored(analysis: Analysis, what: str) -> str:
    shown = marked(analysis.spans)
    if what == "spans":
        data = encode_spans(analysis.spans[:shown])
    else:
        data = encode_terms(analysis.syllables[:shown])
    return base64.b64encode(data).decode("ascii")


def stored_bytes(text: str) -> bytes:
    """The bytes of a stored spans or terms value of `_source`."""
    return base64.b64decode(text) if text else b""


def _streams(field: str, analysis: Analysis, positions) -> dict:
    """The four representations of *field*, for the syllable *positions* of an analysis
    (in order): words whole, syllables and folded forms one token each, pairs only of
    positions that follow each other with no punctuation between."""
    positions = list(positions)
    chosen = set(positions)
    words = [
        term(word) for word, first in zip(analysis.words, analysis.starts()) if first in chosen
    ]
    pairable = set(analysis.pair_positions())
    syllables = analysis.syllables
    pairs = [
        term(f"{syllables[p - 1]} {syllables[p]}")
        for p in positions
        if p in pairable and p - 1 in chosen
    ]
    return {
        fieldname(field, "words"): " ".join(words),
        fieldname(field, "syllables"): " ".join(syllables[p] for p in positions),
        fieldname(field, "folded"): " ".join(analysis.folded[p] for p in positions),
        fieldname(field, "pairs"): " ".join(pairs),
    }
