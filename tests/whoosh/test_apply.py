"""The write journal and its application to a Whoosh index: numbering, torn lines,
batches, replays after a crash and after a rebuild."""

import json
import multiprocessing

import pytest

from indexer.indexing.errors import IndexBusy
from indexer.indexing.journal import Journal, Position, delete, put
from indexer.whoosh import apply, build, storage
from indexer.whoosh.backend import WhooshBackend

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
    assert apply.position(storage.current_path(index)).task == 1
    assert journal.outcome(1)["status"] == "applied"  # its first outcome stands


def test_writes_wait_while_a_build_holds_the_lock(index):
    journal = apply.journal_of(index)
    journal.append([put(doc("later"))], [])
    with storage.locked(index), pytest.raises(IndexBusy):
        apply.apply_pending(index)
    assert apply.pending(index)
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
