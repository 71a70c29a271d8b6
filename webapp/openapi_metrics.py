"""The OpenAPI description of GET /metrics (webapp/metrics.py), joined to openapi.SPEC."""

from __future__ import annotations

from .metrics import DURATION_BUCKETS

PATHS = {
    "/metrics": {
        "get": {
            "summary": "Prometheus metrics: requests by route and status, their latency,"
            " searches (partial, relaxed), write tasks (accepted, applied, failed), and the"
            " index (documents, generation, the age of the newest applied write)",
            "description": "Prometheus' text format (prometheus-client), the counts of every"
            " server process added up. Counters: `vnsearch_requests_total{method,route,"
            "status}` (`route` is the URL rule's pattern, e.g. `/api/documents/<id:doc_id>`;"
            " `unmatched` when no rule matched), `vnsearch_searches_total`,"
            " `vnsearch_partial_searches_total`, `vnsearch_relaxed_searches_total`,"
            " `vnsearch_write_tasks_accepted_total`, `vnsearch_write_tasks_applied_total`,"
            " `vnsearch_write_tasks_failed_total`. Histogram:"
            " `vnsearch_request_duration_seconds{route}`, buckets"
            f" {', '.join(f'{b:g}' for b in DURATION_BUCKETS)} s. Gauges, read from the"
            " index when scraped: `vnsearch_index_up`, `vnsearch_index_documents`,"
            " `vnsearch_index_generation{generation}` (the generation's name; the value"
            " rises with each commit), `vnsearch_last_write_age_seconds` (absent before"
            " any write). Not served with VNSEARCH_METRICS=0.",
            "responses": {
                "200": {
                    "description": "The metrics",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                "404": {
                    "description": "Metrics are off (VNSEARCH_METRICS=0)",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
    }
}
