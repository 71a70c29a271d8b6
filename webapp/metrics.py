"""Prometheus metrics at GET /metrics: what the server answered, searched and wrote, and
where its index stands, in prometheus-client's text format.

    vnsearch_requests_total{method,route,status}     requests the app answered
    vnsearch_request_duration_seconds{route}         a histogram of the app's time for them
    vnsearch_searches_total                          searches answered (the API's, the page's)
    vnsearch_partial_searches_total                  ... of them that hit their time limit
    vnsearch_relaxed_searches_total                  ... that found no article with every word
    vnsearch_write_tasks_accepted_total              write tasks taken (webapp/writes.py)
    vnsearch_write_tasks_applied_total               tasks applied (some write took effect)
    vnsearch_write_tasks_failed_total                tasks none of whose writes could be
    vnsearch_index_documents                         documents in the index
    vnsearch_index_generation{generation}            what searches read: its name, and a
                                                     number that rises with each commit
    vnsearch_last_write_age_seconds                  since the newest write was applied
    vnsearch_index_up                                1: the index was read for this scrape

`route` is the pattern of the URL rule that answered ("/api/documents/<id:doc_id>"),
never the path, so that the labels stay few; a request no rule matches (a 404, a 405) is
UNMATCHED. What gunicorn answers itself (a 414) never reaches the app and is not counted.

Counts are kept by each process and added up over the processes. Under gunicorn the
master names a fresh empty folder in PROMETHEUS_MULTIPROC_DIR before any process imports
prometheus_client (webapp/server.py), and every worker, and the writer process that
applies the journal, keeps its counts in files there (prometheus-client's multiprocess
mode): the worker that answers /metrics adds them all up, so N requests spread over the
workers read N. Without gunicorn (Flask's test client, the development server) the
counts are this process's own registry's.

The index's gauges are nobody's counts: the worker that answers a scrape reads them then
(IndexCollector: Backend.documents and Backend.write_state), so every worker reports the
same index. Tasks applied and failed are counted where their outcome settles, which may
be another process than the one that took them: the library announces each outcome to
its listeners (indexing.writes.LISTENERS) and `listen_to_writes()` adds these counters
there, so the indexer never imports prometheus_client. Tasks a CLI build applies while
catching up the journal are not the server's and are not counted.

With VNSEARCH_METRICS=0 nothing is made or recorded and /metrics is not routed (a JSON
404, as any unknown path).
"""

from __future__ import annotations

import functools
import logging
import os
import time

from flask import Blueprint, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from indexer.indexing.errors import IndexNotFound
from indexer.indexing.writes import LISTENERS
from indexer.search.engine import Backend
from indexer.search.results import SearchResult
from indexer.settings import Settings

from .engine import get_engine

blueprint = Blueprint("metrics", __name__)
log = logging.getLogger(__name__)

UNMATCHED = "unmatched"  # the route of a request no URL rule matched
# seconds: a search stops at VNSEARCH_TIME_LIMIT (5 by default), gunicorn kills at 30
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"


class Recorded:
    """The counts of this process (one set a process: `recorded()`)."""

    def __init__(self):
        self.registry = CollectorRegistry()  # read when no multiprocess folder is named
        made = {"registry": self.registry}
        self.requests = Counter(
            "vnsearch_requests", "Requests answered", ("method", "route", "status"), **made
        )
        self.duration = Histogram(
            "vnsearch_request_duration_seconds",
            "Seconds the app took to answer a request",
            ("route",),
            buckets=DURATION_BUCKETS,
            **made,
        )
        self.searches = Counter("vnsearch_searches", "Searches answered", **made)
        self.partial = Counter(
            "vnsearch_partial_searches", "Searches that hit their time limit (partial)", **made
        )
        self.relaxed = Counter(
            "vnsearch_relaxed_searches",
            "Searches no article held every word of, answered with those holding most",
            **made,
        )
        self.accepted = Counter(
            "vnsearch_write_tasks_accepted", "Write tasks taken (durable, answered)", **made
        )
        self.applied = Counter(
            "vnsearch_write_tasks_applied", "Write tasks applied (some write took effect)", **made
        )
        self.failed = Counter(
            "vnsearch_write_tasks_failed", "Write tasks none of whose writes could be", **made
        )


@functools.cache
def recorded() -> Recorded:
    """This process's counts, made when first asked (never with metrics off)."""
    return Recorded()


def init_app(app, settings: Settings) -> None:
    """With metrics on: count every request of *app*, its writes settled, serve /metrics."""
    if not settings.metrics:
        return
    app.extensions["metrics"] = recorded()
    listen_to_writes()
    app.before_request(started)
    app.after_request(answered)
    app.register_blueprint(blueprint)


def started() -> None:
    g.metrics_started = time.perf_counter()


def answered(response):
    """Count the request *response* answers, by its route's pattern."""
    made = current_app.extensions["metrics"]
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    made.requests.labels(request.method, route, str(response.status_code)).inc()
    took = time.perf_counter() - g.get("metrics_started", time.perf_counter())
    made.duration.labels(route).observe(took)
    return response


def searched(result: SearchResult) -> None:
    """Count a search answered (the API's and the page's), partial or relaxed."""
    made = current_app.extensions.get("metrics")
    if made is None:
        return
    made.searches.inc()
    if result.partial:
        made.partial.inc()
    if result.relaxed:
        made.relaxed.inc()


def accepted() -> None:
    """Count a write task taken."""
    made = current_app.extensions.get("metrics")
    if made is not None:
        made.accepted.inc()


def listen_to_writes() -> None:
    """Count the outcomes of write tasks this process settles (once a process)."""
    if settled not in LISTENERS:
        LISTENERS.append(settled)


def settled(outcome: dict) -> None:
    made = recorded()
    (made.applied if outcome["status"] == "applied" else made.failed).inc()


class IndexCollector:
    """The index's gauges, read from *backend* when a scrape collects them."""

    def __init__(self, backend: Backend):
        self.backend = backend

    def collect(self):
        up = GaugeMetricFamily(
            "vnsearch_index_up", "1: the index was read for this scrape; 0: no index yet, or"
            " it could not be read (the server's log says why)"
        )  # fmt: skip
        try:
            documents = self.backend.documents()
            state = self.backend.write_state()
        except Exception as error:  # a cluster that does not answer: the counts still go
            if not isinstance(error, IndexNotFound):  # no index yet is no failure
                log.warning("the index could not be read for /metrics", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("vnsearch_index_documents", "Documents in the index", documents)
        generation = GaugeMetricFamily(
            "vnsearch_index_generation",
            "What searches read: its name (a Whoosh generation's folder, the index the"
            " OpenSearch alias names) and a number that rises with each commit to it",
            labels=("generation",),
        )
        generation.add_metric([state["generation"]], state["commit"])
        yield generation
        age = GaugeMetricFamily(
            "vnsearch_last_write_age_seconds",
            "Seconds since the newest write over HTTP was applied (none: no write known)",
        )
        if state["applied_at"] is not None:
            age.add_metric([], max(0.0, time.time() - state["applied_at"]))
        yield age


@blueprint.get("/metrics")
def metrics():
    """Every process's counts added up (or this process's), and the index's gauges."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROCESS):
        MultiProcessCollector(registry)
    else:
        registry.register(current_app.extensions["metrics"].registry)
    registry.register(IndexCollector(get_engine()))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
