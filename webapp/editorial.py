"""The editors' API: synonyms and curations, each behind the write tokens (auth.py).

    GET    /api/synonyms              {"synonyms": [rule, ...]}
    GET    /api/synonyms/<id>         one rule
    PUT    /api/synonyms/<id>         {"words": [...]} or {"root": ..., "words": [...]}
    DELETE /api/synonyms/<id>

and the same under /api/curations with {"query": ..., "pin": [ids], "hide": [ids]}. A PUT
answers 201 with the rule when it is new, 200 when it replaced one; either way once the
rule is durable (search.editorial.Store), and the next search of any worker applies it.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from indexer.search.editorial import check_id, curation_of, synonym_of
from indexer.search.request import InvalidRequest

from .auth import authorize
from .engine import error, get_engine, read_json

blueprint = Blueprint("editorial", __name__)
blueprint.before_request(authorize)

RULE_BYTES = 256 * 1024  # a rule's body: fifty phrases or two hundred ids fit many times
READ = {"synonyms": synonym_of, "curations": curation_of}


@blueprint.get("/api/<any(synonyms, curations):kind>")
def rules(kind: str):
    found = get_engine().editorial.rules()
    return jsonify({kind: [rule.to_json() for rule in found.of(kind)]})


@blueprint.get("/api/<any(synonyms, curations):kind>/<rule_id>")
def rule(kind: str, rule_id: str):
    found = get_engine().editorial.rules().get(kind, rule_id)
    if found is None:
        return _missing(kind, rule_id)
    return jsonify(found.to_json())


@blueprint.put("/api/<any(synonyms, curations):kind>/<rule_id>")
def put_rule(kind: str, rule_id: str):
    check_id(rule_id)
    body = _body()
    if "id" in body and body["id"] != rule_id:
        raise InvalidRequest("invalid_id", f"{body['id']!r} is not the id of the URL ({rule_id!r})")
    made = READ[kind](rule_id, body)
    created = get_engine().editorial.put(kind, made)
    return jsonify(made.to_json()), 201 if created else 200


@blueprint.delete("/api/<any(synonyms, curations):kind>/<rule_id>")
def delete_rule(kind: str, rule_id: str):
    if not get_engine().editorial.delete(kind, rule_id):
        return _missing(kind, rule_id)
    return jsonify({"id": rule_id, "deleted": True})


def _missing(kind: str, rule_id: str):
    what = "synonym" if kind == "synonyms" else "curation"
    return error(404, "not_found", f"no {what} {rule_id!r}")


def _body() -> dict:
    if request.mimetype != "application/json":
        raise InvalidRequest("unsupported_media_type", "send the rule as application/json")
    if (request.content_length or 0) > RULE_BYTES:
        raise RequestEntityTooLarge(f"a rule's body holds at most {RULE_BYTES:,} bytes")
    body = read_json(request.get_data(cache=False))
    if not isinstance(body, dict):
        raise InvalidRequest("invalid_json", "the body is one JSON object")
    return body
