"""The Vietnamese provinces and centrally governed cities an article is about.

>>> places_in("Tại điểm cầu tỉnh Lạng Sơn, ... Lạng Sơn", "Hội nghị của Tỉnh uỷ Lạng Sơn")
['Lạng Sơn']
"""

from __future__ import annotations

import re
from collections import Counter

from ..language.text import canonical_tone

# The 63 provinces and cities (before the 2025 mergers, which the archive predates),
# with the other spellings news uses for them.
_PROVINCES = """
Hà Nội
TP Hồ Chí Minh | TP.HCM | TP. HCM | TP HCM | TPHCM | Thành phố Hồ Chí Minh | Sài Gòn
  | thành phố Hồ Chí Minh | Tp.HCM | Tp. Hồ Chí Minh
Hải Phòng
Đà Nẵng
Cần Thơ
An Giang
Bà Rịa - Vũng Tàu | Bà Rịa – Vũng Tàu | Bà Rịa-Vũng Tàu | Vũng Tàu
Bắc Giang
Bắc Kạn | Bắc Cạn
Bạc Liêu
Bắc Ninh
Bến Tre
Bình Định
Bình Dương
Bình Phước
Bình Thuận
Cà Mau
Cao Bằng
Đắk Lắk | Đắc Lắc | Đăk Lăk
Đắk Nông | Đắc Nông | Đăk Nông
Điện Biên
Đồng Nai
Đồng Tháp
Gia Lai
Hà Giang
Hà Nam
Hà Tĩnh
Hải Dương
Hậu Giang
Hòa Bình
Hưng Yên
Khánh Hòa
Kiên Giang
Kon Tum
Lai Châu
Lâm Đồng
Lạng Sơn
Lào Cai
Long An
Nam Định
Nghệ An
Ninh Bình
Ninh Thuận
Phú Thọ
Phú Yên
Quảng Bình
Quảng Nam
Quảng Ngãi
Quảng Ninh
Quảng Trị
Sóc Trăng
Sơn La
Tây Ninh
Thái Bình
Thái Nguyên
Thanh Hóa
Thừa Thiên Huế | Thừa Thiên - Huế | Thừa Thiên – Huế | Huế
Tiền Giang
Trà Vinh
Tuyên Quang
Vĩnh Long
Vĩnh Phúc
Yên Bái
"""

# Names that are also ordinary words or other names count only after an administrative
# word ("tỉnh Hòa Bình", not "hòa bình thế giới"), or not before these words.
_NEEDS_CUE = {"Hòa Bình", "Huế"}
_CUE = r"(?:tỉnh|thành phố|TP\.?|Tp\.?)\s+"
_NOT_BEFORE = {"Thái Bình": "Dương", "Điện Biên": "Phủ"}


# The only words canonical_tone changes: an open oa, oe or uy with the tone on its last
# vowel ("hoà", "Thuỷ"). Most articles have none, which the first pattern finds fast.
_OLD_STYLE_ENDING = re.compile(r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!\w)")
_OLD_STYLE_WORD = re.compile(r"(?<!\w)\w*(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!\w)")


def _canonical(text: str) -> str:
    if not _OLD_STYLE_ENDING.search(text):
        return text
    return _OLD_STYLE_WORD.sub(lambda m: canonical_tone(m.group()), text)


def _build() -> tuple[re.Pattern, dict[str, str]]:
    names: dict[str, str] = {}
    alternatives = []
    lines: list[str] = []
    for line in _PROVINCES.strip().splitlines():
        if line.lstrip().startswith("|"):  # more spellings of the line before
            lines[-1] += line
        else:
            lines.append(line)
    for line in lines:
        spellings = [s.strip() for s in line.split("|")]
        for spelling in spellings:
            key = _canonical(spelling)
            names[key] = spellings[0]
            pattern = re.escape(key)
            if spelling in _NEEDS_CUE:
                pattern = f"(?<=tỉnh ){pattern}|(?<=phố ){pattern}|(?<=TP ){pattern}"
            if spelling in _NOT_BEFORE:
                pattern = f"{pattern}(?!\\s+{_NOT_BEFORE[spelling]})"
            alternatives.append((len(key), pattern))
    # longest first, so "Bà Rịa - Vũng Tàu" wins over "Vũng Tàu"
    alternatives.sort(key=lambda item: -item[0])
    joined = "|".join(f"(?:{p})" for _, p in alternatives)
    # Every name begins with one of a few capitals: looking at those first spares trying
    # each alternative at every position of the text.
    first = re.escape("".join(sorted({key[0] for key in names})))
    return re.compile(rf"(?<!\w)(?=[{first}])(?:{joined})(?!\w)"), names


_PATTERN, _NAMES = _build()


def _mentions(text: str) -> Counter:
    found = Counter()
    for match in _PATTERN.finditer(_canonical(text)):
        found[_NAMES[re.sub(r"\s+", " ", match.group())]] += 1
    return found


def places_in(body: str, title: str = "", lead: str = "") -> list[str]:
    """Return the provinces an article is about, most mentioned first.

    A place counts when the title or the lead names it, or the body names it twice.
    """
    counts = _mentions(body)
    prominent = _mentions(f"{title}\n{lead}")
    chosen = [name for name in counts if counts[name] >= 2 or name in prominent]
    chosen += [name for name in prominent if name not in chosen]
    return sorted(chosen, key=lambda name: (-counts[name] - prominent[name], name))
