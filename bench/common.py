"""Shared by the benchmarks: the data set, the machine, peak memory of a process tree."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import platform
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOMOI = ROOT.parent / "shared" / "data" / "baomoi-35k.jsonl.gz"


def texts(path: Path = BAOMOI, limit: int | None = None) -> list[dict]:
    """The articles of a JSON Lines file (id, title, text, ...)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in itertools.islice(lines, limit)]


def machine() -> str:
    """One line describing this machine."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"Python {platform.python_version()}, {platform.system()}"
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, {system}"


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total


class PeakMemory(threading.Thread):
    """Sample the resident memory of a process tree until stopped; keep the peak."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0
        self._done = threading.Event()

    def run(self):
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(self.every)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak
