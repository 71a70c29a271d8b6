"""The cluster client against small local HTTP(S) servers: credentials, TLS, failover,
answers that are not JSON. (The client against the real cluster: test_backend.py.)"""

import base64
import http.server
import json
import socket
import ssl
import subprocess
import threading

import pytest

from indexer.opensearch.client import Cluster, ClusterError


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with *reply* (status, body bytes) and keeps its headers."""

    seen: list = []
    reply = (200, b'{"count": 3}')

    def do_GET(self):
        self.seen.append(dict(self.headers))
        status, body = self.reply
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A plain HTTP server; yields (port, handler class)."""
    handler = type("Handler", (Recorder,), {"seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], handler
    httpd.shutdown()
    httpd.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_credentials_in_the_url_become_basic_authorization(server):
    port, handler = server
    cluster = Cluster(f"http://reader:s%C3%A9cret%40x@127.0.0.1:{port}")
    assert cluster.request("GET", "/news/_count") == {"count": 3}
    sent = handler.seen[0]["Authorization"]
    assert base64.b64decode(sent.split()[1]).decode() == "reader:sécret@x"
    assert cluster.urls == [f"http://127.0.0.1:{port}"]  # no password in messages
    cluster.close()


def test_no_credentials_no_authorization_header(server):
    port, handler = server
    Cluster(f"127.0.0.1:{port}").request("GET", "/")
    assert "Authorization" not in handler.seen[0]


def test_a_dead_node_is_skipped(server):
    port, handler = server
    cluster = Cluster([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{port}"])
    assert cluster.request("GET", "/news/_count") == {"count": 3}
    assert len(handler.seen) == 1


def test_no_node_answering_is_a_503_cluster_error():
    cluster = Cluster([f"http://127.0.0.1:{free_port()}"], timeout=2)
    with pytest.raises(ClusterError) as raised:
        cluster.request("GET", "/")
    assert raised.value.status == 503
    assert "no OpenSearch node answered" in str(raised.value)


def test_an_answer_that_is_not_json_is_an_error_with_its_text(server):
    port, handler = server
    handler.reply = (401, b"<html>Unauthorized</html>")
    with pytest.raises(ClusterError) as raised:
        Cluster(f"http://127.0.0.1:{port}").request("GET", "/")
    assert raised.value.status == 401
    assert "Unauthorized" in str(raised.value)


@pytest.mark.parametrize(
    "url", ["ftp://host:9200", "http://", "http://host:notaport", "https://host:99999"]
)
def test_a_url_that_is_not_http_is_refused(url):
    with pytest.raises(ValueError, match="host:port URL"):
        Cluster(url)


def test_https_checks_the_certificate(tmp_path, monkeypatch):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    handler = type("Handler", (Recorder,), {"seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"https://admin:pw@127.0.0.1:{httpd.server_address[1]}"
    try:
        # an authority the system does not know: refused, and said so
        with pytest.raises(ClusterError, match="CERTIFICATE_VERIFY_FAILED"):
            Cluster(url, timeout=5).request("GET", "/")
        # the certificate made known through SSL_CERT_FILE: answered
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        assert Cluster(url, timeout=5).request("GET", "/") == {"count": 3}
        assert json.dumps(handler.seen[-1]).count("Basic ") == 1
    finally:
        httpd.shutdown()
        httpd.server_close()
