"""Live single-leg squats on both legs: one repetition counter per leg, each repetition kept only when its
leg stood (the offline test, screening.engine.stance.stands_on), so the count is per leg."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from screening.core.landmarks import SIDES
from screening.engine.events import MIN_REP_SHARE
from screening.engine.stance import stands_on
from screening.live.mirror import Bottom, RepCounter

HISTORY_S = 12.0            # frames kept to judge a finished repetition (longer than any repetition)


@dataclass
class LegCounter(RepCounter):
    """A RepCounter per leg, fed that leg's own compression ('depth_left', 'depth_right' of live_values)
    and the newest frame's points. Reads like one RepCounter: bottoms in time order, each with its leg."""
    test: str = "single-leg-squat"
    leg_of: list[str] = field(default_factory=list)      # the leg of each bottom

    def __post_init__(self) -> None:
        super().__post_init__()
        self.each = {leg: RepCounter(self.test, self.sex, (leg,)) for leg in SIDES}
        self.hist: deque[tuple[float, np.ndarray, float, float]] = deque()

    @property
    def per_leg(self) -> dict[str, int]:
        return {leg: self.leg_of.count(leg) for leg in SIDES}

    @property
    def in_rep(self) -> bool:
        return any(c.in_rep for c in self.each.values())

    def count_since(self, t: float) -> int:
        """Repetitions that began at or after t, each leg counted as the offline analysis counts it (those
        reaching MIN_REP_SHARE of that leg's deepest)."""
        n = 0
        for leg in SIDES:
            depths = [b.depth for b, lg in zip(self.bottoms, self.leg_of) if lg == leg and b.start >= t]
            n += sum(1 for d in depths if d >= MIN_REP_SHARE * max(depths)) if depths else 0
        return n

    def update(self, t: float, values: dict[str, float], xy: np.ndarray | None = None) -> Bottom | None:
        """Feed one frame (its measures and points); returns a finished repetition's bottom when its leg
        stood through it (its foot stayed put while the other moved, was held up or hidden)."""
        d = {leg: values.get(f"depth_{leg}", float("nan")) for leg in SIDES}
        pts = xy if xy is not None else np.full((33, 2), np.nan)
        self.hist.append((t, pts, d["left"], d["right"]))
        while self.hist and self.hist[0][0] < t - HISTORY_S:
            self.hist.popleft()
        done = None
        for leg in SIDES:
            b = self.each[leg].update(t, {**values, "depth": d[leg]})
            if b is not None and self._stood(leg, b.start, t, values.get("leg_px", float("nan"))):
                b.index = self.count + 1
                self.bottoms.append(b)
                self.leg_of.append(leg)
                done = b
        return done

    def _stood(self, leg: str, start: float, end: float, leg_px: float) -> bool:
        rows = [h for h in self.hist if start <= h[0] <= end]
        if len(rows) < 5 or not np.isfinite(leg_px):
            return False
        t = np.array([r[0] for r in rows])
        xy = np.stack([r[1] for r in rows])
        depth = np.array([r[2] if leg == "left" else r[3] for r in rows])
        return stands_on(xy, leg, depth, t, 0, len(rows) - 1, leg_px)[0]
