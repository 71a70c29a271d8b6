"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from indexer.search.related import MAX_RELATED, RELATED
from indexer.search.request import (
    MAX_FILTER,
    MAX_HALF_LIFE,
    MAX_PER_PAGE,
    MAX_QUERY,
    PARAMETERS,
    SORTS,
)
from indexer.search.results import Document, Hit, Ranked, Related, SearchResult, Similar, schema

from . import openapi_analytics as analytics
from . import openapi_editorial as editorial
from . import openapi_metrics as metrics
from . import openapi_writes as writes

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
_RESULTS = {
    "description": "Results",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResult"}}},
}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_FACET = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
    },
}


def _query(name, description, schema=None, required=False):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _search_schemas() -> dict[str, dict]:
    """Each parameter of /api/search: its schema, from the one table of them
    (indexer.search.request), with its help as the description."""
    schemas = {
        "q": {"type": "string", "maxLength": MAX_QUERY},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "sort": {"type": "string", "enum": list(SORTS)},
        "half_life": {
            "type": "number",
            "exclusiveMinimum": True,
            "minimum": 0,
            "maximum": MAX_HALF_LIFE,
        },
        "verbatim": {"type": "boolean"},
        "collapse": {"type": "boolean"},
    }
    found = {}
    for parameter in PARAMETERS:
        schema = dict(schemas.get(parameter.name, {"type": "string", "maxLength": MAX_FILTER}))
        if parameter.default not in (None, ""):
            schema["default"] = parameter.default
        schema["description"] = parameter.help[:1].upper() + parameter.help[1:]
        found[parameter.name] = schema
    return found


def _search_parameters() -> list[dict]:
    """The parameters of GET /api/search, in its query string."""
    return [
        _query(name, schema["description"], {k: v for k, v in schema.items() if k != "description"})
        for name, schema in _search_schemas().items()
    ]


def _search_body() -> dict:
    """The body of POST /api/search: the same parameters as a JSON object."""
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": _search_schemas(),
                }
            }
        },
    }


def _errors(*codes):
    descriptions = {
        "400": "Invalid parameters",
        "404": "Not found",
        "413": "A body over its limit (64 KB for a search)",
        "415": "A body that is not application/json",
        "503": "The index is not built yet",
    }
    return {
        code: {
            "description": descriptions[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


SPEC = {
    "openapi": "3.0.3",
    "info": {
        "title": "vnsearch",
        "version": "1.0.0",
        "description": "Full-text search over Vietnamese news articles. Queries may be typed "
        'with or without diacritics; the syntax accepts "phrases", -exclusions, OR, '
        "and title:, author:, place: fields.",
    },
    "paths": {
        "/healthz": {
            "get": {
                "summary": "Liveness and the number of documents served",
                "responses": {
                    "200": {
                        "description": "The index is served",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["status", "documents"],
                                    "properties": {
                                        "status": {"type": "string", "enum": ["ok"]},
                                        "documents": {"type": "integer"},
                                    },
                                }
                            }
                        },
                    },
                    "503": {"description": "No index yet"},
                },
            }
        },
        "/api/search": {
            "get": {
                "summary": "Ranked, highlighted search results with facets",
                "parameters": _search_parameters(),
                "responses": {
                    "200": _RESULTS,
                    **_errors("400", "503"),
                },
            },
            "post": {
                "summary": "The same search, its parameters in a JSON object (up to 64 KB):"
                " for a query too long for a URL",
                "requestBody": _search_body(),
                "responses": {
                    "200": _RESULTS,
                    **_errors("400", "413", "415", "503"),
                },
            },
        },
        "/api/documents/{id}": {
            "get": {
                "summary": "A whole document",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": "The document id, URL-encoded (it may hold / or spaces)",
                        "schema": {"type": "string"},
                    },
                    _query(
                        "q",
                        "Optional query (accepted for symmetry with the page, not used in JSON)",
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The document",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Document"}
                            }
                        },
                    },
                    **_errors("404", "503"),
                },
            }
        },
        "/api/documents/{id}/related": {
            "get": {
                "summary": "The articles related to a document: those sharing its most"
                " distinctive words and word pairs, one a story, fresher first among near ties",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": "The document id, URL-encoded",
                        "schema": {"type": "string"},
                    },
                    _query(
                        "limit",
                        f"How many articles, 1 to {MAX_RELATED}",
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_RELATED,
                            "default": RELATED,
                        },
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The related articles, best first",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Related"}}
                        },
                    },
                    **_errors("400", "404", "503"),
                },
            }
        },
        "/api/suggest": {
            "get": {
                "summary": "Autocomplete for the word being typed, insensitive to diacritics",
                "parameters": [_query("q", "What has been typed so far")],
                "responses": {
                    "200": {
                        "description": "Completions of the whole text typed",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "suggestions": {
                                            "type": "array",
                                            "items": {"type": "string"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    **_errors("400", "503"),
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This description",
                "responses": {"200": {"description": "OpenAPI 3 document"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Error": _ERROR,
            "Hit": schema(Hit),
            "Facet": _FACET,
            "SearchResult": schema(SearchResult),
            "Document": schema(Document),
            "Similar": schema(Similar),
            "Ranked": schema(Ranked),
            "Related": schema(Related),
        }
    },
}

SPEC["paths"].update(writes.PATHS)
SPEC["paths"]["/api/documents/{id}"].update(writes.DOCUMENT_METHODS)
SPEC["components"]["schemas"].update(writes.SCHEMAS)
SPEC["components"]["securitySchemes"] = writes.SECURITY_SCHEMES
SPEC["paths"].update(analytics.PATHS)
SPEC["components"]["schemas"].update(analytics.SCHEMAS)
SPEC["paths"].update(editorial.PATHS)
SPEC["components"]["schemas"].update(editorial.SCHEMAS)
SPEC["paths"].update(metrics.PATHS)
