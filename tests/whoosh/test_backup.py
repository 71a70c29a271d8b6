"""Snapshots of a Whoosh index and their restore (whoosh/backup.py, indexing/archive.py):
what a snapshot holds, what a restore makes of it, and what both refuse."""

import json
import tarfile

import pytest

from indexer.indexing.errors import BackupError, IndexNotFound
from indexer.indexing.writes import delete, put
from indexer.search.request import SearchRequest
from indexer.whoosh import apply, backup, build, compaction
from indexer.whoosh.backend import WhooshBackend
from indexer.whoosh.journal import Position

from ..conftest import CORPUS

QUERIES = ["to chuc dang", "bão số 3", "Cà Mau", "hội nghị", "bản tin", ""]
RULES = {"serial": 3, "synonyms": [{"id": "hcm", "words": ["TP.HCM", "Sài Gòn"]}], "curations": []}


def doc(doc_id: str, text: str) -> dict:
    return {"id": doc_id, "text": text}


def answers(backend) -> list:
    """What each query answers: total, and ids and scores in order (every story's too)."""
    found = []
    for q in QUERIES:
        for collapse in (True, False):
            result = backend.search(SearchRequest(q=q, per_page=100, collapse=collapse))
            hits = [(hit.id, hit.score, hit.story) for hit in result.hits]
            found.append((q, collapse, result.total, hits, result.suggestion))
    return found


@pytest.fixture
def index(tmp_path):
    """An index of the seed corpus and writes over HTTP: puts, a replacement, deletes;
    synonyms; and analytics beside it."""
    root = tmp_path / "index"
    build.build(root, [CORPUS], workers=1, quiet=True)
    journal = apply.journal_of(root)
    journal.append([put(doc("bao-1", "Bão số 3 đổ bộ vào Quảng Ninh, Hải Phòng.")),
                    put(doc("tom-1", "Cà Mau được mùa tôm càng xanh."))], [])  # fmt: skip
    journal.append([delete("002_abb0d72e086358a6"), put(doc("bao-1", "Bão số 3 suy yếu."))], [])
    apply.apply_pending(root)
    (root / "editorial").mkdir()
    (root / "editorial" / "rules.json").write_text(json.dumps(RULES), encoding="utf-8")
    (root / "analytics.sqlite3").write_bytes(b"not part of a snapshot")
    return root


def test_a_restored_index_answers_as_the_original(index, tmp_path):
    original = WhooshBackend(index)
    made = original.snapshot(tmp_path / "s.tar")
    assert made["backend"] == "whoosh" and made["format"] == 1
    assert (made["task"], made["documents"], made["editorial"]) == (2, 6, True)
    assert made["bytes"] == (tmp_path / "s.tar").stat().st_size
    with tarfile.open(tmp_path / "s.tar") as tar:
        names = tar.getnames()
    assert names[0] == "vnsearch-snapshot.json"
    assert "index/analytics.sqlite3" not in names and "index/journal/done/2.json" in names
    assert [p.name for p in index.iterdir() if p.name.startswith(".snapshot")] == []
    restored = WhooshBackend(tmp_path / "restored")
    done = restored.restore(tmp_path / "s.tar")
    assert done["restored"] == str(tmp_path / "restored") and done["task"] == 2
    assert answers(restored) == answers(original)
    assert restored.document("bao-1").text == "Bão số 3 suy yếu."
    assert json.loads((tmp_path / "restored" / "editorial" / "rules.json").read_text()) == RULES
    assert not (tmp_path / "restored" / "analytics.sqlite3").exists()
    journal = restored.journal
    assert journal.identity() == original.journal.identity() and journal.last() == 2
    assert not apply.pending(tmp_path / "restored")  # every task of it is held already
    assert restored.task(2) == original.task(2) and restored.task(3) is None
    assert restored.write([put(doc("next", "Tin mới sau khi khôi phục."))], []) == 3
    assert restored.applied(3, 30)["status"] == "applied"
    original.close()
    restored.close()


def test_writes_after_the_snapshot_are_not_in_it(index, tmp_path):
    original = WhooshBackend(index)
    original.snapshot(tmp_path / "s.tar")
    journal = original.journal
    journal.append([put(doc("later", "Viết sau bản sao.")), delete("bao-1")], [])
    apply.apply_pending(index)
    restored = WhooshBackend(tmp_path / "restored")
    restored.restore(tmp_path / "s.tar")
    assert restored.document("later") is None and restored.document("bao-1") is not None
    assert [t.number for t in restored.journal.since(Position())] == [1, 2]
    original.close()
    restored.close()


def test_a_snapshot_of_a_compacted_journal_rebuilds_alike(index, tmp_path):
    journal = apply.journal_of(index)
    compaction.compact(journal, apply.position(backup.storage.current_path(index), journal))
    journal.append([put(doc("after", "Bản tin viết sau khi nén nhật ký."))], [])
    apply.apply_pending(index)
    WhooshBackend(index).snapshot(tmp_path / "s.tar")
    restored = WhooshBackend(tmp_path / "restored")
    restored.restore(tmp_path / "s.tar")
    before = answers(restored)
    assert [t.number for t in restored.journal.since(Position())] == [1, 2, 3]
    assert build.build(tmp_path / "restored", [CORPUS], workers=1, quiet=True).published
    reopened = WhooshBackend(tmp_path / "restored")  # what came over HTTP stays
    assert {h[0] for a in answers(reopened) for h in a[3]} == {h[0] for a in before for h in a[3]}
    assert reopened.document("after") is not None and reopened.document("tom-1") is not None
    assert reopened.document("002_abb0d72e086358a6") is None
    restored.close()
    reopened.close()


def test_restore_refuses_an_index_unless_forced_and_keeps_analytics(index, tmp_path):
    WhooshBackend(index).snapshot(tmp_path / "s.tar")
    other = tmp_path / "other"
    build.build(other, [CORPUS], workers=1, quiet=True)
    (other / "analytics.sqlite3").write_bytes(b"kept")
    with pytest.raises(BackupError, match="holds an index: restore into a new folder"):
        WhooshBackend(other).restore(tmp_path / "s.tar")
    WhooshBackend(other).restore(tmp_path / "s.tar", force=True)
    assert (other / "analytics.sqlite3").read_bytes() == b"kept"
    replaced = WhooshBackend(other)
    assert replaced.document("bao-1") is not None
    replaced.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    empty = tmp_path / "empty"
    empty.mkdir()
    restored = WhooshBackend(empty)
    restored.restore(tmp_path / "s.tar")  # an empty folder is no index
    assert restored.documents() == 6
    restored.close()


@pytest.mark.parametrize("fail_at", ["place", "taken"])
def test_a_forced_restore_that_fails_loses_nothing(index, tmp_path, monkeypatch, fail_at):
    """The new index cannot take the old one's place: the old one is put back (place),
    or, its place taken meanwhile (a server made its journal folder again), kept beside
    it and named (taken); the files a snapshot does not hold stay with it."""
    WhooshBackend(index).snapshot(tmp_path / "s.tar")
    other = tmp_path / "other"
    build.build(other, [CORPUS], workers=1, quiet=True)
    (other / "analytics.sqlite3").write_bytes(b"kept")
    rename = type(other).rename

    def failing(self, target):
        if str(target) == str(other) and self.name == "index":  # the restored index moving in
            if fail_at == "taken":
                (other / "journal").mkdir(parents=True)
            raise OSError(39, "Directory not empty")
        return rename(self, target)

    monkeypatch.setattr(type(other), "rename", failing)
    if fail_at == "place":
        with pytest.raises(OSError, match="not empty"):
            WhooshBackend(other).restore(tmp_path / "s.tar", force=True)
        kept = other
    else:
        with pytest.raises(BackupError, match="the index it held is in") as raised:
            WhooshBackend(other).restore(tmp_path / "s.tar", force=True)
        kept = tmp_path / str(raised.value).rsplit(" in ", 1)[1].rsplit("/", 1)[1]
    monkeypatch.undo()
    assert (kept / "analytics.sqlite3").read_bytes() == b"kept"
    backend = WhooshBackend(kept)
    assert backend.documents() == 5 and backend.document("bao-1") is None  # the old index
    backend.close()
    assert not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no snapshot file"),  # absent
        (lambda p: p.write_text("hello") and p, "is not a vnsearch snapshot"),  # not a tar
        (lambda p: _tar(p, {"format": 1, "backend": "opensearch"}), "--backend opensearch"),
        (lambda p: _tar(p, {"format": 9, "backend": "whoosh"}), "another format than 1"),
        (lambda p: _tar(p, {"format": 1, "backend": "whoosh"}), "holds no index/"),
    ],
)
def test_what_is_not_a_whoosh_snapshot_is_refused(tmp_path, make, message):
    archive = make(tmp_path / "s.tar")
    with pytest.raises(BackupError, match=message):
        WhooshBackend(tmp_path / "restored").restore(archive)
    assert not (tmp_path / "restored").exists()


def _tar(path, manifest):
    import io

    with tarfile.open(path, "w") as tar:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("vnsearch-snapshot.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_a_snapshot_needs_an_index_and_a_folder_to_write_into(index, tmp_path):
    with pytest.raises(IndexNotFound):
        WhooshBackend(tmp_path / "none").snapshot(tmp_path / "s.tar")
    with pytest.raises(BackupError, match="no folder"):
        WhooshBackend(index).snapshot(tmp_path / "missing" / "s.tar")
    with pytest.raises(BackupError, match="is a folder"):
        WhooshBackend(index).snapshot(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]  # nothing half-written
