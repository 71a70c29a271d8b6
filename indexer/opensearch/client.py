"""A small HTTP client for an OpenSearch cluster: JSON in and out, any node will do.

Each thread keeps one connection to each node (HTTP keep-alive). A request goes to the
node this thread used last; when that node does not answer (refused, reset, timed
out, or 502/503/504), it is sent to the next node, so a cluster that loses a node keeps
answering. Only the standard library is used.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import quote, urlencode, urlsplit

TIMEOUT = 30.0  # seconds for one request to one node
RETRY_STATUSES = {502, 503, 504}  # a node that is starting, stopping or overloaded
# A read fails with 500 when a node leaves in the middle of it: asked again, the cluster
# answers from the shards' other copies.
READS = ("/_search", "/_count", "/_mget", "/_alias", "/_mapping")


class ClusterError(Exception):
    """OpenSearch answered with an error, or no node answered at all."""

    def __init__(self, status: int, message: str, body=None):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = body


class Cluster:
    """The nodes at *urls* ("http://127.0.0.1:9201,http://127.0.0.1:9202")."""

    def __init__(self, urls: str | list[str], timeout: float = TIMEOUT):
        if isinstance(urls, str):
            urls = [u.strip() for u in urls.split(",") if u.strip()]
        if not urls:
            raise ValueError("no OpenSearch URL given")
        self.nodes = []
        for url in urls:
            parts = urlsplit(url if "://" in url else f"http://{url}")
            if parts.scheme != "http" or not parts.hostname:
                raise ValueError(f"not an http://host:port URL: {url!r}")
            self.nodes.append((parts.hostname, parts.port or 9200))
        self.urls = [f"http://{host}:{port}" for host, port in self.nodes]
        self.timeout = timeout
        self._local = threading.local()
        self._opened: list[http.client.HTTPConnection] = []  # of every thread, to close
        self._lock = threading.Lock()

    def request(self, method: str, path: str, body=None, params: dict | None = None, ok=()):
        """Send one request; return its JSON answer. *body* is a dict (JSON) or bytes
        (NDJSON, for _bulk). Statuses in *ok* are answers, not errors."""
        if params:
            path += "?" + urlencode({k: _param(v) for k, v in params.items()})
        headers = {"Accept": "application/json"}
        if isinstance(body, bytes):
            data, headers["Content-Type"] = body, "application/x-ndjson"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        else:
            data = None
        first = getattr(self._local, "node", 0)
        failures = []
        read = method == "GET" or any(part in path for part in READS)
        retried = RETRY_STATUSES | ({500} if read else set())
        for attempt in range(len(self.nodes) * 2):
            node = (first + attempt) % len(self.nodes)
            try:
                status, answer = self._send(node, method, path, data, headers)
            except (OSError, http.client.HTTPException) as error:
                self._drop(node)
                failures.append(f"{self.urls[node]}: {error}")
                if attempt >= len(self.nodes) - 1:
                    time.sleep(0.2)  # every node tried once: give them a moment
                continue
            if status in retried and attempt < len(self.nodes) * 2 - 1:
                failures.append(f"{self.urls[node]}: {status} {_reason(answer)}")
                time.sleep(0.1 * (attempt + 1))
                continue
            self._local.node = node
            if status >= 400 and status not in ok:
                raise ClusterError(status, _reason(answer), answer)
            return answer
        raise ClusterError(503, "no OpenSearch node answered: " + "; ".join(failures[-3:]))

    def _send(self, node: int, method, path, data, headers):
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        connection = connections.get(node)
        if connection is None:
            host, port = self.nodes[node]
            connection = connections[node] = http.client.HTTPConnection(
                host, port, timeout=self.timeout
            )
            with self._lock:
                self._opened.append(connection)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except (TimeoutError, OSError, http.client.HTTPException):
            raise
        answer = json.loads(raw) if raw else {}
        return response.status, answer

    def _drop(self, node: int) -> None:
        connections = getattr(self._local, "connections", {})
        connection = connections.pop(node, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        """Close every connection, of every thread (a thread opens new ones if it goes on)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
        self._local.connections = {}


def path(*parts: str) -> str:
    """A URL path of *parts*, each quoted: path("idx", "_doc", "a/b") -> "/idx/_doc/a%2Fb"."""
    return "/" + "/".join(quote(part, safe="_-,*") for part in parts)


def _param(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _reason(answer) -> str:
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        error = answer["error"]
        cause = (error.get("root_cause") or [{}])[0]
        return cause.get("reason") or error.get("reason") or error.get("type") or "error"
    if isinstance(answer, dict) and answer.get("error"):
        return str(answer["error"])
    return "error"
