"""A request in, a plain result object out, over one View of an index.

The page, the JSON API and the terminal only render what `search` and `document`
return. The backend answers the plan (View.find); what the reader sees of each hit,
the marks, snippets, suggestions and the long query's re-ranking are made here, the same
for every backend.
"""

from __future__ import annotations

import dataclasses
import time

from ..indexing.stored import MARKED_CHARS
from . import algebra, didyoumean, rerank
from .editorial import Curation, Rules
from .marks import Unit, field_ranges, highlight_units
from .plan import plan as make_plan
from .query import Query, parse
from .request import Deadline, SearchRequest
from .results import FACET_SIZE, FACETS, Document, Hit, SearchResult, Similar
from .snippets import mark, snippet
from .synonyms import expand

SNIPPET_PLACES = 24  # places of each word a snippet chooses its passages among
# A reading of a plain query is searched instead of it when it is this much likelier
# (natural log: e^3, about 20 times) and the query finds little as typed: no document
# holds its words standing together (correct() looks no further when one does) while
# the reading stands together in the index, or the reading finds LITTLE times as many
# documents holding every word (none holding them all as typed: any number is more).
SEARCH_GAIN = 1.5
LITTLE = 4


def search(
    view, request: SearchRequest, time_limit: float, rules: Rules | None = None
) -> SearchResult:
    """Answer *request* from *view* within *time_limit* seconds (then partially).

    A plain query that finds nothing or little is searched in a much likelier reading of
    it when there is one (search.correct), and says so; with request.verbatim it is
    searched as typed, the reading offered. The editors' *rules* apply: synonyms
    (search.synonyms) to the query searched, and the curation of its words: its pinned
    articles first on the first page, its hidden ones nowhere."""
    started = time.perf_counter()
    deadline = Deadline(time_limit)
    rules = rules or Rules()
    parsed = parse(request.q)
    pinned, request = _curated(view, rules.curation(parsed, view.analyse), request)
    shift = len(pinned)  # the pinned articles come before the ranked ones
    correction = view.correction(parsed.alternatives[0][0].text) if parsed.plain else None
    marked, plan, sort, found = _found(view, parsed, request, deadline, rules, shift)
    searched_as, read_total = None, None
    if (
        correction
        and correction.gain >= SEARCH_GAIN
        and not request.verbatim
        and not deadline.expired()
    ):
        read = parse(correction.text)
        read_marked, read_plan, read_sort, read_found = _found(
            view, read, request, deadline, rules, shift
        )
        if not deadline.passed:  # whole: what _finds_more would count again
            read_total = read_found.total
        as_typed = 0 if found.relaxed else found.total
        little = correction.stands or read_found.total >= LITTLE * as_typed
        finds = read_found.total and (not read_found.relaxed or not found.total)
        if finds and little:
            parsed, marked, plan, sort, found = read, read_marked, read_plan, read_sort, read_found
            searched_as, correction = correction.text, None
    ranked = found.ranked
    if sort == "relevance" and plan.long and plan.sequences and not deadline.expired():
        head = rerank.RERANKED
        ranked = rerank.by_longest_run(view, plan, ranked[:head]) + ranked[head:]
    units = highlight_units(marked, view.analyse, view.restore)
    first = max(request.start - shift, 0)
    page = ranked[first : request.start + request.per_page - shift]
    if request.page == 1:
        page = [(ref, None) for ref in pinned] + page
    # Past the time limit the rest of the page comes unmarked (the answer says partial).
    hits = [hit(view, ref, score, [] if deadline.expired() else units) for ref, score in page]
    for pinned_hit in hits[:shift] if request.page == 1 else []:
        pinned_hit.pinned = True
    if request.collapse:
        for found_hit, (ref, _) in zip(hits, page):
            more, ids = found.similar.get(view.key(ref), (0, []))
            found_hit.similar = Similar(more, ids)
    suggestion = None
    if request.q.strip():
        suggestion = (
            _finds_more(view, correction, found, request, read_total)
            or didyoumean.suggestion(view, parsed)
            or (None if found.total else didyoumean.plain_words(view, parsed, request))
        )
    return SearchResult(
        query=request.q,
        total=found.total + shift,
        page=request.page,
        per_page=request.per_page,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        hits=hits,
        facets=facets(found.counts),
        suggestion=suggestion,
        sort=sort,
        collapse=request.collapse,
        stories=found.stories + shift if request.collapse and found.stories is not None else None,
        partial=deadline.passed,
        relaxed=found.relaxed,
        filters=request.filters(),
        searched_as=searched_as,
    )


def _found(view, parsed: Query, request: SearchRequest, deadline: Deadline, rules, shift=0):
    """The query with its synonyms read in (what the hits are marked by), the plan it is
    searched by, the order it is sorted in, and what the view finds: a short query none
    of whose documents holds every word finds those holding the most (when its synonyms
    find nothing either, the query as typed: alternatives are not relaxed). *shift*:
    articles a curation pins before these."""
    typed = make_plan(parsed, view.analyse, view.restore)
    expanded = _expanded(view, parsed, rules, typed)
    if expanded is not parsed:
        plan = make_plan(expanded, view.analyse, view.restore)
        found = _found_as(view, plan, request, deadline, shift)
        if found[2].total or deadline.expired():
            return (expanded, *found)
    return (expanded, *_found_as(view, typed, request, deadline, shift))


def _found_as(view, plan, request: SearchRequest, deadline: Deadline, shift: int):
    sort = request.sort
    if sort in algebra.RANKED and not plan.scoring:
        sort = "newest"  # nothing to rank by: an empty query, or filters only
    needed = max(request.page * request.per_page - shift, 1)
    skip = max(request.start - shift, 0)
    if sort == "relevance" and plan.long:
        needed = max(needed, rerank.RERANKED)  # every page re-ranks the same head
        if skip < rerank.RERANKED:
            skip = 0  # the head is fetched whole
    asked = algebra.search(plan, request, sort, needed, skip)
    found = view.find(asked, deadline)
    if not found.total and plan.every_word and not deadline.expired():
        least = algebra.relaxed(plan, request, view.count)
        if least is not None:
            found = view.find(algebra.relax(asked, plan, request, least), deadline)
            found.relaxed = True
    return plan, sort, found


def _expanded(view, parsed: Query, rules: Rules | None, plan=None) -> Query:
    """*parsed* with the synonyms of *rules* read in (search.synonyms); *plan*: its own,
    when made already."""
    if not rules or not rules.synonyms:
        return parsed
    plan = plan or make_plan(parsed, view.analyse, view.restore)
    return expand(parsed, view.synonyms(rules), view.analyse, bool(plan.every_word))


def _curated(view, curation: Curation | None, request: SearchRequest):
    """The references of the articles *curation* pins that exist and pass the request's
    filters, in order (at most a page of them), and the request leaving out those (shown
    apart) and the articles the curation hides."""
    if curation is None:
        return [], request
    pinned, shown = [], []
    narrowed = algebra.filters(request)
    for doc_id in curation.pin:
        ref = view.lookup(doc_id)
        if ref is None:  # a rule never pins what it hides (editorial.curation_of)
            continue
        if narrowed and not view.count(algebra.all_of([algebra.Field("id", doc_id), *narrowed])):
            continue
        pinned.append(ref)
        shown.append(doc_id)
        if len(pinned) == request.per_page:
            break  # the pins past the first page rank as they would
    without = tuple(dict.fromkeys((*request.without, *shown, *curation.hide)))
    return pinned, dataclasses.replace(request, without=without)


def _finds_more(view, correction, found, request: SearchRequest, total=None) -> str | None:
    """The correction's text, when it finds more documents than the query as typed
    (*total*: how many it finds, when searched already)."""
    if correction is None:
        return None
    as_typed = 0 if found.relaxed else found.total
    if total is None:
        plan = make_plan(parse(correction.text), view.analyse, view.restore)
        total = algebra.total(plan, request, view.count)
    return correction.text if total > as_typed else None


def facets(counts: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    """Facet counts as shown: every year, newest first; the commonest values of the rest."""

    def top(counter):
        ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        return [{"value": v, "count": n} for v, n in ordered[:FACET_SIZE]]

    years = counts.get("year", {})
    shown = {"year": [{"value": y, "count": n} for y, n in sorted(years.items(), reverse=True)]}
    shown.update({name: top(counts.get(name, {})) for name in FACETS[1:]})
    return shown


def info(stored: dict, units: list[Unit]) -> dict:
    """What hits and documents both show: id, title (marked), date, author, ..."""
    title = stored.get("title", "")
    return {
        "id": stored["id"],
        "title": title,
        "title_given": stored.get("title_given", True),
        "title_html": mark(title, field_ranges(stored, "title", units)),
        "date": stored.get("date"),
        "author": stored.get("author"),
        "source": stored.get("source"),
        "place": stored.get("place", []),
        "url": stored.get("url"),
        "story": stored.get("story") or stored["id"],
    }


def hit(view, ref, score: float | None, units: list[Unit]) -> Hit:
    """One result: the document's info and a snippet of its body around the marks."""
    stored = view.stored(ref)
    body = stored.get("body", "")
    decoded = view.decoded(ref, stored, "body")
    ranges = field_ranges(stored, "body", units, each=SNIPPET_PLACES, decoded=decoded)
    return Hit(**info(stored, units), score=score, snippet=snippet(body, ranges))


def document(view, doc_id: str, q: str, rules: Rules | None = None) -> Document | None:
    """A whole document by id, its text marked where *q* matches; None if unknown.

    Its paragraphs (what the page shows) cover the first MARKED_CHARS characters of a
    longer text, which is where marks are placed; `text` is the whole text."""
    ref = view.lookup(doc_id)
    if ref is None:
        return None
    stored = view.stored(ref)
    units = (
        highlight_units(_expanded(view, parse(q), rules), view.analyse, view.restore)
        if q.strip()
        else []
    )
    body = stored.get("body", "")
    if stored.get("body_cut"):
        body += view.rest_of_text(ref)
    ranges = field_ranges(stored, "body", units, decoded=view.decoded(ref, stored, "body"))
    captions = {start for start, _ in stored.get("captions", [])}
    shown = len(body)
    if shown > MARKED_CHARS:  # cut between words
        shown = max(body.rfind(" ", 0, MARKED_CHARS + 1), body.rfind("\n", 0, MARKED_CHARS + 1))
        shown = shown if shown > 0 else MARKED_CHARS
    paragraphs, offset = [], 0
    for text in body[:shown].split("\n\n"):
        html = mark(body, ranges, offset, offset + len(text))
        paragraphs.append({"html": html, "caption": offset in captions})
        offset += len(text) + 2
    return Document(**info(stored, units), text=body, paragraphs=paragraphs, shown_chars=shown)
