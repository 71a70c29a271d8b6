"""The OpenAPI description of the editors' API (webapp/editorial.py), joined to openapi.SPEC."""

from __future__ import annotations

from indexer.search.editorial import MAX_IDS, MAX_PHRASE, MAX_PHRASES

_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_SECURED = [{"bearer": []}]
_ERRORS = {
    "400": "The rule is invalid: the error's code and message say which field and why",
    "401": "No token, or not a valid one",
    "403": "Writes are disabled: no token is configured (VNSEARCH_WRITE_TOKENS)",
    "404": "No rule of this id",
    "413": "The body is over 256 KB",
    "415": "Not application/json",
}
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "The rule's id: 1 to 128 letters, digits, '_', '.', '-' or '~'",
    "schema": {"type": "string", "pattern": r"^[\w.\-~]{1,128}$"},
}
_PHRASE = {"type": "string", "minLength": 1, "maxLength": MAX_PHRASE}
_IDS = {"type": "array", "items": {"type": "string"}, "maxItems": MAX_IDS}


def _errors(*codes) -> dict:
    return {code: {"description": _ERRORS[code], "content": _JSON_ERROR} for code in codes}


def _one(name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _paths(kind: str, schema: str, what: str, body: str) -> dict:
    item = {"$ref": f"#/components/schemas/{schema}"}
    listed = {"type": "object", "properties": {kind: {"type": "array", "items": item}}}
    return {
        f"/api/{kind}": {
            "get": {
                "summary": f"Every {what}",
                "security": _SECURED,
                "responses": {
                    "200": {
                        "description": f"The {kind}",
                        "content": {"application/json": {"schema": listed}},
                    },
                    **_errors("401", "403"),
                },
            }
        },
        f"/api/{kind}/{{id}}": {
            "get": {
                "summary": f"One {what}",
                "security": _SECURED,
                "parameters": [_ID],
                "responses": {
                    "200": {"description": f"The {what}", "content": _one(schema)},
                    **_errors("401", "403", "404"),
                },
            },
            "put": {
                "summary": f"Add or replace the {what} of this id: {body}. Durable when"
                " answered; the next search of every worker applies it, and rebuilds keep it",
                "security": _SECURED,
                "parameters": [_ID],
                "requestBody": {"required": True, "content": _one(schema)},
                "responses": {
                    "200": {
                        "description": f"Replaced: the {what} as kept",
                        "content": _one(schema),
                    },
                    "201": {
                        "description": f"Added: the {what} as kept",
                        "content": _one(schema),
                    },
                    **_errors("400", "401", "403", "413", "415"),
                },
            },
            "delete": {
                "summary": f"Delete the {what} of this id",
                "security": _SECURED,
                "parameters": [_ID],
                "responses": {
                    "200": {
                        "description": "Deleted",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "string"},
                                        "deleted": {"type": "boolean"},
                                    },
                                }
                            }
                        },
                    },
                    **_errors("401", "403", "404"),
                },
            },
        },
    }


PATHS = {
    **_paths(
        "synonyms",
        "Synonym",
        "synonym",
        "all words equivalent, or a root that also finds the words (not the reverse)",
    ),
    **_paths(
        "curations",
        "Curation",
        "curation",
        "a search whose words are the query's (folded, in any order) shows the pinned"
        " articles first on its first page, in order, and never the hidden ones",
    ),
}
SCHEMAS = {
    "Synonym": {
        "type": "object",
        "required": ["words"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "root": {
                **_PHRASE,
                "description": "With a root, the root finds the words; without, each"
                " phrase finds every other",
            },
            "words": {
                "type": "array",
                "items": _PHRASE,
                "minItems": 1,
                "maxItems": MAX_PHRASES,
                "description": "Phrases (at least two without a root), each matched as a"
                " phrase, with or without diacritics as typed",
            },
        },
    },
    "Curation": {
        "type": "object",
        "required": ["query"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "query": {**_PHRASE, "description": "The words of the searches it curates"},
            "pin": {
                **_IDS,
                "description": "Article ids shown first, in order (missing ones skipped)",
            },
            "hide": {**_IDS, "description": "Article ids never shown for the query"},
        },
    },
}
