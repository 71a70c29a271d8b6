"""What the page shows of the documents found, kept by the web server between searches.

A search asks OpenSearch for the ids of the documents found and their versions
(`_seq_no`, `_primary_term`), not their `_source`: filtering a `_source` that holds every
representation of the text is the dearest part of a search's fetch phase. What a
version of a document shows is kept here, per process, up to KEPT_BYTES; the documents
not kept are read in one `_mget`. A document written since is another version: it is
read again, so nothing shown is ever stale.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from .client import Cluster, path

KEPT_BYTES = 48 * 2**20  # of _source JSON, per server process


class Shown:
    """The shown `_source` of document versions, the least recently used forgotten first."""

    def __init__(self, budget: int = KEPT_BYTES):
        self.budget = budget
        self._kept: OrderedDict[tuple, tuple[dict, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> dict | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return None
            self._kept.move_to_end(key)
            return found[0]

    def put(self, key: tuple, source: dict, size: int) -> None:
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = (source, size)
            self._bytes += size
            while self._bytes > self.budget and len(self._kept) > 1:
                _, (_, gone) = self._kept.popitem(last=False)
                self._bytes -= gone


SHOWN = Shown()


def version(hit: dict) -> tuple:
    return (hit["_index"], hit["_id"], hit.get("_seq_no"), hit.get("_primary_term"))


def sources(cluster: Cluster, hits: list[dict], left_out: list[str]) -> list[dict]:
    """The shown `_source` of each of *hits* (in their order), read from the cluster
    when not kept; a document deleted meanwhile has {}."""
    found: dict[tuple, dict] = {}
    missing = []
    for hit in hits:
        key = version(hit)
        source = SHOWN.get(key)
        if source is None:
            missing.append(hit)
        else:
            found[key] = source
    if missing:
        body = {"docs": [{"_index": h["_index"], "_id": h["_id"]} for h in missing]}
        params = {"_source_excludes": ",".join(left_out)}
        answer = cluster.request("POST", path("_mget"), body, params=params)
        for hit, doc in zip(missing, answer["docs"]):
            source = doc.get("_source", {}) if doc.get("found") else {}
            if source and (doc.get("_seq_no"), doc.get("_primary_term")) == version(hit)[2:]:
                size = len(json.dumps(source, ensure_ascii=False))
                SHOWN.put(version(hit), source, size)
            found[version(hit)] = source
    return [found[version(hit)] for hit in hits]
