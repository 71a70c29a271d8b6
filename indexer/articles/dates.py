"""Dates: read from article text and JSON, and the one integer key that sorts and filters them.

Articles carry ISO 8601 text ("2023-10-02", "2020-10-13T14:21", "2022-07"). Indexes
store the key YYYYMMDDhhmm (`date_key`); search filters compare against inclusive bounds
of the same key (`bound`); facets and forms read the key back (`key_year`, `key_day`).

>>> date_key("2020-10-13T14:21"), date_key("2022-07"), bound("2023", end=True)
(202010131421, 202207010000, 202312312359)
>>> key_year(202010131421), key_day(202312312359)
('2020', '2023-12-31')
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

UNDATED = 0  # the key of an article without a date: sorts and facets see it, filters never pass it
AFTER_EVERY_DATE = 10**13  # a key beyond any real date (12 digits): undated last, oldest first

_WEEKDAY_LINE = re.compile(
    r"^\s*(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật|cn)\s*,?\s*"
    r"(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
    r"(?:\s*[,|-]?\s*(\d{1,2})[:h](\d{2}))?\b.{0,20}$",
    re.IGNORECASE,
)
_TIMESTAMP_LINE = re.compile(
    r"^\s*(?:(\d{1,2})[:h](\d{2})\s*(?:\|\s*)?)?(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:\s*[,|-]?\s*(\d{1,2})[:h](\d{2}))?\s*(?:\(?GMT[+\-]?\d*\)?)?\s*$",
    re.IGNORECASE,
)
_ISO_LINE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2})?)?\s*$")
_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*", re.IGNORECASE)
_DAY_MONTH = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[-/]\s*(\d{1,2})(?![\d/-])")


def iso_date(year, month, day=None, hour=None, minute=None) -> str | None:
    """Return an ISO 8601 string for a real calendar date, else None."""
    try:
        if day is None:
            date(int(year), int(month), 1)
            return f"{int(year):04d}-{int(month):02d}"
        if hour is None:
            return date(int(year), int(month), int(day)).isoformat()
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute))
        return moment.isoformat(timespec="minutes")
    except ValueError:
        return None


def date_line(line: str) -> str | None:
    """Return the ISO date if *line* is a date line ("Thứ hai, 02/10/2023", "13/10/2020 14:21")."""
    if match := _WEEKDAY_LINE.match(line):
        day, month, year, hour, minute = match.groups()
        return iso_date(year, month, day, hour, minute)
    if match := _TIMESTAMP_LINE.match(line):
        hour1, minute1, day, month, year, hour2, minute2 = match.groups()
        return iso_date(year, month, day, hour1 or hour2, minute1 or minute2)
    if match := _ISO_LINE.match(line):
        return iso_date(*match.groups())
    return None


def date_prefix(line: str) -> tuple[str | None, str]:
    """Read a "date 2022-07 (GLO)- Chiều 15-7, ..." prefix: (ISO date, line without it)."""
    match = _DATE_PREFIX.match(line)
    if not match:
        return None, line
    year, month, day = match.groups()
    rest = line[match.end() :]
    if day is None:  # the lead often names the day: "Chiều 15-7", "Ngày 15/7"
        for found in _DAY_MONTH.finditer(rest[:100]):
            if int(found.group(2)) == int(month):
                day = found.group(1)
                break
    return iso_date(year, month, day) or iso_date(year, month), rest


_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)?$"  # a time zone is accepted, and dropped
)


def normalize_date(value: str) -> str | None:
    """Return an ISO 8601 date given as text, cut to minutes, or None when it is not one."""
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, _ = match.groups()
    return iso_date(year, month, day, hour, minute)


def date_key(iso: str | None) -> int | None:
    """Return an ISO date as the sortable integer YYYYMMDDhhmm ("2022-07" sorts as the 1st)."""
    if not iso:
        return None
    digits = "".join(c for c in iso if c.isdigit())
    digits = (digits + "01" if len(digits) == 6 else digits)[:12]
    return int(digits.ljust(12, "0"))


_BOUND = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def bound(value: str, end: bool) -> int:
    """Return a date filter (YYYY, YYYY-MM or YYYY-MM-DD) as an inclusive key bound: its
    first minute, or with *end* its last. Raises ValueError for anything else."""
    match = _BOUND.match(value)
    if not match:
        raise ValueError(f"not an ISO date: {value!r}")
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    month_n = int(month) if month else (12 if end else 1)
    if year < 1 or not 1 <= month_n <= 12:
        raise ValueError(f"not a calendar date: {value!r}")
    last = calendar.monthrange(year, month_n)[1]
    day_n = int(day) if day else (last if end else 1)
    if not 1 <= day_n <= last:
        raise ValueError(f"not a calendar date: {value!r}")
    stamp = year * 10**8 + month_n * 10**6 + day_n * 10**4
    return stamp + (2359 if end else 0)


def is_dated(key: int | None) -> bool:
    """Does *key* stand for a real date (not UNDATED, not a corrupt value)?"""
    return bool(key) and 0 < key < AFTER_EVERY_DATE


def key_year(key: int | None) -> str | None:
    """The year of a date key ("2023"), or None when it is undated."""
    return str(key // 10**8) if is_dated(key) else None


def key_day(key: int) -> str:
    """The day of a date key as ISO text: 202312312359 -> "2023-12-31"."""
    day = key // 10**4
    return f"{day // 10**4:04d}-{day // 100 % 100:02d}-{day % 100:02d}"


def key_days(key: int | None) -> float | None:
    """Days from 1970-01-01 to a date key's minute (what freshness decays by); None when
    it is undated or no calendar date. 197001020600 -> 1.25"""
    if not is_dated(key):
        return None
    day, minutes = divmod(key, 10**4)
    try:
        when = date(day // 10**4, day // 100 % 100, day % 100)
    except ValueError:
        return None
    return (when - EPOCH).days + (minutes // 100 * 60 + minutes % 100) / 1440


EPOCH = date(1970, 1, 1)
