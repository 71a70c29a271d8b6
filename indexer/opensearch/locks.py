"""Who builds or updates an alias: a lock document in the cluster.

One build or update of an alias runs at a time, from whichever machine: each takes the
alias's document in LOCKS (created only if absent) and deletes it when done. A lock left
by a process of this host that died is taken over; one held by a live process, or by
another host, is refused with IndexBusy.
"""

from __future__ import annotations

import os
import socket
import time

from ..indexing.errors import IndexBusy
from .client import ClusterError, path

LOCKS = "vnsearch_locks"  # not "<alias>-...": the alias's own indexes are named so


def take(backend, wait: float = 0.0) -> None:
    """Take the alias's lock; raise IndexBusy when a live process holds it for more than
    *wait* seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return _take(backend)
        except IndexBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


def _take(backend) -> None:
    holder = {"host": socket.gethostname(), "pid": os.getpid(), "since": time.time()}
    lock = path(LOCKS, "_create", backend.alias)
    for _ in range(2):
        try:
            backend.cluster.request("PUT", lock, holder, params={"refresh": "true"})
            return
        except ClusterError as error:
            if error.status != 409:
                raise
        found = backend.cluster.request("GET", path(LOCKS, "_doc", backend.alias), ok=(404,))
        other = found.get("_source", {})
        if other.get("host") == holder["host"] and not _alive(other.get("pid")):
            release(backend)
            continue  # its holder died: the lock is free
        raise IndexBusy(
            f"{backend.alias} is being built or updated by process {other.get('pid')}"
            f" on {other.get('host')}"
        )
    raise IndexBusy(f"{backend.alias} is being built or updated by another process")


def release(backend) -> None:
    backend.cluster.request("DELETE", path(LOCKS, "_doc", backend.alias), ok=(404,))


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except (OSError, TypeError, ValueError):
        return False
    return True
