"""The vocabulary of an index in the cluster: what accent restoration, corrections and
completions read (search.vocabulary.Lexicon), without reading the index's terms.

Each document's distinct syllables, words, title words and names (mapping.VOCABULARY)
are counted as the index is built and kept beside it (opensearch/vocabulary.py); a view
reads them once. How many documents hold a pair of syllables is asked of the articles'
index in batches (a filters aggregation), and remembered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .client import Cluster, path
from .mapping import fieldname, term
from .vocabulary import read_field

BATCH = 500  # pairs counted in one request
REMEMBERED = 200_000  # counts a lexicon keeps
CANDIDATES = 300  # syllables tried after the word before, the commonest first


class ClusterLexicon:
    """The lexicon of the index (or alias) *index* of *cluster*."""

    def __init__(self, cluster: Cluster, index: str):
        self.cluster = cluster
        self.index = index
        self._lock = threading.Lock()
        self._keywords: dict[str, dict[str, int]] = {}
        self._held: OrderedDict[tuple[str, str, str], int] = OrderedDict()

    def renewed(self) -> ClusterLexicon:
        """A lexicon of the same index after a write: the vocabulary fields as this one
        read them (megabytes, read again with the next vocabulary), pairs asked anew."""
        fresh = ClusterLexicon(self.cluster, self.index)
        with self._lock:
            fresh._keywords = dict(self._keywords)
        return fresh

    def grown(self, name: str) -> dict[str, int]:
        """How many more documents hold each value of the vocabulary field *name* now
        than when this lexicon (or the one it was renewed from) read it: the words of the
        documents written since."""
        with self._lock:
            before = self._keywords.get(name)
        if before is None:
            return {}  # never read: what is read now is all there is
        now = read_field(self.cluster, self.index, name)
        return {
            value: n - before.get(value, 0) for value, n in now.items() if n > before.get(value, 0)
        }

    def keyword(self, name: str) -> dict[str, int]:
        """Every value of the vocabulary field *name* and how many documents hold it."""
        with self._lock:
            if name not in self._keywords:
                self._keywords[name] = read_field(self.cluster, self.index, name)
            return self._keywords[name]

    # --- search.vocabulary.Lexicon ------------------------------------------------------

    def frequencies(self, field: str, representation: str) -> dict[str, int]:
        if representation == "syllables":  # title and body together, counted once
            return self.keyword("vocab_s") if field == "body" else {}
        if representation == "words":
            return self.keyword("vocab_w" if field == "body" else "vocab_tw")
        raise ValueError(f"no lexicon of {field} {representation}")

    def frequency(self, field: str, representation: str, text: str) -> int:
        return self.counts(field, representation, [text])[text]

    def counts(self, field: str, representation: str, texts) -> dict[str, int]:
        """How many documents hold each of *texts* in a field's representation."""
        texts = list(dict.fromkeys(texts))
        missing = [t for t in texts if (field, representation, t) not in self._held]
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            name = fieldname(field, representation)
            filters = {str(i): {"term": {name: term(t)}} for i, t in enumerate(batch)}
            answer = self.cluster.request(
                "POST",
                path(self.index, "_search"),
                {"size": 0, "aggs": {"held": {"filters": {"filters": filters}}}},
            )
            buckets = answer["aggregations"]["held"]["buckets"]
            with self._lock:
                for i, t in enumerate(batch):
                    self._held[(field, representation, t)] = buckets[str(i)]["doc_count"]
                while len(self._held) > REMEMBERED:
                    self._held.popitem(last=False)
        return {t: self._held.get((field, representation, t), 0) for t in texts}

    def starting(self, field: str, representation: str, prefixes) -> dict[str, int]:
        """The pairs beginning with any of *prefixes* ("kết n"), with their counts: the
        commonest syllables of the index that may follow, counted."""
        if representation != "pairs":
            raise ValueError("only pairs are looked up by prefix")
        known = self.keyword("vocab_s")
        wanted: list[str] = []
        for prefix in prefixes:
            before, _, head = prefix.partition(" ")
            followers = [s for s in known if s.startswith(head)]
            followers.sort(key=lambda s: -known[s])
            wanted += [f"{before} {s}" for s in followers[:CANDIDATES]]
        return {pair: n for pair, n in self.counts(field, "pairs", wanted).items() if n}

    def names(self) -> dict[str, int]:
        return self.keyword("names")
