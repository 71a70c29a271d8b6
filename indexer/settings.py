"""Named settings with defaults, read from the environment (VNSEARCH_*).

Each setting is (environment variable, default, one line of help); `python -m indexer
--help` and the README list them.
"""

from __future__ import annotations

import os

SETTINGS = {
    "index": ("VNSEARCH_INDEX", "var/index", "the index directory"),
    "abbreviations": (
        "VNSEARCH_ABBREVIATIONS",
        "",
        "a UTF-8 file of extra abbreviations, one 'ABBR = Full form' a line (read at build)",
    ),
    "workers": (
        "VNSEARCH_WORKERS",
        "0",
        "processes that analyse articles while indexing (0: one per core)",
    ),
    "max_file_mb": (
        "VNSEARCH_MAX_FILE_MB",
        "16",
        "larger article files or JSON lines are reported and skipped",
    ),
}


def get(name: str) -> str:
    """Return a setting's value: its environment variable if set, else the default."""
    variable, default, _ = SETTINGS[name]
    return os.environ.get(variable, default)


def get_int(name: str) -> int:
    """Return a setting as an integer, with a clear error when it is not one."""
    value = get(name)
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{SETTINGS[name][0]} must be an integer, not {value!r}") from None


def describe() -> str:
    """One line per setting: variable, default, help."""
    return "\n".join(
        f"  {var:<26} {help_} (default: {default or 'none'})"
        for var, default, help_ in SETTINGS.values()
    )
