"""The clamshell, measured from the front: which side is up, the openings (events) and the per-frame measures.

Every measure is a small function of the cleaned 2D landmarks of a person lying on one side, filmed from in
front of the body at floor level (the long axis of the body runs across the picture, the top hip above the
bottom one). They are computed once per clip here; the events and the ratings read them.

Measures (per frame; each repetition takes them in the closed position before it and at the top of its opening):

- ``opening_deg``: the angle at the hips between the two thighs (from bottom hip to bottom knee, to top hip
  to top knee), in the picture, positive as the top knee turns away from the bottom leg. Closed, the knees
  together, it reads a few degrees below zero (the hips are further apart than the knees); it grows as the top
  knee opens.
- ``hip_stack_pct``: how much shorter the hip-to-hip segment is than in the closed (stacked) position, in %
  of the stacked length. A pelvis turned back by r degrees about the body's long axis shortens it by
  1 - cos(r) (15 deg: 3.4%, 30 deg: 13.4%) in a camera at hip height; the repetition's pelvis roll-back is
  its change from the start of the repetition to the top.
- ``shoulder_stack_pct``: the same for the shoulder line (the trunk rolling back with the pelvis).
- ``heels_apart_pct``: distance between the heels (the ankles where the heels are not seen), in % of the
  thigh length; they should stay together.
- ``knee_drift_pct``: the top knee's position along the body's long axis relative to the bottom knee
  (toward the head positive), in % of the thigh length: in a clean clamshell the knee rises straight up.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.core.landmarks import LEG, OTHER
from screening.core.track import Track
from screening.core.types import Leg
from screening.engine.events import _interp_nans

MIN_OPENING_DEG = 8.0      # an opening must rise this far above the closed position to count
MIN_OPENING_SHARE = 0.4    # ... and reach this share of the largest opening of the clip
MIN_GAP_S = 0.8            # two openings' tops are at least this far apart
EDGE_SHARE = 0.1           # the repetition starts (ends) where the opening passes 10% of its rise
TOP_SHARE = 0.9            # ... and is at the top (held) while it stays above 90% of its rise
CLOSED_SHARE = 0.2         # the closed reference: the 20% of frames with the smallest opening


@dataclass
class Opening:
    """One repetition's frames (row positions in the track) and crossing times (seconds, interpolated)."""
    start: int                 # last frame at or below 10% of the rise before the top
    key: int                   # the middle of the hold at the top
    end: int                   # first frame at or below 10% of the rise after the top
    t_start: float             # when the opening passed 10% of its rise on the way up
    t_top: float               # ... 90% on the way up (the hold begins)
    t_top_end: float           # ... 90% on the way down (the hold ends)
    t_end: float               # ... 10% on the way down
    rise_deg: float            # opening at the top minus the closed position before it
    rest: tuple[int, ...] = () # the closed frames before the start (at or below 10% of the rise): the reference

    @property
    def up_s(self) -> float:
        return self.t_top - self.t_start

    @property
    def hold_s(self) -> float:
        return self.t_top_end - self.t_top

    @property
    def down_s(self) -> float:
        return self.t_end - self.t_top_end


def _pt(xy: np.ndarray, side: str, part: str) -> np.ndarray:
    return xy[:, LEG[side][part]]


def top_side(xy: np.ndarray) -> Leg | None:
    """The side lying on top: the hip higher in the picture in most frames (None when never seen)."""
    d = _pt(xy, "left", "hip")[:, 1] - _pt(xy, "right", "hip")[:, 1]
    d = d[np.isfinite(d)]
    if not len(d):
        return None
    return "left" if np.median(d) < 0 else "right"


def body_axis(xy: np.ndarray) -> np.ndarray:
    """(T, 2) unit vectors from the mid-hip to the mid-shoulder point: the body's long axis, toward the head."""
    mid_hip = (_pt(xy, "left", "hip") + _pt(xy, "right", "hip")) / 2
    mid_sh = (_pt(xy, "left", "shoulder") + _pt(xy, "right", "shoulder")) / 2
    v = mid_sh - mid_hip
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def opening_angle(xy: np.ndarray, top: str) -> np.ndarray:
    """Angle in degrees from the bottom thigh (hip to knee) to the top thigh, per frame: positive when the top
    knee is turned away from the bottom leg (toward the top hip's side), negative while the thighs converge
    (knees together, the hips further apart than the knees)."""
    a = _pt(xy, top, "knee") - _pt(xy, top, "hip")
    b = _pt(xy, OTHER[top], "knee") - _pt(xy, OTHER[top], "hip")
    up = _pt(xy, top, "hip") - _pt(xy, OTHER[top], "hip")
    ang = np.degrees(np.arctan2(b[:, 0] * a[:, 1] - b[:, 1] * a[:, 0], np.sum(a * b, axis=1)))
    side = np.sign(b[:, 0] * up[:, 1] - b[:, 1] * up[:, 0])      # which turn of the bottom thigh points up
    return ang * np.where(side == 0, 1.0, side)


def stack_length(xy: np.ndarray, part: str) -> np.ndarray:
    """Pixel length of the segment from one side's hip (or shoulder) to the other's, per frame."""
    return np.linalg.norm(_pt(xy, "left", part) - _pt(xy, "right", part), axis=1)


def closed_frames(opening: np.ndarray, share: float = CLOSED_SHARE) -> np.ndarray:
    """The frames with the smallest opening (knees together): the clip's stacked, closed reference."""
    ok = np.flatnonzero(np.isfinite(opening))
    k = max(1, int(round(share * len(ok))))
    return ok[np.argsort(opening[ok])[:k]]


def _median(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(np.median(a)) if len(a) else float("nan")


def clamshell_series(track: Track, top: str) -> tuple[dict[str, np.ndarray], float]:
    """Every per-frame clamshell measure (see the module's docstring) and the closed thigh length in pixels."""
    xy = track.xy
    opening = opening_angle(xy, top)
    closed = closed_frames(opening)
    thigh = _median(np.concatenate([np.linalg.norm(_pt(xy[closed], s, "knee") - _pt(xy[closed], s, "hip"), axis=1)
                                    for s in (top, OTHER[top])])) if len(closed) else float("nan")
    out = {"opening_deg": opening}
    with np.errstate(invalid="ignore", divide="ignore"):
        for part, key in (("hip", "hip_stack_pct"), ("shoulder", "shoulder_stack_pct")):
            length = stack_length(xy, part)
            ref = _median(length[closed]) if len(closed) else float("nan")
            out[key] = (1.0 - length / ref) * 100
        heels = np.linalg.norm(_pt(xy, "left", "heel") - _pt(xy, "right", "heel"), axis=1)
        ankles = np.linalg.norm(_pt(xy, "left", "ankle") - _pt(xy, "right", "ankle"), axis=1)
        out["heels_apart_pct"] = np.where(np.isfinite(heels), heels, ankles) / thigh * 100
        along = np.sum((_pt(xy, top, "knee") - _pt(xy, OTHER[top], "knee")) * body_axis(xy), axis=1)
        out["knee_drift_pct"] = along / thigh * 100
    return out, thigh


def _crossing(t: np.ndarray, x: np.ndarray, i: int, j: int, level: float) -> float:
    """Time at which x passes `level` between frames i and j (linear between the two samples)."""
    if x[j] == x[i]:
        return float(t[j])
    w = float(np.clip((level - x[i]) / (x[j] - x[i]), 0.0, 1.0))
    return float(t[i] + w * (t[j] - t[i]))


def find_openings(opening: np.ndarray, t: np.ndarray, measured: np.ndarray | None = None) -> list[Opening]:
    """Clamshell repetitions from the opening angle: each is a peak rising at least MIN_OPENING_DEG above the
    closed position before it (and MIN_OPENING_SHARE of the clip's largest rise). The repetition starts where
    the opening last passed EDGE_SHARE of its rise before the peak and ends where it first falls back below
    it (measured from the closed position after the peak); it is at the top, held, while the opening stays
    above TOP_SHARE of its rise. Crossing times are interpolated between frames. The key frame is the middle
    of the hold (with `measured`, the nearest frame the pose model ran on); the closed frames before the start
    are the repetition's reference position (`rest`)."""
    valid = np.isfinite(opening)
    if valid.sum() < 4 or len(t) < 4:
        return []
    x = _interp_nans(opening)
    fps = 1.0 / np.median(np.diff(t))
    from scipy.signal import find_peaks  # imported on first use (see pipeline.warm_up), as in events
    peaks, props = find_peaks(x, prominence=MIN_OPENING_DEG, distance=max(1, int(MIN_GAP_S * fps)))
    if not len(peaks):
        return []
    big = props["prominences"] >= MIN_OPENING_SHARE * props["prominences"].max()
    peaks = peaks[big]
    out = []
    for n, p in enumerate(peaks):
        lo = peaks[n - 1] if n else 0
        hi = peaks[n + 1] if n + 1 < len(peaks) else len(x) - 1
        before, after = float(x[lo:p + 1].min()), float(x[p:hi + 1].min())
        rise = float(x[p]) - before
        up_edge, up_top = before + EDGE_SHARE * rise, before + TOP_SHARE * rise
        dn_edge, dn_top = after + EDGE_SHARE * (x[p] - after), after + TOP_SHARE * (x[p] - after)
        below = np.flatnonzero(x[lo:p] <= up_edge)
        s = lo + int(below[-1]) if len(below) else lo + int(np.argmin(x[lo:p + 1]))
        low_top = np.flatnonzero(x[lo:p] < up_top)
        a = lo + int(low_top[-1]) if len(low_top) else p
        fall = np.flatnonzero(x[p:hi + 1] < dn_top)
        b = p + int(fall[0]) if len(fall) else hi
        done = np.flatnonzero(x[p:hi + 1] <= dn_edge)
        e = p + int(done[0]) if len(done) else p + int(np.argmin(x[p:hi + 1]))
        t_start = _crossing(t, x, s, s + 1, up_edge) if s < p and x[s] <= up_edge else float(t[s])
        t_top = _crossing(t, x, a, a + 1, up_top) if a < p else float(t[p])
        t_top_end = _crossing(t, x, b - 1, b, dn_top) if b > p and x[b] < dn_top else float(t[b])
        t_end = _crossing(t, x, e - 1, e, dn_edge) if e > p and x[e] <= dn_edge else float(t[e])
        mid = (t_top + t_top_end) / 2
        cand = np.arange(s, e + 1)
        if measured is not None and measured[s:e + 1].any():
            cand = cand[measured[s:e + 1]]
        cand = cand[valid[cand]] if valid[cand].any() else cand
        key = int(cand[np.argmin(np.abs(t[cand] - mid))])
        rest = tuple(int(i) for i in lo + np.flatnonzero(x[lo:s + 1] <= up_edge)) or (int(s),)
        out.append(Opening(int(s), key, int(e), t_start, t_top, t_top_end, t_end, rise, rest))
    return out
