"""The web app's backend, made once, read one view a request; every JSON error of the app.

In the manner of flaskr's db.py: `init_app(app, settings)` makes the backend and registers
what ends each request and the error handlers; `get_engine()` gives a request the backend,
its reads held (Backend.hold) to the newest view published when the request first reads,
and let go at the request's end. `error()` builds every JSON error body.
"""

from __future__ import annotations

import json

from flask import current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from indexer import open_backend
from indexer.indexing.errors import IndexBusy, IndexNotFound
from indexer.search.engine import Backend
from indexer.search.request import InvalidRequest, SearchRequest
from indexer.settings import Settings


def init_app(app, settings: Settings) -> None:
    """Make the app's backend and register what ends a request and the error handlers."""
    app.extensions["engine"] = open_backend(settings)
    app.extensions["search_defaults"] = settings.search_defaults()
    app.teardown_request(release)
    app.register_error_handler(InvalidRequest, invalid_request)
    app.register_error_handler(IndexNotFound, no_index)
    app.register_error_handler(IndexBusy, busy)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)


def get_engine() -> Backend:
    """The backend, its reads held to one view for the rest of this request."""
    if "engine" not in g:
        backend = current_app.extensions["engine"]
        backend.hold()
        g.engine = backend
    return g.engine


def search_request(params) -> SearchRequest:
    """A search request of *params*, with the server's default sort and half_life."""
    return SearchRequest.from_params(params, current_app.extensions["search_defaults"])


def read_json(data: bytes):
    """A request body's JSON, or InvalidRequest("invalid_json") saying why it is not
    (nested too deeply for the parser counts as not JSON, not as a server error)."""
    try:
        return json.loads(data)
    except ValueError as exc:
        raise InvalidRequest("invalid_json", f"the body is not JSON: {exc}") from None
    except RecursionError:
        raise InvalidRequest("invalid_json", "the body is JSON nested too deeply") from None


def release(_exc=None) -> None:
    backend = g.pop("engine", None)
    if backend is not None:
        backend.release()


def error(status: int, code: str, message: str, **more):
    """A JSON error: {"error": {"code", "message", ...more}} with its status."""
    response = jsonify({"error": {"code": code, "message": message, **more}})
    response.status_code = status
    return response


def invalid_request(exc: InvalidRequest):
    return error(415 if exc.code == "unsupported_media_type" else 400, exc.code, exc.message)


def no_index(exc: IndexNotFound):
    return error(503, "index_unavailable", str(exc))


def busy(exc: IndexBusy):  # OpenSearch: a build held the alias's lock past its wait
    response = error(503, "index_busy", f"{exc}: try again")
    response.headers["Retry-After"] = "30"
    return response


def http_error(exc: HTTPException):
    """JSON under /api/ and for /healthz and /metrics; the error page elsewhere."""
    if request.path.startswith("/api/") or request.path in ("/healthz", "/metrics"):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error(exc.code or 500, code, exc.description or exc.name)
    return render_template("error.html", error=exc), exc.code or 500


def unexpected(exc: Exception):  # a bug: logged, and answered as every error is
    current_app.logger.exception("error answering %s %s", request.method, request.path)
    return http_error(InternalServerError(original_exception=exc))
