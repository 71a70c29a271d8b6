"""One index generation as one thread reads it: the Whoosh backend's View.

The nodes of a Search (search.algebra) are boolean arrays over document numbers
(docsets.py): selections, filters, facets and boosts; ranking is BM25F over posting
arrays (bm25.py); a document is referred to by its Whoosh document number.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from pathlib import Path

import numpy as np
from whoosh.scoring import BM25F

from ..articles.dates import AFTER_EVERY_DATE
from ..indexing.stories import SIMILAR_SHOWN
from ..search.algebra import AllOf, AnyOf, AtLeast, Dated, Everything, Field, Not, Ranking, Search
from ..search.engine import VOCABULARY_SECONDS, Found, View
from ..search.plan import Need
from ..search.request import Deadline
from ..search.results import FACETS
from ..search.vocabulary import Vocabulary
from . import bm25, storage
from .analyzers import table_of
from .carry import segment_key
from .columns import column_values
from .docsets import DocSets
from .format import lexicon_frequencies
from .schema import fieldname
from .stories import read_table


class Lexicon:
    """The terms of one reader's text fields, for the Vocabulary."""

    def __init__(self, reader):
        self.reader = reader

    def frequencies(self, field: str, representation: str) -> dict[str, int]:
        return lexicon_frequencies(self.reader, fieldname(field, representation))

    def frequency(self, field: str, representation: str, term: str) -> int:
        return self.reader.doc_frequency(fieldname(field, representation), term)

    def counts(self, field: str, representation: str, terms) -> dict[str, int]:
        name = fieldname(field, representation)
        return {term: self.reader.doc_frequency(name, term) for term in dict.fromkeys(terms)}

    def starting(self, field: str, representation: str, prefixes) -> dict[str, int]:
        found: dict[str, int] = {}
        for prefix in prefixes:
            found.update(lexicon_frequencies(self.reader, fieldname(field, representation), prefix))
        return found

    def names(self) -> dict[str, int]:
        return lexicon_frequencies(self.reader, "names")


class StoryGroups:
    """The documents found, story by story: the first of each, and the others. A document
    whose story holds no other (most) is the first of its own."""

    def __init__(self, sets: DocSets, docs: np.ndarray, ordered: np.ndarray):
        """*ordered*: the documents of *docs* whose story holds others (DocSets.shared), by
        story (by number), each story's in order."""
        self.story_of = sets.stories()[0]
        self.ordered = ordered
        self.codes = self.story_of[ordered]
        starts = np.flatnonzero(np.r_[True, self.codes[1:] != self.codes[:-1]])
        starts = starts[starts < len(ordered)]
        alone = docs & ~sets.shared()
        self.first = alone | sets.of(ordered[starts])
        self.count = int(np.count_nonzero(alone)) + len(starts)

    def others(self, docnum: int) -> tuple[int, list[int]]:
        """How many more documents the story of *docnum* (its first) holds, and the first
        SIMILAR_SHOWN of them."""
        code = self.story_of[docnum]
        start = int(np.searchsorted(self.codes, code))
        end = int(np.searchsorted(self.codes, code, side="right"))
        if start == end:  # alone
            return 0, []
        return end - start - 1, self.ordered[start + 1 : min(end, start + 1 + SIMILAR_SHOWN)]


class GenerationView(View):
    """One thread's reading of the live index generation of an index directory."""

    def __init__(self, index_dir: Path, marker, previous: GenerationView | None = None):
        """*previous*: the view of an earlier commit of this generation, whose reading
        this one carries over (carry.py)."""
        self.marker = marker  # which generation and commit this view reads
        self.index = storage.open_index(index_dir)
        self.searcher = self.index.searcher(weighting=BM25F(B=bm25.B, K1=bm25.K1))
        self.reader = self.searcher.reader()
        self.scorer = bm25.Scorer(self.searcher)
        self.sets = DocSets(self.searcher, self.scorer.postings, read_table(marker[0]))
        super().__init__(table_of(self.index.schema), Vocabulary(Lexicon(self.reader)))
        self.opened = time.monotonic()  # when its vocabulary was read
        # the segments its vocabulary was read from (a new commit's are recent_words)
        self.read_from = {segment_key(leaf) for leaf, _ in self.reader.leaf_readers()}
        if previous is not None and previous.marker[0] == marker[0]:
            self.scorer.carry(previous.scorer)
            self.sets.carry(previous.sets)
            if self.opened - previous.opened < VOCABULARY_SECONDS:
                self.adopt(previous)
                previous.vocabulary.lexicon = Lexicon(self.reader)  # its counts: of now
                self.opened = previous.opened
                self.read_from = previous.read_from

    def close(self) -> None:
        with contextlib.suppress(Exception):  # files of a removed generation may be gone
            self.searcher.close()

    def warm(self, alive=lambda: None) -> None:
        """Read field lengths, the date and facet columns, the vocabulary and the
        postings of the most frequent terms."""
        for name in self.index.schema.names():
            if self.index.schema[name].scorable:
                self.scorer.lengths(name)
        self.sets.everything()
        for facet in FACETS:
            self.sets.codes(facet)
        self.sets.dates()
        self.sets.id_ranks()
        self.completions.entries()
        alive()
        self.vocabulary.by_fold  # noqa: B018 - builds the folded lexicon (accent restoration)
        self.scorer.pin(alive=alive)

    def documents(self) -> int:
        return self.reader.doc_count()

    def recent_words(self, field: str) -> dict[str, int]:
        def recent(leaf) -> bool:
            return segment_key(leaf) not in self.read_from

        return lexicon_frequencies(self.reader, fieldname(field, "words"), kept=recent)

    def lookup(self, doc_id: str):
        return self.searcher.document_number(id=doc_id)

    def stored(self, ref) -> dict:
        return {**self.searcher.stored_fields(ref), "story": self.sets.story(ref)}

    def rest_of_text(self, ref) -> str:
        (rest,) = column_values(self.reader, "body_rest", ref, 1)
        return zlib.decompress(rest).decode("utf-8") if rest else ""

    def count(self, node) -> int:
        return int(np.count_nonzero(self.docs(node) & self.sets.everything()))

    def find(self, search: Search, deadline: Deadline) -> Found:
        docs = self.docs(search.select) & self.sets.everything()
        found = Found(int(np.count_nonzero(docs)), [])
        found.counts = {name: self.sets.counts(name, docs) for name in search.facets}
        keys = None
        if search.order == "relevance" and search.top > 0 and docs.any():
            keys = self.keys(search.ranking, docs, deadline, search.half_life)
        shown, stories = docs, None
        if search.collapse:
            stories = StoryGroups(self.sets, docs, self.within_story(docs, keys, search.order))
            shown, found.stories = stories.first, stories.count
        if search.order != "relevance":
            newest = search.order == "newest"
            found.ranked = [(d, None) for d in self.by_date(shown, newest)[: search.top]]
        elif keys is not None:
            found.ranked = self.ranked(keys, shown, search.top)
        found.ranked[: search.skip] = [(None, None)] * min(search.skip, len(found.ranked))
        if stories is not None:
            ids = self.sets.column("id")
            for docnum, _ in found.ranked[search.skip :]:
                more, others = stories.others(docnum)
                found.similar[docnum] = (more, [ids[d] for d in others])
        return found

    # --- sets of documents --------------------------------------------------------------

    def docs(self, node) -> np.ndarray:
        """The documents of a node of search.algebra (deleted ones too: callers keep the
        live ones, sets.everything())."""
        sets = self.sets
        match node:
            case Need():
                return sets.need(node)
            case AllOf(children):
                found = self.docs(children[0]).copy()
                for child in children[1:]:
                    found &= self.docs(child)
                return found
            case AnyOf(children):
                return np.logical_or.reduce([self.docs(child) for child in children])
            case AtLeast(least, children):
                held = np.zeros(sets.size, np.int32)
                for child in children:
                    held += self.docs(child)
                return held >= least
            case Not(child):
                return ~self.docs(child)
            case Everything():
                return sets.everything()
            case Field("story", value):
                return sets.of_story(value)
            case Field(name, value):
                return sets.term(name, value)
            case Dated(low, high):
                dates = sets.dates()
                return (dates >= low) & (dates <= high)
        raise TypeError(f"not a node of search.algebra: {node!r}")

    # --- orders -------------------------------------------------------------------------

    def keys(self, ranking: Ranking, docs, deadline: Deadline, half_life: float | None):
        """Every document's score under *ranking* (those of *docs* hold the base too);
        with *half_life*, the BM25F part decays by age. Partial if time runs out.

        Every document the scoring terms reach gets its BM25F score (bm25.py), plus each
        boost whose documents hold it and the ranking's base.
        """
        if deadline.expired():
            return None
        terms = [(fieldname(t.field, t.representation), t.text, t.boost) for t in ranking.terms]
        # A long query (a question, most of whose words no document holds) gets BM25+'s
        # floor and weighs its words again by how many of the best documents hold each.
        # A short one is ranked by tiers first: it keeps Whoosh's BM25F, which reads
        # shorter documents first (and makes shorter snippets).
        if ranking.long:
            keys, cut = self.scorer.scores(
                terms, deadline.expired, delta=bm25.DELTA, local=bm25.LOCAL_K
            )
        else:
            keys, cut = self.scorer.scores(terms, deadline.expired)
        if cut:
            deadline.passed = True
        if half_life is not None:
            keys = keys * 0.5 ** (self.sets.ages() / half_life)
        keys = np.round(keys, 4)
        for boost in ranking.boosts:
            keys[self.docs(boost.node)] += boost.weight
        if ranking.base:
            keys[docs] += ranking.base
        return keys

    def ranked(self, keys: np.ndarray, docs, needed: int) -> list:
        """The best *needed* documents of *docs* by *keys*, as (docnum, score).
        Matching documents nothing scores come last, newest first."""
        # postings hold deleted documents too (a replaced or deleted one stays in its
        # segment until a merge): only the documents found, all live, are ranked
        reached = (keys > 0) & docs
        candidates = np.flatnonzero(reached)
        ranks = self.sets.id_ranks()
        if len(candidates) > needed:  # the best *needed*; of equal keys, the first ids
            found = keys[candidates]
            kth = -np.partition(-found, needed - 1)[needed - 1]
            above, tied = candidates[found > kth], candidates[found == kth]
            tied = tied[np.argsort(ranks[tied], kind="stable")[: needed - len(above)]]
            candidates = np.concatenate((above, tied))
        order = np.lexsort((ranks[candidates], -keys[candidates]))  # key down, then id
        scored = [(int(d), round(float(keys[d]), 4)) for d in candidates[order]]
        if len(scored) < needed:  # matched, but by no scored term: newest first
            rest = docs & ~reached
            scored += [(d, 0.0) for d in self.by_date(rest, True)[: needed - len(scored)]]
        return scored

    def within_story(self, docs, keys, order: str) -> np.ndarray:
        """The documents of *docs* whose story holds others, by story, and in each story
        in *order* (as ranked(): scored ones by key, the others newest first; or by
        date), ties by id."""
        chosen = np.flatnonzero(docs & self.sets.shared())
        ranks = self.sets.id_ranks()[chosen]
        dates = self.sets.dates()[chosen]
        codes = self.sets.stories()[0][chosen]
        if order == "relevance":
            scores = np.zeros(len(chosen)) if keys is None else keys[chosen]
            newest = np.where(scores > 0, 0, dates)
            sequence = np.lexsort((ranks, -newest, -scores, codes))
        elif order == "newest":
            sequence = np.lexsort((ranks, -dates, codes))
        else:
            sequence = np.lexsort((ranks, np.where(dates > 0, dates, AFTER_EVERY_DATE), codes))
        return chosen[sequence]

    def by_date(self, docs: np.ndarray, newest: bool) -> list[int]:
        """The documents of *docs*, newest or oldest first; undated ones last."""
        chosen = np.flatnonzero(docs)
        dates = self.sets.dates()[chosen]
        ties = self.sets.id_ranks()[chosen]
        if newest:
            order = np.lexsort((ties, -dates))
        else:
            order = np.lexsort((ties, np.where(dates > 0, dates, AFTER_EVERY_DATE)))
        return chosen[order].tolist()
