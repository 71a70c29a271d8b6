"""The Flask app: a search page and a JSON API over one index.

Settings come in layers (indexer.settings): the defaults, then VNSEARCH_* environment
variables, then the mapping passed to create_app, by upper-case setting name (INDEX,
TIME_LIMIT, ...; tests pass theirs so). The app's config holds every setting so named.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import PathConverter

from indexer.settings import BY_NAME, Settings

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
    given = test_config or {}
    settings = Settings.load({k.lower(): v for k, v in given.items() if k.lower() in BY_NAME})
    app.config.update({name.upper(): value for name, value in settings.values().items()})
    app.config.update({k: v for k, v in given.items() if k.lower() not in BY_NAME})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.merge_slashes = False  # document ids may hold "//"
    app.url_map.converters["id"] = AnyPath
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_mb * 1024 * 1024

    from . import analytics, api, auth, editorial, engine, metrics, pages, writes

    engine.init_app(app, settings)
    analytics.init_app(app, settings)
    metrics.init_app(app, settings)

    auth.init_app(app, settings.write_tokens)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(writes.blueprint)
    app.register_blueprint(editorial.blueprint)
    app.register_blueprint(pages.blueprint)

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app
