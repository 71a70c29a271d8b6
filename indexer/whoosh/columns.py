"""Column values read segment by segment.

Whoosh's MultiReader.column_reader leaves out the segments that have no file for the
column (no document of theirs has a value) but keeps the offsets of the others, so a
document of such a segment reads the value of a document of the segment before it: an
article without an author counted under the author of another. A segment of a batch
written over HTTP often has no author, source or place at all. Here each segment
answers for its own documents, and one without the column answers None.
"""

from __future__ import annotations


def column_values(reader, name: str, start: int, count: int) -> list:
    """The values of the column *name* of documents start .. start + count - 1 of
    *reader* (None where a document has none)."""
    values: list = []
    end = start + count
    for leaf, offset in reader.leaf_readers():
        size = leaf.doc_count_all()
        low, high = max(start, offset), min(end, offset + size)
        if low >= high:
            continue
        if not leaf.has_column(name):
            values.extend([None] * (high - low))
            continue
        column = leaf.column_reader(name)
        for docnum in range(low - offset, high - offset):
            try:
                values.append(column[docnum])
            except IndexError:  # Whoosh stores no value for a segment's trailing gaps
                values.append(None)
    return values
