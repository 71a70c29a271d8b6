"""gunicorn, the production server, with the app and a worker that answers errors in JSON.

gunicorn answers some requests itself, before the app sees them: a request line longer
than it accepts, malformed headers. Its answer is an HTML page; a program calling the
JSON API reads JSON, so JsonErrorsWorker says the same (gunicorn's own status and
reason) as {"error": {"code", "message"}}.

Metrics (webapp/metrics.py) add up over the processes: with VNSEARCH_METRICS on, the
master names a fresh empty folder in PROMETHEUS_MULTIPROC_DIR as it starts (`starting`),
before any process imports prometheus_client (its multiprocess mode is chosen at
import: this module and the master import it only after that), so the workers and the
writer process, forked from the master, each keep their counts there. A worker that
exits leaves its counts (they still add up) and loses its live gauges
(`worker_exited`); the folder goes when the master exits (`exiting`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.workers.sync import SyncWorker

from indexer import open_backend
from indexer.settings import Settings

FALLBACK_SECONDS = 5.0  # a worker applies writes the writer process left this long
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"  # where prometheus-client's processes count
METRICS_FOLDER = "vnsearch-metrics-"  # then the master's pid: <tmp>/vnsearch-metrics-PID-*


class Server(BaseApplication):
    """The app served by gunicorn with *options* (gunicorn's settings, by name) and
    *settings* (the app's, by name: index, backend, ...)."""

    def __init__(self, options: dict, settings: dict):
        self.options = options
        self.settings = settings
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer gunicorns know more settings
                self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app({name.upper(): value for name, value in self.settings.items()})


def warm(worker) -> None:
    """Before a worker's first request: open the index, read its columns and frequent
    postings (telling the master all along that the worker lives, or it is killed after
    --timeout seconds); then start applying the writes of the journal."""
    engine = worker.wsgi.extensions["engine"]
    if engine.warm(alive=worker.notify):
        worker.log.info("index opened and warmed")
    # the writer process applies the journal; this worker only if that one died
    engine.start_writes(patience=FALLBACK_SECONDS)


def start_writer(arbiter) -> None:
    """When the server is ready: for a backend whose writes are applied apart (Whoosh's
    journal), a process of its own that applies them (what a crash left unapplied at
    once) as long as the server runs."""
    settings = Settings.load(arbiter.app.settings)
    backend = open_backend(settings)
    if not backend.writes_apart:
        backend.close()
        return  # it applies each write as it takes it (a cluster)
    master = os.getpid()
    pid = os.fork()
    if pid:
        arbiter.app.writer_pid = pid
        arbiter.log.info("writer process %s applies the journal of %s", pid, settings.index)
        return
    try:  # the child: none of the master's signal handlers, exit with the master
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT,
                       signal.SIGCHLD, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTTIN,
                       signal.SIGTTOU, signal.SIGWINCH):  # fmt: skip
            signal.signal(number, signal.SIG_DFL)
        if settings.metrics:  # the tasks it applies and fails are counted
            from .metrics import listen_to_writes

            listen_to_writes()
        backend.run_writes(alive=lambda: os.getppid() == master)
    finally:
        os._exit(0)


def stop_writer(arbiter) -> None:
    pid = getattr(arbiter.app, "writer_pid", None)
    if pid:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


def starting(arbiter) -> None:
    """As the master starts, before any worker: with metrics on, a fresh empty folder for
    every process's counts, in PROMETHEUS_MULTIPROC_DIR (which it replaces if set); the
    folders of masters that died without removing theirs (kill -9) go."""
    if not Settings.load(arbiter.app.settings).metrics:
        return
    for stale in Path(tempfile.gettempdir()).glob(f"{METRICS_FOLDER}*-*"):
        master = stale.name[len(METRICS_FOLDER) :].split("-")[0]
        if master.isdigit() and not _alive(int(master)):
            shutil.rmtree(stale, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{METRICS_FOLDER}{os.getpid()}-")
    os.environ[MULTIPROCESS] = folder
    arbiter.app.metrics_folder = folder
    arbiter.log.info("metrics: every process counts in %s", folder)


def worker_exited(arbiter, worker) -> None:
    """A worker is gone: its counts stay in the folder, its live gauges go."""
    folder = getattr(arbiter.app, "metrics_folder", None)
    if folder:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def exiting(arbiter) -> None:
    """The master exits: stop the writer process, remove the metrics' folder."""
    stop_writer(arbiter)
    folder = getattr(arbiter.app, "metrics_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


class _Written:
    """A socket stand-in that keeps what gunicorn would send; the rest goes to the socket."""

    def __init__(self, sock):
        self._sock = sock
        self.data = b""

    def gettimeout(self):
        return 0.0  # gunicorn then writes straight, without changing the socket's mode

    def sendall(self, data):
        self.data += data

    def __getattr__(self, name):
        return getattr(self._sock, name)


class JsonErrorsWorker(SyncWorker):
    """gunicorn's sync worker, its own error answers in JSON."""

    def handle_error(self, req, client, addr, exc):
        written = _Written(client)
        super().handle_error(req, written, addr, exc)  # decides status, logs, "writes"
        status = written.data.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        code, reason = (int(status[1]), status[2]) if len(status) == 3 else (500, "Error")
        message = (str(exc) or reason) if code < 500 else "internal server error"
        body = json.dumps(
            {"error": {"code": reason.lower().replace(" ", "_"), "message": message}}
        ).encode("utf-8")
        response = (
            f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        try:
            client.sendall(response + body)
        except OSError:
            self.log.debug("Failed to send error message.")
