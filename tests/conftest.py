"""Shared fixtures: the seed corpus, a sample of real news, temporary folders."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"
BAOMOI = SHARED_DATA / "baomoi-35k.jsonl.gz"


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The five seed articles, by file stem."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def news_sample() -> list[str]:
    """The first 150 articles of the benchmark news set (skipped where it is absent)."""
    if not BAOMOI.exists():
        pytest.skip(f"{BAOMOI} is not on this machine")
    with gzip.open(BAOMOI, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in itertools.islice(lines, 150)]
