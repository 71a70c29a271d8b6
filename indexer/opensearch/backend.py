"""The OpenSearch backend: an alias of an OpenSearch cluster, built and searched over HTTP.

Each thread reads through a ClusterView of the index the alias names, and opens a new
one within RELOAD_SECONDS of a build moving the alias, so a server follows its index
without a restart. A view asks the cluster for every search and document, and a write
refreshes the index before it is answered "applied": every later read sees it, on any
worker. What a view keeps of its own (pair counts, corrections) follows the writes of
other processes within RELOAD_SECONDS, those of this one at once. Everything above the
seam (search/) is the same as for Whoosh.
"""

from __future__ import annotations

import threading
import time

from ..indexing.errors import IndexNeedsRebuild, IndexNotFound
from ..indexing.report import Summary
from ..indexing.writes import Op
from ..language.abbreviations import Abbreviations
from ..language.analysis import VERSION
from ..search.engine import Backend
from . import backup, build, vocabulary, writes
from .client import Cluster, ClusterError, path
from .editorial import ClusterStore
from .mapping import FIELDS, VOCABULARY
from .view import ClusterView

RELOAD_SECONDS = 1.0
TIME_LIMIT = 5.0
SHARDS = 3
REPLICAS = 1
TASKS_DAYS = 7.0  # VNSEARCH_TASKS_DAYS


class OpenSearchBackend(Backend):
    """Searches and writes the index that *alias* names in the cluster at *urls*."""

    def __init__(
        self,
        urls: str | list[str],
        alias: str = "vnsearch",
        reload_seconds: float = RELOAD_SECONDS,
        time_limit: float = TIME_LIMIT,
        shards: int = SHARDS,
        replicas: int = REPLICAS,
        tasks_days: float = TASKS_DAYS,
    ):
        self.cluster = Cluster(urls)
        self.alias = alias
        self.reload_seconds = reload_seconds
        self.time_limit = time_limit
        self.shards = shards
        self.replicas = replicas
        self.tasks_days = tasks_days  # outcomes kept this long (writes.prune)
        self._local = threading.local()
        self._tables: dict[str, Abbreviations] = {}
        self._changed_at = 0.0  # when this process last wrote: views look again
        self.editorial = ClusterStore(self.cluster, alias)

    def current(self) -> str:
        """The concrete index the alias names now."""
        try:
            answer = self.cluster.request("GET", path("_alias", self.alias))
        except ClusterError as error:
            if error.status == 404:
                raise IndexNotFound(
                    f"no index {self.alias!r} in the cluster at {', '.join(self.cluster.urls)}:"
                    f" run `python -m indexer build --backend opensearch --index {self.alias}"
                    " SOURCE`"
                ) from None
            raise
        return sorted(answer)[-1]

    def table(self, index: str) -> Abbreviations:
        """The abbreviation table the index was built with (in its mapping's _meta);
        IndexNeedsRebuild when another version of the analysis made its terms."""
        if index not in self._tables:
            answer = self.cluster.request("GET", path(index, "_mapping"))
            meta = answer[index]["mappings"].get("_meta", {})
            if meta.get("analysis") != VERSION or meta.get("fields", 1) != FIELDS:
                raise IndexNeedsRebuild(
                    f"the index {self.alias!r} was built by another version of vnsearch:"
                    f" rebuild it with `python -m indexer build --backend opensearch"
                    f" --index {self.alias} SOURCE`"
                )
            self._tables[index] = Abbreviations(meta.get("abbreviations", ""))
        return self._tables[index]

    def view(self) -> ClusterView:
        """The current thread's view, reopened when the alias has moved or a write or an
        update has changed the index (ClusterView carries over what it can). The alias
        is looked at every reload_seconds and at once after this process wrote; the
        writes also at the start of each request (Backend.hold: one realtime GET), so
        that what a view keeps (its suggestions of new words, pair counts, corrections)
        follows every write answered before."""
        local = self._local
        held = getattr(local, "held", None)
        if held is not None:
            return held
        holding = getattr(local, "holding", False)
        now = time.monotonic()
        view = getattr(local, "view", None)
        alias_due = (
            view is None
            or now - local.checked >= self.reload_seconds
            or local.checked <= self._changed_at
        )
        if alias_due or holding:
            index = self.current() if alias_due else view.index
            stamp = self.stamp(index)
            if view is None or index != view.index or stamp != view.stamp:
                table = self.table(index)
                view = ClusterView(self.cluster, self.alias, index, table, stamp, view)
                local.view = view
            if alias_due:
                local.checked = now
        if holding:
            local.held = view
        return view

    def stamp(self, index: str) -> int:
        """What the writers of *index* have published: a number that moves with every
        write and update (each ends by keeping the vocabulary's counts, after the
        articles are searchable)."""
        found = self.cluster.request(
            "GET",
            path(vocabulary.index_of(index), "_doc", VOCABULARY[0]),
            params={"_source": "false"},
            ok=(404,),
        )
        return found.get("_seq_no", -1)

    def reading(self, work):
        """work(view); if the view's index went away (a rebuild), open the new one, retry."""
        try:
            return work(self.view())
        except ClusterError as error:
            if error.status != 404:
                raise
            self._local.view = self._local.held = None
            return work(self.view())

    def close(self) -> None:
        self._local.view = self._local.held = None
        self.cluster.close()

    def build(self, sources, **options) -> Summary:
        summary = build.build(self, sources, **options)
        if summary.published:
            writes.prune(self)  # as a Whoosh build prunes its journal's
        return summary

    def update(self, sources, **options) -> Summary:
        return build.update(self, sources, **options)

    def stats(self) -> dict:
        return build.stats(self)

    def snapshot(self, out) -> dict:
        return backup.snapshot(self, out)

    def restore(self, archive, force: bool = False) -> dict:
        return backup.restore(self, archive, force)

    def write(self, ops: list[Op], rejected: list[dict]) -> int:
        try:
            return writes.write(self, ops, rejected)
        finally:
            self._changed_at = time.monotonic()

    def task(self, number: int) -> dict | None:
        return writes.task(self, number)

    def write_state(self) -> dict:
        index = self.current()
        return {
            "generation": index,
            "commit": self.stamp(index),
            "applied_at": writes.applied_at(self),
        }

    def delete(self) -> None:
        """Delete every index built for the alias (its articles and vocabularies) and its
        synonyms and curations."""
        for pattern in (f"{self.alias}-20*", f"vocabulary-{self.alias}-20*"):
            self.cluster.request("DELETE", path(pattern), ok=(404,))
        self.editorial.forget()
