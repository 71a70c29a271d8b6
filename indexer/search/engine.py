"""The seam between the product and the engines that hold an index.

The web app and the command line call a Backend: `search`, `document`, `suggest`,
`documents` and `warm` to read, `build`, `update` and `stats` to write, `snapshot` and
`restore` for backups, and `write`, `task` and `applied` for the writes that come over
HTTP (indexing.writes). Everything every backend shares is above this seam, in this
package: the query's parse and plan, marks and snippets from stored spans, suggestions,
request and result types, and what a search means (search.algebra). A backend supplies
Views, each one consistent reading of its index, that answer a Search with documents
(`View.find`, `View.count`) and give back what was stored of them (`View.stored`).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..indexing.errors import IndexNotFound
from ..indexing.report import Summary
from ..indexing.stored import Spans, Terms, decode_spans
from ..indexing.writes import Op
from ..language.abbreviations import Abbreviations
from ..language.analysis import Analysis, analyse
from . import answer, related
from .algebra import Node, Search
from .complete import Completions, Recent
from .correct import Correction, correct
from .editorial import Rules, Store
from .plan import Need
from .request import Deadline, InvalidRequest, SearchRequest, check_query
from .results import Document, Related, SearchResult
from .synonyms import Matcher
from .vocabulary import Vocabulary

# What View.stored returns of a document: the article's fields and, per text field
# ("title", "body"), the stored spans and terms of indexing.stored; of a body longer than
# indexing.stored.STORED_TEXT, its beginning, "body_cut" true, and View.rest_of_text the rest.
STORED = ("id", "title", "body", "captions", "date", "author", "source", "place", "url")
CACHED_ANALYSES = 2048  # query texts a view keeps analysed
CACHED_LONG_FIELDS = 64  # decoded spans and terms of long texts a view keeps
LONG_FIELD = 20_000  # characters of a text from which its decoding is kept
WAIT_STEP = 0.05  # seconds between looks at a task being waited for
# A view of an index after a write keeps the vocabulary of the view before it (suggestions,
# accent restoration: seconds to read anew on a large index) this long; its counts of
# syllable pairs, which decide corrections, are of the index as written.
VOCABULARY_SECONDS = 600.0


@dataclass
class Found:
    """A View's answer to a plan under a request's filters."""

    total: int  # documents matched
    ranked: list[tuple[object, float | None]]  # (document reference, score), best first
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> count
    relaxed: bool = False  # no document held every word of plan.every_word: these hold most
    stories: int | None = None  # collapsed: how many stories the documents found make
    # collapsed: for the key (View.key) of each ranked document, how many more documents
    # of its story were found, and the ids of the first SIMILAR_SHOWN of them in order
    similar: dict[object, tuple[int, list[str]]] = field(default_factory=dict)


class View(ABC):
    """One consistent reading of an index (a Whoosh generation, an OpenSearch snapshot).

    A view is used by one thread at a time. It keeps the query analyses and accent
    restorations it made, which hold as long as its vocabulary does.
    """

    def __init__(self, table: Abbreviations, vocabulary: Vocabulary):
        self.table = table  # the abbreviations the index was built with
        self.vocabulary = vocabulary
        self.completions = Completions(vocabulary, self.analyse)
        self._analysed: OrderedDict[str, Analysis] = OrderedDict()
        self._restored: dict[tuple, list[str] | None] = {}
        self._corrected: dict[str, Correction | None] = {}
        self._decoded: OrderedDict[tuple, tuple[Spans, Terms]] = OrderedDict()
        self._recent: Recent | None = None
        self._synonyms: tuple[Rules, Matcher] | None = None

    def adopt(self, previous: View) -> None:
        """Take over the vocabulary of *previous* (a view of an earlier commit of the same
        index), its completions, and the analyses and restorations made with them. Not its
        corrections: whether a query's words stand together in a document is a question of
        the documents, which the commit changed."""
        self.vocabulary = previous.vocabulary
        self.completions = previous.completions
        self.completions.analyse = self.analyse
        self._analysed = previous._analysed
        self._restored = previous._restored

    def analyse(self, text: str) -> Analysis:
        """The analysis of a query's text, with the index's abbreviations."""
        found = self._analysed.get(text)
        if found is None:
            found = self._analysed[text] = analyse(text, self.table)
            if len(self._analysed) > CACHED_ANALYSES:
                self._analysed.popitem(last=False)
        return found

    def synonyms(self, rules: Rules) -> Matcher:
        """The phrases of *rules*' synonyms as this view analyses them (kept while the
        rules are the same)."""
        if self._synonyms is None or self._synonyms[0] is not rules:
            self._synonyms = (rules, Matcher(rules, self.analyse))
        return self._synonyms[1]

    def restore(self, run: Analysis) -> list[str] | None:
        """The likeliest reading of the syllables of a run typed bare, or None."""
        key = tuple(run.syllables)  # the bare ones are their folded forms
        if key not in self._restored:
            if len(self._restored) > CACHED_ANALYSES:
                self._restored.clear()
            self._restored[key] = self.vocabulary.restore(run)
        return self._restored[key]

    def correction(self, text: str) -> Correction | None:
        """The likeliest reading of a plain query's *text*, when it differs from the
        query as typed (search.correct)."""
        if text not in self._corrected:
            if len(self._corrected) > CACHED_ANALYSES:
                self._corrected.clear()
            run = self.analyse(text)
            self._corrected[text] = correct(
                self.vocabulary, run, text, self.restore(run), self.standing
            )
        return self._corrected[text]

    def complete(self, prefix: str, limit: int) -> list[str]:
        """Completions of *prefix* from the vocabulary, and from the words of documents
        written since it was read (recent_words): what a reader writes is suggested at
        once."""
        if self._recent is None:
            self._recent = Recent(self.recent_words("title"), self.recent_words("body"))
        return self.completions.complete(prefix, limit, self._recent)

    def recent_words(self, field: str) -> dict[str, int]:
        """The words of *field* ("title", "body") of the documents written since the
        vocabulary was read, and how many of them hold each (none, by default)."""
        return {}

    def standing(self, pairs: list[str]) -> bool:
        """Does some document hold every one of *pairs* of syllables ("tổ chức")?"""
        return bool(self.count(Need("all", "pairs", tuple(dict.fromkeys(pairs)))))

    def decoded(self, ref, stored: dict, name: str) -> tuple[Spans, Terms]:
        """The spans and terms stored for the field *name* of the document *ref*; those of
        long texts are kept, for the next query that shows them."""
        data = stored.get("spans", {}).get(name, b"")
        if len(stored.get(name, "")) < LONG_FIELD:
            return decode_spans(data), Terms(stored.get("terms", {}).get(name, b""))
        key = (self.key(ref), name)
        found = self._decoded.get(key)
        if found is None:
            found = decode_spans(data), Terms(stored.get("terms", {}).get(name, b""))
            self._decoded[key] = found
            if len(self._decoded) > CACHED_LONG_FIELDS:
                self._decoded.popitem(last=False)
        else:
            self._decoded.move_to_end(key)
        return found

    def key(self, ref):
        """What stands for the document *ref* in a cache: the reference itself."""
        return ref

    @abstractmethod
    def find(self, search: Search, deadline: Deadline) -> Found:
        """What *search* (search.algebra) asks: the documents its selection holds (their
        total, their facet counts) and the first search.top of them in its order
        ("relevance": by its ranking; "newest", "oldest": by date, undated last), the
        first search.skip of those as (None, None). Past *deadline* it answers with what
        it has and sets deadline.passed."""

    @abstractmethod
    def count(self, node: Node) -> int:
        """How many live documents a node of search.algebra holds."""

    @abstractmethod
    def stored(self, ref) -> dict:
        """What was stored of a document: STORED, "spans" and "terms"."""

    @abstractmethod
    def rest_of_text(self, ref) -> str:
        """The end of a long body, stored apart from it (when stored["body_cut"])."""

    @abstractmethod
    def lookup(self, doc_id: str):
        """The reference of the document with *doc_id*, or None."""

    def documents_known(self) -> int:
        """How many documents the index holds, as this view last asked (cheap)."""
        return self.documents()

    @abstractmethod
    def documents(self) -> int:
        """How many documents the index holds."""

    @abstractmethod
    def warm(self, alive=lambda: None) -> None:
        """Read ahead what every search uses; call *alive* now and then."""

    @abstractmethod
    def close(self) -> None:
        """Let go of what this view holds open."""


class Backend(ABC):
    """An index and the engine that holds it: what the web app and the CLI call."""

    time_limit: float
    editorial: Store  # synonyms and curations (search.editorial), kept apart from builds

    # --- reading ---------------------------------------------------------------------

    _local: threading.local  # each backend's per-thread state: its view, what it holds

    @abstractmethod
    def view(self) -> View:
        """The calling thread's View of the index as it is now: while the thread holds
        (hold()), the newest published view when first asked, and then that one."""

    def hold(self) -> None:
        """Read one view until release(): the newest one published when the thread next
        reads, so that a request's reads agree with each other and with every write
        answered "applied" before it began (a web request holds from start to end)."""
        self._local.holding = True
        self._local.held = None

    def release(self) -> None:
        """Follow the index again (the end of a request)."""
        self._local.holding = False
        self._local.held = None

    def reading(self, work):
        """Return work(view) on a current view (a backend may retry if the index moved)."""
        return work(self.view())

    def search(self, request: SearchRequest | None = None, **params) -> SearchResult:
        """Answer a search request (or keyword parameters of one)."""
        request = request or SearchRequest(**params)
        request.validate()
        rules = self.editorial.rules()
        return self.reading(lambda view: answer.search(view, request, self.time_limit, rules))

    def document(self, doc_id: str, q: str = "") -> Document | None:
        """Return a whole document, its text marked where *q* matches, or None."""
        check_query(q)
        rules = self.editorial.rules() if q.strip() else None
        return self.reading(lambda view: answer.document(view, doc_id, q, rules))

    def related(self, doc_id: str, limit: int = related.RELATED) -> Related | None:
        """The articles related to *doc_id* (1 to related.MAX_RELATED of them), or None
        when there is no such article."""
        if not 1 <= limit <= related.MAX_RELATED:
            raise InvalidRequest(
                "invalid_limit", f"limit must be between 1 and {related.MAX_RELATED}"
            )
        return self.reading(lambda view: related.related(view, doc_id, limit, self.time_limit))

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Completions for the word being typed, insensitive to diacritics."""
        check_query(prefix)
        return self.reading(lambda view: view.complete(prefix, limit))

    def documents(self) -> int:
        """How many documents the index holds."""
        return self.reading(lambda view: view.documents())

    @abstractmethod
    def write_state(self) -> dict:
        """Where the index stands, for the server's metrics: {"generation": the name of
        what searches read (a Whoosh generation's folder, the index an OpenSearch alias
        names), "commit": a number that rises with each commit to it (a write, an update),
        "applied_at": when the newest write over HTTP was applied (epoch seconds; None:
        none known)}. IndexNotFound without an index."""

    def warm(self, alive=lambda: None) -> bool:
        """Open the index and read ahead what every search uses (a server calls this
        before its first request). False when there is no index yet."""
        try:
            view = self.view()
        except IndexNotFound:
            return False
        view.warm(alive)
        return True

    # --- writing ---------------------------------------------------------------------

    @abstractmethod
    def build(self, sources: list[str | Path], **options) -> Summary:
        """Index *sources* anew; searches see the old index until the new one is whole."""

    @abstractmethod
    def update(self, sources: list[str | Path], **options) -> Summary:
        """Add new, re-index changed and delete vanished documents of *sources*."""

    @abstractmethod
    def stats(self) -> dict:
        """What the index holds: documents, fields, size, the last build and update."""

    # --- backups -----------------------------------------------------------------------

    @abstractmethod
    def snapshot(self, out: str | Path) -> dict:
        """Write a consistent copy of the index as published, with its synonyms and
        curations, to the tar file *out* (whole or not at all), while it serves and
        takes writes; return what it holds (the last task in it: "task")."""

    @abstractmethod
    def restore(self, archive: str | Path, force: bool = False) -> dict:
        """Make the index from the snapshot *archive*, to answer as the original did when
        it was taken; an index already there is replaced only with *force*
        (indexing.errors.BackupError otherwise)."""

    # --- writes over HTTP ------------------------------------------------------------

    @abstractmethod
    def write(self, ops: list[Op], rejected: list[dict]) -> int:
        """Take one task of writes (puts and deletes, in order; *rejected*: the records
        refused before, for its outcome); return its number once it is durable."""

    @abstractmethod
    def task(self, number: int) -> dict | None:
        """A task's state: {"task", "status": "queued"}, or once applied its outcome
        ({"status": "applied" or "failed", "counts", "failed"}); None when unknown."""

    def applied(self, number: int, seconds: float) -> dict | None:
        """task(number), waiting up to *seconds* for it to be applied."""
        deadline = time.monotonic() + seconds
        while True:
            state = self.task(number)
            if state is None or state["status"] != "queued" or time.monotonic() >= deadline:
                return state
            time.sleep(WAIT_STEP)

    writes_apart = False  # does a server give a process of its own to run_writes()?

    def run_writes(self, alive) -> None:
        """Apply the written tasks as they come, while alive() is true (a server's process
        for writes, when writes_apart)."""
        raise NotImplementedError(f"{type(self).__name__} applies each write as it takes it")

    def start_writes(self, patience: float = 0.0) -> None:
        """Begin applying written tasks in the background (a server process calls it;
        with *patience*, it only takes up tasks that waited that long for another)."""
        return None  # a backend that applies each write as it takes it starts nothing
