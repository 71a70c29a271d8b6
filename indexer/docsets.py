"""Sets of document numbers: what a query matches, counted without scoring it.

Whoosh iterates a union of posting lists one document at a time in Python; for the
total and the facets of a query over common words that is most of a second. Here each
term's documents are read once into a frozenset (remembered per index generation) and
recall, tiers, filters and exclusions are set algebra in C. Scoring then looks only at
the best few documents (see search.py).
"""

from __future__ import annotations

from collections import OrderedDict

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from .ranking import Need

CACHE_IDS = 4_000_000  # document numbers remembered at most, over all terms (~200 MB)


class DocSets:
    """The documents of terms and Needs, for one searcher (one index generation)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self._cache: OrderedDict[tuple[str, str], frozenset[int]] = OrderedDict()
        self._size = 0
        self._all: frozenset[int] | None = None
        self._columns: dict[str, list] = {}

    def everything(self) -> frozenset[int]:
        """Every live document."""
        if self._all is None:
            self._all = frozenset(self.reader.all_doc_ids())
        return self._all

    def term(self, fieldname: str, text: str) -> frozenset[int]:
        """The live documents holding *text* in *fieldname*."""
        key = (fieldname, text)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        try:
            found = frozenset(self.reader.postings(fieldname, text).all_ids())
        except Exception:  # not in the index (or no such field in an older index)
            found = frozenset()
        self._cache[key] = found
        self._size += len(found)
        while self._size > CACHE_IDS and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._size -= len(old)
        return found

    def need(self, need: Need) -> frozenset[int]:
        """The documents that satisfy *need*."""
        if need.kind == "phrase" and len(need.terms) > 1:
            phrase = wq.Or([wq.Phrase(f"{f}_{need.rep}", list(need.terms)) for f in need.fields])
            return frozenset(self.searcher.docs_for_query(phrase))
        per_term = [
            frozenset().union(*(self.term(f"{f}_{need.rep}", t) for f in need.fields))
            for t in dict.fromkeys(need.terms)
        ]
        if not per_term:
            return frozenset()
        if need.kind == "any":
            return frozenset().union(*per_term)
        per_term.sort(key=len)
        return per_term[0].intersection(*per_term[1:])

    def years(self) -> list[str | None]:
        """Each document's year ("2023"), or None when it is undated."""
        if "_years" not in self._columns:
            self._columns["_years"] = [
                str(key // 10**8) if 0 < key < 10**13 else None for key in self.column("date_key")
            ]
        return self._columns["_years"]

    def places(self) -> list[tuple[str, ...]]:
        """Each document's places."""
        if "_places" not in self._columns:
            self._columns["_places"] = [
                tuple(value.decode("utf-8").split("|")) if value else ()
                for value in self.column("place_list")
            ]
        return self._columns["_places"]

    def column(self, name: str) -> list:
        """A column's values for every document number, read once (facets, dates)."""
        if name not in self._columns:
            reader = self.reader.column_reader(name)
            values = []
            for docnum in range(self.reader.doc_count_all()):
                try:
                    values.append(reader[docnum])
                except IndexError:  # Whoosh stores no value for a segment's trailing gaps
                    values.append(None)
            self._columns[name] = values
        return self._columns[name]


class InSet(wq.Query):
    """The documents of a set, as a query: intersected with another query, the matcher
    skips straight from one to the next instead of visiting every match."""

    def __init__(self, docs, top_searcher):
        self.docs = sorted(docs)
        self.top = top_searcher

    def __eq__(self, other):
        return isinstance(other, InSet) and self.docs == other.docs

    def __hash__(self):
        return hash(tuple(self.docs[:32]))

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return len(self.docs)

    def matcher(self, searcher, context=None):
        offset = 0
        for sub, sub_offset in self.top.subsearchers or ():  # global numbers -> this segment's
            if sub is searcher:
                offset = sub_offset
                break
        end = offset + searcher.reader().doc_count_all()
        local = [d - offset for d in self.docs if offset <= d < end]
        return ListMatcher(local, all_weights=0.0) if local else NullMatcher()
