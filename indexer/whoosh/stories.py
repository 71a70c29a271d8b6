"""The stories of a Whoosh index (indexing/stories.py): who is a copy of whom.

An article written by an update or over HTTP carries its story in the `story` column,
found then through the index's `bands` and `minhash` (the LSH table is the index). A full
build writes its documents in worker processes, before the stories of the whole run are
known: the parent assigns them in the order of the records once every article is in, and
keeps those that are not the article's own id in the generation's TABLE, written before
the generation is published and never changed after. An article's story is its column's
value, else the table's, else its id.
"""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path

from ..indexing.stories import Known, Stories
from .columns import column_values

TABLE = "stories.json"


def write_table(path: Path, stories: dict[str, str]) -> None:
    """Keep the stories of a new generation at *path* (id -> story, copies only)."""
    (path / TABLE).write_text(json.dumps(stories, ensure_ascii=False), encoding="utf-8")


@functools.lru_cache(maxsize=4)
def read_table(path: str) -> dict[str, str]:
    """The stories a generation's build assigned (it never changes once published)."""
    try:
        return json.loads((Path(path) / TABLE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def story_of(doc_id: str, column_value, table: dict[str, str]) -> str:
    return column_value or table.get(doc_id) or doc_id


def indexed(searcher, table: dict[str, str]):
    """For stories.Stories: the live articles of *searcher* holding any of some band keys."""
    reader = searcher.reader()

    def known(keys: list[str]) -> list[Known]:
        docnums: set[int] = set()
        for key in keys:
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
        yield Stories(indexed(searcher, read_table(str(path))))
