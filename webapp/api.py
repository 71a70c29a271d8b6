"""The JSON API: /healthz, /api/search, /api/documents/<id> (and its /related),
/api/suggest, /api/openapi.json."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer.indexing.errors import IndexNotFound
from indexer.language.text import NOT_TEXT, is_text
from indexer.search.related import RELATED
from indexer.search.request import NAMES, PARAMETERS, InvalidRequest, numeric
from indexer.search.results import to_json

from .analytics import record
from .engine import error, get_engine, read_json, search_request
from .metrics import searched
from .openapi import SPEC

blueprint = Blueprint("api", __name__)

SEARCH_BODY_BYTES = 64 * 1024  # a JSON search: a 1,000-character query and its filters fit


class BodyTooLarge(Exception):
    """A request body over its limit."""


@blueprint.errorhandler(BodyTooLarge)
def too_large(exc: BodyTooLarge):
    return error(413, "body_too_large", str(exc))


@blueprint.get("/healthz")
def health():
    try:
        documents = get_engine().documents()
    except IndexNotFound as exc:
        return jsonify({"status": "unavailable", "documents": 0, "error": str(exc)}), 503
    return jsonify({"status": "ok", "documents": documents})


@blueprint.get("/api/search")
def search():
    _single_valued()
    result = get_engine().search(search_request(request.args))
    record(result)
    searched(result)
    return jsonify(to_json(result))


@blueprint.post("/api/search")
def search_posted():
    """The same search, its parameters in a JSON object: for queries too long for a URL."""
    result = get_engine().search(search_request(_json_parameters()))
    record(result)
    searched(result)
    return jsonify(to_json(result))


def _json_parameters() -> dict:
    """The search parameters of a JSON body, as strings; refuse anything else clearly."""
    if not request.is_json:
        raise InvalidRequest("unsupported_media_type", "send the parameters as application/json")
    if (request.content_length or 0) > SEARCH_BODY_BYTES:
        raise BodyTooLarge(f"the body may hold at most {SEARCH_BODY_BYTES:,} bytes")
    data = request.stream.read(SEARCH_BODY_BYTES + 1)  # a chunked body: read no more
    if len(data) > SEARCH_BODY_BYTES:
        raise BodyTooLarge(f"the body may hold at most {SEARCH_BODY_BYTES:,} bytes")
    body = read_json(data)
    if not isinstance(body, dict):
        raise InvalidRequest("invalid_json", "the body must be a JSON object of parameters")
    unknown = sorted(set(body) - set(NAMES))
    if unknown:
        raise InvalidRequest(
            "unknown_parameter", f"unknown parameters: {', '.join(map(repr, unknown))}"
        )
    params = {}
    kinds = {parameter.name: parameter.kind for parameter in PARAMETERS}
    for name, value in body.items():
        if value is None:
            continue
        if kinds[name] == "boolean" and isinstance(value, bool):
            params[name] = "true" if value else "false"
            continue
        if kinds[name] == "number" and isinstance(value, float):
            params[name] = repr(value)
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidRequest(f"invalid_{name}", f"{name} must be a string or an integer")
        if isinstance(value, str) and not is_text(value):  # nor could an answer hold it
            raise InvalidRequest(f"invalid_{name}", f"{name} {NOT_TEXT}")
        params[name] = str(value)
    return params


@blueprint.get("/api/documents/<id:doc_id>")
def document(doc_id: str):
    found = get_engine().document(doc_id, request.args.get("q", ""))
    if found is None:
        return error(404, "not_found", f"no document with id {doc_id!r}")
    return jsonify(to_json(found))


@blueprint.get("/api/documents/<id:doc_id>/related")
def related(doc_id: str):
    _single_valued("limit")
    limit = numeric(request.args.get("limit"), "limit", RELATED, "integer")
    found = get_engine().related(doc_id, limit)  # 1 to MAX_RELATED, or a 400
    if found is None:
        return error(404, "not_found", f"no document with id {doc_id!r}")
    return jsonify(to_json(found))


@blueprint.get("/api/suggest")
def suggest():
    _single_valued()
    prefix = request.args.get("q", "")
    return jsonify({"suggestions": get_engine().suggest(prefix, current_app.config["SUGGESTIONS"])})


@blueprint.get("/api/openapi.json")
def openapi():
    return jsonify(SPEC)


def _single_valued(*names: str) -> None:
    """A parameter given twice is ambiguous: refuse it rather than guess."""
    for name in names or NAMES:
        if len(request.args.getlist(name)) > 1:
            raise InvalidRequest(
                "repeated_parameter", f"parameter {name!r} was given more than once"
            )
