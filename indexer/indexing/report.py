"""What a build or an update tells its user: a progress bar, each problem, a summary."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Summary:
    """What a build or update did."""

    indexed: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    failed: int = 0
    chars: int = 0
    seconds: float = 0.0
    published: bool = False
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        rate = self.chars / self.seconds if self.seconds else 0.0
        return (
            f"indexed {self.indexed:,} · unchanged {self.unchanged:,} · deleted {self.deleted:,}"
            f" · skipped {self.skipped:,} · failed {self.failed:,}"
            f" — {self.chars:,} characters in {self.seconds:.1f} s ({rate:,.0f} characters/s)"
        )

    def as_dict(self) -> dict:
        info = asdict(self)
        info["problems"] = self.problems[:100]
        return info

    def record(self, sources) -> dict:
        """What a build or update keeps about itself: this summary, its sources, when."""
        info = self.as_dict()
        info["sources"] = [str(Path(s).resolve()) for s in sources]
        info["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        return info


class Reporter:
    """Progress bar on a terminal, problems always, the summary unless quiet."""

    def __init__(self, total: int | None, quiet: bool, stream=None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.bar = None
        if not quiet and self.stream.isatty():
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
            self.bar = tqdm(total=total, unit=" doc", file=self.stream, dynamic_ncols=True)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update()

    def say(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def close(self, summary: Summary) -> None:
        if self.bar is not None:
            self.bar.close()
        if not self.quiet:
            print(summary.line(), file=self.stream, flush=True)
