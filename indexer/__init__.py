"""vnsearch's library: Vietnamese news in, ranked and highlighted search results out.

The layers, each a subpackage, each using only the ones before it:

    language   how Vietnamese text becomes terms: `analyse` (segmentation, tones, i/y,
               folding, numerals, abbreviations)
    articles   raw .txt files and JSON Lines -> Article (title, date, author, places, body)
    indexing   what every backend's build shares: stored spans, reports, bookkeeping
    search     a request -> a result, for any backend: the Backend seam, query syntax,
               the plan, marks and snippets, suggestions
    whoosh     the embedded backend: an index directory searched in-process
    opensearch the distributed backend: the same search on an OpenSearch cluster

`python -m indexer` and the web app (`webapp/`) are thin skins over `open_backend`:

    backend = open_backend(Settings.load({"index": "var/index"}))
    backend.build(["corpus/"])
    backend.search(SearchRequest(q="to chuc dang")).hits[0].title

Names are imported when first used, so that `import indexer.settings` stays light.
"""

from __future__ import annotations

import importlib

__all__ = [
    "Analysis",
    "Article",
    "Backend",
    "Document",
    "Hit",
    "IndexBusy",
    "IndexNeedsRebuild",
    "IndexNotFound",
    "InvalidRequest",
    "OpenSearchBackend",
    "SearchRequest",
    "SearchResult",
    "Settings",
    "Summary",
    "WhooshBackend",
    "analyse",
    "open_backend",
    "parse_article",
]

_WHERE = {
    "Analysis": ".language.analysis",
    "analyse": ".language.analysis",
    "Article": ".articles.parse",
    "parse_article": ".articles.parse:parse",
    "Summary": ".indexing.report",
    "IndexBusy": ".indexing.errors",
    "IndexNeedsRebuild": ".indexing.errors",
    "IndexNotFound": ".indexing.errors",
    "Backend": ".search.engine",
    "InvalidRequest": ".search.request",
    "SearchRequest": ".search.request",
    "Document": ".search.results",
    "Hit": ".search.results",
    "SearchResult": ".search.results",
    "Settings": ".settings",
    "WhooshBackend": ".whoosh.backend",
    "OpenSearchBackend": ".opensearch.backend",
}


def open_backend(settings=None):
    """The backend the settings name, over the index they name (Settings.load() if None)."""
    from .settings import ALIAS, BY_NAME, Settings

    settings = settings or Settings.load()
    if settings.backend == "opensearch":
        from .opensearch.backend import OpenSearchBackend

        alias = ALIAS if settings.index == BY_NAME["index"].default else settings.index
        return OpenSearchBackend(
            settings.opensearch_url,
            alias,
            settings.reload_seconds,
            settings.time_limit,
            settings.shards,
            settings.replicas,
        )
    from .whoosh.backend import WhooshBackend

    return WhooshBackend(settings.index, settings.reload_seconds, settings.time_limit)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    module, _, attribute = _WHERE[name].partition(":")
    return getattr(importlib.import_module(module, __name__), attribute or name)


def __dir__():
    return sorted(__all__)
