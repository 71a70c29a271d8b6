"""Starting the production server (python -m webapp, gunicorn) for tests that need HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from indexer.whoosh.build import build

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@contextlib.contextmanager
def serving(
    index_dir,
    workers: int = 2,
    all_warm: bool = False,
    opensearch: str | None = None,
    env: dict | None = None,
    port: int | None = None,
):
    """Run `python -m webapp --index index_dir` on a free port (or *port*); yield its base
    URL once a worker answers (with *all_warm*: once every worker has warmed up). With
    *opensearch* (the nodes' URLs), index_dir is an alias of that cluster. *env*: more
    environment variables. The server is its own process group: `killed(base)` sends
    SIGKILL to all of it, as a crash would."""
    port = port or free_port()
    if opensearch is None:
        index_dir = Path(index_dir).resolve()  # the server runs from the project root
        logs = index_dir.parent
        backend = []
    else:
        logs = Path(tempfile.gettempdir())
        backend = ["--backend", "opensearch", "--opensearch-url", opensearch]
        # the searches it records: beside its log, not in the project's var/ (the default)
        env = {"VNSEARCH_ANALYTICS_PATH": str(logs / f"analytics-{port}.sqlite3"), **(env or {})}
    log = open(logs / f"server-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "webapp",
            "--index",
            str(index_dir),
            "--port",
            str(port),
            "--workers",
            str(workers),
            *backend,
        ],
        cwd=ROOT,
        env={**environment(), **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    RUNNING[base] = process
    try:
        deadline = time.monotonic() + 120  # workers warm up before they answer
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: see {log.name}") from None
                time.sleep(0.2)
        logged = Path(log.name)
        while all_warm and logged.read_text(errors="replace").count("warmed") < workers:
            if process.poll() is not None or time.monotonic() > deadline + 600:
                raise RuntimeError(f"the workers did not warm up: see {log.name}")
            time.sleep(0.5)
        yield base
    finally:
        RUNNING.pop(base, None)
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@contextlib.contextmanager
def serving_corpus(folder: Path, **options):
    """Build the seed articles of corpus/ into folder/index and serve them (serving(),
    with its *options*)."""
    build(folder / "index", [ROOT / "corpus"], workers=1, quiet=True)
    with serving(folder / "index", **options) as base:
        yield base


def call_json(base: str, method: str, path: str, body=None, token=None,
              content_type: str = "application/json") -> tuple[int, dict]:  # fmt: skip
    """(status, JSON answer) of one request to the server at *base*; *body*: bytes, or an
    object sent as JSON; *token*: a bearer token."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


RUNNING: dict[str, subprocess.Popen] = {}  # the servers of serving(), by base URL


def killed(base: str) -> None:
    """SIGKILL the server at *base*, its master and every worker at once."""
    process = RUNNING[base]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
