"""Serve the app with gunicorn, a production WSGI server (never Flask's development server).

python -m webapp [--index DIR] [--host 127.0.0.1] [--port 8000] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import sys

from gunicorn.app.base import BaseApplication

from indexer.settings import SettingError, Settings


class _Server(BaseApplication):
    def __init__(self, options: dict, index_dir: str):
        self.options = options
        self.index_dir = index_dir
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer gunicorns know more settings
                self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app({"INDEX": self.index_dir})


def _warm(worker) -> None:
    """Before a worker's first request: open the index, read its columns and frequent
    postings; tell the master all along that the worker lives (or it is killed after
    --timeout seconds)."""
    if worker.wsgi.extensions["engine"].warm(alive=worker.notify):
        worker.log.info("index opened and warmed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index", metavar="DIR", help="the index to serve (default: VNSEARCH_INDEX or var/index)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=int, default=min(4, (os.cpu_count() or 1) * 2), help="worker processes"
    )
    parser.add_argument(
        "--timeout", type=int, default=30, help="seconds before a stuck worker is restarted"
    )
    args = parser.parse_args(argv)
    try:
        args.index = Settings.load({"index": args.index}).index
    except SettingError as error:
        parser.error(str(error))
    if not 1 <= args.port <= 65535:
        parser.error("--port must be between 1 and 65535")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not os.path.isdir(args.index):
        print(
            f"warning: {args.index} does not exist yet; searches answer 503 until it is built",
            file=sys.stderr,
        )
    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers,
        "worker_class": "sync",
        "timeout": args.timeout,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "vnsearch",
        "control_socket_disable": True,  # one control socket per user would clash
        # the longest request line gunicorn allows: a 1,000-character query of Vietnamese,
        # percent-encoded, fits; a longer line gets gunicorn's own 400
        "limit_request_line": 8190,
        "post_worker_init": _warm,
    }
    _Server(options, args.index).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
