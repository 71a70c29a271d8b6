"""Snippets and full-text highlighting from stored character spans.

Input is the original text, the character span of every syllable position (stored at
index time) and the positions that matched: no analysis runs here. Marks land on the
characters the reader sees, even where the match came through folding, tone placement,
an abbreviation ("UBND" for "Ủy ban nhân dân") or a numeral ("XIII" for "13").
"""

from __future__ import annotations

from html import escape

FRAGMENT_CHARS = 300  # one passage at most
TOTAL_CHARS = 450  # all passages of a snippet together
MAX_FRAGMENTS = 3


def matched_spans(spans: list[tuple[int, int]], positions, text: str) -> list[tuple[int, int]]:
    """Return the character ranges to mark, merged where only spaces separate them."""
    ranges = sorted({spans[p] for p in positions if 0 <= p < len(spans)})
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip(" \t")):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def mark(text: str, ranges, start: int = 0, end: int | None = None) -> str:
    """Return text[start:end] HTML-escaped, with each range wrapped in <mark>."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for s, e in ranges:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(escape(text[cursor:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _window(text: str, first: int, last: int, size: int) -> tuple[int, int]:
    """A window of at most *size* characters around [first, last), cut between words.

    The matches sit a third of the way in, so the reader sees some lead-up. The window
    stays inside the paragraph of the matches.
    """
    paragraph_start = text.rfind("\n", 0, first) + 1
    paragraph_end = text.find("\n", last)
    paragraph_end = len(text) if paragraph_end == -1 else paragraph_end
    room = max(size - (last - first), 0)
    start = max(first - room // 3, paragraph_start)
    end = min(start + max(size, last - first), paragraph_end)
    start = max(min(start, end - size), paragraph_start)
    if start > paragraph_start:  # begin after a space, never inside a word
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else first
    if end < paragraph_end:
        space = text.rfind(" ", last, end + 1)
        end = space if space != -1 else end
    return start, end


def snippet(text: str, ranges, size: int = FRAGMENT_CHARS, fragments: int = MAX_FRAGMENTS) -> str:
    """Return up to *fragments* passages of about *size* characters around the marked ranges.

    Passages with more distinct marked words come first in choice, then are shown in
    reading order, joined by " … ". With no ranges, the opening of *text*.
    """
    if not text:
        return ""
    if not ranges:
        start, end = _window(text, 0, 0, size)
        return escape(text[start:end].strip()) + (" …" if end < len(text) else "")
    clusters: list[list[tuple[int, int]]] = []
    for span in ranges:
        previous = clusters[-1] if clusters else None
        if (
            previous
            and span[1] - previous[0][0] <= size * 2 // 3
            and "\n" not in text[previous[-1][1] : span[0]]
        ):
            previous.append(span)
        else:
            clusters.append([span])

    def weight(cluster):
        return (len({text[s:e].lower() for s, e in cluster}), len(cluster))

    chosen = sorted(sorted(clusters, key=weight, reverse=True)[:fragments], key=lambda c: c[0][0])
    size = min(size, TOTAL_CHARS // len(chosen))  # several passages share one budget
    parts = []
    for cluster in chosen:
        start, end = _window(text, cluster[0][0], cluster[-1][1], size)
        body = mark(text, cluster, start, end).strip()
        parts.append(("… " if start > 0 else "") + body + (" …" if end < len(text) else ""))
    return " ".join(parts).replace("… …", "…")


def highlight(text: str, ranges) -> str:
    """Return the whole of *text* HTML-escaped with every range marked."""
    return mark(text, ranges)
