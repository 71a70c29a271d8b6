"""The write API: POST /api/documents, PUT and DELETE /api/documents/<id>, and
GET /api/tasks/<number>, each behind a bearer token (auth.py).

A write is taken whole or refused: its body is parsed and every document checked
(indexing.documents) before anything is written; then the backend makes the task
durable (the journal, or the cluster) and it is acknowledged with 202 and its number.
Without `atomic=true`, the valid documents of a batch are taken and the others named in
the answer; with it, one invalid document refuses the batch. `wait=true` answers once
the task is applied (or after WAIT_SECONDS, still 202).
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request

from indexer.indexing.documents import Invalid, check
from indexer.indexing.writes import delete
from indexer.search.request import InvalidRequest

from .auth import authorize
from .engine import error, get_engine, read_json
from .metrics import accepted

blueprint = Blueprint("writes", __name__)
log = logging.getLogger(__name__)

WAIT_SECONDS = 20.0  # the longest a write with wait=true waits (under the server's 30 s timeout)
NDJSON = ("application/x-ndjson", "application/jsonl", "application/jsonlines")
SHOWN_ERRORS = 100  # invalid documents named in one answer at most


class InvalidDocuments(Exception):
    """Documents of a write that cannot be taken: [{"record" or "line", "field", "error"}]."""

    def __init__(self, errors: list[dict]):
        super().__init__(_summary(errors))
        self.errors = errors


@blueprint.errorhandler(InvalidDocuments)
def invalid_documents(exc: InvalidDocuments):
    return error(400, "invalid_document", str(exc), documents=exc.errors[:SHOWN_ERRORS])


blueprint.before_request(authorize)


@blueprint.post("/api/documents")
def post_documents():
    items = _items()
    if not items:
        raise InvalidRequest("no_documents", "the body holds no document")
    checked = [(p, i if isinstance(i, Invalid) else check(i, _max_bytes())) for p, i in items]
    return _take(checked)


@blueprint.put("/api/documents/<id:doc_id>")
def put_document(doc_id: str):
    if request.mimetype in NDJSON:
        raise InvalidRequest("unsupported_media_type", "PUT takes one document as application/json")
    (place, item), *more = _items() or [(None, None)]
    if more or not isinstance(item, dict):
        raise InvalidDocuments([{"record": 0, "field": None, "error": "must be one JSON object"}])
    if "id" in item and str(item["id"]) != doc_id:
        error = f"{item['id']!r} is not the id of the URL ({doc_id!r})"
        raise InvalidDocuments([{"record": 0, "field": "id", "error": error}])
    return _take([(place, check({**item, "id": doc_id}, _max_bytes()))])


@blueprint.delete("/api/documents/<id:doc_id>")
def delete_document(doc_id: str):
    return _take([({"record": 0}, delete(doc_id))])


@blueprint.get("/api/tasks/<int:number>")
def task(number: int):
    state = get_engine().task(number)
    if state is None:
        return error(404, "not_found", f"no task {number}")
    return jsonify(state)


def _max_bytes() -> int:
    return current_app.config["MAX_FILE_MB"] * 1024 * 1024


def _items() -> list[tuple[dict, object]]:
    """The documents of the body, each with its place ({"record": i} or {"line": n}); a
    line of JSON Lines that is not JSON comes as Invalid."""
    data = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: a JSON 413
    if request.mimetype in NDJSON:
        items = []
        for number, line in enumerate(data.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                items.append(({"line": number}, read_json(line)))
            except InvalidRequest as exc:  # refused as that line's document
                why = exc.message.removeprefix("the body is ")  # "not JSON: ..."
                items.append(({"line": number}, Invalid(None, why)))
        return items
    if request.mimetype != "application/json":
        raise InvalidRequest(
            "unsupported_media_type",
            "send documents as application/json (an object or an array of them)"
            " or application/x-ndjson (one a line)",
        )
    body = read_json(data)
    if isinstance(body, list):
        return [({"record": i}, item) for i, item in enumerate(body)]
    return [({"record": 0}, body)]


def _take(checked: list[tuple[dict, object]]):
    """Write the valid documents of *checked* as one task and answer for it."""
    errors = [
        {**place, "field": op.field, "error": op.message}
        for place, op in checked
        if isinstance(op, Invalid)
    ]
    ops = [op for _, op in checked if not isinstance(op, Invalid)]
    if errors and (_flag("atomic") or not ops):
        raise InvalidDocuments(errors)
    backend = get_engine()
    number = backend.write(ops, errors)
    accepted()
    answer = {"accepted": len(ops), "task": number}
    if errors:
        answer["rejected"] = errors[:SHOWN_ERRORS]
    if _flag("wait"):
        state = backend.applied(number, WAIT_SECONDS)
        if state is not None and state["status"] != "queued":
            return jsonify({**answer, **state}), 200
    return jsonify({**answer, "status": "queued"}), 202


def _flag(name: str) -> bool:
    value = request.args.get(name, "false").strip().lower()
    if value not in ("true", "false", "1", "0", ""):
        raise InvalidRequest(f"invalid_{name}", f"{name} must be true or false")
    return value in ("true", "1")


def _summary(errors: list[dict]) -> str:
    first = errors[0]
    where = f"line {first['line']}" if "line" in first else f"record {first['record']}"
    field = f", field {first['field']!r}" if first.get("field") else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}{field}: {first['error']}{more}"
