"""Raw article text -> Article: title, date, author, source, places and a clean body.

News pages saved as text carry more than the story: a date line, photo captions printed
twice, a byline, the newspaper's name and sometimes the site's navigation. The body kept
here is the story in reading order, captions included once and marked (they weigh less
in ranking), everything else moved into fields or dropped.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ..language.text import FOLD_D
from .dates import date_line, date_prefix
from .places import places_in

TITLE_LENGTH = 120  # a title cut from the lead ends at a word boundary near this length


@dataclass
class Article:
    """One news article, ready to index."""

    id: str
    title: str
    body: str
    # False when the title was guessed (the lead's first sentence, already in the body):
    # it is shown, but scores as the body it came from. True: given (a JSON title, or a
    # headline line taken out of the body).
    title_given: bool = True
    captions: list[tuple[int, int]] = field(default_factory=list)  # spans of body
    date: str | None = None  # ISO 8601: "2023-10-02", "2020-10-13T14:21", "2022-07"
    author: str | None = None
    source: str | None = None
    places: list[str] = field(default_factory=list)
    url: str | None = None


# --- the end of the page: site chrome, source, byline -----------------------------------

_CHROME = re.compile(
    r"^(?:tìm kiếm|tin nóng|tin tiêu điểm|tin mới|tin khác|tin liên quan|tin cùng chuyên mục"
    r"|bài viết liên quan|xem thêm|đọc thêm|lịch công tác|website liên kết|liên kết website"
    r"|thống kê truy cập|hôm nay|hôm qua|tuần này|tháng này|đã truy cập|đang truy cập"
    r"|đang online|đang trực tuyến|tổng (?:số )?lượt truy cập|lượt truy cập|lượt xem"
    r"|chia sẻ|bình luận|gửi bình luận|ý kiến bạn đọc|in bài|trang chủ|về đầu trang"
    r"|từ khóa|từ khoá|tags?\b|facebook|twitter|zalo|e-?mail\b|liên hệ|bản quyền|©|copyright"
    r"|quảng cáo|đăng nhập|đăng ký|rss|video|podcast|multimedia|thời tiết|tỷ giá|giá vàng)",
    re.IGNORECASE,
)
_COUNTER = re.compile(r"^[^\d:]{1,40}:\s*[\d.,]+\s*$")  # "Hôm nay: 541"
_SENTENCE = re.compile(r"\w[.!?][\"”»)]?$")  # "Hôm nay, hội nghị bế mạc." ends a story
_SOURCE = re.compile(
    r"^(?:theo\s+|nguồn\s*:\s*)?((?:báo|tạp chí|đài|thông tấn)\b.{2,60}?)\.?$", re.I
)
_SOURCE_CITED = re.compile(r"^\(?(?:theo|nguồn\s*:)\s+(.{2,60}?)\)?\.?$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*$")
_AGENCY_TAG = re.compile(r"^\s*\(([A-ZĐ]{2,12})\)\s*[-–—:]\s*")
AGENCIES = {
    "GLO": "Báo Gia Lai",
    "TTXVN": "TTXVN",
    "VOV": "VOV",
    "VTV": "VTV",
    "QĐND": "Báo Quân đội nhân dân",
    "NDĐT": "Báo Nhân Dân điện tử",
    "PLO": "Báo Pháp Luật TP.HCM",
    "QNO": "Báo Quảng Nam",
    "BĐT": "Báo Đấu thầu",
}


def _is_chrome(line: str) -> bool:
    text = line.strip()
    if len(text) > 80:
        return False
    # a label's words can open a sentence too: a finished sentence is never a label
    return bool(_COUNTER.match(text) or (_CHROME.match(text) and not _SENTENCE.search(text)))


def _byline(line: str) -> str | None:
    """Return the author's name if *line* is a byline ("THANH MAI", "Duy Phương.")."""
    text = line.strip().rstrip(".").strip()
    if not text or len(text) > 60 or any(c.isdigit() for c in text):
        return None
    names = [n.strip() for n in re.split(r"\s*(?:[-–,&]|\bvà\b)\s*", text) if n.strip()]
    words = [w for name in names for w in name.split()]
    if not 1 <= len(words) <= 8 or not all(_NAME_WORD.match(w) for w in words):
        return None
    if not all(w[0].isupper() for w in words):
        return None
    if text.isupper() or text.upper() == text:
        names = [n.title() for n in names]
    return " - ".join(names) if len(names) > 1 else names[0]


def _source_line(line: str) -> str | None:
    text = line.strip()
    if match := _SOURCE.match(text):
        return match.group(1).strip()
    if match := _SOURCE_CITED.match(text):
        return match.group(1).strip()
    return None


# --- captions and duplicates ------------------------------------------------------------

_PHOTO = re.compile(r"(?:\bẢnh\s*:|\(Ảnh\b|\bTrong ảnh\b|\bẢnh minh họa\b|\bẢnh minh hoạ\b|^Ảnh\b)")
_SENTENCE_END = tuple('.!?…:;”")»')


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() and "_"


def line_key(line: str) -> str:
    """The line's letters and digits, folded: fold(), whose marks \\W drops anyway,
    without its per-character loop or its cache (lines are long and seen once)."""
    decomposed = unicodedata.normalize("NFD", line.translate(FOLD_D))
    return _NOT_ALNUM.sub("", decomposed).lower()


def _letters(text: str, count: int) -> bool:
    """Does *text* hold at least *count* letters?"""
    for c in text:
        if c.isalpha():
            count -= 1
            if not count:
                return True
    return False


def _near_duplicate(a: str, b: str) -> bool:
    ka, kb = line_key(a), line_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < 0.75 * max(len(ka), len(kb)):
        return False  # a caption repeated inside a longer paragraph is not a repeat
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio() >= 0.85


def _is_punctuated(line: str) -> bool:
    return line.rstrip().endswith(_SENTENCE_END)


# --- title -----------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"(?<![A-ZĐ]\w)(?<![A-ZĐ])[.!?…](?=\s+[\"“'(]?[^\W\d_])")


def first_sentence(text: str, limit: int = TITLE_LENGTH) -> str:
    """Return the first sentence of *text*, cut at a word boundary near *limit* characters."""
    text = " ".join(text.split())
    match = _SENTENCE_BREAK.search(text)
    sentence = text[: match.start() + 1] if match else text
    if len(sentence) <= limit:
        return sentence
    cut = sentence.rfind(" ", 0, limit + 1)
    if cut < limit // 2:  # one enormous word: cut inside it rather than keep it all
        cut = limit
    return sentence[:cut].rstrip(" ,;:–-") + "…"


def _looks_like_headline(line: str) -> bool:
    text = line.strip()
    return (
        8 <= len(text) <= 250
        and not text.endswith((".", ";", ",", ":"))
        and not _PHOTO.search(text)
    )


# --- the parser --------------------------------------------------------------------------


def parse(text: str, id: str, *, title: str | None = None, **known) -> Article:
    """Turn raw article text into an Article; *title* and *known* fields win over guesses.

    *known* may hold date, author, source and url, as JSON Lines records give them.
    """
    # decomposed text ("Unicode tổ hợp") would slip past every pattern below
    text = unicodedata.normalize("NFC", text)
    title = unicodedata.normalize("NFC", title) if title is not None else None
    for name in ("author", "source"):
        if isinstance(known.get(name), str):
            known[name] = unicodedata.normalize("NFC", known[name])
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")

    # site chrome, then the source and the byline, from the end
    while lines and (not lines[-1].strip() or _is_chrome(lines[-1])):
        lines.pop()
    author = source = None
    for _ in range(2):
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines or len(lines) < 2:
            break
        last = lines[-1]
        if source is None and (found := _source_line(last)):
            source = found
        elif source is None and last.strip().rstrip(".") in AGENCIES:
            source = AGENCIES[last.strip().rstrip(".")]
        elif author is None and (found := _byline(last)):
            author = found
        else:
            break
        lines.pop()

    # the date line (or "date 2022-07" prefix) among the first lines
    when = None
    for i, line in enumerate(lines[:8]):
        if not line.strip():
            continue
        if found := date_line(line):
            when = found
            lines[i] = ""
            break
        found, rest = date_prefix(line)
        if found:
            when, lines[i] = found, rest
            break

    # the headline: the first line, when it reads like one
    headline = None
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if title is None and nonblank and len(nonblank) > 1:
        first = lines[nonblank[0]]
        if _looks_like_headline(first):
            headline = " ".join(first.split())
            lines[nonblank[0]] = ""

    paragraphs, captions = _paragraphs(lines, after_headline=headline is not None)
    body_parts, spans, offset = [], [], 0
    for paragraph, is_caption in zip(paragraphs, captions):
        if is_caption:
            spans.append((offset, offset + len(paragraph)))
        body_parts.append(paragraph)
        offset += len(paragraph) + 2
    body = "\n\n".join(body_parts)

    lead = next((p for p, c in zip(paragraphs, captions) if not c), "")
    given = title is not None or headline is not None
    if title is None:
        title = headline
    if title is None:
        cleaned = _AGENCY_TAG.sub("", lead)
        title = first_sentence(cleaned) if cleaned else ""
    if source is None and (tag := _AGENCY_TAG.match(lead)):
        source = AGENCIES.get(tag.group(1))
    return Article(
        id=id,
        title=title.strip(),
        title_given=given and bool(title.strip()),
        body=body,
        captions=spans,
        date=known.get("date") or when,
        author=known.get("author") or author,
        source=known.get("source") or source,
        places=places_in(body, title, lead),
        url=known.get("url"),
    )


def _paragraphs(lines: list[str], after_headline: bool) -> tuple[list[str], list[bool]]:
    """Return the body's paragraphs and which of them are photo captions.

    A caption is a line that names a photo ("Ảnh:", "Trong ảnh"), a line printed twice
    (a page's alt text and caption), or an unpunctuated line between the headline and
    the lead, or in a run of unpunctuated lines inside the body.
    """
    blocks: list[list[str]] = [[]]
    for line in lines:
        stripped = " ".join(line.split())
        if not stripped:
            if blocks[-1]:
                blocks.append([])
        elif _letters(stripped, 2):
            blocks[-1].append(stripped)
    blocks = [b for b in blocks if b]

    paragraphs: list[str] = []
    captions: list[bool] = []
    seen_lead = not after_headline
    for block in blocks:
        run_unpunctuated = len(block) > 1 and all(not _is_punctuated(x) for x in block)
        for line in block:
            duplicate = next(
                (
                    k
                    for k in range(len(paragraphs) - 1, max(len(paragraphs) - 3, -1), -1)
                    if _near_duplicate(paragraphs[k], line)
                ),
                None,
            )
            if duplicate is not None:  # keep the fuller of the two, as a caption
                if len(line) > len(paragraphs[duplicate]):
                    paragraphs[duplicate] = line
                captions[duplicate] = True
                continue
            caption = bool(_PHOTO.search(line)) or run_unpunctuated
            if not seen_lead and not _is_punctuated(line):
                caption = True
            elif _is_punctuated(line):
                seen_lead = True
            paragraphs.append(line)
            captions.append(caption)
    return paragraphs, captions
