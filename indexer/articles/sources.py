"""Reading sources: folders of .txt articles and JSON Lines files, into Articles.

Reading is split in two so that the expensive half runs in worker processes: the
main process walks the sources and reads raw bytes into Records (cheap, streaming,
hashed for incremental updates); `to_article` decodes and parses one Record anywhere.
Every problem becomes a Problem naming the file (and line), never an exception.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..language.text import is_vietnamese_syllable
from .dates import normalize_date
from .parse import Article, parse

# Part of every content hash: raising it makes `update` re-index everything.
FORMAT_VERSION = "1"
MAX_BYTES = 16 * 1024 * 1024


@dataclass
class Record:
    """One article as read from its source, not yet decoded or parsed."""

    where: str  # "corpus/a.txt" or "news.jsonl:12", for messages
    origin: str  # the source it came from (absolute), for deleting vanished files
    kind: str  # "txt" or "jsonl"
    data: bytes
    id: str | None  # known before parsing for .txt files
    hash: str


@dataclass
class Problem:
    """Input that could not be indexed: *status* is "skipped" or "failed"."""

    where: str
    status: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.status}: {self.message}"


def _hash(*parts: bytes) -> str:
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def jsonl_record(where: str, data: bytes, origin: str) -> Record:
    """One line of the import format (a JSON object), as a JSON Lines source gives it."""
    return Record(where, origin, "jsonl", data, None, _hash(b"jsonl", data))


def is_folder_source(source: str | Path) -> bool:
    """Tell whether *source* is a folder: its vanished files are deleted on update."""
    return Path(source).is_dir()


def read(sources: list[str | Path], max_bytes: int = MAX_BYTES) -> Iterator[Record | Problem]:
    """Yield a Record for every article in *sources*, or a Problem where one cannot be read."""
    for source in sources:
        path = Path(source)
        if path.is_dir():
            yield from _read_folder(path, max_bytes)
        elif path.name.endswith((".jsonl", ".jsonl.gz")) and path.is_file():
            yield from _read_jsonl(path, max_bytes)
        elif path.suffix == ".txt" and path.is_file():
            yield _read_txt(path, path.parent, str(path.resolve()), max_bytes)
        elif not path.exists():
            yield Problem(str(path), "failed", "no such file or folder")
        else:
            yield Problem(str(path), "failed", "not a folder, a .txt, .jsonl or .jsonl.gz file")


def count(sources: list[str | Path]) -> int | None:
    """Return how many articles *sources* hold when that is cheap to know (folders only)."""
    total = 0
    for source in sources:
        path = Path(source)
        if path.is_dir():
            total += sum(1 for _ in _txt_files(path))
        elif path.suffix == ".txt":
            total += 1
        else:
            return None
    return total


def _txt_files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".txt") and not name.startswith("."):
                yield Path(root, name)


def _read_folder(folder: Path, max_bytes: int) -> Iterator[Record | Problem]:
    origin = str(folder.resolve())
    for path in _txt_files(folder):
        yield _read_txt(path, folder, origin, max_bytes)


def _read_txt(path: Path, root: Path, origin: str, max_bytes: int) -> Record | Problem:
    where = str(path)
    doc_id = path.relative_to(root).with_suffix("").as_posix()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Problem(where, "failed", f"too large: {size:,} bytes (limit {max_bytes:,})")
        data = path.read_bytes()
    except OSError as error:
        return Problem(where, "failed", f"cannot read: {error.strerror or error}")
    if not data.strip():
        return Problem(where, "skipped", "empty file")
    return Record(where, origin, "txt", data, doc_id, _hash(b"txt", doc_id.encode(), data))


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Record | Problem]:
    origin = str(path.resolve())
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as lines:
            for number, line in enumerate(lines, 1):
                where = f"{path}:{number}"
                if not line.strip():
                    continue
                if len(line) > max_bytes:
                    yield Problem(
                        where,
                        "failed",
                        f"line too long: {len(line):,} bytes (limit {max_bytes:,})",
                    )
                    continue
                yield jsonl_record(where, line, origin)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        yield Problem(str(path), "failed", f"cannot read past this point: {error}")


# --- decoding ---------------------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Control characters, and the invisible bidirectional overrides and isolates that
# could make text display in another order than it reads (U+202A-E, U+2066-9).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_WORD = re.compile(r"[^\W\d_]+")


class DecodeError(ValueError):
    """Bytes that are not text in any encoding we read."""


def _vietnamese_share(text: str) -> float:
    words = _WORD.findall(text[:20000].lower())
    if not words:
        return 0.0
    return sum(is_vietnamese_syllable(w) for w in words) / len(words)


def _clean(text: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise DecodeError(f"binary data ({controls:,} control characters)")
    return _CONTROL.sub("", text)


def decode(data: bytes) -> str:
    """Decode article bytes: a BOM's encoding, UTF-8, UTF-16 without BOM, or Windows-1258.

    Raises DecodeError naming what the bytes look like when none of those fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(encoding))
            except UnicodeDecodeError as error:
                raise DecodeError(
                    f"invalid {encoding} after its byte-order mark: {error}"
                ) from None
    try:
        return _clean(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if data.count(b"\x00") > len(data) // 4:  # UTF-16 without a BOM, or binary
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _vietnamese_share(text) > 0.5:
                return _clean(text)
        raise DecodeError("binary data (NUL bytes), not text")
    try:  # the legacy Windows code page for Vietnamese, with combining tone marks
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
        if _vietnamese_share(text) > 0.6:
            return _clean(text)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:  # no 8-bit text holds NUL bytes: an image, an archive
        raise DecodeError("binary data (NUL bytes), not text")
    raise DecodeError("not UTF-8, UTF-16 or Windows-1258 Vietnamese text")


# --- records to articles ------------------------------------------------------------------

_KNOWN = ("date", "author", "source", "url")


def to_article(record: Record) -> Article | Problem:
    """Decode and parse one Record; a Problem says why it cannot be indexed."""
    try:
        if record.kind == "txt":
            text = decode(record.data)
            if not text.strip():
                return Problem(record.where, "skipped", "no text")
            return parse(text, record.id)
        return _jsonl_article(record)
    except DecodeError as error:
        return Problem(record.where, "failed", str(error))


def _jsonl_article(record: Record) -> Article | Problem:
    try:
        item = json.loads(record.data)
    except (ValueError, UnicodeDecodeError) as error:
        return Problem(record.where, "failed", f"malformed JSON: {error}")
    if not isinstance(item, dict):
        return Problem(record.where, "failed", "expected a JSON object")
    doc_id, text = item.get("id"), item.get("text")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        return Problem(record.where, "failed", "missing 'id' (a non-empty string)")
    if not isinstance(text, str):
        return Problem(record.where, "failed", "missing 'text' (a string)")
    text = _CONTROL.sub("", text)
    if not text.strip():
        return Problem(record.where, "skipped", f"id {doc_id!r}: empty text")
    known = {
        k: cleaned
        for k in _KNOWN
        if isinstance(item.get(k), str) and (cleaned := _CONTROL.sub("", item[k]).strip())
    }
    if "date" in known and (date := normalize_date(known["date"])) is None:
        return Problem(
            record.where, "failed", f"id {doc_id!r}: date {known['date']!r} is not ISO 8601"
        )
    elif "date" in known:
        known["date"] = date
    title = item.get("title")
    title = _CONTROL.sub("", title).strip() if isinstance(title, str) else None
    return parse(text, doc_id, title=title or None, **known)
