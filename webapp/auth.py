"""The bearer tokens of VNSEARCH_WRITE_TOKENS: who may write documents, synonyms and
curations, and read what readers searched.

`tokens_of(value)` reads the setting; `authorize()` refuses a request without one of
the tokens (401, or 403 when none is configured), raising WriteRefused, which
`init_app` answers as JSON for every blueprint.
"""

from __future__ import annotations

import hmac
import logging
from pathlib import Path

from flask import current_app, request

from indexer.settings import SettingError

from .engine import error

log = logging.getLogger(__name__)


class WriteRefused(Exception):
    """A request without the right token, or with tokens disabled."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def tokens_of(value: str | None) -> list[bytes]:
    """The write tokens a setting names: a file of one token a line (blank lines and
    # comments left out), or else the tokens themselves, comma-separated.

    >>> tokens_of(" s3cret , other ")
    [b's3cret', b'other']
    """
    if not value or not value.strip():
        return []
    path = Path(value.strip()).expanduser()
    try:
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            found = [line.strip() for line in lines]
            return [t.encode("utf-8") for t in found if t and not t.startswith("#")]
    except OSError as error:  # the value is not shown: it may be a token
        raise SettingError(
            f"VNSEARCH_WRITE_TOKENS: the file cannot be read ({error.strerror})"
        ) from None
    if value.strip().startswith(("./", "../", "~")) or value.strip().endswith((".txt", "tokens")):
        log.warning("VNSEARCH_WRITE_TOKENS names no file: its value is taken as the tokens")
    return [t.strip().encode("utf-8") for t in value.split(",") if t.strip()]


def init_app(app, setting: str | None) -> None:
    """Read the tokens of *setting* and answer every WriteRefused as JSON."""
    app.extensions["write_tokens"] = tokens_of(setting)
    app.register_error_handler(WriteRefused, refused)


def refused(exc: WriteRefused):
    response = error(exc.status, exc.code, exc.message)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vnsearch writes"'
    return response


def authorize() -> None:
    """Only a request with one of the write tokens passes (compared in constant time)."""
    tokens = current_app.extensions["write_tokens"]
    if not tokens:
        raise WriteRefused(
            403, "writes_disabled", "writes are disabled: no token is configured"
            " (VNSEARCH_WRITE_TOKENS)"
        )  # fmt: skip
    scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
    given_bytes = given.strip().encode("utf-8")
    matched = False
    for token in tokens:  # every token compared: the time says nothing of which
        matched |= hmac.compare_digest(token, given_bytes)
    if scheme.lower() != "bearer" or not given_bytes or not matched:
        raise WriteRefused(401, "unauthorized", "a write needs 'Authorization: Bearer <token>'"
                           " with a valid token")  # fmt: skip
