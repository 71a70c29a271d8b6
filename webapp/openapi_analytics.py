"""The OpenAPI description of what readers search (webapp/analytics.py), joined to
openapi.SPEC; its limits are those of indexer.search.analytics."""

from __future__ import annotations

from indexer.search.analytics import DAYS, KINDS, LIMIT, MAX_LIMIT

_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _parameter(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "description": description, "schema": schema}


PATHS = {
    "/api/analytics/searches": {
        "get": {
            "summary": "What readers searched: the most searched queries, those that found"
            " nothing, the slowest (each search counted once: its first page)",
            "security": [{"bearer": []}],
            "parameters": [
                _parameter(
                    "days",
                    "The days looked back, today (UTC) included; at most"
                    " VNSEARCH_ANALYTICS_DAYS (90 unless set), the days kept",
                    {"type": "integer", "minimum": 1, "default": DAYS},
                ),
                _parameter(
                    "kind",
                    "popular: most searched first; no_results: queries a search of which"
                    " found nothing (a relaxed search found something), most such first;"
                    " slow: slowest first",
                    {"type": "string", "enum": list(KINDS), "default": "popular"},
                ),
                _parameter(
                    "limit",
                    "Rows at most",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": LIMIT},
                ),
            ],
            "responses": {
                "200": {
                    "description": "The report",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/SearchReport"}
                        }
                    },
                },
                "400": {"description": "Invalid days, kind or limit", "content": _JSON_ERROR},
                "401": {"description": "No token, or not a valid one", "content": _JSON_ERROR},
                "403": {
                    "description": "No token is configured (VNSEARCH_WRITE_TOKENS)",
                    "content": _JSON_ERROR,
                },
            },
        }
    }
}

_ROW = {
    "type": "object",
    "required": ["query", "count", "total", "searched_as", "relaxed", "took_ms"],
    "properties": {
        "query": {
            "type": "string",
            "description": "The commonest form typed of the searches grouped here (grouped by"
            " the query in NFC, lower case, spaces collapsed)",
        },
        "count": {
            "type": "integer",
            "description": "Its searches in the window (no_results: those that found nothing)",
        },
        "total": {"type": "integer", "description": "The total of its latest search"},
        "searched_as": {
            "type": "string",
            "description": "What its latest search was searched as: the reading searched"
            " instead of the query, else the query as typed",
        },
        "relaxed": {"type": "boolean", "description": "Whether its latest search was relaxed"},
        "took_ms": {"type": "number", "description": "The slowest of its searches, in ms"},
    },
}
SCHEMAS = {
    "SearchReport": {
        "type": "object",
        "required": ["days", "kind", "since", "rows"],
        "properties": {
            "days": {"type": "integer"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "since": {
                "type": "string",
                "format": "date",
                "description": "The first day counted (UTC)",
            },
            "rows": {"type": "array", "items": _ROW},
        },
    }
}
