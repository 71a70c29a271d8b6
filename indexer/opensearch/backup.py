"""Snapshots of an alias's index through the cluster's snapshot API, in one tar file.

    vnsearch-snapshot.json   indexing/archive.py's manifest: the alias, its index and
                             vocabulary index, the last task, the synonyms and curations
    repository/...           a filesystem repository holding one snapshot of the two

The cluster writes a snapshot into a repository of type "fs", made for it in a folder of
the nodes' `path.repo` (read from the nodes: every node must share it, and this machine
must see it, as a mount does; scripts/opensearch.py gives the local cluster
var/opensearch/snapshots). The folder is then packed into the tar file and removed.

A snapshot is consistent while the server takes writes: it is started under the alias's
lock (locks.py, which every write takes), and the lock is let go once every shard has
taken its commit point (its stage past INIT): the writes before are in it, those after
are not, and the last task number, read under the lock, says which. Writes wait for the
lock meanwhile (about a second), not for the copy. The synonyms and curations of the
alias (editorial.EDITORIAL) go in the manifest.

A restore extracts the repository into the nodes' folder, restores both indexes under
new names (a build's: `<alias>-<time>-<id>`), checks the documents, puts the synonyms and
curations back, and moves the alias to the restored index in one step, as a build does
(the alias's older indexes but the one before are deleted). An alias that names an
index already is replaced only with --force.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
import uuid
from pathlib import Path

from ..indexing import archive
from ..indexing.errors import BackupError, IndexNotFound
from . import locks
from .build import GREEN_WAIT, point_alias
from .client import ClusterError, path
from .editorial import EDITORIAL
from .vocabulary import index_of as vocabulary_index
from .writes import TASKS

BACKEND = "opensearch"
FOLDER = "repository"  # the repository, in the snapshot file
SNAPSHOT = "snapshot"  # the one snapshot of a repository made for it
LOCK_WAIT = 30.0  # seconds to wait for the alias's lock (a write, a build)
STARTED = ("STARTED", "FINALIZE", "DONE")  # a shard's stages once it took its commit
POLL = 0.1
TAKEN_WAIT = 120.0  # seconds for every shard to take its commit (writes wait meanwhile)
FINISHED_WAIT = 6 * 3600.0  # seconds for the cluster to copy the index into the folder


def repository_root(cluster) -> Path:
    """The folder every node may write snapshots into (path.repo), as this machine sees
    it; BackupError when the nodes share none or it is not here."""
    answer = cluster.request(
        "GET", path("_nodes", "settings"), params={"filter_path": "nodes.*.settings.path.repo"}
    )
    shared: set[str] | None = None
    for node in answer.get("nodes", {}).values():
        repo = node.get("settings", {}).get("path", {}).get("repo", [])
        repo = {repo} if isinstance(repo, str) else set(repo)
        shared = repo if shared is None else shared & repo
    if not shared:  # no node has one (filter_path then leaves no node), or none in common
        raise BackupError(
            "the cluster's nodes share no snapshot folder: add `path.repo: [/a/shared/folder]`"
            " to every node's opensearch.yml and restart them (python3 scripts/opensearch.py"
            " up does it for the local cluster)"
        )
    root = Path(sorted(shared)[0])
    if not root.is_dir():
        raise BackupError(
            f"the cluster's snapshot folder {root} (path.repo) is not on this machine:"
            " run the command where it is mounted"
        )
    return root


def _register(cluster, repository: str, folder: Path, readonly: bool = False) -> None:
    settings = {"location": str(folder), "readonly": readonly}
    cluster.request("PUT", path("_snapshot", repository), {"type": "fs", "settings": settings})


def _forget(cluster, repository: str, folder: Path) -> None:
    """Unregister *repository* (its snapshot stopped if it runs) and remove its folder."""
    for where in (path("_snapshot", repository, SNAPSHOT), path("_snapshot", repository)):
        with contextlib.suppress(ClusterError):  # being read or written: its folder goes
            cluster.request("DELETE", where, ok=(404,))
    shutil.rmtree(folder, ignore_errors=True)


def snapshot(backend, out: str | Path, lock_wait: float = LOCK_WAIT) -> dict:
    """Write a snapshot of the index the alias names to the tar file *out*; return its
    manifest (with "bytes" and "seconds")."""
    started = time.monotonic()
    cluster = backend.cluster
    archive.destination(out)  # before anything is made: a file that can be written,
    backend.current()  # of an index that is there
    root = repository_root(cluster)
    name = f"vnsearch-{backend.alias}-{uuid.uuid4().hex[:8]}"
    folder = root / name
    try:
        _register(cluster, name, folder)
        locks.take(backend, lock_wait)
        try:
            index = backend.current()
            vocabulary = vocabulary_index(index)
            last = cluster.request("GET", path(TASKS, "_doc", "last"), ok=(404,))
            task = last.get("_source", {}).get("number", 0)
            rules = cluster.request("GET", path(EDITORIAL, "_doc", backend.alias), ok=(404,))
            documents = cluster.request("GET", path(index, "_count"))["count"]
            body = {"indices": f"{index},{vocabulary}", "include_global_state": False}
            cluster.request("PUT", path("_snapshot", name, SNAPSHOT), body)
            _wait(cluster, name, _taken, TAKEN_WAIT)
        finally:
            locks.release(backend)
        info = _finished(cluster, name)
        if info.get("state") != "SUCCESS":
            raise BackupError(f"the cluster's snapshot failed: {info.get('state')} {info}")
        described = archive.manifest(
            BACKEND,
            alias=backend.alias,
            index=index,
            vocabulary=vocabulary,
            documents=documents,
            task=task,
            editorial=rules.get("_source") if rules.get("found") else None,
            shards=info.get("shards", {}).get("total"),
        )
        size = archive.write(out, described, folder, FOLDER)
    finally:
        _forget(cluster, name, folder)
    return {**described, "bytes": size, "seconds": round(time.monotonic() - started, 3)}


def _wait(cluster, repository: str, ready, seconds: float) -> dict:
    """Poll the status of the repository's snapshot until ready(status) holds."""
    deadline = time.monotonic() + seconds
    while True:
        status = cluster.request("GET", path("_snapshot", repository, SNAPSHOT, "_status"))
        found = status["snapshots"][0]
        if ready(found):
            return found
        if time.monotonic() > deadline:
            raise BackupError(f"the cluster's snapshot did not start in {seconds:.0f} s: {found}")
        time.sleep(POLL)


def _taken(status: dict) -> bool:
    """Has every shard taken its commit point (or the snapshot ended)?"""
    if status.get("state") in ("SUCCESS", "FAILED", "PARTIAL"):
        return True
    shards = [
        shard
        for index in status.get("indices", {}).values()
        for shard in index.get("shards", {}).values()
    ]
    expected = status.get("shards_stats", {}).get("total", 0)
    return len(shards) == expected > 0 and all(s.get("stage") in STARTED for s in shards)


def _finished(cluster, repository: str) -> dict:
    """The repository's snapshot, once the cluster wrote it whole: no longer among the
    snapshots running (its shards may all be done before the repository's own files
    are written)."""
    deadline = time.monotonic() + FINISHED_WAIT
    while True:
        running = cluster.request("GET", path("_snapshot", repository, "_current"))
        if not running.get("snapshots"):
            found = cluster.request("GET", path("_snapshot", repository, SNAPSHOT))
            return found["snapshots"][0]
        if time.monotonic() > deadline:
            raise BackupError(f"the cluster's snapshot did not end in {FINISHED_WAIT:.0f} s")
        time.sleep(POLL)


def restore(backend, archive_path: str | Path, force: bool = False) -> dict:
    """Make the index of the alias from the snapshot *archive_path*; return its manifest.

    BackupError when the file is no snapshot of an OpenSearch index, or the alias names
    an index already and not *force*."""
    started = time.monotonic()
    described = archive.read_manifest(archive_path, BACKEND)
    cluster = backend.cluster
    try:
        old = backend.current()
    except IndexNotFound:
        old = None
    if old and not force:
        raise BackupError(
            f"the alias {backend.alias!r} names an index ({old}): restore under another"
            " alias (--index NAME), or replace it with --force"
        )
    root = repository_root(cluster)
    name = f"vnsearch-restore-{uuid.uuid4().hex[:8]}"
    folder = root / name
    try:
        made = archive.extract(archive_path, FOLDER, folder)
        _readable(made)
        _register(cluster, name, made, readonly=True)
        index = f"{backend.alias}-{time.strftime('%Y%m%dt%H%M%S')}-{uuid.uuid4().hex[:6]}"
        body = {
            "indices": f"{described['index']},{described['vocabulary']}",
            "include_global_state": False,
            "include_aliases": False,
            "rename_pattern": f"^(vocabulary-)?{re.escape(described['index'])}$",
            "rename_replacement": f"$1{index}",
        }
        both = f"{index},{vocabulary_index(index)}"
        try:
            cluster.request(
                "POST",
                path("_snapshot", name, SNAPSHOT, "_restore"),
                body,
                params={"wait_for_completion": "true"},
            )
            params = {"wait_for_status": "green", "timeout": GREEN_WAIT}
            cluster.request("GET", path("_cluster", "health", both), params=params)
            documents = cluster.request("GET", path(index, "_count"))["count"]
            if documents != described["documents"]:
                raise BackupError(
                    f"the restored index holds {documents} documents, not"
                    f" {described['documents']}: the snapshot is damaged"
                )
        except BaseException:
            cluster.request("DELETE", path(both), ok=(404,))  # nothing half-restored stays
            raise
        _put_rules(backend, described.get("editorial"))
        point_alias(backend, index)
    finally:
        _forget(cluster, name, folder)
    return {
        **described,
        "restored": {"alias": backend.alias, "index": index},
        "seconds": round(time.monotonic() - started, 3),
    }


def _readable(folder: Path) -> None:
    """Let the nodes' user read what this process extracted (they may run as another)."""
    for where, _, files in os.walk(folder):
        os.chmod(where, 0o755)
        for name in files:
            os.chmod(os.path.join(where, name), 0o644)


def _put_rules(backend, rules: dict | None) -> None:
    """Make the alias's synonyms and curations those of the snapshot (none: none)."""
    where = path(EDITORIAL, "_doc", backend.alias)
    if rules is None:
        backend.cluster.request("DELETE", where, params={"refresh": "true"}, ok=(404,))
    else:
        backend.cluster.request("PUT", where, rules, params={"refresh": "true"})
