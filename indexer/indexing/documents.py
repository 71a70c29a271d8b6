"""Documents written over HTTP: one object of the import format each, checked whole
before it is taken, so that what the journal holds can always be applied.

>>> check({"id": 7, "text": "Hà Nội", "date": "2023-05-02"}).id
'7'
>>> check({"id": "a", "text": "  "})
Invalid(field='text', message='must not be empty')
>>> check({"id": "a", "text": "x", "date": "hôm qua"}).field
'date'
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..articles.dates import normalize_date
from ..articles.sources import MAX_BYTES, Problem, jsonl_record, to_article
from ..language.text import NOT_TEXT, is_text
from .writes import Op, put

OPTIONAL = ("title", "date", "author", "source", "url")
MAX_ID = 512  # characters of an id: it is part of URLs
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Invalid(NamedTuple):
    """Why a document is refused: the field at fault (None: the whole record) and why."""

    field: str | None
    message: str


def check(item, max_bytes: int = MAX_BYTES) -> Op | Invalid:
    """The write of *item* (a decoded JSON value), or why it cannot be taken."""
    if not isinstance(item, dict):
        return Invalid(None, "must be a JSON object with 'id' and 'text'")
    doc_id = item.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        return Invalid("id", "required: a non-empty string")
    if len(doc_id) > MAX_ID or _CONTROL.search(doc_id) or doc_id != doc_id.strip():
        return Invalid("id", f"at most {MAX_ID} characters, no control characters or outer spaces")
    text = item.get("text")
    if not isinstance(text, str):
        return Invalid("text", "required: a string")
    if not text.strip():
        return Invalid("text", "must not be empty")
    document = {"id": doc_id, "text": text}
    for name in OPTIONAL:
        value = item.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            return Invalid(name, "must be a string (or null)")
        document[name] = value
    for name, value in document.items():
        if not is_text(value):
            return Invalid(name, NOT_TEXT)
    date = document.get("date", "").strip()
    if date and normalize_date(date) is None:
        return Invalid("date", f"{document['date']!r} is not an ISO 8601 date")
    op = put(document)
    if len(op.data) > max_bytes:
        return Invalid(None, f"{len(op.data):,} bytes: at most {max_bytes:,}")
    article = to_article(jsonl_record("", op.data, ""))  # what the indexer would make of it
    if isinstance(article, Problem):
        return Invalid(None, article.message)
    return op
