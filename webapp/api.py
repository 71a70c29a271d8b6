"""The JSON API: /healthz, /api/search, /api/documents/<id>, /api/suggest, /api/openapi.json."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request

from indexer.indexing.errors import IndexNotFound
from indexer.search.request import NAMES, InvalidRequest, SearchRequest

from . import engine
from .openapi import SPEC

blueprint = Blueprint("api", __name__)

HIT_FIELDS = (
    "id",
    "title",
    "date",
    "author",
    "source",
    "place",
    "url",
    "score",
    "snippet",
    "title_html",
)


def error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


@blueprint.errorhandler(InvalidRequest)
def invalid(exc: InvalidRequest):
    return error(400, exc.code, exc.message)


@blueprint.errorhandler(IndexNotFound)
def no_index(exc: IndexNotFound):
    return error(503, "index_unavailable", str(exc))


@blueprint.get("/healthz")
def health():
    try:
        documents = engine().documents()
    except IndexNotFound as exc:
        return jsonify({"status": "unavailable", "documents": 0, "error": str(exc)}), 503
    return jsonify({"status": "ok", "documents": documents})


def result_json(result) -> dict:
    """The JSON form of a SearchResult (the HTML page renders the same object)."""
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "took_ms": result.took_ms,
        "hits": [{name: getattr(hit, name) for name in HIT_FIELDS} for hit in result.hits],
        "facets": result.facets,
        "suggestion": result.suggestion,
        "sort": result.sort,
        "pages": result.pages,
        "filters": result.filters,
        "partial": result.partial,
    }


@blueprint.get("/api/search")
def search():
    _single_valued()
    result = engine().search(SearchRequest.from_params(request.args))
    return jsonify(result_json(result))


@blueprint.get("/api/documents/<id:doc_id>")
def document(doc_id: str):
    found = engine().document(doc_id, request.args.get("q", ""))
    if found is None:
        return error(404, "not_found", f"no document with id {doc_id!r}")
    data = asdict(found)
    data.pop("paragraphs")
    data.pop("title_html")
    return jsonify(data)


@blueprint.get("/api/suggest")
def suggest():
    _single_valued()
    prefix = request.args.get("q", "")
    return jsonify({"suggestions": engine().suggest(prefix, current_app.config["SUGGESTIONS"])})


@blueprint.get("/api/openapi.json")
def openapi():
    return jsonify(SPEC)


def _single_valued() -> None:
    """A parameter given twice is ambiguous: refuse it rather than guess."""
    for name in NAMES:
        if len(request.args.getlist(name)) > 1:
            raise InvalidRequest(
                "repeated_parameter", f"parameter {name!r} was given more than once"
            )
