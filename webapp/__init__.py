"""The Flask app: a search page and a JSON API over one index directory.

Settings come in layers: the defaults below, then VNSEARCH_* environment variables,
then the mapping passed to create_app (tests).
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter

from indexer.search.engine import Backend
from indexer.whoosh.backend import WhooshBackend

# name: (environment variable, default, help)
SETTINGS = {
    "INDEX_DIR": ("VNSEARCH_INDEX", "var/index", "the index directory to serve"),
    "RELOAD_SECONDS": ("VNSEARCH_RELOAD_SECONDS", "1.0", "how often to look for a rebuilt index"),
    "SUGGESTIONS": ("VNSEARCH_SUGGESTIONS", "8", "autocomplete suggestions returned"),
    "TIME_LIMIT": (
        "VNSEARCH_TIME_LIMIT",
        "5.0",
        "seconds a search may take before it answers partially",
    ),
}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class AnyPath(PathConverter):
    """Like <path:>, but a document id may also begin with "/"."""

    regex = ".+"
    part_isolating = False  # the id spans "/" separated parts


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app; *test_config* overrides the defaults and the environment."""
    app = Flask(__name__)
    for name, (variable, default, _) in SETTINGS.items():
        app.config[name] = os.environ.get(variable, default)
    app.config.update(test_config or {})
    app.config["RELOAD_SECONDS"] = float(app.config["RELOAD_SECONDS"])
    app.config["SUGGESTIONS"] = int(app.config["SUGGESTIONS"])
    app.config["TIME_LIMIT"] = float(app.config["TIME_LIMIT"])
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.merge_slashes = False  # document ids may hold "//"
    app.url_map.converters["id"] = AnyPath
    app.extensions["engine"] = WhooshBackend(
        app.config["INDEX_DIR"], app.config["RELOAD_SECONDS"], app.config["TIME_LIMIT"]
    )

    from . import api, pages

    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/") or request.path == "/healthz":
            code = (exc.name or "error").lower().replace(" ", "_")
            body = {"error": {"code": code, "message": exc.description or exc.name}}
            return jsonify(body), exc.code or 500
        return render_template("error.html", error=exc), exc.code or 500

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app


def engine() -> Backend:
    """The search backend of the current app."""
    from flask import current_app

    return current_app.extensions["engine"]
