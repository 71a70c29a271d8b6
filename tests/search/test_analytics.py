"""The log of what readers search (indexer.search.analytics): grouping, the three reports,
their window, pruning, processes that fork and write at once, and where the file lives."""

import multiprocessing
import sqlite3

import pytest

from indexer import open_search_log
from indexer.search.analytics import Report, SearchLog, normal, table
from indexer.search.request import InvalidRequest
from indexer.settings import SettingError, Settings

DAY = "2026-03-10"


@pytest.fixture
def search_log(tmp_path):
    made = SearchLog(tmp_path / "analytics.sqlite3", keep_days=90)
    yield made
    made.close()


def rows(search_log, kind="popular", days=7, limit=50, until=DAY):
    return search_log.report(Report(kind, days, limit), until)


def brief(found):
    """(query, count, total) of each row."""
    return [(row["query"], row["count"], row["total"]) for row in found]


def test_the_file_is_sqlite_in_wal_mode(search_log):
    search_log.record("Bão  số 3", None, 12, False, 5.0, DAY)
    with sqlite3.connect(search_log.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        stored = other.execute("SELECT * FROM searches").fetchall()
    # the day, the query as typed (then as shown, as grouped), what it was searched as,
    # the total, relaxed, took_ms: no more
    assert stored == [(DAY, "Bão  số 3", "Bão số 3", "bão số 3", "Bão  số 3", 12, 0, 5.0)]


def test_searches_group_by_the_query_normalised(search_log):
    for typed, total in [
        ("Bão số 3", 40),
        ("bão  số 3", 41),
        ("bão số 3", 42),
        ("ba\u0303o số 3 ", 43),  # NFD: the same query
        ("bao so 3", 50),  # folded: another query
    ]:
        search_log.record(typed, None, total, False, 5.0, DAY)
    # the commonest form typed (NFC, spaces collapsed: 3 of 4) and the latest search's total
    assert brief(rows(search_log)) == [("bão số 3", 4, 43), ("bao so 3", 1, 50)]
    assert normal("  Bão\tSỐ  3 ") == "bão số 3"


def test_the_commonest_form_ties_go_to_the_latest(search_log):
    search_log.record("UBND", None, 3, False, 1.0, DAY)
    search_log.record("ubnd", None, 4, False, 1.0, DAY)
    assert brief(rows(search_log)) == [("ubnd", 2, 4)]


def test_popular_counts_and_orders_ties_by_the_query(search_log):
    for query, times in [("hà nội", 2), ("bão", 3), ("đà nẵng", 2), ("cà mau", 1)]:
        for _ in range(times):
            search_log.record(query, None, 7, False, 2.0, DAY)
    assert brief(rows(search_log)) == [("bão", 3, 7), ("hà nội", 2, 7), ("đà nẵng", 2, 7),
                                       ("cà mau", 1, 7)]  # fmt: skip
    assert brief(rows(search_log, limit=2)) == [("bão", 3, 7), ("hà nội", 2, 7)]


def test_no_results_counts_the_searches_that_found_nothing(search_log):
    search_log.record("xyzzy", None, 0, False, 1.0, DAY)
    search_log.record("xyzzy", None, 0, False, 1.0, DAY)
    search_log.record("sai gon", None, 0, False, 1.0, DAY)
    search_log.record("sai gon", None, 0, False, 1.0, DAY)
    search_log.record("sai gon", None, 0, False, 1.0, DAY)
    search_log.record("sai gon", "sài gòn", 12, False, 1.0, DAY)  # found since: total 12
    search_log.record("tổ chức đảng Kiev", None, 5, True, 1.0, DAY)  # relaxed: found
    search_log.record("bão", None, 9, False, 1.0, DAY)
    found = rows(search_log, "no_results")
    assert brief(found) == [("sai gon", 3, 12), ("xyzzy", 2, 0)]
    assert found[0]["searched_as"] == "sài gòn"


def test_slow_orders_by_the_slowest_search(search_log):
    for query, took in [("a b", 3.0), ("c d", 250.0), ("a b", 900.04), ("e f", 12.5)]:
        search_log.record(query, None, 1, False, took, DAY)
    found = rows(search_log, "slow")
    assert [(r["query"], r["count"], r["took_ms"]) for r in found] == [
        ("a b", 2, 900.0),
        ("c d", 1, 250.0),
        ("e f", 1, 12.5),
    ]


def test_a_row_says_how_its_latest_search_went(search_log):
    search_log.record("toor chuwcs ddangr", "tổ chức đảng", 5, False, 4.0, DAY)
    search_log.record("tổ chức đảng Kiev", None, 5, True, 6.0, DAY)
    assert rows(search_log) == [
        {"query": "toor chuwcs ddangr", "count": 1, "total": 5, "searched_as": "tổ chức đảng",
         "relaxed": False, "took_ms": 4.0},
        {"query": "tổ chức đảng Kiev", "count": 1, "total": 5,
         "searched_as": "tổ chức đảng Kiev", "relaxed": True, "took_ms": 6.0},
    ]  # fmt: skip


def test_the_window_is_today_and_the_days_before(search_log):
    for day in ("2026-03-01", "2026-03-03", "2026-03-04", "2026-03-10"):
        search_log.record("bão", None, 1, False, 1.0, day)
    assert brief(rows(search_log, days=1)) == [("bão", 1, 1)]
    assert brief(rows(search_log, days=7)) == [("bão", 2, 1)]  # from 03-04
    assert brief(rows(search_log, days=8)) == [("bão", 3, 1)]
    assert brief(rows(search_log, days=30)) == [("bão", 4, 1)]
    assert Report(days=7).since("2026-03-10") == "2026-03-04"


def test_old_searches_are_pruned_on_opening_and_when_the_day_changes(tmp_path):
    path = tmp_path / "analytics.sqlite3"
    first = SearchLog(path, keep_days=3)
    first.record("cũ", None, 1, False, 1.0, "2026-03-01")
    first.record("mới", None, 1, False, 1.0, "2026-03-03")
    first.close()
    second = SearchLog(path, keep_days=3)  # opened on 03-04: keeps 03-02 to 03-04
    second.record("hôm nay", None, 1, False, 1.0, "2026-03-04")
    assert [r["query"] for r in second.report(Report(days=3), "2026-03-04")] == ["hôm nay", "mới"]
    second.record("sau", None, 1, False, 1.0, "2026-03-06")  # a new day: 03-03 goes
    with sqlite3.connect(path) as other:
        days = [d for (d,) in other.execute("SELECT day FROM searches ORDER BY day")]
    assert days == ["2026-03-04", "2026-03-06"]
    assert second.prune("2026-03-09") == 2  # keeps 03-07 to 03-09
    second.close()


def test_a_report_creates_no_file(tmp_path):
    search_log = SearchLog(tmp_path / "nowhere" / "analytics.sqlite3")
    assert search_log.report(Report()) == []
    assert not (tmp_path / "nowhere").exists()


def _record_many(path: str, query: str, count: int) -> None:
    search_log = SearchLog(path)
    for _ in range(count):
        search_log.record(query, None, 1, False, 1.0, DAY)


def test_processes_forked_after_opening_and_writing_at_once(search_log):
    search_log.record("cha", None, 1, False, 1.0, DAY)  # the parent's connection is open
    fork = multiprocessing.get_context("fork")

    def child(query):  # a forked child uses the parent's SearchLog, as gunicorn workers do
        for _ in range(200):
            search_log.record(query, None, 1, False, 1.0, DAY)

    children = [fork.Process(target=child, args=(f"con {n}",)) for n in range(4)]
    children.append(fork.Process(target=_record_many, args=(str(search_log.path), "khác", 200)))
    for process in children:
        process.start()
    for process in children:
        process.join(60)
        assert process.exitcode == 0
    search_log.record("cha", None, 1, False, 1.0, DAY)  # the parent's connection still works
    assert sorted(brief(rows(search_log))) == [("cha", 2, 1), ("con 0", 200, 1), ("con 1", 200, 1),
        ("con 2", 200, 1), ("con 3", 200, 1), ("khác", 200, 1)]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"kind": "recent"}, "invalid_kind"),
        ({"days": "0"}, "invalid_days"),
        ({"days": "91"}, "invalid_days"),  # more than are kept
        ({"days": "-1"}, "invalid_days"),  # not an integer
        ({"days": "7.5"}, "invalid_days"),
        ({"limit": "0"}, "invalid_limit"),
        ({"limit": "1001"}, "invalid_limit"),
        ({"limit": "ten"}, "invalid_limit"),
    ],
)
def test_bad_report_parameters_are_named(params, code):
    with pytest.raises(InvalidRequest) as refused:
        Report.from_params(params, keep_days=90)
    assert refused.value.code == code
    assert refused.value.message.startswith(code.removeprefix("invalid_"))


def test_report_parameters_and_their_defaults():
    assert Report.from_params({}, 90) == Report("popular", 7, 50)
    assert Report.from_params({"days": "90", "kind": "slow", "limit": "1000"}, 90) == Report(
        "slow", 90, 1000
    )
    assert Report.from_params({}, 3) == Report("popular", 3, 50)  # kept 3 days: 3 days


def test_the_table_is_aligned():
    found = [
        {"query": "bão số 3", "count": 1234, "total": 0, "searched_as": "bão số 3",
         "relaxed": False, "took_ms": 12.0},
        {"query": "toor chuwcs ddangr", "count": 5, "total": 17, "searched_as": "tổ chức đảng",
         "relaxed": True, "took_ms": 3.44},
    ]  # fmt: skip
    assert table(found).splitlines() == [
        "query               count  total  took_ms  relaxed  searched as",
        "bão số 3            1,234      0     12.0  no       bão số 3",
        "toor chuwcs ddangr      5     17      3.4  yes      tổ chức đảng",
    ]
    assert table([]) == "query  count  total  took_ms  relaxed  searched as"


@pytest.mark.parametrize(
    ("given", "path"),
    [
        ({"index": "/srv/news"}, "/srv/news/analytics.sqlite3"),  # beside the generations
        ({"backend": "opensearch"}, "var/analytics-vnsearch.sqlite3"),  # the default alias
        ({"backend": "opensearch", "index": "news"}, "var/analytics-news.sqlite3"),
        ({"index": "/srv/news", "analytics_path": "/var/lib/a.db"}, "/var/lib/a.db"),
    ],
)
def test_where_the_log_lives(given, path):
    search_log = open_search_log(Settings.load(given, environ={}))
    assert str(search_log.path) == path and search_log.keep_days == 90


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"VNSEARCH_ANALYTICS": "2"}, "VNSEARCH_ANALYTICS must be 1 or 0"),
        ({"VNSEARCH_ANALYTICS": "no"}, "VNSEARCH_ANALYTICS must be an integer"),
        ({"VNSEARCH_ANALYTICS_DAYS": "0"}, "VNSEARCH_ANALYTICS_DAYS must be from 1 to 3650"),
    ],
)
def test_bad_analytics_settings_are_named(environ, message):
    with pytest.raises(SettingError, match=message):
        open_search_log(Settings.load(environ=environ))
