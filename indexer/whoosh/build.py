"""Full (atomic) and incremental builds of a Whoosh index directory, and its stats.

A full build writes a new generation, a segment per worker process and per
writer.SEGMENT_POSTINGS postings (workers.py), and publishes it only when complete. An
update analyses articles in worker processes and adds them with one Whoosh writer in
this process, replacing changed documents and deleting vanished ones.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index

from ..articles.sources import MAX_BYTES, Problem, count, is_folder_source, read
from ..indexing import parallel
from ..indexing.errors import IndexNotFound
from ..indexing.report import Reporter, Summary
from ..indexing.run import Run
from ..indexing.stories import Stories
from ..language.abbreviations import Abbreviations
from . import compaction, storage, stories
from .apply import catch_up, journal_of, position
from .schema import TEXT_FIELDS, build_schema
from .workers import build_segments, documents

LOCK_WAIT = 10.0  # seconds a build or update waits for the index's lock
WRITER_MB = 256  # Whoosh's posting pool in memory before it spills to disk


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
    lock_wait: float = LOCK_WAIT,
    tasks_days: float = compaction.TASKS_DAYS,
) -> Summary:
    """Rebuild the index at *index_dir* from *sources*; publish it only when complete.

    The new index replaces the old one atomically, and only if something could be
    indexed (and, with *strict*, nothing failed). Raises IndexBusy when another
    build or update holds the index for more than *lock_wait* seconds (a server's
    writes hold it for a commit at a time). Once published, the journal it replayed
    is compacted and outcomes older than *tasks_days* pruned (compaction.maintain).
    """
    started = time.monotonic()
    schema = build_schema(Abbreviations.from_file(abbreviations))
    reporter = Reporter(count(sources), quiet, stream)
    run = Run(reporter)
    with storage.locked(index_dir, lock_wait):
        building = storage.new_generation(index_dir)
        try:
            ix = whoosh_index.create_in(building, schema)
            records = run.readable(read(sources, max_bytes))
            signatures = build_segments(
                ix, building, records, parallel.processes(workers), run, WRITER_MB
            )
            summary = run.summary
            if summary.indexed == 0 or (strict and (summary.failed or summary.skipped)):
                shutil.rmtree(building, ignore_errors=True)
                why = "strict mode and problems above" if summary.indexed else None
                reporter.say(f"nothing was published: {why or 'no document could be indexed'}")
            else:
                _delete_superseded(ix, run)
                stories.write_build(building, _stories(run, signatures), _live(run, signatures))
                # what came over HTTP stays: the journal is applied before publishing
                journal = journal_of(index_dir)
                catch_up(ix, building, journal)
                summary.seconds = time.monotonic() - started
                summary.published = True  # build.json is read only once it is
                storage.write_info(building, "build.json", _info(sources, summary))
                live = storage.publish(index_dir, building)
                compaction.maintain(journal, position(live, journal), tasks_days, now=True)
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
    lock_wait: float = LOCK_WAIT,
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
            lock_wait=lock_wait,
        )
    started = time.monotonic()
    reporter = Reporter(count(sources), quiet, stream)
    run = Run(reporter)
    with storage.locked(index_dir, lock_wait):
        path = storage.current_path(index_dir)
        ix = storage.open_index(index_dir)
        known, by_origin = _known(ix)
        folders = {str(Path(s).resolve()) for s in sources if is_folder_source(s)}
        writer = ix.writer(limitmb=WRITER_MB)
        try:
            records = run.changed(run.readable(read(sources, max_bytes)), known)
            made_all = documents(records, ix.schema, parallel.processes(workers))
            with stories.assigning(ix, path) as assigner:
                for record, made in made_all:
                    if isinstance(made, Problem):
                        run.problem(made)
                        continue
                    doc, chars = made
                    number = run.counted()
                    doc["serial"] = run.serial_of(number)
                    doc["story"] = assigner.assign(doc["id"], doc.get("minhash", b""))
                    writer.add_document(**doc)
                    run.added_at(number, doc["id"], record.where, chars, doc["serial"])
            for doc_id, (_, serial, _) in run.added.items():
                if run.unchanged_later(doc_id) is not None:
                    run.superseded.append(serial)  # the live document stays
                else:
                    writer.delete_by_term("id", doc_id)  # only the live one, not the new
            for doc_id in run.vanished(folders, by_origin):
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
            _delete_superseded(ix, run)
            summary.published = True
            summary.seconds = time.monotonic() - started
            storage.write_info(path, "update.json", _info(sources, summary))
    run.summary.seconds = time.monotonic() - started
    reporter.close(run.summary)
    return run.summary


def _stories(run: Run, signatures: dict[str, bytes]) -> dict[str, str]:
    """The stories of a build's live articles, assigned in the order of their records:
    {id: story} of those that are copies."""
    assigner = Stories()
    found = {}
    for doc_id, (_, serial, _) in sorted(run.added.items(), key=lambda item: item[1][0]):
        story = assigner.assign(doc_id, signatures.get(serial, b""))
        if story != doc_id:
            found[doc_id] = story
    return found


def _live(run: Run, signatures: dict[str, bytes]) -> dict[str, bytes]:
    """The signatures of a build's live articles, by id."""
    return {doc_id: signatures.get(serial, b"") for doc_id, (_, serial, _) in run.added.items()}


def _delete_superseded(ix, run: Run) -> None:
    """Delete the documents of this run that a later record with their id replaced."""
    if not run.superseded:
        return
    writer = ix.writer()
    for serial in run.superseded:
        writer.delete_by_term("serial", serial)
    writer.commit(merge=False)


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
    return {**summary.record(sources), "format": storage.FORMAT}


def stats(index_dir: str | Path) -> dict:
    """Return documents, fields, size on disk and the last build and update of an index."""
    path = storage.current_path(index_dir)
    ix = storage.open_index(index_dir)
    with ix.reader() as reader:
        live, all_docs = reader.doc_count(), reader.doc_count_all()
    size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return {
        "index": str(Path(index_dir)),
        "generation": path.name,
        "documents": live,
        "deleted_pending_merge": all_docs - live,
        "fields": {name: type(f).__name__ for name, f in ix.schema.items()},
        "text_fields": list(TEXT_FIELDS),
        "size_bytes": size,
        "last_build": storage.read_info(path, "build.json"),
        "last_update": storage.read_info(path, "update.json"),
    }
