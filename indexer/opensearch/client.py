"""A small HTTP client for an OpenSearch cluster: JSON in and out, any node will do.

Each thread keeps one connection to each node (HTTP keep-alive). A request goes to the
node this thread used last; when that node does not answer (refused, reset, timed
out, or 502/503/504), it is sent to the next node, so a cluster that loses a node keeps
answering. A URL may be https (the certificate checked against the system's authorities,
or the file named by SSL_CERT_FILE) and carry a user and password (HTTP basic
authentication), as a cluster with its security plugin asks. Only the standard library
is used.
"""

from __future__ import annotations

import base64
import http.client
import json
import ssl
import threading
import time
from urllib.parse import quote, unquote, urlencode, urlsplit

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
    """The nodes at *urls* ("http://127.0.0.1:9201,https://user:secret@db2:9200")."""

    def __init__(self, urls: str | list[str], timeout: float = TIMEOUT):
        if isinstance(urls, str):
            urls = [u.strip() for u in urls.split(",") if u.strip()]
        if not urls:
            raise ValueError("no OpenSearch URL given")
        self.nodes: list[Node] = [Node.of(url) for url in urls]
        self.urls = [node.url for node in self.nodes]  # without credentials: for messages
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
            connection = connections[node] = self.nodes[node].connect(self.timeout)
            with self._lock:
                self._opened.append(connection)
        if self.nodes[node].authorization:
            headers = {**headers, "Authorization": self.nodes[node].authorization}
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:  # a proxy's page, say: the status tells what happened
            answer = {"error": raw[:200].decode("utf-8", "replace")}
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


class Node:
    """One node's address: scheme, host, port, and the basic authorization header if the
    URL names a user."""

    def __init__(self, scheme: str, host: str, port: int, authorization: str | None):
        self.scheme, self.host, self.port = scheme, host, port
        self.authorization = authorization
        self.url = f"{scheme}://{host}:{port}"

    @classmethod
    def of(cls, url: str) -> Node:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
            raise ValueError(f"not an http(s)://[user:password@]host:port URL: {url!r}")
        authorization = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            authorization = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
        return cls(parts.scheme, parts.hostname, port or 9200, authorization)

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        if self.scheme == "https":
            context = ssl.create_default_context()
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout, context=context
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


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
