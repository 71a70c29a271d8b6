"""The write journal and its application to a Whoosh index: numbering, torn lines,
batches, replays after a crash and after a rebuild."""

import json
import multiprocessing

import pytest

from indexer.indexing.errors import IndexBusy
from indexer.indexing.writes import delete, put
from indexer.whoosh import apply, build, storage
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.journal import Journal, Position

from ..conftest import CORPUS

TEXT = "Sáng nay, tỉnh Cà Mau tổ chức hội nghị tổng kết mùa tôm càng xanh."


def doc(doc_id: str, text: str = TEXT) -> dict:
    return {"id": doc_id, "text": text}


@pytest.fixture
def index(tmp_path):
    build.build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    return tmp_path / "index"


def ids(index) -> set[str]:
    with storage.open_index(index).searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


# --- the journal ------------------------------------------------------------------------


def test_tasks_are_numbered_in_order_and_read_back_whole(tmp_path):
    journal = Journal(tmp_path / "journal")
    assert journal.last() == 0 and journal.since(Position()) == []
    first = journal.append([put(doc("a")), delete("b")], rejected=[{"record": 2, "error": "x"}])
    second = journal.append([put(doc("c", "Hà Nội " * 50_000))], rejected=[])
    assert (first, second) == (1, 2) and journal.last() == 2
    tasks = journal.since(Position())
    assert [(t.number, [(o.kind, o.id) for o in t.ops]) for t in tasks] == [
        (1, [("put", "a"), ("delete", "b")]),
        (2, [("put", "c")]),
    ]
    assert tasks[0].rejected == [{"record": 2, "error": "x"}]
    assert json.loads(tasks[1].ops[0].data)["text"].startswith("Hà Nội")
    assert [t.number for t in journal.since(Position(1, tasks[0].end))] == [2]
    assert journal.since(Position(2, tasks[1].end)) == []


def test_a_line_cut_short_by_a_crash_is_never_read_and_cut_off(tmp_path):
    journal = Journal(tmp_path / "journal")
    journal.append([put(doc("a"))], rejected=[])
    with open(journal.log, "ab") as log:
        log.write(b'{"task":2,"ops":[{"put":{"id":"half"')  # no newline: never acknowledged
    assert [t.number for t in journal.since(Position())] == [1]
    assert journal.last() == 1
    assert journal.append([put(doc("b"))], rejected=[]) == 2
    tasks = journal.since(Position())
    assert [(t.number, t.ops[0].id) for t in tasks] == [(1, "a"), (2, "b")]
    assert b"half" not in journal.log.read_bytes()


def _append_many(path, count):
    journal = Journal(path)
    return [journal.append([put(doc(f"p{n}"))], rejected=[]) for n in range(count)]


def test_processes_appending_at_once_get_distinct_numbers(tmp_path):
    path = tmp_path / "journal"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        numbers = [n for part in pool.starmap(_append_many, [(path, 25)] * 4) for n in part]
    assert sorted(numbers) == list(range(1, 101))
    assert [t.number for t in Journal(path).since(Position())] == list(range(1, 101))


# --- applying it ------------------------------------------------------------------------


def test_a_batch_is_one_commit_and_the_last_write_of_an_id_wins(index):
    journal = apply.journal_of(index)
    journal.append([put(doc("a", "Bão số 3 đổ bộ vào Quảng Ninh.")), put(doc("b"))], [])
    journal.append([delete("b"), put(doc("a")), delete("002_abb0d72e086358a6")], [])
    before = storage.generation_marker(index)
    assert apply.apply_pending(index) == [1, 2]
    assert storage.generation_marker(index)[1] == before[1] + 1  # one commit
    found = ids(index)
    assert "a" in found and "b" not in found and "002_abb0d72e086358a6" not in found
    backend = WhooshBackend(index)
    assert [hit.id for hit in backend.search(q="tôm càng xanh").hits] == ["a"]
    backend.close()
    first, second = journal.outcome(1), journal.outcome(2)
    assert first["status"] == second["status"] == "applied"
    assert first["counts"]["indexed"] == 2 and second["counts"]["deleted"] == 2
    assert not apply.pending(index) and apply.apply_pending(index) == []


def test_a_put_of_the_same_content_changes_nothing(index):
    journal = apply.journal_of(index)
    journal.append([put(doc("same"))], [])
    apply.apply_pending(index)
    journal.append([put(doc("same"))], [])
    marker = storage.generation_marker(index)
    apply.apply_pending(index)
    assert journal.outcome(2)["counts"]["unchanged"] == 1
    assert storage.generation_marker(index)[1] == marker[1] + 1  # the position moved on


def test_a_crash_between_commit_and_position_applies_the_batch_again_alike(index):
    journal = apply.journal_of(index)
    journal.append([put(doc("x")), delete("004_80203056e2d47fdc")], [])
    apply.apply_pending(index)
    live = storage.current_path(index)
    (live / apply.POSITION).unlink()  # as if killed right after the commit
    assert apply.pending(index)
    apply.apply_pending(index)
    found = ids(index)
    assert "x" in found and "004_80203056e2d47fdc" not in found
    backend = WhooshBackend(index)
    assert backend.documents() == 5  # 5 seeds + x - one deleted; x once
    assert [h.id for h in backend.search(q="tôm càng xanh").hits] == ["x"]
    backend.close()


def test_a_rebuild_replays_the_journal_before_it_publishes(index, tmp_path):
    journal = apply.journal_of(index)
    journal.append([put(doc("from-http")), delete("000_50d02545dceeb243")], [])
    apply.apply_pending(index)
    summary = build.build(index, [CORPUS], workers=1, quiet=True)
    assert summary.published
    found = ids(index)
    assert "from-http" in found and "000_50d02545dceeb243" not in found
    assert apply.position(storage.current_path(index), journal).task == 1
    assert journal.outcome(1)["status"] == "applied"  # its first outcome stands


def test_writes_wait_while_a_build_holds_the_lock(index):
    journal = apply.journal_of(index)
    journal.append([put(doc("later"))], [])
    with storage.locked(index), pytest.raises(IndexBusy):
        apply.apply_pending(index)
    assert apply.pending(index)
    assert apply.apply_pending(index) == [1]


def test_the_applier_gives_way_to_whoever_waits_for_the_lock(index):
    import fcntl
    import os

    journal = apply.journal_of(index)
    journal.append([put(doc("later"))], [])
    wanted = os.open(index / storage.WANTED, os.O_CREAT | os.O_RDWR)
    fcntl.flock(wanted, fcntl.LOCK_SH)  # as a build, an update or a snapshot waiting
    try:
        with pytest.raises(IndexBusy):  # the lock is free, but another waits for it
            apply.apply_pending(index)
        with storage.locked(index, wait=1.0):  # a waiter takes it all the same
            pass
    finally:
        os.close(wanted)
    assert apply.apply_pending(index) == [1]


def test_the_first_write_to_an_empty_folder_makes_the_index(tmp_path):
    backend = WhooshBackend(tmp_path / "new")
    number = backend.write([put(doc("first"))], [])
    assert backend.applied(number, 30)["status"] == "applied"
    assert backend.documents() == 1
    assert [h.id for h in backend.search(q="tom cang xanh").hits] == ["first"]


def test_an_article_the_analysis_cannot_index_is_a_failed_record(index, monkeypatch):
    from indexer.whoosh import document

    real = document.analyse

    def analyse(text, table):
        if "broken" in text:
            raise RuntimeError("boom")
        return real(text, table)

    monkeypatch.setattr(document, "analyse", analyse)
    journal = apply.journal_of(index)
    journal.append([put(doc("ok")), put(doc("bad", "broken " + TEXT))], [])
    apply.apply_pending(index)
    outcome = journal.outcome(1)
    assert outcome["status"] == "applied"
    assert outcome["counts"]["indexed"] == 1 and outcome["counts"]["failed"] == 1
    assert outcome["failed"][0]["record"] == 1 and outcome["failed"][0]["id"] == "bad"
    assert "boom" in outcome["failed"][0]["error"]
    assert "ok" in ids(index) and "bad" not in ids(index)


# --- views carried over from commit to commit -------------------------------------------

QUERIES = [
    "hội nghị",
    "to chuc dang",
    "tôm càng xanh",
    "Tỉnh ủy Thái Nguyên tổ chức hội nghị gì vào năm nào vậy?",
    '"ban chấp hành"',
    "bản tin",
    "cà mau -hội",
]


def answers(view) -> list:
    from dataclasses import asdict

    from indexer.search import answer
    from indexer.search.request import SearchRequest

    found = []
    for q in QUERIES:
        for sort in ("relevance", "newest"):
            result = answer.search(view, SearchRequest(q=q, sort=sort, per_page=50), 30)
            found.append({**asdict(result), "took_ms": 0})
    return found


def test_a_view_carried_over_answers_as_a_view_opened_cold(index):
    from indexer.whoosh import carry
    from indexer.whoosh.view import GenerationView

    journal = apply.journal_of(index)
    for size in (150, 60):  # segments of other sizes: a merge puts them in another order
        journal.append([put(doc(f"big{size}-{n}", f"Tin số {n}. {TEXT}")) for n in range(size)], [])
        apply.apply_pending(index)
    carried = GenerationView(index, storage.generation_marker(index))
    carried.warm()
    answers(carried)  # its caches hold what these searches read
    first_segments = len(list(carried.reader.leaf_readers()))
    seeds = sorted(ids(index))
    moves = set()
    for step in range(12):  # enough commits for Whoosh to merge small segments
        ops = [put(doc(f"w{step}-{n}", f"Bản tin số {step} {n}. {TEXT}")) for n in range(3)]
        if step % 3 == 1:
            ops.append(delete(seeds[step % len(seeds)]))
        if step % 4 == 2:
            ops.append(put(doc(f"w{step - 1}-0", "Giá lúa gạo tăng mạnh ở Cần Thơ, hội nghị bàn.")))
        journal.append(ops, [])
        apply.apply_pending(index)
        marker = storage.generation_marker(index)
        previous, carried = carried, GenerationView(index, marker, previous=carried)
        before = carry.offsets(previous.reader.leaf_readers())
        for start, _, was in carry.ranges(carried.reader.leaf_readers(), before):
            moves.add("new" if was is None else "kept" if was == start else "moved")
        previous.close()
        cold = GenerationView(index, marker)
        assert answers(carried) == answers(cold), f"step {step}"
        for name in ("body_s", "title_w"):
            assert (carried.scorer.lengths(name) == cold.scorer.lengths(name)).all()
        assert carried.sets.column("id") == cold.sets.column("id")
        assert (carried.sets.dates() == cold.sets.dates()).all()
        cold.close()
    carried.close()
    with storage.open_index(index).reader() as reader:
        assert len(list(reader.leaf_readers())) < first_segments + 12  # some were merged
    assert moves == {"new", "kept", "moved"}  # segments met in every case


def test_facets_of_a_segment_without_the_column_are_its_own(tmp_path):
    # Whoosh's multi-segment column reader leaves out a segment without the column and
    # keeps the others' offsets: the documents of a first segment without any author
    # read the authors at the end of the next one (negative local numbers)
    backend = WhooshBackend(tmp_path / "index")
    plain = [put(doc(f"plain-{n}", f"Hội nghị số {n}. {TEXT}")) for n in range(8)]
    signed = [
        put({**doc(f"signed-{n}", f"Hội nghị lần {n}. {TEXT}"), "author": f"Tác giả {n % 2}"})
        for n in range(4)
    ]
    for ops in (plain, signed):  # two commits: two segments, the first without authors
        assert backend.applied(backend.write(ops, []), 30)["status"] == "applied"
    result = backend.search(q="hội nghị", per_page=50)
    assert result.total == 12
    assert {f["value"]: f["count"] for f in result.facets["author"]} == {
        "Tác giả 0": 2,
        "Tác giả 1": 2,
    }
    only = backend.search(q="hội nghị", author="Tác giả 1", per_page=50)
    assert sorted(hit.id for hit in only.hits) == ["signed-1", "signed-3"]
    backend.close()


def test_what_views_carry_over_stays_within_the_cache(index, monkeypatch):
    from indexer.search import answer
    from indexer.search.request import SearchRequest
    from indexer.whoosh import bm25
    from indexer.whoosh.view import GenerationView

    monkeypatch.setattr(bm25, "CACHE_POSTINGS", 40)
    journal = apply.journal_of(index)
    view = GenerationView(index, storage.generation_marker(index))
    for step in range(6):
        for word in ("hội nghị", f"tin {step}", "Cà Mau", "tôm", f"bước {step}"):
            answer.search(view, SearchRequest(q=word), 30)
        journal.append([put(doc(f"c{step}", f"Tin {step}, bước {step}. {TEXT}"))], [])
        apply.apply_pending(index)
        previous, view = view, GenerationView(index, storage.generation_marker(index), view)
        previous.close()
        unpinned = [c[0] for c in view.scorer._carried.values() if not c[2]]
        assert sum(len(term.ids) for term in unpinned) <= 40
    view.close()


def test_a_line_cut_short_is_not_pending(index):
    journal = apply.journal_of(index)
    journal.append([put(doc("whole"))], [])
    apply.apply_pending(index)
    with open(journal.log, "ab") as log:
        log.write(b'{"task":2,"ops":[')  # a crash in the middle of an append
    assert not apply.pending(index)  # nothing whole to apply: the applier rests
    assert apply.apply_pending(index) == []


def test_a_journal_begun_again_is_applied_from_its_start(index):
    import shutil

    journal = apply.journal_of(index)
    for n in range(3):
        journal.append([put(doc(f"old-{n}"))], [])
    apply.apply_pending(index)
    shutil.rmtree(journal.path)  # an operator forgets what came over HTTP
    fresh = apply.journal_of(index)
    assert fresh.append([put(doc("new-1"))], []) == 1
    assert apply.pending(index)
    assert apply.apply_pending(index) == [1]
    assert fresh.outcome(1)["status"] == "applied"
    assert "new-1" in ids(index)
