"""Serve the app with gunicorn, a production WSGI server (never Flask's development server).

python -m webapp [--index DIR] [--host 127.0.0.1] [--port 8000] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import sys

from indexer.settings import SettingError, Settings

from .server import Server, exiting, start_writer, starting, warm, worker_exited


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index", metavar="DIR", help="the index to serve (default: VNSEARCH_INDEX or var/index)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        default=max(2, os.cpu_count() or 1),
        help="worker processes (default: one per core, at least 2; more only add memory"
        " and contention: docs/benchmarks.md)",
    )
    parser.add_argument(
        "--timeout", type=int, default=30, help="seconds before a stuck worker is restarted"
    )
    parser.add_argument("--backend", help="whoosh (default) or opensearch (VNSEARCH_BACKEND)")
    parser.add_argument(
        "--opensearch-url", metavar="URL[,URL...]", help="the cluster's nodes (opensearch)"
    )
    args = parser.parse_args(argv)
    try:
        given = {"index": args.index, "backend": args.backend}
        given["opensearch_url"] = args.opensearch_url
        config = Settings.load(given)
    except SettingError as error:
        parser.error(str(error))
    if not 1 <= args.port <= 65535:
        parser.error("--port must be between 1 and 65535")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if config.backend == "whoosh" and not os.path.isdir(config.index):
        print(
            f"warning: {config.index} does not exist yet; searches answer 503 until it is built",
            file=sys.stderr,
        )
    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers,
        "worker_class": "webapp.server.JsonErrorsWorker",
        "timeout": args.timeout,
        "graceful_timeout": 10,
        "accesslog": "-",
        # never who asked (issue 25): the time, the request line, status, size, seconds
        "access_log_format": '%(t)s "%(r)s" %(s)s %(b)s %(L)s',
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "vnsearch",
        "control_socket_disable": True,  # one control socket per user would clash
        # the longest request line gunicorn allows: a 1,000-character query of Vietnamese,
        # percent-encoded, fits; a longer line gets a JSON 414 (POST /api/search takes more)
        "limit_request_line": 8190,
        "on_starting": starting,  # before any worker: the metrics' folder
        "post_worker_init": warm,
        "when_ready": start_writer,
        "child_exit": worker_exited,
        "on_exit": exiting,
    }
    Server(options, {k: v for k, v in given.items() if v is not None}).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
