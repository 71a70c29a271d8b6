"""The journal kept from growing (whoosh/compaction.py): compaction to the net effect of
what an index holds, logical offsets that outlive it, crash safety, and the pruning of old
outcomes."""

import json
import os
import time

import pytest

from indexer.indexing.writes import delete, put
from indexer.whoosh import apply, build, compaction, storage
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.journal import HEADER_BYTES, Base, Journal, Position

from ..conftest import CORPUS

TEXT = "Sáng nay, tỉnh Cà Mau tổ chức hội nghị tổng kết mùa tôm càng xanh."


def doc(doc_id: str, text: str = TEXT) -> dict:
    return {"id": doc_id, "text": text}


def ops_of(tasks) -> list:
    """(task, [(kind, id, text or None)]) of each task."""
    return [
        (t.number, [(o.kind, o.id, json.loads(o.data)["text"] if o.data else None) for o in t.ops])
        for t in tasks
    ]


@pytest.fixture
def journal(tmp_path):
    """A journal of five tasks: a, b put; a deleted; c put, b replaced; a put again."""
    journal = Journal(tmp_path / "journal")
    journal.append([put(doc("a", "A1")), put(doc("b", "B1"))], [{"record": 2, "error": "x"}])
    journal.append([delete("a")], [])
    journal.append([put(doc("c", "C1")), put(doc("b", "B2"))], [])
    journal.append([put(doc("a", "A2"))], [])
    journal.append([put(doc("d", "D1")), delete("c")], [])
    return journal


def position_after(journal, number: int) -> Position:
    task = next(t for t in journal.since(Position()) if t.number == number)
    return Position(number, task.end, journal.identity())


def test_compaction_keeps_the_last_write_of_each_id_and_the_tasks_after(journal):
    before = journal.since(Position())
    upto = position_after(journal, 4)
    assert compaction.compact(journal, upto)
    after = journal.since(Position())
    # a: put, deleted, put again (task 4); b: replaced in task 3; c: put in task 3
    assert ops_of(after) == [
        (3, [("put", "c", "C1"), ("put", "b", "B2")]),
        (4, [("put", "a", "A2")]),
        (5, [("put", "d", "D1"), ("delete", "c", None)]),  # after the Position: as it was
    ]
    assert [t.compacted for t in after] == [True, True, False]
    assert after[-1].rejected == [] and after[-1].end == before[-1].end  # logical offsets
    assert journal.base() == Base(4, upto.offset, journal.base().start, HEADER_BYTES)
    assert journal.log.read_bytes()[:HEADER_BYTES].endswith(b" \n")
    assert journal.last() == 5 and journal.append([delete("d")], []) == 6


def test_a_position_recorded_before_a_compaction_reads_the_same_tasks(journal):
    upto = position_after(journal, 3)
    later = position_after(journal, 4)
    tail = [(t.number, t.end) for t in journal.since(later)]
    compaction.compact(journal, upto)
    assert [(t.number, t.end) for t in journal.since(later)] == tail == [(5, tail[0][1])]
    assert [t.number for t in journal.since(upto)] == [4, 5]
    assert journal.waiting(upto) and not journal.waiting(position_after(journal, 5))
    # a Position inside the base (a rebuild replaying it) goes on after its own task
    inside = journal.since(Position(journal=journal.identity()), limit_ops=1)
    assert ops_of(inside) == [(2, [("delete", "a", None)])]  # task 1's writes all replaced
    resumed = Position(2, inside[0].end, journal.identity())
    assert [t.number for t in journal.since(resumed)] == [3, 4, 5]


def test_compacting_again_to_the_same_position_changes_nothing(journal):
    upto = position_after(journal, 4)
    assert compaction.compact(journal, upto)
    compacted = journal.log.read_bytes()
    assert not compaction.compact(journal, upto)
    assert not compaction.compact(journal, position_after(journal, 3))  # behind: left alone
    assert journal.log.read_bytes() == compacted
    other = Position(5, 10**6, "another journal")
    assert not compaction.compact(journal, other) and journal.log.read_bytes() == compacted


def test_compactions_follow_each_other_and_keep_the_offsets(journal):
    compaction.compact(journal, position_after(journal, 2))
    journal.append([put(doc("b", "B3"))], [])
    end = [t.end for t in journal.since(Position())]
    compaction.compact(journal, position_after(journal, 5))
    # of the tasks up to 5, b's last write is task 3's: task 6 (after the Position) stays
    assert ops_of(journal.since(Position())) == [
        (3, [("put", "b", "B2")]),
        (4, [("put", "a", "A2")]),
        (5, [("put", "d", "D1"), ("delete", "c", None)]),
        (6, [("put", "b", "B3")]),
    ]
    assert journal.since(Position())[-1].end == end[-1]


def test_compaction_is_due_once_the_applied_log_outweighs_what_the_last_one_kept(
    journal, monkeypatch
):
    first = position_after(journal, 1)
    monkeypatch.setattr(compaction, "COMPACT_BYTES", first.offset + 1)
    assert not compaction.due(journal, first)  # a byte under COMPACT_BYTES
    assert compaction.due(journal, position_after(journal, 2))
    compaction.compact(journal, position_after(journal, 2))
    kept = journal.base().start - HEADER_BYTES
    monkeypatch.setattr(compaction, "COMPACT_BYTES", 1)
    applied = [position_after(journal, n) for n in (3, 4, 5)]
    assert [compaction.due(journal, p) for p in applied] == [
        p.offset - journal.base().offset >= kept for p in applied
    ]


def test_a_compaction_cut_short_leaves_the_journal_as_it_was(journal, monkeypatch):
    whole = journal.log.read_bytes()

    def crash(*args):
        raise OSError("killed before the rename")

    monkeypatch.setattr(compaction.os, "replace", crash)
    with pytest.raises(OSError):
        compaction.compact(journal, position_after(journal, 4))
    assert journal.log.read_bytes() == whole  # the stray file is not read
    monkeypatch.undo()
    assert compaction.compact(journal, position_after(journal, 4))  # and is replaced
    assert [p.name for p in journal.path.iterdir() if "compacting" in p.name] == []


def test_a_line_cut_short_is_not_copied_and_still_cut_off(journal):
    with open(journal.log, "ab") as log:
        log.write(b'{"task":6,"ops":[{"put":{"id":"half"')
    compaction.compact(journal, position_after(journal, 4))
    assert b"half" not in journal.log.read_bytes()
    assert journal.append([delete("a")], []) == 6


# --- with an index ------------------------------------------------------------------------


@pytest.fixture
def index(tmp_path):
    build.build(tmp_path / "index", [CORPUS], workers=1, quiet=True)
    return tmp_path / "index"


def documents(index) -> dict[str, str]:
    with storage.open_index(index).searcher() as searcher:
        return {f["id"]: f["body"] for f in searcher.all_stored_fields()}


def test_a_rebuild_after_compactions_keeps_every_write(index, tmp_path, monkeypatch):
    monkeypatch.setattr(compaction, "due", lambda *args: True)  # the applier compacts each time
    journal = apply.journal_of(index)
    seed = "002_abb0d72e086358a6"
    writes = [
        [put(doc("x", "Bão số 3 đổ bộ vào Quảng Ninh.")), put(doc("y"))],
        [delete(seed), put(doc("x", "Bão số 3 suy yếu thành áp thấp."))],
        [delete("y"), put(doc("z", "Giá lúa gạo tăng mạnh ở Cần Thơ."))],
    ]
    for ops in writes:
        journal.append(ops, [])
        apply.apply_pending(index)
        assert journal.base().task == journal.last()  # compacted to what was applied
    live = documents(index)
    assert {"x", "z"} <= set(live) and seed not in live and "y" not in live
    assert ops_of(journal.since(Position())) == [
        (2, [("delete", seed, None), ("put", "x", "Bão số 3 suy yếu thành áp thấp.")]),
        (3, [("delete", "y", None), ("put", "z", "Giá lúa gạo tăng mạnh ở Cần Thơ.")]),
    ]
    assert build.build(index, [CORPUS], workers=1, quiet=True).published
    assert documents(index) == live
    assert [journal.outcome(n)["status"] for n in (1, 2, 3)] == ["applied"] * 3  # as first


def test_a_build_compacts_what_it_published(index):
    journal = apply.journal_of(index)
    for n in range(3):
        journal.append([put(doc("same", f"Tin số {n}. {TEXT}"))], [])
    apply.apply_pending(index)  # 3 tasks: below COMPACT_BYTES, not compacted
    assert journal.base().task == 0
    build.build(index, [CORPUS], workers=1, quiet=True)
    assert ops_of(journal.since(Position())) == [(3, [("put", "same", f"Tin số 2. {TEXT}")])]


def test_outcomes_older_than_the_days_are_pruned_and_answer_none(index):
    backend = WhooshBackend(index, tasks_days=7)
    journal = backend.journal
    for n in range(4):
        journal.append([put(doc(f"p{n}"))], [])
    apply.apply_pending(index)
    journal.append([put(doc("queued"))], [])  # task 5: not applied
    eight_days = time.time() - 8 * 86400
    for number in (1, 2):
        os.utime(journal.path / "done" / f"{number}.json", (eight_days, eight_days))
    assert compaction.prune(journal, 30, 4) == 0  # kept 30 days: nothing is that old
    assert compaction.prune(journal, 7, 4) == 2
    assert backend.task(1) is None and backend.task(2) is None  # the API's 404
    assert backend.task(3)["status"] == "applied"
    assert backend.task(5) == {"task": 5, "status": "queued"}
    assert backend.task(6) is None
    backend.close()


def test_the_applier_prunes_once_an_hour(index):
    journal = apply.journal_of(index)
    journal.append([put(doc("p"))], [])
    apply.apply_pending(index)  # prunes (nothing is old yet), and notes when
    old = time.time() - 8 * 86400
    os.utime(journal.path / "done" / "1.json", (old, old))
    journal.append([put(doc("q"))], [])
    apply.apply_pending(index)  # within the hour: not again
    assert journal.outcome(1) is not None
    stamp = journal.path / compaction.PRUNED
    os.utime(stamp, (old, old))
    journal.append([put(doc("r"))], [])
    apply.apply_pending(index)
    assert journal.outcome(1) is None and journal.outcome(2) is not None
    assert time.time() - stamp.stat().st_mtime < 60
