"""What readers search: `record(result)` keeps each search the app answers, and
GET /api/analytics/searches reports them (behind a bearer token: auth.authorize).

The page (`/`) and the API (GET and POST /api/search) call `record` with what they
answer. A search counts once: only its first page is recorded (paging through it is
not searching again), and only a query with words in it (a page of filters alone is
browsing). The results the page shows while a reader is still typing (`fragment=1`,
app.js) are not recorded either: they answer each pause in the typing ("bão s", "bão
số") and would fill the reports with halves of queries; the search the reader submits
is. Nothing of who asked is kept (indexer.search.analytics). `VNSEARCH_ANALYTICS=0`
records nothing; the reports still read what was recorded before.

A search is answered even when recording it fails (a full disk, a file that cannot be
written): the failure is logged, once a process, and the reader sees nothing of it.
"""

from __future__ import annotations

import logging
import sqlite3

from flask import Blueprint, current_app, jsonify, request

from indexer import open_search_log
from indexer.search.analytics import Report
from indexer.search.request import InvalidRequest
from indexer.search.results import SearchResult
from indexer.settings import Settings

from .auth import authorize

blueprint = Blueprint("analytics", __name__)
log = logging.getLogger(__name__)
PARAMETERS = ("days", "kind", "limit")


def init_app(app, settings: Settings) -> None:
    """Open the app's search log (lazily: no file until a search is recorded) and serve
    its reports."""
    app.extensions["search_log"] = open_search_log(settings)
    app.extensions["search_log_failed"] = False
    app.register_blueprint(blueprint)


def record(result: SearchResult) -> None:
    """Keep the search *result* answered, unless recording is off or it does not count."""
    if not current_app.config["ANALYTICS"] or result.page != 1 or not result.query.strip():
        return
    try:
        current_app.extensions["search_log"].record(
            result.query, result.searched_as, result.total, result.relaxed, result.took_ms
        )
    except (sqlite3.Error, OSError) as error:
        if not current_app.extensions["search_log_failed"]:
            current_app.extensions["search_log_failed"] = True
            log.warning("searches are not recorded: %s", error)


@blueprint.get("/api/analytics/searches")
def searches():
    authorize()
    for name in PARAMETERS:
        if len(request.args.getlist(name)) > 1:
            raise InvalidRequest(
                "repeated_parameter", f"parameter {name!r} was given more than once"
            )
    search_log = current_app.extensions["search_log"]
    return jsonify(search_log.answer(Report.from_params(request.args, search_log.keep_days)))
