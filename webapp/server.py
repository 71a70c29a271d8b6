"""gunicorn, the production server, with the app and a worker that answers errors in JSON.

gunicorn answers some requests itself, before the app sees them: a request line longer
than it accepts, malformed headers. Its answer is an HTML page; a program calling the
JSON API reads JSON, so JsonErrorsWorker says the same (gunicorn's own status and
reason) as {"error": {"code", "message"}}.
"""

from __future__ import annotations

import json

from gunicorn.app.base import BaseApplication
from gunicorn.workers.sync import SyncWorker


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
    engine.start_writes()  # what a crash left in the journal is applied now


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
