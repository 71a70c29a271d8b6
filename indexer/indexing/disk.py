"""Files put on disk: what a journal, an index's pointer and its records need to survive
a crash or the loss of power (a rename is atomic; fsync makes it, and what it names,
last)."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    with open(path, "rb") as opened:
        os.fsync(opened.fileno())


def fsync_dir(path: Path) -> None:
    """Put a folder's entries (files made, renamed or removed in it) on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Put every file directly in the folder *path*, and the folder, on disk."""
    for item in path.iterdir():
        if item.is_file():
            fsync_file(item)
    fsync_dir(path)


def write_atomically(path: Path, text: str, sync: bool = True) -> None:
    """Replace the file *path* with *text* at once: readers see the old or the new, never
    a part; with *sync*, both on disk when this returns."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    if sync:
        fsync_file(temporary)
    os.replace(temporary, path)
    if sync:
        fsync_dir(path.parent)
