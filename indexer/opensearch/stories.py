"""The stories of an OpenSearch index (indexing/stories.py): the index is the LSH table.

Every document holds its `story`, its band keys (`bands`) and its signature (`minhash`,
base64). The parent of a build or update assigns the stories of its documents in order,
before they are sent: a new index asks nothing of the cluster (the run remembers what it
wrote); an update or a write asks the live index, with one multi-search for the
documents of each batch of records, which articles share a band with each.
"""

from __future__ import annotations

import base64
import json

from ..indexing.stories import Known, bands
from .client import path

CANDIDATES = 200  # articles sharing a band with one, read at most (a story's copies)


class Indexed:
    """For stories.Stories: the articles of *index* that share band keys, asked for a
    batch of documents at a time (`ask`)."""

    def __init__(self, cluster, index: str):
        self.cluster = cluster
        self.index = index
        self.answers: dict[tuple[str, ...], list[Known]] = {}

    def ask(self, signatures: list[bytes]) -> None:
        """Find the candidates of each of *signatures* at once."""
        wanted = [tuple(bands(sig)) for sig in signatures if sig]
        wanted = [keys for keys in dict.fromkeys(wanted) if keys not in self.answers]
        if not wanted:
            return
        lines = []
        for keys in wanted:
            body = {
                "query": {"terms": {"bands": list(keys)}},
                "size": CANDIDATES,
                "_source": ["id", "story", "minhash"],
            }
            lines += ["{}", json.dumps(body)]
        answer = self.cluster.request(
            "POST", path(self.index, "_msearch"), ("\n".join(lines) + "\n").encode("utf-8")
        )
        for keys, found in zip(wanted, answer["responses"]):
            self.answers[keys] = [_known(hit["_source"]) for hit in found["hits"]["hits"]]

    def __call__(self, keys: list[str]) -> list[Known]:
        return self.answers.pop(tuple(keys), [])


def _known(source: dict) -> Known:
    doc_id = source["id"]
    signature = base64.b64decode(source.get("minhash", ""))
    return Known(doc_id, source.get("story") or doc_id, signature)


def with_story(lines: bytes, story: str) -> bytes:
    """A document's bulk lines (an action, then its source) with its story added."""
    head, _, tail = lines.rstrip(b"\n").rpartition(b"\n")
    source = tail[:-1] + b',"story":' + json.dumps(story, ensure_ascii=False).encode() + b"}"
    return head + b"\n" + source + b"\n"
