"""An alias's synonyms and curations (search.editorial) in a document of the cluster.

EDITORIAL holds one document an alias, named by it: {"synonyms": [...], "curations": [...]}.
Outside the alias's indexes, a rebuild keeps it. A change is a read and a write
conditional on the document's sequence number, tried again when another writer came
first, so no change is lost; OpenSearch has it in its translog before it answers. A
worker asks for the document's sequence number at every request (a realtime GET,
without the source) and reads the rules again only when it moved: a change holds at
once on every worker.
"""

from __future__ import annotations

from ..search.editorial import Rules, Store
from .client import ClusterError, path

EDITORIAL = "vnsearch_editorial"  # not "<alias>-...": the alias's own indexes are named so
ATTEMPTS = 20


class ClusterStore(Store):
    """The rules of the alias *alias* in *cluster*."""

    def __init__(self, cluster, alias: str):
        super().__init__()
        self.cluster = cluster
        self.alias = alias
        self._made = False  # EDITORIAL made (or found) with its mapping by this process

    def _document(self, source: bool) -> dict:
        params = {} if source else {"_source": "false"}
        return self.cluster.request(
            "GET", path(EDITORIAL, "_doc", self.alias), params=params, ok=(404,)
        )

    def stamp(self) -> tuple | None:
        """The document's sequence number and primary term (a realtime GET, no source)."""
        found = self._document(source=False)
        return (found["_seq_no"], found["_primary_term"]) if found.get("found") else None

    def read(self) -> Rules:
        found = self._document(source=True)
        return _rules(found) if found.get("found") else Rules()

    def forget(self) -> None:
        """Delete the alias's rules (the alias itself is deleted)."""
        self.cluster.request("DELETE", path(EDITORIAL, "_doc", self.alias), ok=(404,))
        self._seen, self._rules = None, Rules()

    def _ensure(self) -> None:
        """Make EDITORIAL, its documents kept but not mapped: left to guess, the cluster
        would map a field by its first value (a pinned id like "2024-03-05" as a date)
        and refuse every later rule whose value does not fit."""
        if self._made:
            return
        body = {"settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}}
        body["mappings"] = {"dynamic": False}
        answer = self.cluster.request("PUT", path(EDITORIAL), body, ok=(400,))
        if answer.get("error"):  # there already (made before, or by another worker)
            self.cluster.request("PUT", path(EDITORIAL, "_mapping"), {"dynamic": False})
        self._made = True

    def change(self, change) -> Rules:
        self._ensure()
        for _ in range(ATTEMPTS):
            found = self._document(source=True)
            current = _rules(found) if found.get("found") else Rules()
            changed = change(current)
            params = {"op_type": "create"}
            if found.get("found"):
                params = {"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}
            try:
                answer = self.cluster.request(
                    "PUT", path(EDITORIAL, "_doc", self.alias), changed.to_json(), params=params
                )
            except ClusterError as error:
                if error.status == 409:  # another writer came first: read theirs, again
                    continue
                raise
            return changed.versioned(f"{answer['_primary_term']}:{answer['_seq_no']}")
        raise ClusterError(409, f"the rules of {self.alias} kept changing under this change")


def _rules(found: dict) -> Rules:
    return Rules.from_json(found["_source"], f"{found['_primary_term']}:{found['_seq_no']}")
