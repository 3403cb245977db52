"""Events in a clip: squat repetitions (start, deepest point, end) and landings (contact, peak flexion)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_REP_DEPTH = 0.06        # leg compression (fraction of standing leg height) that counts as a rep
MIN_REP_SHARE = 0.4         # a rep must reach this share of the deepest rep in the clip
REP_EDGE_SHARE = 0.2        # a rep starts/ends where compression falls below this share of its peak
MIN_REP_GAP_S = 0.8
BOTTOM_SHARE = 0.05         # frames within 5% of the deepest compression form the bottom (a pause)


@dataclass
class Span:
    start: int
    key: int                 # deepest point / peak knee flexion
    end: int
    contact: int | None = None


def _interp_nans(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, float).copy()
    ok = np.isfinite(x)
    if ok.sum() >= 2:
        x[~ok] = np.interp(np.flatnonzero(~ok), np.flatnonzero(ok), x[ok])
    elif ok.sum() == 1:
        x[~ok] = x[ok][0]
    else:
        x[:] = 0.0
    return x


def find_reps(depth: np.ndarray, t: np.ndarray, measured: np.ndarray | None = None,
              min_share: float = MIN_REP_SHARE) -> list[Span]:
    """Squat repetitions from the leg-compression signal (0 standing, larger = deeper).

    A rep is a peak of compression at least MIN_REP_DEPTH deep and `min_share` of the deepest one;
    it starts and ends where compression drops below REP_EDGE_SHARE of its peak (or at the lowest
    point between two reps). A pause at the bottom is one rep: its deepest point is the middle of the
    frames within 5% of the peak. With `measured` (frames the pose model ran on), the deepest point is
    the measured frame nearest to that middle.
    """
    valid = np.isfinite(depth)
    if valid.sum() < 5:
        return []
    d = _interp_nans(depth)
    fps = 1.0 / np.median(np.diff(t)) if len(t) > 1 else 30.0
    peak_all = np.nanmax(depth)
    height = max(MIN_REP_DEPTH, min_share * peak_all)
    from scipy.signal import find_peaks  # imported on first use (see pipeline.warm_up)
    peaks, _ = find_peaks(d, height=height, prominence=max(MIN_REP_DEPTH, 0.5 * height),
                          distance=max(1, int(MIN_REP_GAP_S * fps)))
    spans: list[Span] = []
    for i, p in enumerate(peaks):
        lo = peaks[i - 1] if i > 0 else 0
        hi = peaks[i + 1] if i + 1 < len(peaks) else len(d) - 1
        edge = REP_EDGE_SHARE * d[p]
        left = np.flatnonzero(d[lo:p] < edge)
        start = lo + left[-1] if len(left) else lo + int(np.argmin(d[lo:p + 1]))
        right = np.flatnonzero(d[p:hi + 1] < edge)
        end = p + right[0] if len(right) else p + int(np.argmin(d[p:hi + 1]))
        seg = d[start:end + 1]
        near = np.flatnonzero(seg >= seg.max() - BOTTOM_SHARE * max(seg.max(), 1e-9))
        gap = max(1, int(0.25 * fps))
        blocks = np.split(near, np.flatnonzero(np.diff(near) > gap) + 1)
        best = max(blocks, key=lambda r: seg[r].max())
        key = start + int(round((best[0] + best[-1]) / 2))
        if measured is not None and not measured[key]:
            cand = np.flatnonzero(measured[start:end + 1]) + start
            if len(cand):
                key = int(cand[np.argmin(np.abs(cand - key))])
        if not valid[key]:
            continue
        spans.append(Span(int(start), int(key), int(end)))
    return spans


def find_landings(foot_y: np.ndarray, depth: np.ndarray, t: np.ndarray, leg_px: float,
                  descent_speed: float = 1.0, settle_share: float = 0.25) -> list[Span]:
    """Landings: initial contact where the feet stop descending, then peak knee flexion.

    `foot_y` is the image height of the feet (pixels, larger = lower); `descent_speed` is in leg
    lengths per second. Initial contact is the first frame after a fast descent at which the feet's
    downward speed falls below `settle_share` of that descent's peak speed. Peak knee flexion is the
    first maximum of leg compression within 0.6 s after contact.
    """
    if np.isfinite(foot_y).sum() < 5 or not np.isfinite(leg_px):
        return []
    y = _interp_nans(foot_y)
    d = _interp_nans(depth)
    v = np.gradient(y, t) / leg_px                     # leg lengths per second, positive = moving down
    fast = v > descent_speed
    spans: list[Span] = []
    i, n = 0, len(v)
    while i < n:
        if not fast[i]:
            i += 1
            continue
        j = i
        while j < n and fast[j]:
            j += 1
        vmax_at = i + int(np.argmax(v[i:j]))
        after = np.flatnonzero(v[vmax_at:] < settle_share * v[vmax_at])
        if len(after) == 0:
            break
        ic = vmax_at + int(after[0])
        window = np.flatnonzero((t >= t[ic]) & (t <= t[ic] + 0.6))
        if len(window) < 2:
            break
        w = d[window]
        rising = np.flatnonzero(np.diff(w) < 0)     # compression starts to fall: first maximum
        pk = window[rising[0]] if len(rising) else window[int(np.argmax(w))]
        end_c = np.flatnonzero(v[pk:] < -descent_speed)
        end = pk + int(end_c[0]) if len(end_c) else min(n - 1, window[-1])
        if np.isfinite(foot_y[ic]) and np.isfinite(depth[pk]):
            spans.append(Span(int(max(i - 1, 0)), int(pk), int(end), contact=int(ic)))
        i = max(j, end + 1)
    return spans
