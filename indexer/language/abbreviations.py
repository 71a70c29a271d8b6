"""Vietnamese abbreviations and their full forms, built in and from the user's own file.

An entry reads ``UBND = Ủy ban nhân dân``; several spellings may share one line
(``TƯ, TW = Trung ương``). Dots, hyphens, slashes and spaces inside an abbreviation
do not count (``TP.HCM`` = ``TP HCM`` = ``TPHCM``). An abbreviation that is itself
shaped like a Vietnamese word (``TƯ``: ``tư`` is "four") matches only in the case
written; the others match in any case and without diacritics (``ubnd``, ``hdnd``).
"""

from __future__ import annotations

import re
from pathlib import Path

from .segment import segment
from .text import fold, is_vietnamese_syllable

BUILT_IN = """
# Party and state
TƯ, TW = Trung ương
TU = Tỉnh ủy
BCH = Ban Chấp hành
BTV = Ban Thường vụ
BCT = Bộ Chính trị
BBT = Ban Bí thư
MTTQ = Mặt trận Tổ quốc
UBMTTQ = Ủy ban Mặt trận Tổ quốc
UBND = Ủy ban nhân dân
HĐND = Hội đồng nhân dân
ĐBQH = Đại biểu Quốc hội
QH = Quốc hội
UBTVQH = Ủy ban Thường vụ Quốc hội
TAND = Tòa án nhân dân
VKSND = Viện Kiểm sát nhân dân
CAND = Công an nhân dân
QĐND = Quân đội nhân dân
BQL = Ban Quản lý
TTHC = Thủ tục hành chính
NQ = Nghị quyết
HĐQT = Hội đồng quản trị
# Places
TP = Thành phố
TP.HCM, TPHCM = Thành phố Hồ Chí Minh
HCM = Hồ Chí Minh
HN = Hà Nội
VN = Việt Nam
ĐBSCL = Đồng bằng sông Cửu Long
KCN = Khu công nghiệp
KKT = Khu kinh tế
# Sectors and institutions
CNTT = Công nghệ thông tin
THPT = Trung học phổ thông
THCS = Trung học cơ sở
GD-ĐT, GDĐT = Giáo dục và Đào tạo
KT-XH = Kinh tế - xã hội
LĐ-TB&XH, LĐTBXH = Lao động - Thương binh và Xã hội
NN&PTNT, NN-PTNT = Nông nghiệp và Phát triển nông thôn
TN&MT, TN-MT = Tài nguyên và Môi trường
BHXH = Bảo hiểm xã hội
BHYT = Bảo hiểm y tế
CSGT = Cảnh sát giao thông
ATGT = An toàn giao thông
PCCC = Phòng cháy chữa cháy
HTX = Hợp tác xã
DN = Doanh nghiệp
DNNN = Doanh nghiệp nhà nước
TNHH = Trách nhiệm hữu hạn
NXB = Nhà xuất bản
TTXVN = Thông tấn xã Việt Nam
LHQ = Liên Hợp Quốc
CLB = Câu lạc bộ
HLV = Huấn luyện viên
# Titles
GS = Giáo sư
PGS = Phó giáo sư
TS = Tiến sĩ
ThS = Thạc sĩ
"""

_SEPARATORS = re.compile(r"[\s.\-/&]+")
MAX_PARTS = 3  # an abbreviation spans at most this many syllables (TP . HCM)


def _parse(text: str, origin: str) -> list[tuple[list[str], str]]:
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        abbreviations, sep, full = line.partition("=")
        if not sep or not full.strip() or not abbreviations.strip():
            raise ValueError(
                f"{origin}:{number}: expected 'ABBREVIATION = full form', got {line!r}"
            )
        spellings = [a.strip() for a in abbreviations.split(",") if a.strip()]
        entries.append((spellings, full.strip()))
    return entries


PLAIN = (None, False)  # what Abbreviations.about() says of a syllable that is no abbreviation


class Abbreviations:
    """A table from abbreviation (as a tuple of syllables) to its full form as pyvi words.

    >>> table = Abbreviations()
    >>> table.lookup(("UBND",))
    (('Ủy', 'ban'), ('nhân', 'dân'))
    >>> table.lookup(("tư",)) is None, table.lookup(("TƯ",))
    (True, (('Trung', 'ương'),))
    """

    def __init__(self, extra: str = "", origin: str = "abbreviations"):
        self.source = extra  # kept so the table pickles into the index with its entries
        self.exact: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        self.loose: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        self.prefixes: set[tuple[str, ...]] = set()
        self._one: dict[str, tuple] = {}  # syllable -> (lookup, may_continue), a cache
        for spellings, full in _parse(BUILT_IN, "built-in") + _parse(extra, origin):
            words = tuple(texts for texts, _ in segment(full))
            for spelling in spellings:
                self._add(spelling, words)

    @classmethod
    def from_file(cls, path: str | Path | None) -> Abbreviations:
        """Return the built-in table plus the entries of the UTF-8 file at *path*, if any."""
        if not path:
            return cls()
        return cls(Path(path).read_text(encoding="utf-8-sig"), origin=str(path))

    def _add(self, spelling: str, words: tuple[tuple[str, ...], ...]) -> None:
        parts = tuple(p for p in _SEPARATORS.split(spelling) if p)
        if not parts or len(parts) > MAX_PARTS:
            return
        keys = {parts, ("".join(parts),)}
        for key in keys:
            if is_vietnamese_syllable(key[-1].lower()) and len(key) == 1:
                self.exact[key] = words
            else:
                self.loose[tuple(fold(p) for p in key)] = words
            for i in range(1, len(key)):
                self.prefixes.add(tuple(fold(p) for p in key[:i]))

    def lookup(self, parts: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
        """Return the full form of the abbreviation written as *parts*, or None."""
        words = self.exact.get(parts)
        if words is None:
            words = self.loose.get(tuple(fold(p) for p in parts))
        return words

    def lookup_one(self, syllable: str) -> tuple[tuple[str, ...], ...] | None:
        """Like lookup() for one syllable, remembered: it runs for every word indexed."""
        try:
            return self._one[syllable][0]
        except KeyError:
            return self._remember(syllable)[0]

    def about(self, syllable: str) -> tuple:
        """(lookup_one(syllable), may_begin(syllable)); PLAIN itself when both are empty."""
        try:
            return self._one[syllable]
        except KeyError:
            return self._remember(syllable)

    def may_begin(self, syllable: str) -> bool:
        """Tell whether *syllable* may be the first part of a longer abbreviation."""
        try:
            return self._one[syllable][1]
        except KeyError:
            return self._remember(syllable)[1]

    def _remember(self, syllable: str):
        if len(self._one) > 100_000:
            self._one.clear()
        found = (self.lookup((syllable,)), self.may_continue((syllable,)))
        if found == PLAIN:
            found = PLAIN  # one object, which the analysis compares by identity
        self._one[syllable] = found
        return found

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_one"}

    def __setstate__(self, state):
        self.__dict__.update(state, _one={})

    def may_continue(self, parts: tuple[str, ...]) -> bool:
        """Tell whether *parts* begins a longer abbreviation (TP before HCM)."""
        return tuple(fold(p) for p in parts) in self.prefixes

    def __eq__(self, other):
        return isinstance(other, Abbreviations) and self.source == other.source
