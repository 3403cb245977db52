"""Stage timings: one small stopwatch whose `with watch("stage"):` blocks add their wall seconds up by name."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator


class Stopwatch:
    """Wall seconds per named stage. A stage timed twice (or in a loop) adds up; `seconds` keys end in
    `_s` (`watch("pose")` -> `seconds["pose_s"]`), the form the benchmark prints."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            key = f"{stage}_s"
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t0

    def total(self, stage: str) -> float:
        """The seconds spent in `stage` so far (0.0 when it never ran)."""
        return self.seconds.get(f"{stage}_s", 0.0)
