"""Every setting in one table: its name, environment variable, type, default and help.

The command line (`python -m indexer`), the web app (`create_app`) and the benchmarks
read their settings here, in layers: the defaults, then the VNSEARCH_* environment, then
what the caller passes (a command-line flag, a test's config).

>>> settings = Settings.load({"time_limit": "2.5"}, environ={"VNSEARCH_INDEX": "/srv/index"})
>>> settings.index, settings.time_limit, settings.workers
('/srv/index', 2.5, 0)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .search.request import MAX_HALF_LIFE, SORTS


@dataclass(frozen=True)
class Setting:
    """One named setting."""

    name: str
    variable: str
    kind: type
    default: Any
    help: str


SETTINGS = (
    Setting(
        "backend",
        "VNSEARCH_BACKEND",
        str,
        "whoosh",
        "where the index lives: whoosh (a directory here) or opensearch (a cluster)",
    ),
    Setting(
        "index",
        "VNSEARCH_INDEX",
        str,
        "var/index",
        "the index: a directory (whoosh), or an alias (opensearch: default vnsearch)",
    ),
    Setting(
        "opensearch_url",
        "VNSEARCH_OPENSEARCH_URL",
        str,
        "http://127.0.0.1:9201,http://127.0.0.1:9202,http://127.0.0.1:9203",
        "the OpenSearch nodes, comma-separated: http(s)://[user:password@]host:port",
    ),
    Setting(
        "abbreviations",
        "VNSEARCH_ABBREVIATIONS",
        str,
        None,
        "a UTF-8 file of extra abbreviations, one 'ABBR = Full form' a line (read at build)",
    ),
    Setting(
        "workers",
        "VNSEARCH_WORKERS",
        int,
        0,
        "processes that analyse articles while indexing (0: one per core)",
    ),
    Setting(
        "max_file_mb",
        "VNSEARCH_MAX_FILE_MB",
        int,
        16,
        "larger article files or JSON lines are reported and skipped",
    ),
    Setting(
        "reload_seconds",
        "VNSEARCH_RELOAD_SECONDS",
        float,
        1.0,
        "how often a server looks for a rebuilt or updated index",
    ),
    Setting("suggestions", "VNSEARCH_SUGGESTIONS", int, 8, "autocomplete suggestions returned"),
    Setting("shards", "VNSEARCH_SHARDS", int, 3, "primary shards of a new OpenSearch index"),
    Setting("replicas", "VNSEARCH_REPLICAS", int, 1, "replicas of each shard (OpenSearch)"),
    Setting(
        "write_tokens",
        "VNSEARCH_WRITE_TOKENS",
        str,
        None,
        "tokens that may write over HTTP: a file of one a line, or the tokens themselves"
        " (comma-separated); none: writes are disabled",
    ),
    Setting(
        "max_body_mb",
        "VNSEARCH_MAX_BODY_MB",
        int,
        32,
        "the largest request body the server reads (a batch of documents); larger: 413",
    ),
    Setting(
        "time_limit",
        "VNSEARCH_TIME_LIMIT",
        float,
        5.0,
        "seconds a search may take; past it the answer is partial and says so",
    ),
)
SETTINGS += (
    Setting(
        "default_sort",
        "VNSEARCH_DEFAULT_SORT",
        str,
        "relevance",
        "the sort of a search that names none: relevance, fresh, newest or oldest",
    ),
    Setting(
        "half_life_days",
        "VNSEARCH_HALF_LIFE_DAYS",
        float,
        90.0,
        "days after which sort=fresh halves an article's score (a search's half_life)",
    ),
)
SETTINGS += (  # what readers search (indexer.search.analytics, webapp/analytics.py)
    Setting(
        "analytics",
        "VNSEARCH_ANALYTICS",
        int,
        1,
        "1: the server records each search (query, total, time, day; never who asked);"
        " 0: it records none",
    ),
    Setting(
        "analytics_days",
        "VNSEARCH_ANALYTICS_DAYS",
        int,
        90,
        "days the recorded searches are kept (and the longest a report looks back)",
    ),
    Setting(
        "analytics_path",
        "VNSEARCH_ANALYTICS_PATH",
        str,
        None,
        "the SQLite file of recorded searches (default: analytics.sqlite3 in the index"
        " directory; OpenSearch: var/analytics-<alias>.sqlite3)",
    ),
)
SETTINGS += (  # Prometheus metrics of the server (webapp/metrics.py)
    Setting(
        "metrics",
        "VNSEARCH_METRICS",
        int,
        1,
        "1: the server counts requests, searches and writes and serves them at /metrics"
        " (Prometheus); 0: it records none and /metrics is a 404",
    ),
)
SETTINGS += (  # the write journal and its tasks (indexer.whoosh.compaction, opensearch.writes)
    Setting(
        "tasks_days",
        "VNSEARCH_TASKS_DAYS",
        float,
        7.0,
        "days the outcome of a write task is kept (GET /api/tasks/<n>; then 404)",
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}
BACKENDS = ("whoosh", "opensearch")
ALIAS = "vnsearch"  # the OpenSearch alias when the index setting is left at its default


class SettingError(ValueError):
    """A setting whose value is not of its type, named by its variable."""


class Settings:
    """The value of every setting, typed: `settings.index`, `settings.time_limit`, ..."""

    def __init__(self, values: dict[str, Any]):
        self._values = values

    @classmethod
    def load(cls, overrides: dict | None = None, environ=None) -> Settings:
        """Defaults, then the environment, then *overrides* (by setting name; None: unset)."""
        environ = os.environ if environ is None else environ
        values = {}
        for setting in SETTINGS:
            value = setting.default
            if environ.get(setting.variable, "") != "":
                value = _typed(setting, environ[setting.variable], setting.variable)
            if overrides and overrides.get(setting.name) is not None:
                value = _typed(setting, overrides[setting.name], setting.name)
            values[setting.name] = value
        unknown = set(overrides or ()) - set(BY_NAME)
        if unknown:
            raise SettingError(f"unknown settings: {', '.join(sorted(unknown))}")
        if values["backend"] not in BACKENDS:
            raise SettingError(
                f"VNSEARCH_BACKEND (--backend) must be one of {', '.join(BACKENDS)},"
                f" not {values['backend']!r}"
            )
        if values["default_sort"] not in SORTS:
            raise SettingError(
                f"VNSEARCH_DEFAULT_SORT must be one of {', '.join(SORTS)},"
                f" not {values['default_sort']!r}"
            )
        if not 0 < values["half_life_days"] <= MAX_HALF_LIFE:
            raise SettingError(
                f"VNSEARCH_HALF_LIFE_DAYS must be above 0 and at most {MAX_HALF_LIFE:,.0f}"
            )
        if not values["tasks_days"] > 0:
            raise SettingError("VNSEARCH_TASKS_DAYS must be above 0")
        return cls(values)

    def search_defaults(self) -> dict[str, Any]:
        """What a search that names no sort or half_life gets (search.request)."""
        return {"sort": self.default_sort, "half_life": self.half_life_days}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def values(self) -> dict[str, Any]:
        """Every setting's value, by name."""
        return dict(self._values)


def _typed(setting: Setting, value, where: str):
    if isinstance(value, setting.kind) and not isinstance(value, bool):
        return value
    try:
        return setting.kind(str(value).strip())
    except ValueError:
        kind = {int: "an integer", float: "a number"}.get(setting.kind, setting.kind.__name__)
        raise SettingError(f"{where} must be {kind}, not {value!r}") from None


def describe() -> str:
    """One line per setting: variable, help, default (for --help and the README)."""
    return "\n".join(
        f"  {s.variable:<26} {s.help} (default: {s.default if s.default is not None else 'none'})"
        for s in SETTINGS
    )
