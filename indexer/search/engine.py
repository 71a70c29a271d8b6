"""One search function: a request in, a plain result object out.

The web page, the JSON API and the terminal search all call `Engine.search`; they only
render what it returns. An Engine follows its index directory: after a build or an
update it answers from the new index within a second, without a restart.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.scoring import BM25F

from ..language.analysis import Analysis, analyse
from ..language.text import fold
from ..whoosh import bm25, storage
from ..whoosh.analyzers import table_of
from ..whoosh.docsets import DocSets
from ..whoosh.postings import Terms, decode_spans
from . import plan as ranking
from .query import parse
from .snippets import mark, matched_spans, snippet
from .suggest import Vocabulary

MAX_QUERY = 1000  # characters
MAX_PER_PAGE = 100
MAX_DEPTH = 10_000  # page * per_page: deeper pages are refused, as every engine does
SORTS = ("relevance", "newest", "oldest")
FACET_SIZE = 10
TIER = 10_000.0  # more than any BM25F score: a better tier always ranks higher
RELOAD_SECONDS = 1.0
TIME_LIMIT = 5.0  # seconds a search may spend matching and ranking; then it answers partially
UNDATED_LAST = 10**13  # a date_key beyond any real date
# A long query's best RUN_RERANK documents gain RUN_GAIN of their score for each syllable
# beyond RUN_FREE of the longest run of the query standing together in them (alqac nDCG@10
# 0.896 -> 0.916, xquad unchanged: docs/benchmarks.md).
RUN_RERANK = 10
RUN_FREE = 3
RUN_GAIN = 0.05


class InvalidRequest(ValueError):
    """A request the engine refuses, with a machine-readable code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class SearchRequest:
    """What a search asks for; `from_params` validates text parameters from a URL."""

    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    date_from: str | None = None
    date_to: str | None = None
    author: str | None = None
    place: str | None = None
    source: str | None = None

    @classmethod
    def from_params(cls, params) -> SearchRequest:
        """Build and validate a request from a mapping of strings (a query string)."""
        request = cls(
            q=params.get("q", "") or "",
            page=_integer(params.get("page"), "page", 1),
            per_page=_integer(params.get("per_page"), "per_page", 10),
            sort=(params.get("sort") or "relevance").strip(),
            date_from=(params.get("date_from") or "").strip() or None,
            date_to=(params.get("date_to") or "").strip() or None,
            author=(params.get("author") or "").strip() or None,
            place=(params.get("place") or "").strip() or None,
            source=(params.get("source") or "").strip() or None,
        )
        request.validate()
        return request

    def validate(self) -> None:
        if len(self.q) > MAX_QUERY:
            raise InvalidRequest(
                "query_too_long", f"q is {len(self.q)} characters; the limit is {MAX_QUERY}"
            )
        if self.page < 1:
            raise InvalidRequest("invalid_page", "page must be a positive integer")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidRequest(
                "invalid_per_page", f"per_page must be between 1 and {MAX_PER_PAGE}"
            )
        if self.page * self.per_page > MAX_DEPTH:
            raise InvalidRequest("page_too_deep", f"page × per_page may not exceed {MAX_DEPTH:,}")
        if self.sort not in SORTS:
            raise InvalidRequest("invalid_sort", f"sort must be one of: {', '.join(SORTS)}")
        low = date_bound(self.date_from, "date_from", end=False)
        high = date_bound(self.date_to, "date_to", end=True)
        if low is not None and high is not None and low > high:
            raise InvalidRequest("invalid_date_range", "date_from is after date_to")
        for name in ("author", "place", "source"):
            value = getattr(self, name)
            if value is not None and len(value) > 200:
                raise InvalidRequest(f"invalid_{name}", f"{name} is longer than 200 characters")


def _integer(value, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise InvalidRequest(
            f"invalid_{name}", f"{name} must be a positive integer, not {text[:40]!r}"
        )
    return int(text)


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bound(value: str | None, name: str, end: bool) -> int | None:
    """Return an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as a date_key bound, inclusive."""
    if value is None:
        return None
    match = _DATE.match(value)
    try:
        if not match:
            raise ValueError
        year, month, day = int(match.group(1)), match.group(2), match.group(3)
        month_n = int(month) if month else (12 if end else 1)
        last = calendar.monthrange(year, month_n)[1]
        day_n = int(day) if day else (last if end else 1)
        if not 1 <= day_n <= last or year < 1:
            raise ValueError
    except ValueError:
        raise InvalidRequest(
            f"invalid_{name}", f"{name} must be an ISO date like 2023-10-02, not {value[:40]!r}"
        ) from None
    stamp = year * 10**8 + month_n * 10**6 + day_n * 10**4
    return stamp + (2359 if end else 0)


@dataclass
class Described:
    """What a hit and a whole document both show of an article."""

    id: str
    title: str
    title_html: str  # the title, escaped, with the query's matches in <mark>
    date: str | None
    author: str | None
    source: str | None
    place: list[str]
    url: str | None


@dataclass
class Hit(Described):
    score: float | None
    snippet: str


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[dict]]
    suggestion: str | None
    sort: str = "relevance"
    partial: bool = False  # the time limit cut the search short: total is a lower bound
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_DEPTH) // self.per_page))


@dataclass
class Document(Described):
    text: str
    paragraphs: list[dict]  # {"html", "caption"}: the text with the query's matches marked


class _State:
    """One thread's view of the live index: searcher, vocabulary, analysis cache."""

    def __init__(self, index_dir: Path, marker):
        self.marker = marker
        self.index = storage.open_index(index_dir)
        self.searcher = self.index.searcher(weighting=BM25F(B=bm25.B, K1=bm25.K1))
        self.reader = self.searcher.reader()
        self.table = table_of(self.index.schema)
        self.vocabulary = Vocabulary(self.reader)
        self.scorer = bm25.Scorer(self.searcher)
        self.sets = DocSets(self.searcher, self.scorer.postings)
        self._analysed: OrderedDict[str, Analysis] = OrderedDict()
        self._restored: dict[tuple, list[str] | None] = {}

    def close(self) -> None:
        """Close the searcher and its files; searches of this thread use a new state."""
        with contextlib.suppress(Exception):  # files of a removed generation may be gone
            self.searcher.close()

    def analyse(self, text: str) -> Analysis:
        found = self._analysed.get(text)
        if found is None:
            found = self._analysed[text] = analyse(text, self.table)
            if len(self._analysed) > 2048:
                self._analysed.popitem(last=False)
        return found

    def restore(self, run: Analysis) -> list[str] | None:
        key = tuple(run.folded)
        if key not in self._restored:
            if len(self._restored) > 2048:
                self._restored.clear()
            self._restored[key] = self.vocabulary.restore(run)
        return self._restored[key]


class Engine:
    """Searches the index at *index_dir*, following its rebuilds and updates."""

    def __init__(
        self,
        index_dir: str | Path,
        reload_seconds: float = RELOAD_SECONDS,
        time_limit: float = TIME_LIMIT,
    ):
        self.time_limit = time_limit
        self.index_dir = Path(index_dir)
        self.reload_seconds = reload_seconds
        self._local = threading.local()

    def state(self) -> _State:
        """The current thread's state, reopened when a new generation has landed."""
        local = self._local
        now = time.monotonic()
        state = getattr(local, "state", None)
        if state is None or now - local.checked >= self.reload_seconds:
            marker = storage.generation_marker(self.index_dir)
            if state is None or marker != state.marker:
                old, state = state, _State(self.index_dir, marker)
                local.state = state
                if old is not None:
                    old.close()  # this thread's searcher of the previous generation
            local.checked = now
        return state

    def _retrying(self, work):
        """Run work(state); if the files under it vanished (a rebuild), reopen and retry."""
        try:
            return work(self.state())
        except (OSError, KeyError, ValueError) as error:
            if isinstance(error, InvalidRequest):
                raise
            self.close()
            return work(self.state())

    def close(self) -> None:
        """Close the current thread's searcher (the next search opens the index again)."""
        old, self._local.state = getattr(self._local, "state", None), None
        if old is not None:
            old.close()

    def warm(self, alive=lambda: None) -> bool:
        """Open the live index and read what every search uses: field lengths, the date
        and facet columns, the vocabulary, the postings of the most frequent terms. A
        server calls this before its first request.

        Returns False when there is no index yet (searches then answer that themselves).
        *alive* is called now and then: a gunicorn worker must show its master it lives.
        """
        try:
            state = self.state()
        except storage.IndexNotFound:
            return False
        for name in state.index.schema.names():
            if state.index.schema[name].scorable:
                state.scorer.lengths(name)
        state.sets.everything()
        for facet in ("year", "author", "place", "source"):
            state.sets.codes(facet)
        state.sets.dates()
        state.vocabulary.complete("a", 1)
        alive()
        state.vocabulary.by_fold  # noqa: B018 - builds the folded lexicon (accent restoration)
        state.scorer.pin(alive=alive)
        return True

    def documents(self) -> int:
        """How many documents the live index holds."""
        return self._retrying(lambda state: state.reader.doc_count())

    def search(self, request: SearchRequest | None = None, **params) -> SearchResult:
        """Answer a search request (or keyword parameters of one)."""
        request = request or SearchRequest(**params)
        request.validate()
        return self._retrying(lambda state: self._search(state, request))

    def _search(self, state: _State, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        deadline = _Deadline(self.time_limit)
        parsed = parse(request.q)
        plan = ranking.plan(parsed, state.analyse, state.restore)
        docs = self._matching(state, plan)
        restricted = bool(
            plan.alternatives and (plan.excluded or any(a.needs for a in plan.alternatives))
        )
        filtered = self._filtered(state, docs, request)
        restricted = restricted or filtered is not docs
        docs = filtered
        sort = request.sort
        if request.sort == "relevance" and plan.scoring is None:
            sort = "newest"  # nothing to rank by: an empty query, or filters only
        start = (request.page - 1) * request.per_page
        if sort == "relevance":
            ranked = self._ranked(state, plan, docs, restricted, start + request.per_page, deadline)
            page = ranked[start : start + request.per_page]
        else:
            by_date = self._by_date(state, docs, sort == "newest")
            page = [(docnum, None) for docnum in by_date[start : start + request.per_page]]
        units = ranking.highlight_units(parsed, state.analyse, state.restore)
        hits = [self._hit(state, docnum, score, units) for docnum, score in page]
        total = int(np.count_nonzero(docs))
        suggestion = None
        if request.q.strip():
            suggestion = self._suggestion(state, parsed) or (
                None if total else self._loosened(state, parsed, request)
            )
        return SearchResult(
            query=request.q,
            total=total,
            page=request.page,
            per_page=request.per_page,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            facets=self._facets(state, docs),
            suggestion=suggestion,
            sort=sort,
            partial=deadline.passed,
            filters={
                k: v
                for k in ("date_from", "date_to", "author", "place", "source")
                if (v := getattr(request, k))
            },
        )

    @staticmethod
    def _matching(state: _State, plan: ranking.Plan) -> np.ndarray:
        """Every document the query matches: the total and the facets count them all."""
        sets = state.sets
        if not plan.alternatives:
            docs = sets.everything()  # an empty query, or exclusions only
        else:
            matched = []
            for alternative in plan.alternatives:
                needs = (
                    [alternative.recall, *alternative.needs]
                    if alternative.recall
                    else alternative.needs
                )
                found = sets.everything()
                for need in needs:
                    found = found & sets.need(need)
                matched.append(found)
            docs = np.logical_or.reduce(matched)
        for need in plan.excluded:
            docs = docs & ~sets.need(need)
        return docs

    @staticmethod
    def _filtered(state: _State, docs: np.ndarray, request: SearchRequest) -> np.ndarray:
        """The documents that also pass the request's filters (the same set when none)."""
        sets = state.sets
        for name in ("author", "source", "place"):
            if value := getattr(request, name):
                docs = docs & sets.term(name, value)
        low = date_bound(request.date_from, "date_from", end=False)
        high = date_bound(request.date_to, "date_to", end=True)
        if low is not None or high is not None:  # undated documents never pass
            low, high = low or 1, high or UNDATED_LAST - 1
            dates = sets.dates()
            docs = docs & (dates >= low) & (dates <= high)
        return docs

    @staticmethod
    def _ranked(state, plan, docs, restricted: bool, needed: int, deadline) -> list:
        """The best *needed* documents, as (docnum, score), tiers first; partial if time runs out.

        Every document the scoring terms reach gets its BM25F score (bm25.py); a tier adds
        TIER per tier above the last, so the order is tier, then score, and scores go down
        the list as the order does. Matching documents no term scores come last, newest first.
        """
        if needed <= 0 or not docs.any() or deadline.expired():
            return []
        terms = [t for alternative in plan.alternatives for t in alternative.scoring]
        # A long query (a question, most of whose words no document holds) gets BM25+'s
        # floor and weighs its words again by how many of the best documents hold each.
        # A short one is ranked by tiers first: it keeps Whoosh's BM25F, which reads
        # shorter documents first (and makes shorter snippets).
        if not plan.long:
            keys, cut = state.scorer.scores(terms, deadline.expired)
        else:
            keys, cut = state.scorer.scores(
                terms, deadline.expired, delta=bm25.DELTA, local=bm25.LOCAL_K
            )
        if cut:
            deadline.passed = True
        keys = np.round(keys, 4)
        if len(plan.alternatives) == 1:
            layers = [
                [state.sets.need(n) for n in layer]
                for alternative in plan.alternatives
                for layer in alternative.tiers
            ]
            placed = state.sets.empty()  # in a better tier already
            for rank, layer in enumerate(layers):
                inside = ~placed
                for members in layer:
                    inside &= members
                keys[inside] += TIER * (len(layers) - rank)
                placed |= inside
        reached = keys > 0
        if restricted:
            reached &= docs
        candidates = np.flatnonzero(reached)
        wanted = max(needed, RUN_RERANK) if plan.long else needed  # any page: the same head
        if len(candidates) > wanted:
            best = np.argpartition(-keys[candidates], wanted - 1)[:wanted]
            candidates = candidates[best]
        order = np.lexsort((candidates, -keys[candidates]))  # key down, then document number
        scored = [(int(d), round(float(keys[d]), 4)) for d in candidates[order]]
        if plan.long and plan.sequences and not deadline.expired():
            scored[:RUN_RERANK] = Engine._together(state, plan, scored[:RUN_RERANK])
        scored = scored[:needed]
        if len(scored) < needed:  # matched, but by no scored term: newest first
            rest = docs & ~reached
            scored += [(d, 0.0) for d in Engine._by_date(state, rest, True)[: needed - len(scored)]]
        return scored

    @staticmethod
    def _together(state: _State, plan: ranking.Plan, head: list) -> list:
        """Re-rank a long query's best documents by the longest run of its syllables that
        stands together in their title or text (a quoted clause, a copied sentence):
        × (1 + RUN_GAIN per syllable beyond RUN_FREE). The scores stay above the rest's."""
        again = []
        for docnum, score in head:
            stored = state.searcher.stored_fields(docnum).get("terms", {})
            texts = [Terms(stored.get(name, b"")) for name in ("title", "body")]
            run = max(
                ranking.longest_run(syllables, text.sequence(folded=not exact))
                for syllables, exact in plan.sequences
                for text in texts
            )
            again.append((docnum, round(score * (1 + RUN_GAIN * max(0, run - RUN_FREE)), 4)))
        return sorted(again, key=lambda item: (-item[1], item[0]))

    @staticmethod
    def _by_date(state: _State, docs: np.ndarray, newest: bool) -> list[int]:
        """The documents of *docs*, newest or oldest first; undated ones last."""
        chosen = np.flatnonzero(docs)
        dates = state.sets.dates()[chosen]
        if newest:
            order = np.lexsort((chosen, -dates))
        else:
            order = np.lexsort((chosen, np.where(dates > 0, dates, UNDATED_LAST)))
        return chosen[order].tolist()

    @staticmethod
    def _facets(state: _State, docs) -> dict[str, list[dict]]:
        """Counts by year, author, place and source over every matching document."""
        sets = state.sets
        years, authors, places, sources = (
            sets.counts(name, docs) for name in ("year", "author", "place", "source")
        )

        def top(counter, size=FACET_SIZE):
            ordered = sorted(counter.items(), key=lambda i: (-i[1], i[0]))
            return [{"value": v, "count": n} for v, n in ordered[:size]]

        return {
            "year": [{"value": y, "count": n} for y, n in sorted(years.items(), reverse=True)],
            "author": top(authors),
            "place": top(places),
            "source": top(sources),
        }

    # --- hits, snippets, documents -----------------------------------------------------

    @staticmethod
    def _marked(find, units, spans, text) -> set[int]:
        """Syllable positions of a text where the query's words stand; find(exact, folded)
        gives a syllable's positions.

        The syllables of a word must be adjacent in the text too: positions skip
        punctuation, but "ủy, Ban" is not "ủy ban".
        """
        cache: dict[tuple, set[int]] = {}

        def where(pair):
            if pair not in cache:
                cache[pair] = set(find(*pair))
            return cache[pair]

        def together(start: int, count: int) -> bool:
            for p in range(start + 1, start + count):
                if p >= len(spans):
                    return False
                gap = text[spans[p - 1][1] : spans[p][0]]
                if spans[p] != spans[p - 1] and gap.strip():
                    return False
            return True

        marked: set[int] = set()
        for unit in units:
            for start in where(unit[0]):
                if all(start + i in where(pair) for i, pair in enumerate(unit[1:], 1)) and together(
                    start, len(unit)
                ):
                    marked.update(range(start, start + len(unit)))
        return marked

    def _ranges(self, state: _State, docnum, stored, name, units):
        spans = decode_spans(stored.get("spans", {}).get(name, b""))
        text = stored.get(name, "")
        if "terms" in stored:  # the document's syllables, stored by position
            terms = Terms(stored["terms"].get(name, b""))

            def find(exact, folded):  # exact positions if the text has them, else folded
                return (exact and terms.exact(exact)) or terms.folded(folded)

        else:  # an index built before terms were stored: the postings have the positions

            def find(exact, folded):
                found = _positions(state.reader, f"{name}_s", exact, docnum) if exact else []
                return found or _positions(state.reader, f"{name}_f", folded, docnum)

        return matched_spans(spans, self._marked(find, units, spans, text), text)

    def _described(self, state: _State, docnum: int, stored: dict, units) -> dict:
        """What hits and documents both show: id, title (marked), date, author, ..."""
        title = stored.get("title", "")
        return {
            "id": stored["id"],
            "title": title,
            "title_html": mark(title, self._ranges(state, docnum, stored, "title", units)),
            "date": stored.get("date"),
            "author": stored.get("author"),
            "source": stored.get("source"),
            "place": stored.get("place", []),
            "url": stored.get("url"),
        }

    def _hit(self, state: _State, docnum: int, score, units) -> Hit:
        stored = state.searcher.stored_fields(docnum)
        body = stored.get("body", "")
        return Hit(
            **self._described(state, docnum, stored, units),
            score=score,
            snippet=snippet(body, self._ranges(state, docnum, stored, "body", units)),
        )

    def document(self, doc_id: str, q: str = "") -> Document | None:
        """Return a whole document, its text marked where *q* matches, or None."""
        if len(q) > MAX_QUERY:
            raise InvalidRequest(
                "query_too_long", f"q is {len(q)} characters; the limit is {MAX_QUERY}"
            )
        return self._retrying(lambda state: self._document(state, doc_id, q))

    def _document(self, state: _State, doc_id: str, q: str) -> Document | None:
        docnum = state.searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = state.searcher.stored_fields(docnum)
        units = ranking.highlight_units(parse(q), state.analyse, state.restore) if q.strip() else []
        body = stored.get("body", "")
        ranges = self._ranges(state, docnum, stored, "body", units)
        captions = {start for start, _ in stored.get("captions", [])}
        paragraphs, offset = [], 0
        for text in body.split("\n\n"):
            paragraphs.append(
                {
                    "html": mark(body, ranges, offset, offset + len(text)),
                    "caption": offset in captions,
                }
            )
            offset += len(text) + 2
        return Document(
            **self._described(state, docnum, stored, units), text=body, paragraphs=paragraphs
        )

    # --- suggestions -----------------------------------------------------------------------

    def _suggestion(self, state: _State, parsed) -> str | None:
        """Did-you-mean: the accented reading of a plain query, or a spelling correction.

        Offered only when it finds better results: documents holding every word.
        """
        if not parsed.plain:
            return None
        clause = parsed.alternatives[0][0]
        run = state.analyse(clause.text)
        if not run.syllables:
            return None

        def holding_all(syllables) -> int:  # documents with every one of the syllables
            return int(
                np.count_nonzero(state.sets.need(ranking.Need("all", "s", tuple(syllables))))
            )

        if not run.accented:
            restored = state.restore(run)
            if restored and holding_all(restored):
                return _respell(clause.text, run, restored)
            return None
        corrected = [state.vocabulary.correct(s) or s for s in run.syllables]
        if corrected != run.syllables and holding_all(corrected) > holding_all(run.syllables):
            return _respell(clause.text, run, corrected)
        return None

    def _loosened(self, state: _State, parsed, request: SearchRequest) -> str | None:
        """For a query with operators that finds nothing: the same words without quotes,
        field names or OR, if they find something under the same filters (and accented,
        or spelled right, as the did-you-mean would read them)."""
        if parsed.plain:
            return None
        words = " ".join(clause.text.strip() for clause in parsed.clauses())
        excluded = " ".join(
            f"-{clause.field + ':' if clause.field else ''}"
            + (f'"{clause.text}"' if clause.phrase else clause.text)
            for clause in parsed.excluded
        )  # exclusions stay: only how the words must stand is loosened
        loose = " ".join(filter(None, (words, excluded)))
        if not words or loose == request.q.strip():
            return None
        parsed_loose = parse(loose)
        plan = ranking.plan(parsed_loose, state.analyse, state.restore)
        docs = self._filtered(state, self._matching(state, plan), request)
        if not docs.any():
            return None
        return self._suggestion(state, parsed_loose) or loose  # with its diacritics, if lost

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Completions for the word being typed, insensitive to diacritics."""
        if len(prefix) > MAX_QUERY:
            raise InvalidRequest(
                "query_too_long", f"q is {len(prefix)} characters; the limit is {MAX_QUERY}"
            )
        return self._retrying(lambda state: state.vocabulary.complete(prefix, limit))


def _positions(reader, fieldname: str, text: str, docnum: int) -> list[int]:
    """Where *text* stands in document *docnum*, read from the postings (slow for a common
    term: Whoosh walks its blocks to the document)."""
    if (fieldname, text) not in reader:
        return []
    matcher = reader.postings(fieldname, text)
    matcher.skip_to(docnum)
    if matcher.is_active() and matcher.id() == docnum:
        return matcher.value_as("positions")
    return []


class _Deadline:
    """The time a search may still spend."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.passed = False

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        self.passed = self.passed or self.remaining() <= 0
        return self.passed


def _respell(text: str, run: Analysis, syllables: list[str]) -> str:
    """Rewrite *text* with new syllables where the typed ones were, keeping the rest as typed."""
    out, cursor = [], 0
    for (start, end), surface, old, new in zip(run.spans, run.surfaces, run.syllables, syllables):
        typed = text[start:end]
        if surface is None or start < cursor or new == old or fold(typed).lower() != fold(old):
            continue  # an abbreviation or a numeral stays as typed
        if typed.lower() != typed and typed[:1].isupper():
            new = new[:1].upper() + new[1:]
        if typed.isupper() and len(typed) > 1:
            new = new.upper()
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
