"""Rep-and-hold exercise timer logic (sides x sets x reps of lift/hold/lower, rests), clock injectable.

No Streamlit here: the page polls ``state()`` and draws it. Every phase is a half-open
interval [start, end) on the exercise timeline, so at an exact boundary the timer is
already in the next phase. Phases of zero length are skipped. With ``sides=2`` the whole
block of sets runs once per side, with a ``switch`` pause of ``switch_s`` between the sides.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, NamedTuple

PHASES = ("lift", "hold", "lower", "rest", "switch", "done")


@dataclass(frozen=True)
class TimerConfig:
    """How the exercise is timed; seconds are per repetition phase."""

    sets: int = 3
    reps: int = 10
    hold_s: float = 2.0
    lift_s: float = 1.0
    lower_s: float = 2.0
    rest_s: float = 30.0
    sides: int = 1
    switch_s: float = 10.0

    def __post_init__(self) -> None:
        if self.sets < 1 or self.reps < 1:
            raise ValueError("sets and reps must be at least 1")
        if self.sides not in (1, 2):
            raise ValueError("sides must be 1 or 2")
        if min(self.hold_s, self.lift_s, self.lower_s, self.rest_s, self.switch_s) < 0:
            raise ValueError("phase lengths cannot be negative")
        if self.lift_s + self.hold_s + self.lower_s <= 0:
            raise ValueError("a repetition must last longer than 0 s")

    @classmethod
    def from_params(cls, params: dict[str, str]) -> "TimerConfig":
        """The timer a page's ``<!-- widget: timer ... -->`` marker starts with (the widget's defaults); in
        ``mode=hold`` there is no lift phase. Values that are not numbers from 0 to 600 fall back."""
        def num(key: str, default: float) -> float:
            try:
                value = float(params.get(key, default))
            except ValueError:
                return default
            return value if 0 <= value <= 600 else default
        hold_only = params.get("mode") == "hold"
        return cls(sets=max(1, int(num("sets", 3))), reps=max(1, int(num("reps", 10))),
                   hold_s=float(int(num("hold", 2))), lift_s=0.0 if hold_only else float(int(num("lift", 1))),
                   lower_s=float(int(num("lower", 2))), rest_s=float(int(num("rest", 30))),
                   sides=2 if num("sides", 1) == 2 else 1)

    @property
    def rep_s(self) -> float:
        return self.lift_s + self.hold_s + self.lower_s

    @property
    def set_s(self) -> float:
        return self.reps * self.rep_s

    @property
    def side_s(self) -> float:
        """One side: all sets plus the rests between them (none after the last)."""
        return self.sets * self.set_s + (self.sets - 1) * self.rest_s

    @property
    def total_s(self) -> float:
        """Whole exercise: every side, with a switch pause between sides."""
        return self.sides * self.side_s + (self.sides - 1) * self.switch_s


@dataclass(frozen=True)
class TimerState:
    """What to show: set and rep (1-based), phase, seconds left in it, overall progress."""

    set: int
    rep: int
    phase: str
    seconds_left: float
    elapsed: float
    total: float
    running: bool
    started: bool
    side: int = 1

    @property
    def progress(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.elapsed / self.total)

    @property
    def whole_seconds_left(self) -> int:
        """Seconds left rounded up, as a countdown shows them (2.0 -> 2, 1.2 -> 2, 0.1 -> 1)."""
        return max(0, math.ceil(self.seconds_left - 1e-9))


class Position(NamedTuple):
    """Where the timeline is: side, set and rep (1-based), phase and seconds left in it."""

    side: int
    set: int
    rep: int
    phase: str
    left: float


def position_at(config: TimerConfig, elapsed: float) -> Position:
    """The side, set, rep and phase at ``elapsed`` seconds into the exercise."""
    t = max(0.0, float(elapsed))
    if t >= config.total_s:
        return Position(config.sides, config.sets, config.reps, "done", 0.0)
    side_block = config.side_s + config.switch_s
    side = min(int(t // side_block), config.sides - 1)
    t_in_side = t - side * side_block
    if t_in_side >= config.side_s:  # switching sides
        return Position(side + 1, config.sets, config.reps, "switch", side_block - t_in_side)
    return Position(side + 1, *_in_side(config, t_in_side))


def phase_at(config: TimerConfig, elapsed: float) -> tuple[int, int, str, float]:
    """(set, rep, phase, seconds left) at ``elapsed`` seconds into the exercise."""
    pos = position_at(config, elapsed)
    return pos.set, pos.rep, pos.phase, pos.left


def _in_side(config: TimerConfig, t: float) -> tuple[int, int, str, float]:
    block = config.set_s + config.rest_s
    set_index = min(int(t // block), config.sets - 1)
    t_in_set = t - set_index * block
    if t_in_set >= config.set_s:  # resting after this set
        return set_index + 1, config.reps, "rest", block - t_in_set
    rep_index = min(int(t_in_set // config.rep_s), config.reps - 1)
    t_in_rep = t_in_set - rep_index * config.rep_s
    start = 0.0
    for name, length in (("lift", config.lift_s), ("hold", config.hold_s), ("lower", config.lower_s)):
        if length > 0 and t_in_rep < start + length:
            return set_index + 1, rep_index + 1, name, start + length - t_in_rep
        start += length
    return set_index + 1, rep_index + 1, "lower", 0.0  # float edge: treat as end of the rep


class RepTimer:
    """Start/pause/resume/reset timer over a TimerConfig; ``clock`` returns seconds."""

    def __init__(self, config: TimerConfig | None = None, clock: Callable[[], float] = time.monotonic):
        self.config = config or TimerConfig()
        self._clock = clock
        self._accumulated = 0.0
        self._started_at: float | None = None  # clock time of the last start/resume
        self._started = False

    def _now(self, now: float | None) -> float:
        return self._clock() if now is None else float(now)

    @property
    def running(self) -> bool:
        return self._started_at is not None

    def start(self, now: float | None = None) -> None:
        """Start from the beginning (or resume, if paused part-way)."""
        if self.running:
            return
        self._started = True
        self._started_at = self._now(now)

    def pause(self, now: float | None = None) -> None:
        if self._started_at is None:
            return
        self._accumulated += self._now(now) - self._started_at
        self._started_at = None

    def resume(self, now: float | None = None) -> None:
        if self._started and not self.running:
            self._started_at = self._now(now)

    def reset(self) -> None:
        self._accumulated = 0.0
        self._started_at = None
        self._started = False

    def configure(self, config: TimerConfig) -> None:
        """Use a new configuration; the timer goes back to the start."""
        self.config = config
        self.reset()

    def elapsed(self, now: float | None = None) -> float:
        running_for = 0.0 if self._started_at is None else self._now(now) - self._started_at
        return min(self.config.total_s, self._accumulated + max(0.0, running_for))

    def state(self, now: float | None = None) -> TimerState:
        elapsed = self.elapsed(now)
        side, set_no, rep_no, phase, left = position_at(self.config, elapsed)
        return TimerState(
            set=set_no,
            rep=rep_no,
            phase=phase,
            side=side,
            seconds_left=left,
            elapsed=elapsed,
            total=self.config.total_s,
            running=self.running and phase != "done",
            started=self._started,
        )
