"""The index behind an alias of the cluster, as one thread reads it: the OpenSearch View.

A Search (search.algebra) is one request: its nodes as a query (opensearch/query.py), the
page of hits with their `_source`, the total, and the facets as aggregations; a count is
a `_count` of a node. A document is referred to by the hit that brought it (its id and
`_source`).
"""

from __future__ import annotations

import time
from typing import NamedTuple

from ..indexing.stories import SIMILAR_SHOWN
from ..search.algebra import Search
from ..search.engine import VOCABULARY_SECONDS, Found, View
from ..search.request import Deadline
from ..search.results import FACET_SIZE
from ..search.vocabulary import Vocabulary
from . import query
from .client import Cluster, ClusterError, path
from .lexicon import ClusterLexicon
from .mapping import stored_bytes

SHARD_RETRIES = 3  # a search some shard of which failed is asked again
# Below this many documents, BM25 reads the term statistics of the whole index (a shard's
# differ from them); above, each shard's are close enough, and a search saves a trip.
WHOLE_STATISTICS_BELOW = 10_000
YEARS = 200
SHOWN = ["*"]
LEFT_OUT = ["body_rest", *(f"{f}_{s}" for f in ("title", "body") for s in "wsfb")]
LEFT_OUT += ["vocab_s", "vocab_w", "vocab_tw", "names", "author_f", "place_f", "bands", "minhash"]
EXACT_STORIES = 40_000  # stories counted exactly up to this many (cardinality's threshold)


class Ref(NamedTuple):
    """A document found: its id, and what was stored of it."""

    id: str
    source: dict


class ClusterView(View):
    """The index that *alias* names in *cluster*, at the time this view opened."""

    def __init__(
        self,
        cluster: Cluster,
        alias: str,
        index: str,
        table,
        stamp: int | None = None,
        previous: ClusterView | None = None,
    ):
        """*stamp*: what the writers of *index* had published (OpenSearchBackend.stamp);
        *previous*: a view of the same index before a write, whose vocabulary this one
        keeps (for VOCABULARY_SECONDS from its reading), its pairs counted again."""
        self.cluster = cluster
        self.alias = alias
        self.index = index  # the concrete index: a rebuild moves the alias to another
        self.stamp = stamp
        self._held: int | None = None
        self._days: tuple[float, float] | None = None
        super().__init__(table, Vocabulary(ClusterLexicon(cluster, index)))
        self.opened = time.monotonic()  # when its vocabulary was read
        if (
            previous is not None
            and previous.index == index
            and self.opened - previous.opened < VOCABULARY_SECONDS
        ):
            self.adopt(previous)
            self.vocabulary.lexicon = self.vocabulary.lexicon.renewed()
            self.opened = previous.opened

    def close(self) -> None:
        self.cluster.close()

    def warm(self, alive=lambda: None) -> None:
        for name in ("vocab_s", "vocab_w", "vocab_tw", "names"):
            self.vocabulary.lexicon.keyword(name)
            alive()
        self.completions.entries()
        self.vocabulary.by_fold  # noqa: B018 - builds the folded lexicon (accent restoration)

    def _search(self, body: dict, deadline: Deadline | None = None) -> dict:
        params = {"request_cache": "true"}
        if self.documents_known() < WHOLE_STATISTICS_BELOW:
            # Term statistics of the whole index, not of each shard: in a small index a
            # shard's may be far from the whole's, and BM25 would score a document by
            # the shard it landed on. One more round trip (several ms a search).
            params["search_type"] = "dfs_query_then_fetch"
        if deadline is not None:
            params["timeout"] = f"{max(int(deadline.remaining() * 1000), 1)}ms"
        for attempt in range(SHARD_RETRIES + 1):
            answer = self.cluster.request("POST", path(self.index, "_search"), body, params=params)
            if not answer.get("_shards", {}).get("failed") or attempt == SHARD_RETRIES:
                return answer
            time.sleep(0.2)  # a node went away mid-search: its shards' copies answer next
        return answer

    def recent_words(self, field: str) -> dict[str, int]:
        return self.vocabulary.lexicon.grown("vocab_tw" if field == "title" else "vocab_w")

    def documents(self) -> int:
        return self.cluster.request("GET", path(self.index, "_count"))["count"]

    def documents_known(self) -> int:
        """How many documents the index held when this view first asked."""
        if self._held is None:
            self._held = self.documents()
        return self._held

    def count(self, node) -> int:
        body = {"query": query.node(node)}
        return self.cluster.request("POST", path(self.index, "_count"), body)["count"]

    def days(self) -> tuple[float, float]:
        """The days (from 1970) of the newest and the oldest dated document."""
        if self._days is None:
            aggs = {"newest": {"max": {"field": "day"}}, "oldest": {"min": {"field": "day"}}}
            answer = self._search({"size": 0, "aggs": aggs})["aggregations"]
            self._days = (answer["newest"]["value"] or 0.0, answer["oldest"]["value"] or 0.0)
        return self._days

    def find(self, search: Search, deadline: Deadline) -> Found:
        days = self.days() if search.half_life is not None else None
        body = {
            "query": query.search(search, days),
            "from": search.skip,
            "size": max(search.top - search.skip, 0),
            "track_total_hits": True,
            "_source": {"excludes": LEFT_OUT},
            "aggs": _facets(search.facets),
            "sort": _order(search.order),
        }
        if search.collapse:
            body["collapse"] = {
                "field": "story",
                "inner_hits": {
                    "name": "similar",
                    "size": SIMILAR_SHOWN + 1,
                    "_source": False,
                    "sort": _order(search.order),
                },
            }
            body["aggs"]["stories"] = {
                "cardinality": {"field": "story", "precision_threshold": EXACT_STORIES}
            }
        answer = self._search(body, deadline)
        if answer.get("timed_out"):
            deadline.passed = True
        ranked: list[tuple[object, float | None]] = [(None, None)] * search.skip
        aggregations = answer.get("aggregations", {})
        counts = {name: _buckets(aggregations[name]) for name in search.facets}
        found = Found(answer["hits"]["total"]["value"], ranked, counts)
        for hit in answer["hits"]["hits"]:
            score = hit.get("_score") if search.order == "relevance" else None
            score = None if score is None else score + search.ranking.base
            ranked.append((Ref(hit["_id"], hit["_source"]), _rounded(score)))
            if search.collapse:
                inner = hit["inner_hits"]["similar"]["hits"]
                others = [h["_id"] for h in inner["hits"] if h["_id"] != hit["_id"]]
                found.similar[hit["_id"]] = (inner["total"]["value"] - 1, others[:SIMILAR_SHOWN])
        if search.collapse:
            found.stories = aggregations["stories"]["value"]
        return found

    def key(self, ref: Ref) -> str:
        return ref.id

    def stored(self, ref: Ref) -> dict:
        source = dict(ref.source)
        for name in ("spans", "terms"):
            source[name] = {k: stored_bytes(v) for k, v in source.get(name, {}).items()}
        source.setdefault("place", [])
        return source

    def rest_of_text(self, ref: Ref) -> str:
        answer = self.cluster.request(
            "GET", path(self.index, "_source", ref.id), params={"_source_includes": "body_rest"}
        )
        return answer.get("body_rest", "")

    def lookup(self, doc_id: str) -> Ref | None:
        try:
            answer = self.cluster.request(
                "GET",
                path(self.index, "_doc", doc_id),
                params={"_source_excludes": ",".join(LEFT_OUT)},
                ok=(404,),
            )
        except ClusterError as error:
            if error.status == 404:
                return None
            raise
        if not answer.get("found"):
            return None
        return Ref(answer["_id"], answer["_source"])


def _facets(names) -> dict:
    """The aggregations counting the documents found by each facet of *names*: every
    year, newest first; the commonest FACET_SIZE values of the others."""
    year = {"terms": {"field": "year", "size": YEARS, "order": {"_key": "desc"}}}
    return {
        name: year if name == "year" else {"terms": {"field": name, "size": FACET_SIZE}}
        for name in names
    }


def _buckets(aggregation: dict) -> dict[str, int]:
    return {bucket["key"]: bucket["doc_count"] for bucket in aggregation["buckets"]}


def _order(sort: str) -> list:
    """Relevance: score, then id (as the Whoosh backend breaks ties); by date: undated last."""
    if sort == "relevance":
        return [{"_score": "desc"}, {"id": "asc"}]
    direction = "desc" if sort == "newest" else "asc"
    return [{"date_key": {"order": direction, "missing": "_last"}}, {"id": "asc"}]


def _rounded(score):
    return None if score is None else round(float(score), 4)
