"""The stories of a Whoosh index (indexing/stories.py): who is a copy of whom.

An article written by an update or over HTTP carries its story in the `story` column and
its band keys as terms of `bands`; its signature is in the `minhash` column. A full build
writes its documents in worker processes, before the stories of the whole run are known:
the parent assigns them in the order of the records once every article is in, and keeps
in the generation's folder, written before it is published and never changed after, the
stories of the copies (TABLE) and the build's LSH table (BANDS: each band's values in
order, with the article each is of; Whoosh writes a term in about 80 µs, and the 21 band
keys of each article would add a fifth to a build). An article's story is its column's
value, else the table's, else its id; the articles sharing a band with another are those
of the build's table and those holding the band's term.
"""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path

import numpy as np

from ..indexing.stories import BANDS as BAND_COUNT
from ..indexing.stories import Known, Stories, band_key, band_values
from .columns import column_values

TABLE = "stories.json"
BANDS = "bands.npz"  # values (BANDS x articles, each band's in order) and rows (their article)
BAND_IDS = "bands.json"  # the articles of the rows, by id


def write_build(path: Path, stories: dict[str, str], signatures: dict[str, bytes]) -> None:
    """Keep the stories of a new generation at *path* (id -> story, copies only) and the
    LSH table of its articles' *signatures* (by id)."""
    (path / TABLE).write_text(json.dumps(stories, ensure_ascii=False), encoding="utf-8")
    ids = [doc_id for doc_id, sig in signatures.items() if sig]
    joined = np.frombuffer(b"".join(signatures[i] for i in ids), "<u4")
    values = band_values(joined) if len(ids) else np.zeros((0, BAND_COUNT), np.uint64)
    order = np.argsort(values, axis=0, kind="stable").T.astype(np.int32)
    np.savez(path / BANDS, values=np.take_along_axis(values.T, order, axis=1), rows=order)
    (path / BAND_IDS).write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")


@functools.lru_cache(maxsize=2)
def read_bands(path: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The LSH table of a generation's build: (values, rows, ids); empty when none."""
    try:
        with np.load(Path(path) / BANDS) as table:
            values, rows = table["values"], table["rows"]
        ids = json.loads((Path(path) / BAND_IDS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        empty = np.zeros((BAND_COUNT, 0), np.uint64)
        return empty, empty.astype(np.int32), []
    return values, rows, ids


@functools.lru_cache(maxsize=4)
def read_table(path: str) -> dict[str, str]:
    """The stories a generation's build assigned (it never changes once published)."""
    try:
        return json.loads((Path(path) / TABLE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def story_of(doc_id: str, column_value, table: dict[str, str]) -> str:
    return column_value or table.get(doc_id) or doc_id


def indexed(searcher, path: Path):
    """For stories.Stories: the live articles of *searcher* (the generation at *path*)
    sharing any of some band keys."""
    reader = searcher.reader()
    table = read_table(str(path))
    values, rows, built = read_bands(str(path))

    def known(keys: list[str]) -> list[Known]:
        docnums: set[int] = set()
        for key in keys:
            band, value = band_key(key)
            low = np.searchsorted(values[band], np.uint64(value), side="left")
            high = np.searchsorted(values[band], np.uint64(value), side="right")
            for row in rows[band][low:high]:
                docnum = searcher.document_number(id=built[row])
                if docnum is not None:
                    docnums.add(docnum)
            if ("bands", key) in reader:
                docnums.update(reader.postings("bands", key).all_ids())
        found = []
        for docnum in sorted(docnums):
            if reader.is_deleted(docnum):
                continue
            doc_id = searcher.stored_fields(docnum)["id"]
            (signature,) = column_values(reader, "minhash", docnum, 1)
            (story,) = column_values(reader, "story", docnum, 1)
            found.append(Known(doc_id, story_of(doc_id, story, table), signature or b""))
        return found

    return known


@contextlib.contextmanager
def assigning(ix, path: Path):
    """Stories for the articles an update or a batch of writes adds to *ix* (at *path*)."""
    with ix.searcher() as searcher:
        yield Stories(indexed(searcher, path))
