"""Full and incremental indexing: atomic publishing, kills, updates, duplicates, bad input."""

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from whoosh.query import Term

from indexer.articles.sources import read, to_article
from indexer.whoosh import build, storage, writer
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.format import TEMPORARY_FOLDER

from ..conftest import CORPUS, ROOT

SEED_IDS = {p.stem for p in CORPUS.glob("*.txt")}
CHANGED = "003_483ea6bfdeb6afd9"
TEXT = "Hội nghị diễn ra sáng nay tại tỉnh Cà Mau. Các đại biểu đã thảo luận nhiều nội dung."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x00\x00\x00\x00"


def run(action, index, sources, **options):
    """Build or update with one worker; return the Summary and what was reported."""
    stream = io.StringIO()
    summary = action(
        index, list(sources), workers=options.pop("workers", 1), stream=stream, **options
    )
    return summary, stream.getvalue()


def counts(summary) -> tuple[int, int, int, int, int]:
    return summary.indexed, summary.unchanged, summary.deleted, summary.skipped, summary.failed


def documents(index) -> dict[str, dict]:
    """The stored fields of every live document of the index, by id."""
    with storage.open_index(index).searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.reader().all_stored_fields()}


def with_id(index, doc_id: str) -> list[dict]:
    """Search the index for one id: the stored fields of every document found."""
    with storage.open_index(index).searcher() as searcher:
        return [hit.fields() for hit in searcher.search(Term("id", doc_id), limit=None)]


def matching(searcher, syllable: str) -> set[str]:
    return {hit["id"] for hit in searcher.search(Term("body_s", syllable), limit=None)}


@pytest.fixture
def built(tmp_path, corpus_copy):
    """An index of a copy of the corpus: (index folder, corpus folder)."""
    index = tmp_path / "index"
    summary, _ = run(build.build, index, [corpus_copy])
    assert summary.published and summary.indexed == 5
    return index, corpus_copy


# --- build ------------------------------------------------------------------------------


def test_build(tmp_path):
    index = tmp_path / "index"
    summary, output = run(build.build, index, [CORPUS])
    assert counts(summary) == (5, 0, 0, 0, 0)
    assert summary.published
    assert summary.chars > 20_000
    assert output.strip() == summary.line()  # not a terminal: no progress bar
    assert summary.line().startswith("indexed 5 · unchanged 0 · deleted 0 · skipped 0 · failed 0")
    assert set(documents(index)) == SEED_IDS
    assert (index / "CURRENT").read_text().strip() == storage.current_path(index).name
    assert not list(index.glob("building-*"))


def test_stored_fields_are_the_parsed_articles(seed_index):
    stored = documents(seed_index)
    for record in read([CORPUS]):
        article, fields = to_article(record), stored[record.id]
        assert fields["title"] == article.title
        assert fields["body"] == article.body
        assert fields["captions"] == article.captions
        assert fields.get("date") == article.date
        assert fields.get("author") == article.author
        assert fields.get("source") == article.source
        assert fields.get("place", []) == article.places


def test_stats(seed_index):
    info = build.stats(seed_index)
    assert info["documents"] == 5
    assert info["deleted_pending_merge"] == 0
    assert {"id", "title", "body", "body_w", "body_s", "body_f", "date_key", "place"} <= set(
        info["fields"]
    )
    live = storage.current_path(seed_index)
    assert info["size_bytes"] == sum(p.stat().st_size for p in live.iterdir() if p.is_file())
    assert info["size_bytes"] > 10_000
    assert info["last_build"]["indexed"] == 5
    assert info["last_build"]["published"] is True
    assert info["last_build"]["sources"] == [str(CORPUS.resolve())]
    assert info["last_update"] is None
    assert json.loads(json.dumps(info, ensure_ascii=False)) == info


def test_stats_without_an_index(tmp_path):
    with pytest.raises(storage.IndexNotFound, match="no index at"):
        build.stats(tmp_path)


def test_workers_build_the_same_index(tmp_path, write_jsonl):
    jsonl = write_jsonl(
        tmp_path / "news.jsonl", *[{"id": f"n{i}", "text": f"{TEXT} Số {i}."} for i in range(40)]
    )
    one, _ = run(build.build, tmp_path / "one", [CORPUS, jsonl], workers=1)
    two, _ = run(build.build, tmp_path / "two", [CORPUS, jsonl], workers=2)
    assert counts(one) == counts(two) == (45, 0, 0, 0, 0)
    assert documents(tmp_path / "one") == documents(tmp_path / "two")


def segments(index) -> int:
    with storage.open_index(index).reader() as reader:
        return len(reader.leaf_readers())


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_larger_than_memory_writes_several_segments(
    tmp_path, write_jsonl, monkeypatch, workers
):
    jsonl = write_jsonl(
        tmp_path / "news.jsonl", *[{"id": f"n{i}", "text": f"{TEXT} Số {i}."} for i in range(80)]
    )
    whole, _ = run(build.build, tmp_path / "whole", [CORPUS, jsonl], workers=workers)
    monkeypatch.setattr(writer, "SEGMENT_POSTINGS", 2_000)  # a batch of documents or less
    split, _ = run(build.build, tmp_path / "split", [CORPUS, jsonl], workers=workers)
    assert counts(whole) == counts(split) == (85, 0, 0, 0, 0)
    assert segments(tmp_path / "whole") <= workers
    assert segments(tmp_path / "split") >= 4
    assert documents(tmp_path / "whole") == documents(tmp_path / "split")
    engines = [WhooshBackend(tmp_path / name) for name in ("whole", "split")]
    for query in ("tổ chức", "to chuc", "Số 7", '"hội nghị"'):
        first, second = (engine.search(q=query) for engine in engines)
        assert [(h.id, h.snippet) for h in first.hits] == [(h.id, h.snippet) for h in second.hits]
        assert first.total == second.total > 0
    for engine in engines:
        engine.close()


def test_odd_ids_are_found_by_id(tmp_path, write_jsonl):
    ids = ["bài số 1", "2023/10/hoi-nghi", "tin@baoquangninh.vn", "Quảng Ninh – số 1", "Hoa Thường"]
    jsonl = write_jsonl(tmp_path / "a.jsonl", *[{"id": i, "text": TEXT} for i in ids])
    run(build.build, tmp_path / "index", [jsonl])
    for doc_id in ids:
        assert [d["id"] for d in with_id(tmp_path / "index", doc_id)] == [doc_id]


def test_a_build_waits_for_a_brief_holder_of_the_lock(tmp_path):
    # a server applying HTTP writes holds the lock for a commit at a time
    import threading

    index = tmp_path / "index"
    taken, release = threading.Event(), threading.Event()

    def hold():
        with storage.locked(index):
            taken.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(10)
    threading.Timer(1.0, release.set).start()
    summary, _ = run(build.build, index, [CORPUS])
    holder.join()
    assert summary.published


def test_one_writer_at_a_time(tmp_path):
    index = tmp_path / "index"
    with storage.locked(index):
        with pytest.raises(storage.IndexBusy):
            run(build.build, index, [CORPUS], lock_wait=0)
        with pytest.raises(storage.IndexBusy):
            run(build.update, index, [CORPUS], lock_wait=0)
    summary, _ = run(build.build, index, [CORPUS])  # released with its holder
    assert summary.published


# --- atomic publishing ----------------------------------------------------------------------


def test_rebuild_keeps_old_readers_answering(built, tmp_path, write_jsonl):
    index, _ = built
    old_generation = storage.current_path(index)
    jsonl = write_jsonl(tmp_path / "new.jsonl", {"id": "moi", "text": TEXT})
    with storage.open_index(index).searcher() as searcher:
        summary, _ = run(build.build, index, [jsonl])
        assert summary.published
        # the reader opened before still sees the old index, whole
        assert searcher.doc_count() == 5
        assert matching(searcher, "ninh") == {"002_abb0d72e086358a6"}
        assert searcher.document(id="002_abb0d72e086358a6")["title"] == (
            "Phát huy tốt vai trò cơ quan tham mưu đắc lực của Đảng"
        )
        assert matching(searcher, "mau") == set()
    # new readers see the new index only
    assert storage.current_path(index) != old_generation
    assert old_generation.exists()  # kept for readers that still hold it
    assert set(documents(index)) == {"moi"}
    with storage.open_index(index).searcher() as searcher:
        assert matching(searcher, "mau") == {"moi"}


def test_old_generations_are_pruned(built, tmp_path):
    index, corpus = built
    for _ in range(3):
        run(build.build, index, [corpus])
    generations = list(index.glob(storage.GENERATION_PREFIX + "*"))
    assert len(generations) == storage.KEEP_GENERATIONS
    assert storage.current_path(index) in generations


@pytest.mark.slow  # a build of 2,000 articles, killed
def test_killed_build_leaves_the_old_index(built, tmp_path, seed_texts):
    index, corpus = built
    current = (index / "CURRENT").read_text()
    texts = list(seed_texts.values())
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for i in range(2000):  # well over a minute of work for one worker
            out.write(json.dumps({"id": f"copy-{i}", "text": texts[i % 5]}) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", "--index", index, big, "--workers", "1"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("VNSEARCH_")},
            "PYTHONPATH": str(ROOT),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(index.glob(f"building-*/{TEMPORARY_FOLDER}")):  # writing has begun
            assert process.poll() is None, "the build ended before it was killed"
            if time.monotonic() > deadline:  # a guard against hanging, not a speed test
                pytest.fail("the build never started writing")
            time.sleep(0.02)
        time.sleep(0.5)  # let it index a while
        assert process.poll() is None, "the build ended before it was killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    (stray,) = index.glob("building-*")

    # the old index is still the live one, whole and searchable
    assert (index / "CURRENT").read_text() == current
    assert set(documents(index)) == SEED_IDS
    with storage.open_index(index).searcher() as searcher:
        assert matching(searcher, "ninh") == {"002_abb0d72e086358a6"}

    # no stale lock blocks the next build, and it clears the stray folder
    summary, _ = run(build.build, index, [corpus])
    assert summary.published
    assert not stray.exists()
    assert not list(index.glob("building-*"))
    assert set(documents(index)) == SEED_IDS


# --- update -----------------------------------------------------------------------------


def test_update_changed_file(built):
    index, corpus = built
    path = corpus / f"{CHANGED}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Thái Nguyên", "Cao Bằng"), "utf-8")
    summary, _ = run(build.update, index, [corpus])
    assert counts(summary) == (1, 4, 0, 0, 0)
    (document,) = with_id(index, CHANGED)
    assert "Cao Bằng" in document["body"] and "Thái Nguyên" not in document["body"]
    assert document["place"] == ["Cao Bằng"]
    assert set(documents(index)) == SEED_IDS
    info = build.stats(index)
    assert info["last_update"]["indexed"] == 1
    assert info["documents"] == 5


def test_update_new_file(built):
    index, corpus = built
    (corpus / "005_moi.txt").write_text(TEXT, encoding="utf-8")
    summary, _ = run(build.update, index, [corpus])
    assert counts(summary) == (1, 5, 0, 0, 0)
    assert set(documents(index)) == SEED_IDS | {"005_moi"}
    assert with_id(index, "005_moi")[0]["place"] == ["Cà Mau"]


def test_update_deleted_file(built):
    index, corpus = built
    (corpus / "004_80203056e2d47fdc.txt").unlink()
    summary, _ = run(build.update, index, [corpus])
    assert counts(summary) == (0, 4, 1, 0, 0)
    assert set(documents(index)) == SEED_IDS - {"004_80203056e2d47fdc"}
    assert with_id(index, "004_80203056e2d47fdc") == []


def test_deleted_and_replaced_documents_are_never_found(built):
    # their postings stay in their segments until a merge: a question, ranked over the
    # postings of its words, must still find only live documents (and each once)
    index, corpus = built
    (corpus / "004_80203056e2d47fdc.txt").unlink()
    path = corpus / f"{CHANGED}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Thái Nguyên", "Cao Bằng"), "utf-8")
    run(build.update, index, [corpus])
    backend = WhooshBackend(index)
    questions = ["Tỉnh ủy Thái Nguyên tổ chức hội nghị gì vào năm nào vậy?", "Hội nghị là gì?"]
    for question in [*questions, "Thái Nguyên", "hội nghị"]:
        result = backend.search(q=question, per_page=50)
        ids = [hit.id for hit in result.hits]
        assert len(ids) == len(set(ids)) == min(result.total, 50)
        assert "004_80203056e2d47fdc" not in ids
    backend.close()


def test_update_renamed_file(built):
    index, corpus = built
    (corpus / "004_80203056e2d47fdc.txt").rename(corpus / "004_renamed.txt")
    summary, _ = run(build.update, index, [corpus])
    assert counts(summary) == (1, 4, 1, 0, 0)
    assert set(documents(index)) == SEED_IDS - {"004_80203056e2d47fdc"} | {"004_renamed"}


def test_update_changes_adds_and_deletes_at_once(built):
    index, corpus = built
    path = corpus / f"{CHANGED}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nThêm một đoạn.", encoding="utf-8")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "moi.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "000_50d02545dceeb243.txt").unlink()
    summary, _ = run(build.update, index, [corpus])
    assert counts(summary) == (2, 3, 1, 0, 0)
    assert set(documents(index)) == SEED_IDS - {"000_50d02545dceeb243"} | {"sub/moi"}
    assert len(with_id(index, CHANGED)) == 1


def test_unchanged_update_changes_nothing(built):
    index, corpus = built
    before, generation = documents(index), storage.current_path(index)
    summary, _ = run(build.update, index, [corpus])
    assert counts(summary) == (0, 5, 0, 0, 0)
    assert summary.published
    assert documents(index) == before
    assert storage.current_path(index) == generation  # updates commit in place


def test_update_without_an_index_builds_one(tmp_path):
    summary, _ = run(build.update, tmp_path / "index", [CORPUS])
    assert counts(summary) == (5, 0, 0, 0, 0)
    assert set(documents(tmp_path / "index")) == SEED_IDS


def test_update_keeps_lines_gone_from_a_jsonl_file(tmp_path, write_jsonl):
    # only a folder's vanished files are deletions; a JSON Lines file may be one of many feeds
    index, path = tmp_path / "index", tmp_path / "a.jsonl"
    write_jsonl(path, *[{"id": i, "text": f"{TEXT} {i}."} for i in "abc"])
    run(build.build, index, [path])
    write_jsonl(path, {"id": "a", "text": f"{TEXT} a."}, {"id": "b", "text": "Tin khác hẳn."})
    summary, _ = run(build.update, index, [path])
    assert counts(summary) == (1, 1, 0, 0, 0)
    assert set(documents(index)) == {"a", "b", "c"}
    assert with_id(index, "b")[0]["body"] == "Tin khác hẳn."


# --- duplicate ids ----------------------------------------------------------------------


def duplicates_in_one_file(tmp_path, write_jsonl):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        {"id": "x", "text": "Bài thứ nhất về tỉnh Lạng Sơn."},
        {"id": "y", "text": TEXT},
        {"id": "x", "text": "Bài thứ hai về tỉnh Gia Lai."},
    )
    return [path], f"{path}:3", f"{path}:1"


def duplicates_across_sources(tmp_path, write_jsonl):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "x.txt").write_text("Bài thứ nhất về tỉnh Lạng Sơn.", "utf-8")
    (tmp_path / "folder" / "y.txt").write_text(TEXT, "utf-8")
    path = write_jsonl(tmp_path / "a.jsonl", {"id": "x", "text": "Bài thứ hai về tỉnh Gia Lai."})
    return [tmp_path / "folder", path], f"{path}:1", str(tmp_path / "folder" / "x.txt")


@pytest.mark.parametrize(
    "layout",
    [
        duplicates_in_one_file,  # two lines of one JSON Lines file
        duplicates_across_sources,  # a folder's file, then a JSON Lines record
    ],
)
def test_duplicate_ids_last_wins(tmp_path, write_jsonl, layout):
    sources, later, earlier = layout(tmp_path, write_jsonl)
    index = tmp_path / "index"
    summary, output = run(build.build, index, sources)
    assert summary.published
    assert f"{later}: warning: duplicate id 'x' (also {earlier}): the last one wins" in output
    (document,) = with_id(index, "x")
    assert document["body"] == "Bài thứ hai về tỉnh Gia Lai."
    assert set(documents(index)) == {"x", "y"}

    # an update that finds nothing changed keeps the same winner
    for _ in range(2):
        run(build.update, index, sources)
        (document,) = with_id(index, "x")
        assert document["body"] == "Bài thứ hai về tỉnh Gia Lai."
        assert set(documents(index)) == {"x", "y"}


def test_duplicate_ids_within_an_update(built, tmp_path, write_jsonl):
    index, corpus = built
    path = write_jsonl(
        tmp_path / "a.jsonl",
        {"id": CHANGED, "text": "Bản thứ nhất."},
        {"id": CHANGED, "text": "Bản thứ hai."},
    )
    _, output = run(build.update, index, [corpus, path])
    assert "duplicate id" in output
    (document,) = with_id(index, CHANGED)
    assert document["body"] == "Bản thứ hai."
    assert len(documents(index)) == 5


# --- bad input --------------------------------------------------------------------------

LINE = json.dumps({"id": "good", "text": TEXT}, ensure_ascii=False)


def truncated_gzip() -> bytes:
    noise = os.urandom(60_000).hex()
    data = gzip.compress(f'{LINE}\n{{"id": "noise", "text": "{noise}"}}\n'.encode())
    return data[: len(data) // 2]


BAD_INPUT = [
    # a PNG image named .txt, inside the folder
    pytest.param("image.txt", PNG, "failed", 0, id="png"),
    # an empty file
    pytest.param("empty.txt", b"", "skipped", 0, id="empty"),
    # a file over the size limit (16,000 bytes here)
    pytest.param("big.txt", ("Hội nghị diễn ra. " * 1000).encode(), "failed", 0, id="too-large"),
    # random bytes
    pytest.param("random.txt", bytes(range(256)) * 8, "failed", 0, id="random-bytes"),
    # a malformed JSON line between good ones
    pytest.param(
        "a.jsonl", f'{LINE}\n{{"id": "bad", "text": \n'.encode(), "failed", 1, id="malformed-json"
    ),
    # a record without an id
    pytest.param("a.jsonl", f'{LINE}\n{{"text": "{TEXT}"}}\n'.encode(), "failed", 1, id="no-id"),
    # a record without text
    pytest.param("a.jsonl", f'{LINE}\n{{"id": "no-text"}}\n'.encode(), "failed", 1, id="no-text"),
    # a date that is not ISO 8601
    pytest.param(
        "a.jsonl",
        f'{LINE}\n{{"id": "d", "text": "{TEXT}", "date": "2/10/2023"}}\n'.encode(),
        "failed",
        1,
        id="bad-date",
    ),
    # a record with blank text
    pytest.param(
        "a.jsonl",
        f'{LINE}\n{{"id": "blank", "text": "  "}}\n'.encode(),
        "skipped",
        1,
        id="blank-text",
    ),
    # a compressed file cut short
    pytest.param("a.jsonl.gz", truncated_gzip(), "failed", 1, id="truncated-gzip"),
    # a source that is not there
    pytest.param("missing.jsonl", None, "failed", 0, id="missing-source"),
]


@pytest.mark.parametrize(("name", "data", "status", "good"), BAD_INPUT)
def test_bad_input_does_not_abort_the_build(tmp_path, corpus_copy, name, data, status, good):
    path = (corpus_copy if name.endswith(".txt") else tmp_path) / name
    if data is not None:
        path.write_bytes(data)
    sources = [corpus_copy] if name.endswith(".txt") else [corpus_copy, path]
    index = tmp_path / "index"
    summary, output = run(build.build, index, sources, max_bytes=16_000)
    assert summary.published
    assert summary.indexed == 5 + good
    assert (summary.skipped, summary.failed) == ((1, 0) if status == "skipped" else (0, 1))
    (problem,) = summary.problems
    assert problem.startswith(f"{path}") and f": {status}: " in problem
    assert problem in output
    assert set(documents(index)) == SEED_IDS | ({"good"} if good else set())


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_does_not_abort_the_build(tmp_path, corpus_copy):
    path = corpus_copy / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")
    path.chmod(0)
    try:
        summary, output = run(build.build, tmp_path / "index", [corpus_copy])
    finally:
        path.chmod(0o644)
    assert summary.published and summary.indexed == 5 and summary.failed == 1
    assert f"{path}: failed: cannot read" in output


def test_nothing_indexable_publishes_nothing(tmp_path, built):
    index, _ = built
    current = (index / "CURRENT").read_text()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "image.txt").write_bytes(PNG)
    (bad / "empty.txt").write_bytes(b"")
    for target in (index, tmp_path / "fresh"):
        summary, output = run(build.build, target, [bad])
        assert not summary.published
        assert counts(summary) == (0, 0, 0, 1, 1)
        assert "nothing was published: no document could be indexed" in output
        assert not list(target.glob("building-*"))
    assert (index / "CURRENT").read_text() == current
    assert set(documents(index)) == SEED_IDS
    with pytest.raises(storage.IndexNotFound):
        storage.current_path(tmp_path / "fresh")


def test_empty_folder_publishes_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    summary, _ = run(build.build, tmp_path / "index", [tmp_path / "empty"])
    assert not summary.published and summary.indexed == 0


def test_strict_build_publishes_nothing_on_failure(built):
    index, corpus = built
    current = (index / "CURRENT").read_text()
    (corpus / "005_new.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "image.txt").write_bytes(PNG)
    summary, output = run(build.build, index, [corpus], strict=True)
    assert not summary.published
    assert (summary.indexed, summary.failed) == (6, 1)
    assert "nothing was published: strict mode" in output
    assert (index / "CURRENT").read_text() == current
    assert set(documents(index)) == SEED_IDS  # not the new file
    assert not list(index.glob("building-*"))
    # without --strict the same sources publish
    summary, _ = run(build.build, index, [corpus])
    assert summary.published
    assert set(documents(index)) == SEED_IDS | {"005_new"}


def test_strict_update_changes_nothing_on_failure(built):
    index, corpus = built
    before = documents(index)
    (corpus / f"{CHANGED}.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "004_80203056e2d47fdc.txt").unlink()
    (corpus / "empty.txt").write_bytes(b"")
    summary, output = run(build.update, index, [corpus], strict=True)
    assert not summary.published
    assert "nothing was changed: strict mode" in output
    assert documents(index) == before


@pytest.mark.slow  # a 10 MB article
def test_a_ten_megabyte_single_line_article_is_indexed(tmp_path):
    # hostile input: one 10 MB line, no sentence end in sight; bounded by the chunking
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = "tổ chức xây dựng đảng hội nghị tỉnh ủy ban nhân dân công tác cán bộ triển khai".split()
    line = " ".join(words[i % len(words)] for i in range(2_000_000)).encode("utf-8")
    huge = corpus / "huge.txt"
    huge.write_bytes(line[: line.rfind(b" ", 0, 10 * 1024 * 1024)])  # cut between words
    assert huge.stat().st_size > 10_000_000
    (corpus / "small.txt").write_text("Tin nhỏ\n\nMột bài báo ngắn.\n", encoding="utf-8")
    summary, _ = run(build.build, tmp_path / "index", [corpus])
    assert summary.indexed == 2 and summary.failed == 0
    assert set(documents(tmp_path / "index")) == {"huge", "small"}
