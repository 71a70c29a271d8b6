"""The command line: build, update, stats and search as processes; exit statuses; output."""

import json
import re
import shutil

import pytest

from indexer.__main__ import main
from indexer.whoosh import storage

from .conftest import CORPUS, ROOT

SEED_IDS = {p.stem for p in CORPUS.glob("*.txt")}
QUANG_NINH = "002_abb0d72e086358a6"  # the one seed article about Quảng Ninh (and Hải Hà)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x00\x00\x00\x00"
SUMMARY = re.compile(
    r"^indexed (\d+) · unchanged (\d+) · deleted (\d+) · skipped (\d+) · failed (\d+)"
    r" — [\d,]+ characters in [\d.]+ s \([\d,]+ characters/s\)$"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory, cli):
    """`build` of the seed corpus, run once as a process: (index folder, the finished run)."""
    index = tmp_path_factory.mktemp("cli") / "index"
    return index, cli("build", "--index", index, CORPUS, "--workers", "1")


@pytest.fixture
def index_copy(built, tmp_path):
    """A copy of the built index that a test may change."""
    index, _ = built
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    return copy


@pytest.fixture
def bad_corpus(corpus_copy):
    """The seed corpus and one file that cannot be indexed."""
    (corpus_copy / "image.txt").write_bytes(PNG)
    return corpus_copy


def counts(stderr: str) -> tuple[int, ...]:
    """The numbers of the summary line, the last line of *stderr*."""
    match = SUMMARY.match(stderr.strip().splitlines()[-1])
    assert match, stderr
    return tuple(int(n) for n in match.groups())


# --- as processes ------------------------------------------------------------------------


def test_build(built):
    index, result = built
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    # not a terminal: the summary line alone, no progress bar
    assert result.stderr.startswith("indexed 5 · unchanged 0 · deleted 0 · skipped 0 · failed 0")
    assert counts(result.stderr) == (5, 0, 0, 0, 0)
    assert len(result.stderr.splitlines()) == 1
    assert "\r" not in result.stderr and "doc/s" not in result.stderr
    assert storage.current_path(index).is_dir()


def test_stats(built, cli):
    index, _ = built
    result = cli("stats", "--index", index)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["documents"] == 5
    assert info["size_bytes"] > 0
    assert "body_w" in info["fields"]
    assert info["last_build"]["indexed"] == 5


def test_update(index_copy, cli):
    result = cli("update", "--index", index_copy, CORPUS, "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("indexed 0 · unchanged 5 · deleted 0 · skipped 0 · failed 0")


def test_update_with_two_workers(index_copy, corpus_copy, cli):
    # a file's hash is its id and content, not its path: the copied files are unchanged
    (corpus_copy / "005_moi.txt").write_text("Tin mới về tỉnh Cà Mau hôm nay.", "utf-8")
    result = cli("update", "--index", index_copy, corpus_copy, "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert counts(result.stderr) == (1, 5, 0, 0, 0)
    assert json.loads(cli("stats", "--index", index_copy).stdout)["documents"] == 6


def test_search_prints_ranked_results(built, cli):
    index, _ = built
    result = cli("search", "--index", index, "to", "chuc", "dang")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    total = int(re.match(r"^([\d,]+) results? \(", lines[0]).group(1).replace(",", ""))
    numbers = [int(m) for m in re.findall(r"^(\d+)\. ", result.stdout, re.MULTILINE)]
    ids = re.findall(r"^   (\d{3}_[0-9a-f]{16})", result.stdout, re.MULTILINE)
    assert total >= 1
    assert numbers == list(range(1, min(total, 10) + 1))
    assert len(ids) == len(numbers)
    assert set(ids) <= SEED_IDS
    assert "\033[" not in result.stdout  # no terminal colours into a pipe


def test_search_prints_what_to_try(built, cli):
    index, _ = built
    result = cli("search", "--index", index, "to chuc dang")
    assert result.stdout.splitlines()[1] == "Có phải bạn muốn tìm: tổ chức đảng"
    result = cli("search", "--index", index, '"hoi nghi xay dung dang"')
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first.startswith("0 results (") and rest == ["Thử tìm: hội nghị xây dựng đảng"]


def test_search_reads_a_query_as_meant_unless_verbatim(built, cli):
    index, _ = built
    result = cli("search", "--index", index, "toor", "chuwcs", "ddangr")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("5 results (")
    assert lines[1] == "Đang hiển thị kết quả cho tổ chức đảng. Tìm chính xác: --verbatim"
    result = cli("search", "--index", index, "--verbatim", "--json", "toor chuwcs ddangr")
    found = json.loads(result.stdout)
    assert (found["total"], found["searched_as"]) == (0, None)
    assert found["suggestion"] == "tổ chức đảng"


def test_search_json(built, cli):
    index, _ = built
    result = cli("search", "--index", index, "--json", "to", "chuc", "dang")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    ids = [hit["id"] for hit in found["hits"]]
    assert found["query"] == "to chuc dang"
    assert found["total"] >= len(ids) >= 1
    assert set(ids) <= SEED_IDS
    scores = [hit["score"] for hit in found["hits"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "words",
    [
        ["-Quảng", "tổ", "chức"],  # the query starts with an excluded word
        ["tổ", "chức", "-Quảng"],  # an excluded word at the end
        ["-hà", "tổ", "chức"],  # "-h…" is not the -h option with an argument
        ["--", "-Quảng", "tổ", "chức"],  # the usual "--" works too
    ],
)
def test_search_query_starting_with_a_dash(built, cli, words):
    index, _ = built
    result = cli("search", "--index", index, "--json", *words)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    ids = {hit["id"] for hit in found["hits"]}
    assert ids and ids <= SEED_IDS - {QUANG_NINH}
    assert re.search(r"(^| )-(Quảng|hà)( |$)", found["query"])


def test_quiet(tmp_path, cli):
    result = cli("build", "--index", tmp_path / "index", CORPUS, "--workers", "1", "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert storage.current_path(tmp_path / "index").is_dir()


def test_quiet_still_reports_problems(tmp_path, bad_corpus, cli):
    result = cli("build", "--index", tmp_path / "index", bad_corpus, "--workers", "1", "--quiet")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"{bad_corpus / 'image.txt'}: failed: binary data (NUL bytes), not text"
    ]


def test_nothing_indexed_exits_non_zero(tmp_path, cli):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "image.txt").write_bytes(PNG)
    result = cli("build", "--index", tmp_path / "index", tmp_path / "bad", "--workers", "1")
    assert result.returncode == 1
    assert "nothing was published: no document could be indexed" in result.stderr
    assert counts(result.stderr) == (0, 0, 0, 0, 1)


def test_missing_index(tmp_path, cli):
    result = cli("stats", "--index", tmp_path / "nothing")
    assert result.returncode == 2
    assert result.stderr.startswith("error: no index at")


def test_busy_index(index_copy, cli):
    with storage.locked(index_copy):
        result = cli("update", "--index", index_copy, CORPUS, "--workers", "1")
    assert result.returncode == 3
    assert "being built or updated by another process" in result.stderr


# --- exit statuses, in process ------------------------------------------------------------


@pytest.fixture
def run_main(monkeypatch, capsys):
    """Call the CLI's main() with the default settings; return (status, stdout, stderr)."""
    for variable in ("VNSEARCH_WORKERS", "VNSEARCH_MAX_FILE_MB", "VNSEARCH_ABBREVIATIONS"):
        monkeypatch.delenv(variable, raising=False)

    def run(*args):
        status = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.mark.parametrize(
    ("command", "strict", "status"),
    [
        ("build", False, 0),  # a failed file does not fail the run
        ("build", True, 1),  # unless --strict
        ("update", False, 0),
        ("update", True, 1),
    ],
)
def test_strict(index_copy, bad_corpus, run_main, command, strict, status):
    current = (index_copy / "CURRENT").read_text()
    before = storage.generation_marker(index_copy)
    (bad_corpus / "005_moi.txt").write_text("Tin mới về tỉnh Cà Mau hôm nay.", "utf-8")
    flags = ["--strict"] if strict else []
    code, _, err = run_main(command, "--index", index_copy, bad_corpus, "--workers", "1", *flags)
    assert code == status
    assert "image.txt: failed: binary data" in err
    documents = json.loads(run_main("stats", "--index", index_copy)[1])["documents"]
    if strict:  # nothing published: the old index is still the current one
        assert "strict mode" in err
        assert (index_copy / "CURRENT").read_text() == current
        assert storage.generation_marker(index_copy) == before
        assert documents == 5
    else:
        assert documents == 6


def test_update_of_nothing_but_failures_exits_non_zero(index_copy, tmp_path, run_main):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "image.txt").write_bytes(PNG)
    code, _, err = run_main("update", "--index", index_copy, tmp_path / "bad", "--workers", "1")
    assert code == 1
    assert "failed: binary data" in err


def test_size_limit_setting(tmp_path, corpus_copy, run_main, monkeypatch):
    monkeypatch.setenv("VNSEARCH_MAX_FILE_MB", "1")
    (corpus_copy / "big.txt").write_text("Hội nghị diễn ra. " * 60_000, encoding="utf-8")
    code, _, err = run_main("build", "--index", tmp_path / "index", corpus_copy, "--workers", "1")
    assert code == 0
    assert "big.txt: failed: too large" in err and "(limit 1,048,576)" in err
    assert counts(err) == (5, 0, 0, 0, 1)


def test_search_help(run_main):
    with pytest.raises(SystemExit) as exit_:
        run_main("search", "-h")
    assert exit_.value.code == 0


def test_abbreviations_file_from_the_settings(tmp_path, cli):
    # VNSEARCH_ABBREVIATIONS names a file read at build; the index keeps its entries
    table = tmp_path / "viet-tat.txt"
    table.write_text("BCĐ, BCD = Ban Chỉ đạo\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Tin\n\nBan Chỉ đạo phòng chống thiên tai họp.\n", encoding="utf-8"
    )
    index = tmp_path / "index"
    built = cli("build", "--index", index, corpus, env={"VNSEARCH_ABBREVIATIONS": str(table)})
    assert built.returncode == 0, built.stderr
    found = cli("search", "--index", index, "--json", "BCĐ")  # no setting needed to search
    assert [hit["id"] for hit in json.loads(found.stdout)["hits"]] == ["a"]


def test_console_script_is_declared():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["vnsearch-index"] == "indexer.__main__:run"
    assert scripts["vnsearch-serve"] == "webapp.__main__:main"
