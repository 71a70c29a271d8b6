"""Full (atomic) and incremental indexing, in parallel, with progress and a summary.

A full build runs a worker process per core, each analysing articles and writing Whoosh
segments of its own (parallel.py, writer.py), while the main process reads the sources
and keeps the counts. An update analyses articles in worker processes and adds them
with one Whoosh writer in the main process. Work in flight is bounded and a segment logs
at most writer.SEGMENT_POSTINGS postings in memory, so memory stays flat however large
the corpus.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import time
import uuid
from collections import deque
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from ..articles.dates import UNDATED, date_key
from ..articles.sources import MAX_BYTES, Problem, Record, count, is_folder_source, read, to_article
from ..errors import IndexNotFound
from ..indexing.report import Reporter, Summary
from ..indexing.stored import encode_spans, encode_terms
from ..language.abbreviations import Abbreviations
from ..language.analysis import analyse
from . import storage
from .analyzers import table_of
from .parallel import build_segments
from .postings import postings
from .schema import SUFFIXES, TEXT_FIELDS, build_schema
from .writer import PostingsWriter

BATCH_RECORDS = 16  # records sent to a worker at once
BATCH_BYTES = 1 << 20
WRITER_MB = 256  # Whoosh's posting pool in memory before it spills to disk
# Garbage collector thresholds while indexing (Python's defaults: 700, 10, 10).
INDEXING_GC = (50_000, 20, 20)


# --- worker side -----------------------------------------------------------------------

_worker: dict = {}


def _init_worker(schema) -> None:
    _worker["table"] = table_of(schema)
    _worker["formats"] = {s: schema[f"body_{s}"].format for s in SUFFIXES.values()}


def _init_pool_worker(schema) -> None:
    _init_worker(schema)
    collect_rarely()  # for the process's life


@contextmanager
def few_collections():
    """Run Python's cyclic garbage collector rarely while articles are indexed.

    Analysis makes and drops millions of short-lived lists and tokens, none of them in
    reference cycles. At the default thresholds the collector runs some 5,000 times per
    2,000 articles and scans every live object (the segmenter's model among them) dozens
    of times: about 8 % of an indexing process's time. The objects alive on entry are
    frozen out of the scans, and collections come 70 times less often.
    """
    threshold = gc.get_threshold()
    collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def collect_rarely() -> None:
    """Freeze the objects alive now out of the collector's scans; collect rarely."""
    gc.collect()  # garbage frozen would stay until gc.unfreeze()
    gc.freeze()
    gc.set_threshold(*INDEXING_GC)


def prepare(record: Record) -> tuple[dict, int] | Problem:
    """Turn one Record into (Whoosh document fields, characters), or a Problem."""
    try:
        article = to_article(record)
        if isinstance(article, Problem):
            return article
        table, formats = _worker["table"], _worker["formats"]
        doc = {
            "id": article.id,
            "hash": record.hash,
            "origin": record.origin,
            "title": article.title,
            "body": article.body,
            "captions": article.captions,
            "date": article.date,
            "date_key": date_key(article.date) or UNDATED,  # so sorts and facets see it
            "author": article.author,
            "source": article.source,
            "url": article.url,
            "author_f": article.author,
        }
        if article.places:
            doc["place"] = ",".join(article.places)
            doc["_stored_place"] = article.places
            doc["place_list"] = "|".join(article.places).encode("utf-8")
            doc["place_f"] = " ; ".join(article.places)
        spans, terms = {}, {}
        for name, text, captions in (
            ("title", article.title, ()),
            ("body", article.body, article.captions),
        ):
            analysis = analyse(text, table)
            for suffix, value in postings(analysis, formats, captions).items():
                doc[f"{name}_{suffix}"] = value
            spans[name] = encode_spans(analysis.spans)
            terms[name] = encode_terms(analysis.syllables)
        doc["spans"] = spans
        doc["terms"] = terms
        return {k: v for k, v in doc.items() if v is not None}, len(article.title) + len(
            article.body
        )
    except Exception as error:  # a bug must cost one article, not the build
        return Problem(record.where, "failed", f"internal error: {type(error).__name__}: {error}")


def _prepare_batch(records: list[Record]) -> list:
    return [prepare(record) for record in records]


def _batches(records):
    batch, size = [], 0
    for record in records:
        batch.append(record)
        size += len(record.data)
        if len(batch) >= BATCH_RECORDS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _prepared(records, schema, workers: int):
    """Yield (record, prepare(record)) in input order, using *workers* processes."""
    if workers <= 1:
        _init_worker(schema)
        with few_collections():
            for record in records:
                yield record, prepare(record)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init_pool_worker, initargs=(schema,)) as pool:
        pending = deque()
        for batch in _batches(records):
            pending.append((batch, pool.apply_async(_prepare_batch, (batch,))))
            if len(pending) >= workers * 3:
                yield from _finished(pending.popleft())
        while pending:
            yield from _finished(pending.popleft())


def _finished(item):
    batch, result = item
    yield from zip(batch, result.get())


# --- main side -------------------------------------------------------------------------


class _Run:
    """The state of one build or update: counts, duplicates, the report."""

    def __init__(self, reporter: Reporter):
        self.summary = Summary()
        self.reporter = reporter
        self.serial = uuid.uuid4().hex[:12]
        self.added: dict[str, tuple[int, str, str]] = {}  # id -> (number, serial, where)
        self.superseded: list[str] = []
        self.seen_ids: set[str] = set()

    def problem(self, problem: Problem) -> None:
        setattr(self.summary, problem.status, getattr(self.summary, problem.status) + 1)
        self.summary.problems.append(str(problem))
        self.reporter.say(str(problem))

    def add(self, writer, record: Record, result) -> None:
        """Add one prepared record with *writer* (the single-writer path)."""
        if isinstance(result, Problem):
            self.reporter.advance()
            self.problem(result)
            return
        doc, chars = result
        number = self.summary.indexed + self.summary.failed + self.summary.skipped
        doc["serial"] = f"{self.serial}:{number}"
        writer.add_document(**doc)
        self.added_at(number, doc["id"], record.where, chars, doc["serial"])

    def added_at(self, number: int, doc_id: str, where: str, chars: int, serial: str) -> None:
        """Count a document added as the *number*-th record; of two with one id, the later wins."""
        self.reporter.advance()
        if doc_id in self.added:
            previous = self.added[doc_id]
            earlier, later = sorted([previous, (number, serial, where)])
            self.reporter.say(
                f"{later[2]}: warning: duplicate id {doc_id!r} (also {earlier[2]}):"
                " the last one wins"
            )
            self.superseded.append(earlier[1])
            self.added[doc_id] = later
        else:
            self.added[doc_id] = (number, serial, where)
        self.seen_ids.add(doc_id)
        self.summary.indexed += 1
        self.summary.chars += chars

    def remove_superseded(self, ix) -> None:
        if not self.superseded:
            return
        writer = ix.writer()
        for serial in self.superseded:
            writer.delete_by_term("serial", serial)
        writer.commit(merge=False)


def _workers(workers: int | None) -> int:
    return workers if workers else (os.cpu_count() or 1)


def build(
    index_dir: str | Path,
    sources: list[str | Path],
    *,
    workers: int | None = None,
    quiet: bool = False,
    strict: bool = False,
    abbreviations: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
    stream=None,
) -> Summary:
    """Rebuild the index at *index_dir* from *sources*; publish it only when complete.

    The new index replaces the old one atomically, and only if something could be
    indexed (and, with *strict*, nothing failed). Raises IndexBusy when another
    build or update is running.
    """
    started = time.monotonic()
    schema = build_schema(Abbreviations.from_file(abbreviations))
    reporter = Reporter(count(sources), quiet, stream)
    run = _Run(reporter)
    with storage.locked(index_dir):
        building = storage.new_generation(index_dir)
        try:
            ix = whoosh_index.create_in(building, schema)
            records = _unread(read(sources, max_bytes), run)
            if _workers(workers) > 1:  # every core analyses and writes a segment of its own
                build_segments(ix, building, records, _workers(workers), run, WRITER_MB, _batches)
            else:
                writer = PostingsWriter(ix, limitmb=WRITER_MB)
                try:
                    for record, result in _prepared(records, schema, 1):
                        run.add(writer, record, result)
                        if writer.full():  # memory holds one segment's postings
                            writer.commit(merge=False)
                            writer = PostingsWriter(ix, limitmb=WRITER_MB)
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(merge=False)
            summary = run.summary
            if summary.indexed == 0 or (strict and (summary.failed or summary.skipped)):
                shutil.rmtree(building, ignore_errors=True)
                reporter.say(
                    "nothing was published: "
                    + (
                        "strict mode and problems above"
                        if summary.indexed
                        else "no document could be indexed"
                    )
                )
            else:
                run.remove_superseded(ix)
                summary.seconds = time.monotonic() - started
                summary.published = True  # build.json is read only once it is
                storage.write_info(building, "build.json", _info(sources, summary))
                storage.publish(index_dir, building)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    run.summary.seconds = time.monotonic() - started
    reporter.close(run.summary)
    return run.summary


def update(
    index_dir: str | Path,
    sources: list[str | Path],
    *,
    workers: int | None = None,
    quiet: bool = False,
    strict: bool = False,
    abbreviations: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
    stream=None,
) -> Summary:
    """Bring the index up to date with *sources*: add new, re-index changed, drop vanished.

    A document is unchanged when its content hash is; documents of a folder source
    whose file is gone are deleted. Without an index yet, this is a build.
    """
    try:
        storage.current_path(index_dir)
    except IndexNotFound:
        return build(
            index_dir,
            sources,
            workers=workers,
            quiet=quiet,
            strict=strict,
            abbreviations=abbreviations,
            max_bytes=max_bytes,
            stream=stream,
        )
    started = time.monotonic()
    reporter = Reporter(count(sources), quiet, stream)
    run = _Run(reporter)
    with storage.locked(index_dir):
        path = storage.current_path(index_dir)
        ix = whoosh_index.open_dir(path)
        known, by_origin = _known(ix)
        folders = {str(Path(s).resolve()) for s in sources if is_folder_source(s)}
        # Where each record came in the sources: of two records with one id the later
        # wins, even when it is the unchanged one and the earlier was superseded before.
        changed_at: dict[str, int] = {}  # where -> position
        unchanged_at: dict[str, int] = {}  # id -> position of its last unchanged record

        def changed(records):
            for position, record in enumerate(records):
                if isinstance(record, Record) and record.hash in known:
                    run.summary.unchanged += 1
                    run.seen_ids.add(known[record.hash])
                    unchanged_at[known[record.hash]] = position
                    reporter.advance()
                    continue
                changed_at[record.where] = position
                yield record

        writer = ix.writer(limitmb=WRITER_MB)
        try:
            for record, result in _prepared(
                changed(_unread(read(sources, max_bytes), run)), ix.schema, _workers(workers)
            ):
                run.add(writer, record, result)
            for doc_id, (_, serial, where) in run.added.items():
                if unchanged_at.get(doc_id, -1) > changed_at[where]:
                    run.superseded.append(serial)  # the live document stays
                else:
                    writer.delete_by_term("id", doc_id)  # only the live one, not the new
            for origin in folders:
                for doc_id in by_origin.get(origin, ()):
                    if doc_id not in run.seen_ids:
                        writer.delete_by_term("id", doc_id)
                        run.summary.deleted += 1
        except BaseException:
            writer.cancel()
            raise
        summary = run.summary
        if strict and (summary.failed or summary.skipped):
            writer.cancel()
            reporter.say("nothing was changed: strict mode and problems above")
        else:
            writer.commit()
            run.remove_superseded(ix)
            summary.published = True
            summary.seconds = time.monotonic() - started
            storage.write_info(path, "update.json", _info(sources, summary))
    run.summary.seconds = time.monotonic() - started
    reporter.close(run.summary)
    return run.summary


def _unread(items, run: _Run):
    """Pass Records on; count and report the Problems met while reading."""
    for item in items:
        if isinstance(item, Problem):
            run.reporter.advance()
            run.problem(item)
        else:
            yield item


def _known(ix) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return {content hash: id} and {origin: [id]} for the live documents of *ix*."""
    known: dict[str, str] = {}
    by_origin: dict[str, list[str]] = {}
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        for docnum in reader.all_doc_ids():
            known[hashes[docnum]] = ids[docnum]
        for origin in reader.lexicon("origin"):
            origin = origin.decode("utf-8")
            postings = reader.postings("origin", origin)
            by_origin[origin] = [ids[d] for d in postings.all_ids() if not reader.is_deleted(d)]
    return known, by_origin


def _info(sources, summary: Summary) -> dict:
    info = summary.as_dict()
    info["format"] = storage.FORMAT
    info["sources"] = [str(Path(s).resolve()) for s in sources]
    info["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return info


def stats(index_dir: str | Path) -> dict:
    """Return documents, fields, size on disk and the last build and update of an index."""
    path = storage.current_path(index_dir)
    ix = whoosh_index.open_dir(path)
    with ix.reader() as reader:
        documents, all_docs = reader.doc_count(), reader.doc_count_all()
    size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return {
        "index": str(Path(index_dir)),
        "generation": path.name,
        "documents": documents,
        "deleted_pending_merge": all_docs - documents,
        "fields": {name: type(f).__name__ for name, f in ix.schema.items()},
        "text_fields": list(TEXT_FIELDS),
        "size_bytes": size,
        "last_build": storage.read_info(path, "build.json"),
        "last_update": storage.read_info(path, "update.json"),
    }
