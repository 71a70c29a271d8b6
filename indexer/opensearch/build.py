"""Full and incremental builds of an index in the cluster, and its stats.

A full build writes a new index (named after the alias and the time), its documents made
in worker processes (the analysis is ours) and sent through the bulk API in order, so
that of two records with one id the later one stays; then it waits for the replicas and
moves the alias in one step: searches see the old index or the new one, never a
half-built one. An update adds, replaces and deletes documents of the live index by
content hash, as the Whoosh backend does. One build or update runs at a time: a lock
document says who holds the alias.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path

from ..articles.sources import MAX_BYTES, Problem, count, is_folder_source, read, to_article
from ..indexing import parallel
from ..indexing.errors import IndexNotFound
from ..indexing.report import Reporter, Summary
from ..indexing.run import Run
from ..indexing.stories import Stories
from ..language.abbreviations import Abbreviations
from . import locks
from .client import ClusterError, path
from .mapping import VOCABULARY, document, mappings, settings
from .stories import Indexed, with_story
from .vocabulary import Counts
from .vocabulary import index_of as vocabulary_index

BULK_BYTES = 8 * 1024 * 1024  # a bulk request
KEEP = 2  # indexes of an alias kept: the live one and the one before
GREEN_WAIT = "120s"
LOCK_WAIT = 10.0  # seconds a build or update waits for the alias's lock (a write holds it)


class BulkJob(parallel.Job):
    """A worker's part: records made into bulk lines (an action and a document each)."""

    def __init__(self, table: Abbreviations, index: str):
        self.table = table
        self.index = index

    def work(self, batch: list) -> list:
        answers = []
        for record in batch:
            try:
                article = to_article(record)
                if isinstance(article, Problem):
                    answers.append(article)
                    continue
                source = document(article, record.hash, record.origin, self.table)
            except Exception as error:  # a bug must cost one article, not the build
                answers.append(Problem(record.where, "failed", f"internal error: {error}"))
                continue
            action = {"index": {"_index": self.index, "_id": article.id}}
            lines = json.dumps(action) + "\n" + json.dumps(source, ensure_ascii=False) + "\n"
            chars = len(article.title) + len(article.body)
            vocabulary = {name: source.get(name, []) for name in VOCABULARY}
            signature = base64.b64decode(source.get("minhash", ""))
            answers.append((article.id, lines.encode("utf-8"), chars, vocabulary, signature))
        return answers


class Bulk:
    """Bulk lines gathered and sent BULK_BYTES at a time; failures become Problems. With
    *replacing*, the documents they replace are looked up first, and their vocabulary
    taken away from *counts*."""

    def __init__(self, backend, run: Run, counts: Counts, index: str, replacing: bool):
        self.backend = backend
        self.run = run
        self.counts = counts
        self.index = index
        self.replacing = replacing
        self.lines: list[bytes] = []
        self.where: list[str] = []
        self.ids: list[str] = []
        self.size = 0

    def add(self, doc_id: str, lines: bytes, where: str) -> None:
        self.lines.append(lines)
        self.where.append(where)
        self.ids.append(doc_id)
        self.size += len(lines)
        if self.size >= BULK_BYTES:
            self.send()

    def send(self) -> None:
        if not self.lines:
            return
        if self.replacing:
            forget(self.backend, self.index, self.ids, self.counts)
        answer = self.backend.cluster.request("POST", "/_bulk", b"".join(self.lines))
        if answer.get("errors"):
            for item, where in zip(answer["items"], self.where):
                result = next(iter(item.values()))
                if result.get("status", 200) >= 300:
                    reason = (result.get("error") or {}).get("reason", "refused")
                    self.run.summary.indexed -= 1
                    self.run.problem(Problem(where, "failed", f"OpenSearch: {reason}"))
        self.lines, self.where, self.ids, self.size = [], [], [], 0


def forget(backend, index: str, ids: list[str], counts: Counts) -> None:
    """Take the vocabulary of the documents of *index* with *ids* (those that exist) away."""
    unique = list(dict.fromkeys(ids))
    found = backend.cluster.request(
        "POST", path(index, "_mget"), {"ids": unique}, params={"_source_includes": VOCABULARY}
    )
    for doc in found["docs"]:
        if doc.get("found"):
            counts.add(doc["_source"], -1)


def send(backend, run: Run, records, table, index: str, workers: int, counts: Counts,
          replacing: bool = False) -> None:  # fmt: skip
    """Make documents of *records* in worker processes and bulk them, in order, counting
    their vocabulary, each in its story (*replacing*: found among the live index's too)."""
    bulk = Bulk(backend, run, counts, index, replacing)
    indexed = Indexed(backend.cluster, index) if replacing else None
    assigner = Stories(indexed) if indexed else Stories()
    sent = []

    def groups():
        for batch in parallel.batches(records):
            sent.append(batch)
            yield batch

    for kind, answers in parallel.run(BulkJob(table, index), groups(), workers):
        if kind != "batch":
            continue
        if indexed:
            indexed.ask([answer[4] for answer in answers if not isinstance(answer, Problem)])
        for record, answer in zip(sent.pop(0), answers):
            if isinstance(answer, Problem):
                run.problem(answer)
                continue
            doc_id, lines, chars, vocabulary, signature = answer
            number = run.counted()
            run.added_at(number, doc_id, record.where, chars, run.serial_of(number))
            counts.add(vocabulary)
            lines = with_story(lines, assigner.assign(doc_id, signature))
            bulk.add(doc_id, lines, record.where)
    bulk.send()


def build(
    backend,
    sources,
    *,
    workers: int | None = None,
    quiet: bool = False,
    strict: bool = False,
    abbreviations=None,
    max_bytes: int = MAX_BYTES,
    stream=None,
) -> Summary:
    """Index *sources* into a new index; move the alias to it when it is whole."""
    started = time.monotonic()
    table = Abbreviations.from_file(abbreviations)
    reporter = Reporter(count(sources), quiet, stream)
    run = Run(reporter)
    cluster = backend.cluster
    locks.take(backend, LOCK_WAIT)
    index = f"{backend.alias}-{time.strftime('%Y%m%dt%H%M%S')}-{uuid.uuid4().hex[:6]}"
    try:
        body = {"settings": settings(backend.shards, 0), "mappings": mappings(table)}
        body["settings"]["refresh_interval"] = "-1"  # while it is written: no reader yet
        cluster.request("PUT", path(index), body)
        try:
            records = run.readable(read(sources, max_bytes))
            counts = Counts()
            send(backend, run, records, table, index, parallel.processes(workers), counts)
            summary = run.summary
            if summary.indexed == 0 or (strict and (summary.failed or summary.skipped)):
                why = "strict mode and problems above" if summary.indexed else None
                reporter.say(f"nothing was published: {why or 'no document could be indexed'}")
                cluster.request("DELETE", path(index), ok=(404,))
            else:
                counts.write(cluster, index, backend.replicas)
                _publish(backend, index, sources, summary, started)
        except BaseException:
            cluster.request("DELETE", path(index), ok=(404,))
            cluster.request("DELETE", path(vocabulary_index(index)), ok=(404,))
            raise
    finally:
        locks.release(backend)
    run.summary.seconds = time.monotonic() - started
    reporter.close(run.summary)
    return run.summary


def _publish(backend, index: str, sources, summary: Summary, started: float) -> None:
    """Make the finished index searchable, replicated, and the one the alias names."""
    cluster = backend.cluster
    _merge(cluster, index)
    replicas = {"index": {"number_of_replicas": backend.replicas, "refresh_interval": "1s"}}
    cluster.request("PUT", path(index, "_settings"), replicas)
    cluster.request("POST", path(index, "_refresh"))
    cluster.request(
        "GET",
        path("_cluster", "health", index),
        params={"wait_for_status": "green", "timeout": GREEN_WAIT},
    )
    summary.seconds = time.monotonic() - started
    summary.published = True
    meta = {"_meta": {**_meta(cluster, index), "build": summary.record(sources)}}
    cluster.request("PUT", path(index, "_mapping"), meta)
    point_alias(backend, index)


def point_alias(backend, index: str) -> None:
    """Make the alias name *index* (one step: searches see the old index or the new one)
    and delete its indexes but the KEEP newest (a build's, or a restored snapshot's)."""
    cluster = backend.cluster
    try:
        old = sorted(cluster.request("GET", path("_alias", backend.alias)))
    except ClusterError as error:
        if error.status != 404:
            raise
        old = []
    actions = [{"remove": {"index": name, "alias": backend.alias}} for name in old]
    actions.append({"add": {"index": index, "alias": backend.alias}})
    cluster.request("POST", "/_aliases", {"actions": actions})  # one step
    pattern = f"{backend.alias}-20*"  # the indexes this alias was built into
    built = cluster.request("GET", path(pattern), params={"filter_path": "*.settings"})
    for stale in sorted(built)[:-KEEP]:
        cluster.request("DELETE", path(stale), ok=(404,))
        cluster.request("DELETE", path(vocabulary_index(stale)), ok=(404,))


def _merge(cluster, index: str) -> None:
    """Merge each shard of a finished index into one segment, before it is copied to its
    replicas: a search then reads one term dictionary a shard, not tens (one to two
    milliseconds a search of the news set here)."""
    answer = cluster.request(
        "POST",
        path(index, "_forcemerge"),
        params={"max_num_segments": 1, "wait_for_completion": "false"},
    )
    task = answer.get("task")
    while task and not cluster.request("GET", path("_tasks", task)).get("completed"):
        time.sleep(1.0)  # a merge may take longer than one request may wait


def _meta(cluster, index: str) -> dict:
    answer = cluster.request("GET", path(index, "_mapping"))
    return answer[index]["mappings"].get("_meta", {})


def _known(backend, index: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return {content hash: id} and {origin: [id]} of the index's documents."""
    known: dict[str, str] = {}
    by_origin: dict[str, list[str]] = {}
    after = None
    while True:
        body = {
            "size": 5000,
            "_source": ["id", "hash", "origin"],
            "sort": [{"id": "asc"}],
            "query": {"match_all": {}},
        }
        if after:
            body["search_after"] = after
        hits = backend.cluster.request("POST", path(index, "_search"), body)["hits"]["hits"]
        for hit in hits:
            source = hit["_source"]
            known[source["hash"]] = source["id"]
            by_origin.setdefault(source.get("origin", ""), []).append(source["id"])
        if len(hits) < 5000:
            return known, by_origin
        after = hits[-1]["sort"]


def update(
    backend,
    sources,
    *,
    workers: int | None = None,
    quiet: bool = False,
    strict: bool = False,
    abbreviations=None,
    max_bytes: int = MAX_BYTES,
    stream=None,
) -> Summary:
    """Add new, re-index changed and delete vanished documents of *sources*; without an
    index yet, a build."""
    try:
        index = backend.current()
    except IndexNotFound:
        return build(
            backend,
            sources,
            workers=workers,
            quiet=quiet,
            strict=strict,
            abbreviations=abbreviations,
            max_bytes=max_bytes,
            stream=stream,
        )
    started = time.monotonic()
    reporter = Reporter(count(sources), quiet, stream)
    run = Run(reporter)
    locks.take(backend, LOCK_WAIT)
    try:
        table = backend.table(index)
        known, by_origin = _known(backend, index)
        folders = {str(Path(s).resolve()) for s in sources if is_folder_source(s)}
        records = run.changed(run.readable(read(sources, max_bytes)), known)
        if strict:  # nothing may change if anything fails: look first, then write
            records = list(records)
        counts = Counts.read(backend.cluster, index)
        workers = parallel.processes(workers)
        send(backend, run, records, table, index, workers, counts, replacing=True)
        again = {w for i in run.added if (w := run.unchanged_later(i)) is not None}
        if again:  # rare: read those records again, and write them last
            rewritten = Run(Reporter(None, True))
            kept = (r for r in rewritten.readable(read(sources, max_bytes)) if r.where in again)
            send(backend, rewritten, kept, table, index, 1, counts, replacing=True)
        summary = run.summary
        if strict and (summary.failed or summary.skipped):
            reporter.say("nothing was changed: strict mode and problems above")
        else:
            gone = run.vanished(folders, by_origin)
            summary.deleted += len(gone)
            if gone:
                forget(backend, index, gone, counts)
                actions = (json.dumps({"delete": {"_index": index, "_id": i}}) for i in gone)
                body = "".join(f"{action}\n" for action in actions)
                backend.cluster.request("POST", "/_bulk", body.encode("utf-8"))
            backend.cluster.request("POST", path(index, "_refresh"))
            counts.write(backend.cluster, index, backend.replicas)  # last: views look again
            summary.published = True
            summary.seconds = time.monotonic() - started
            meta = {"_meta": {**_meta(backend.cluster, index), "update": summary.record(sources)}}
            backend.cluster.request("PUT", path(index, "_mapping"), meta)
    finally:
        locks.release(backend)
    run.summary.seconds = time.monotonic() - started
    reporter.close(run.summary)
    return run.summary


def stats(backend) -> dict:
    """The index the alias names: documents, fields, size, the last build and update."""
    cluster = backend.cluster
    index = backend.current()
    meta = _meta(cluster, index)
    mapping = cluster.request("GET", path(index, "_mapping"))[index]["mappings"]
    store = cluster.request("GET", path(index, "_stats", "store,docs"))["_all"]["primaries"]
    health = cluster.request("GET", path("_cluster", "health", index))
    return {
        "index": backend.alias,
        "generation": index,
        "documents": cluster.request("GET", path(index, "_count"))["count"],
        "deleted_pending_merge": store["docs"]["deleted"],
        "fields": {name: f["type"] for name, f in mapping["properties"].items()},
        "text_fields": ["title", "body"],
        "size_bytes": store["store"]["size_in_bytes"],
        "shards": health["active_primary_shards"],
        "status": health["status"],
        "last_build": meta.get("build"),
        "last_update": meta.get("update"),
    }
