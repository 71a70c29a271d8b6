"""Sets of documents: what a query matches, counted without scoring it.

Whoosh iterates a union of posting lists one document at a time in Python; for the
total and the facets of a query over common words that is most of a second. Here a set
of documents is a boolean array over document numbers, built from each term's posting
array (read once per index generation, see bm25.Scorer), and recall, tiers, filters and
exclusions are array operations over a few tens of thousands of bytes.
"""

from __future__ import annotations

import functools
from collections import OrderedDict

import numpy as np
from whoosh import query as wq

from ..articles.dates import is_dated, key_days, key_year
from ..search.plan import Need
from . import carry
from .columns import column_values
from .schema import fieldname
from .stories import story_of

# Per-document values made of a column (read once, carried like columns): the column each
# is made of, and how.
MADE = {
    "_dates": (
        "date_key",
        lambda keys: np.array([k if is_dated(k) else 0 for k in keys], np.int64),
    ),
    "_years": ("date_key", lambda keys: [key_year(k) for k in keys]),
    "_places": (
        "place_list",
        lambda values: [tuple(v.decode("utf-8").split("|")) if v else () for v in values],
    ),
}
CACHE_PHRASES = 256  # phrase Needs remembered (each a boolean array over the documents)


def _phrase(need: Need) -> wq.Query:
    """A phrase Need as a Whoosh query, in any of its fields. Syllables and folded
    syllables share positions: a phrase mixing them is a span of terms of both fields."""
    if need.representation != "mixed":
        return wq.Or(
            [wq.Phrase(fieldname(f, need.representation), list(need.terms)) for f in need.fields]
        )
    return wq.Or(
        [
            wq.SpanNear2(
                [wq.Term(fieldname(f, form), text) for form, text in zip(need.forms, need.terms)],
                slop=1,
                ordered=True,
                mindist=1,
            )
            for f in need.fields
        ]
    )


class DocSets:
    """The documents of terms and Needs, for one searcher (one index generation)."""

    def __init__(self, searcher, postings, stories: dict[str, str] | None = None):
        """*postings* maps (fieldname, text) to the term's document numbers and weights;
        *stories*: the stories of the generation's build (whoosh/stories.py)."""
        self.searcher = searcher
        self.table = stories or {}
        self.postings = postings
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self._phrases: OrderedDict[Need, np.ndarray] = OrderedDict()
        self._all: np.ndarray | None = None
        self._columns: dict[str, object] = {}

    def carry(self, previous: DocSets) -> None:
        """Take over the columns *previous*, a view of an earlier commit, read (carry.py);
        what is made of them (facet codes, the order of ids) is made again when asked."""
        before = carry.offsets(previous.reader.leaf_readers())
        leaves = list(self.reader.leaf_readers())
        for name, old in previous._columns.items():
            if name.startswith("_") and name not in MADE:
                continue
            if name.startswith("_"):  # per-document values made of a column
                fresh = functools.partial(self._made, name)
            else:
                fresh = functools.partial(self._column_values, name)
            self._columns[name] = carry.values(old, before, leaves, self.size, fresh)

    def _made(self, name: str, start: int, count: int):
        """The MADE values *name* of the documents from *start* (the whole index: of the
        column read once)."""
        column, make = MADE[name]
        if (start, count) == (0, self.size):
            return make(self.column(column))
        return make(self._column_values(column, start, count))

    def _made_once(self, name: str):
        if name not in self._columns:
            self._columns[name] = self._made(name, 0, self.size)
        return self._columns[name]

    def empty(self) -> np.ndarray:
        return np.zeros(self.size, bool)

    def of(self, docnums) -> np.ndarray:
        """The set of the given document numbers."""
        chosen = self.empty()
        chosen[np.asarray(docnums, np.int64)] = True
        return chosen

    def everything(self) -> np.ndarray:
        """Every live document."""
        if self._all is None:
            self._all = self.of(list(self.reader.all_doc_ids()))
        return self._all

    def ids(self, fieldname: str, text: str) -> np.ndarray:
        """The live documents holding *text* in *fieldname*, ascending."""
        return self.postings(fieldname, text)[0]

    def term(self, fieldname: str, text: str) -> np.ndarray:
        """The set of live documents holding *text* in *fieldname*."""
        return self.of(self.ids(fieldname, text))

    def need(self, need: Need) -> np.ndarray:
        """The set of documents that satisfy *need*."""
        if need.kind == "phrase" and len(need.terms) > 1:
            found = self._phrases.get(need)
            if found is None:
                found = self._phrases[need] = self.of(
                    list(self.searcher.docs_for_query(_phrase(need)))
                )
                if len(self._phrases) > CACHE_PHRASES:
                    self._phrases.popitem(last=False)
            return found
        per_term = []
        for form, text in dict.fromkeys(zip(need.representations(), need.terms)):
            either = self.empty()
            for f in need.fields:
                either[self.ids(fieldname(f, form), text)] = True
            per_term.append(either)
        if not per_term:
            return self.empty()
        combine = np.logical_or if need.kind == "any" else np.logical_and
        result = per_term[0]
        for other in per_term[1:]:
            combine(result, other, out=result)
        return result

    def dates(self) -> np.ndarray:
        """Each document's date_key, 0 when it is undated."""
        return self._made_once("_dates")

    def id_ranks(self) -> np.ndarray:
        """Each document's place in the order of ids: what breaks ties between equal
        scores or dates, so that an order does not depend on how segments were written."""
        if "_id_ranks" not in self._columns:
            ids = [value or "" for value in self.column("id")]
            ranks = np.empty(len(ids), np.int64)
            ranks[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
            self._columns["_id_ranks"] = ranks
        return self._columns["_id_ranks"]

    def ages(self) -> np.ndarray:
        """Each document's age in days before the newest live document (what freshness
        decays by); an undated one is as old as the oldest."""
        if "_ages" not in self._columns:
            dates = self.dates()
            keys, where = np.unique(dates, return_inverse=True)
            days = np.array([key_days(int(k)) or np.nan for k in keys])[where]
            dated = ~np.isnan(days) & self.everything()
            newest = days[dated].max() if dated.any() else 0.0
            oldest = days[dated].min() if dated.any() else 0.0
            ages = newest - days
            ages[~dated] = newest - oldest
            self._columns["_ages"] = ages
        return self._columns["_ages"]

    def stories(self) -> tuple[np.ndarray, dict[str, int]]:
        """Each document's story as a number, and the number of each story."""
        if "_stories" not in self._columns:
            numbers: dict[str, int] = {}
            codes = np.empty(self.size, np.int64)
            own = self.column("story")
            for docnum, doc_id in enumerate(self.column("id")):
                story = story_of(doc_id or "", own[docnum], self.table)
                codes[docnum] = numbers.setdefault(story, len(numbers))
            self._columns["_stories"] = (codes, numbers)
        return self._columns["_stories"]

    def shared(self) -> np.ndarray:
        """The documents whose story holds another live document (most hold none)."""
        if "_shared" not in self._columns:
            codes = self.stories()[0]
            live = self.everything()
            sizes = np.bincount(codes[live], minlength=len(self.stories()[1]))
            self._columns["_shared"] = sizes[codes] > 1
        return self._columns["_shared"]

    def story(self, docnum: int) -> str:
        """The story of a document."""
        doc_id = self.column("id")[docnum] or ""
        return story_of(doc_id, self.column("story")[docnum], self.table)

    def of_story(self, story: str) -> np.ndarray:
        """The set of documents of a story."""
        codes, numbers = self.stories()
        number = numbers.get(story)
        return self.empty() if number is None else codes == number

    def years(self) -> list[str | None]:
        """Each document's year ("2023"), or None when it is undated."""
        return self._made_once("_years")

    def places(self) -> list[tuple[str, ...]]:
        """Each document's places."""
        return self._made_once("_places")

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray, list]:
        """A facet as numbers: (documents, value numbers, values), one row per document
        and value ("year", "place" or a column); documents without a value have no row."""
        key = f"_codes_{name}"
        if key not in self._columns:
            if name == "year":
                per_doc = [(v,) if v else () for v in self.years()]
            elif name == "place":
                per_doc = self.places()
            else:
                per_doc = [(v,) if v else () for v in self.column(name)]
            numbers: dict = {}
            docs, codes = [], []
            for docnum, values in enumerate(per_doc):
                for value in values:
                    docs.append(docnum)
                    codes.append(numbers.setdefault(value, len(numbers)))
            self._columns[key] = (
                np.asarray(docs, np.int64),
                np.asarray(codes, np.int64),
                list(numbers),
            )
        return self._columns[key]

    def counts(self, name: str, docs: np.ndarray) -> dict:
        """How many of *docs* (a boolean array over document numbers) have each value."""
        rows, codes, values = self.codes(name)
        tally = np.bincount(codes[docs[rows]], minlength=len(values))
        return {values[i]: int(tally[i]) for i in np.flatnonzero(tally)}

    def column(self, name: str) -> list:
        """A column's values for every document number, read once (facets, dates)."""
        if name not in self._columns:
            self._columns[name] = self._column_values(name, 0, self.size)
        return self._columns[name]

    def _column_values(self, name: str, start: int, count: int) -> list:
        """The column's values of the documents start .. start + count - 1 (None: none)."""
        return column_values(self.reader, name, start, count)
