"""The OpenAPI description of the write API (webapp/writes.py), joined to openapi.SPEC."""

from __future__ import annotations

_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_ERRORS = {
    "400": "A document or the body is invalid: `documents` names each (`record` from 0 in"
    " an array, `line` from 1 in JSON Lines), its `field` and why",
    "401": "No token, or not a valid one",
    "403": "Writes are disabled: no token is configured (VNSEARCH_WRITE_TOKENS)",
    "413": "The body is over VNSEARCH_MAX_BODY_MB",
    "415": "Neither application/json nor application/x-ndjson",
}
_FLAGS = [
    {
        "name": "wait",
        "in": "query",
        "description": "Answer 200 with the task once it is applied (up to 20 s; then 202)",
        "schema": {"type": "boolean", "default": False},
    },
    {
        "name": "atomic",
        "in": "query",
        "description": "One invalid document refuses the whole batch (otherwise the valid"
        " ones are taken and the others listed under `rejected`)",
        "schema": {"type": "boolean", "default": False},
    },
]
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "The document id, URL-encoded",
    "schema": {"type": "string"},
}


def _answers(*codes) -> dict:
    answers = {
        "202": {
            "description": "Taken: on disk, to be applied",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
        },
        "200": {
            "description": "Applied (with wait=true)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
        },
    }
    answers.update({c: {"description": _ERRORS[c], "content": _JSON_ERROR} for c in codes})
    return answers


_ONE = {"$ref": "#/components/schemas/NewDocument"}
_SECURED = [{"bearer": []}]

PATHS = {
    "/api/documents": {
        "post": {
            "summary": "Add or replace documents: one object, an array, or JSON Lines",
            "security": _SECURED,
            "parameters": _FLAGS,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [_ONE, {"type": "array", "items": _ONE}]}
                    },
                    "application/x-ndjson": {
                        "schema": {"type": "string", "description": "One document a line"}
                    },
                },
            },
            "responses": _answers("400", "401", "403", "413", "415"),
        }
    },
    "/api/tasks/{number}": {
        "get": {
            "summary": "The state of a write: queued, applied or failed",
            "security": _SECURED,
            "parameters": [
                {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {
                    "description": "The task",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Task"}}
                    },
                },
                "401": {"description": _ERRORS["401"], "content": _JSON_ERROR},
                "403": {"description": _ERRORS["403"], "content": _JSON_ERROR},
                "404": {
                    "description": "No such task, or its outcome was kept longer than"
                    " VNSEARCH_TASKS_DAYS (7 days) and pruned",
                    "content": _JSON_ERROR,
                },
            },
        }
    },
}

DOCUMENT_METHODS = {
    "put": {
        "summary": "Add or replace the document of this id",
        "security": _SECURED,
        "parameters": [_ID, _FLAGS[0]],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ONE}}},
        "responses": _answers("400", "401", "403", "413", "415"),
    },
    "delete": {
        "summary": "Take the document out (an unknown id is no error)",
        "security": _SECURED,
        "parameters": [_ID, _FLAGS[0]],
        "responses": _answers("401", "403"),
    },
}

_COUNTS = {
    "type": "object",
    "properties": {k: {"type": "integer"} for k in ("indexed", "unchanged", "deleted", "failed")},
}
_FAILED = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "record": {"type": "integer"},
            "line": {"type": "integer"},
            "field": {"type": "string", "nullable": True},
            "error": {"type": "string"},
        },
    },
}
SCHEMAS = {
    "NewDocument": {
        "type": "object",
        "required": ["id", "text"],
        "properties": {
            "id": {"type": "string", "maxLength": 512},
            "text": {"type": "string"},
            **{
                name: {"type": "string", "nullable": True}
                for name in ("title", "author", "source", "url")
            },
            "date": {"type": "string", "nullable": True, "description": "ISO 8601"},
        },
    },
    "Accepted": {
        "type": "object",
        "required": ["accepted", "task", "status"],
        "properties": {
            "accepted": {"type": "integer"},
            "task": {"type": "integer"},
            "status": {"type": "string", "enum": ["queued", "applied", "failed"]},
            "rejected": _FAILED,
            "counts": _COUNTS,
            "failed": _FAILED,
        },
    },
    "Task": {
        "type": "object",
        "required": ["task", "status"],
        "properties": {
            "task": {"type": "integer"},
            "status": {"type": "string", "enum": ["queued", "applied", "failed"]},
            "counts": _COUNTS,
            "failed": _FAILED,
            "seconds": {"type": "number"},
        },
    },
}
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "A token of VNSEARCH_WRITE_TOKENS (writes, and what readers"
        " searched; searches and documents are open)",
    }
}
