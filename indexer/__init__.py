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
    "open_search_log",
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
    from .settings import Settings

    settings = settings or Settings.load()
    if settings.backend == "opensearch":
        from .opensearch.backend import OpenSearchBackend

        return OpenSearchBackend(
            settings.opensearch_url,
            _alias(settings),
            settings.reload_seconds,
            settings.time_limit,
            settings.shards,
            settings.replicas,
            tasks_days=settings.tasks_days,
        )
    from .whoosh.backend import WhooshBackend

    return WhooshBackend(
        settings.index,
        settings.reload_seconds,
        settings.time_limit,
        tasks_days=settings.tasks_days,
    )


def _alias(settings) -> str:
    """The OpenSearch alias the settings name: "vnsearch" when the index is left unset."""
    from .settings import ALIAS, BY_NAME

    return ALIAS if settings.index == BY_NAME["index"].default else settings.index


def open_search_log(settings=None):
    """The log of what readers search (search.analytics.SearchLog) of the index the
    settings name: the file VNSEARCH_ANALYTICS_PATH, else analytics.sqlite3 in the Whoosh
    index directory (beside its generations: builds keep it), else, for an OpenSearch
    alias, var/analytics-<alias>.sqlite3 (from the working directory, as var/index is)."""
    from pathlib import Path

    from .search.analytics import SearchLog
    from .settings import SettingError, Settings

    settings = settings or Settings.load()
    if settings.analytics not in (0, 1):
        raise SettingError(f"VNSEARCH_ANALYTICS must be 1 or 0, not {settings.analytics}")
    if not 1 <= settings.analytics_days <= 3650:
        raise SettingError("VNSEARCH_ANALYTICS_DAYS must be from 1 to 3650")
    if settings.analytics_path:
        path = Path(settings.analytics_path)
    elif settings.backend == "opensearch":
        path = Path("var") / f"analytics-{_alias(settings)}.sqlite3"
    else:
        path = Path(settings.index) / "analytics.sqlite3"
    return SearchLog(path, settings.analytics_days)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    module, _, attribute = _WHERE[name].partition(":")
    return getattr(importlib.import_module(module, __name__), attribute or name)


def __dir__():
    return sorted(__all__)
