"""Live time: seconds from WebRTC time stamps, and frame rates over the last seconds of camera time."""
from __future__ import annotations

from collections import deque

RATE_S = 2.0                # frame rates are measured over the last 2 s ...
RATE_MIN_S = 1.0            # ... once there is at least 1 s to measure (before: not known yet, shown as such)


class Clock:
    """Seconds from a WebRTC frame's pts: RTP clocks start at a random value and wrap at 2**32 ticks, so
    the stamps are made relative to the first frame and unwrapped (the capture times stay real)."""

    def __init__(self) -> None:
        self.first: int | None = None
        self.last = 0
        self.wraps = 0

    def seconds(self, pts: int | None, time_base) -> float | None:
        if pts is None or time_base is None:
            return None
        pts = int(pts)
        if self.first is None:
            self.first = pts
        elif pts < self.last - 2 ** 31:          # the 32-bit RTP timestamp wrapped
            self.wraps += 1
        self.last = pts
        return float((pts + self.wraps * 2 ** 32 - self.first) * time_base)


def rate(times: deque, now: float, first: float) -> float:
    """Events per second in the last RATE_S seconds up to `now` (`times`, dropped from the deque as they
    age; `first`: when counting began). 0 until RATE_MIN_S have passed, when no rate can be told yet (one
    burst of frames would read thousands a second); after that never 0, as `now` is an event."""
    window = min(RATE_S, now - first)
    while times and times[0] <= now - window:
        times.popleft()
    return len(times) / window if window >= RATE_MIN_S else 0.0
