"""The vocabulary of an index, counted while it is built, kept in the cluster beside it.

For each keyword field of mapping.VOCABULARY (each document's distinct syllables, words,
title words, names), how many documents hold each value. Aggregating those over the
articles takes minutes on a large index; counting them as documents are sent takes
seconds, and a view reads the counts in one request a field. An update adds the counts
of the documents it writes and takes away those of the documents they replace or delete.
The counts live in an index of their own, `vocabulary-<index>`, replicated like it.
"""

from __future__ import annotations

from collections import Counter

from .client import Cluster, path
from .mapping import VOCABULARY


def index_of(index: str) -> str:
    """The vocabulary index of the articles' index *index*."""
    return f"vocabulary-{index}"


class Counts:
    """The counts of one index's vocabulary, as they are being changed."""

    def __init__(self, counts: dict[str, Counter] | None = None):
        self.counts = counts or {name: Counter() for name in VOCABULARY}

    def add(self, source: dict, sign: int = 1) -> None:
        """Count (or, with sign -1, take away) one document's vocabulary."""
        for name in VOCABULARY:
            counter = self.counts[name]
            for value in source.get(name, ()):
                counter[value] += sign

    @classmethod
    def read(cls, cluster: Cluster, index: str) -> Counts:
        """The counts kept for *index*."""
        found = cluster.request("POST", path(index_of(index), "_mget"), {"ids": list(VOCABULARY)})
        counts = {}
        for doc in found["docs"]:
            counts[doc["_id"]] = Counter(doc.get("_source", {}).get("counts", {}))
        return cls({name: counts.get(name, Counter()) for name in VOCABULARY})

    def write(self, cluster: Cluster, index: str, replicas: int) -> None:
        """Keep the counts for *index* (its vocabulary index made if need be)."""
        name = index_of(index)
        body = {
            "settings": {"number_of_shards": 1, "number_of_replicas": replicas},
            "mappings": {"dynamic": False, "properties": {"counts": {"type": "object",
                                                                      "enabled": False}}},
        }  # fmt: skip
        cluster.request("PUT", path(name), body, ok=(400,))  # 400: it exists
        for field, counter in self.counts.items():
            kept = {value: n for value, n in sorted(counter.items()) if n > 0}
            cluster.request("PUT", path(name, "_doc", field), {"counts": kept})
        cluster.request("POST", path(name, "_refresh"))


def read_field(cluster: Cluster, index: str, field: str) -> dict[str, int]:
    """How many documents of *index* hold each value of the keyword field *field*."""
    answer = cluster.request("GET", path(index_of(index), "_source", field), ok=(404,))
    return answer.get("counts", {})
