"""Live mirror: per-frame knee measures over a rolling window, a streaming rep counter and the drawn knee lines."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeGuard

import cv2
import numpy as np

from screening.engine.assess import THIGH_FAIR
from screening.engine.events import BOTTOM_SHARE, MIN_REP_DEPTH, MIN_REP_SHARE, REP_EDGE_SHARE
from screening.core.geometry import cross2
from screening.core.landmarks import LEG, OTHER, SIDES
from screening.engine.metrics import compute_series
from screening.engine.norms import norm_for
from screening.core.track import Track
from screening.core.vocab import BAND_COLOURS, bgr, signed

KEYS = ("depth",) + tuple(f"{m}_{s}_{u}" for m, u in (("fppa", "deg"), ("mkd", "pct")) for s in SIDES) + \
    tuple(f"thigh_{s}" for s in SIDES)


def live_values(window: Track, stance: str | None = None, per_leg: bool = False) -> dict[str, float]:
    """The engine's per-frame measures (screening.engine.metrics) at the newest frame of a rolling window.

    The window's most upright frames are the standing reference, as in a whole clip. With per_leg (single-leg
    squats on either leg), also each leg's own compression ('depth_left', 'depth_right') and the leg length
    in pixels ('leg_px')."""
    keys = KEYS + (("depth_left", "depth_right", "leg_px") if per_leg else ())
    if len(window) == 0 or not window.present[-1]:
        return {k: float("nan") for k in keys}
    with np.errstate(invalid="ignore", divide="ignore"):
        s, base = compute_series(window, stance)
        out = {k: float(s[k][-1]) for k in KEYS}
        if per_leg:
            for side in SIDES:
                out[f"depth_{side}"] = float(compute_series(window, side)[0]["depth"][-1])
            out["leg_px"] = base.leg_px
    return out


def _finite(v: float | None) -> TypeGuard[float]:
    return v is not None and bool(np.isfinite(v))


@dataclass
class Bottom:
    """What one repetition showed at its deepest point (medians over the frames near the bottom)."""
    index: int
    t: float
    depth: float
    fppa: dict[str, float | None]
    mkd: dict[str, float | None]
    inside: dict[str, bool]          # knee moved inside the foot line (knee-shift band above typical)
    start: float = 0.0               # time the repetition began (compression passed the start limit)


@dataclass
class RepCounter:
    """Squat repetitions counted as they happen, with the limits of the offline rep finder
    (screening.engine.events): a rep starts when leg compression has risen MIN_REP_DEPTH above its lowest value
    since the last rep (the offline finder's prominence) and ends when it falls back below
    REP_EDGE_SHARE of that rep's peak."""
    test: str = "squat"
    sex: str | None = None
    legs: tuple[str, ...] = SIDES
    bottoms: list[Bottom] = field(default_factory=list)
    _rep: list[tuple[float, dict]] | None = None
    _low: float = float("inf")       # lowest compression since the last rep ended (or seen at all)
    _start: float = 0.0

    def __post_init__(self) -> None:
        self.fppa_norm = norm_for("fppa", self.test, self.sex)
        self.mkd_norm = norm_for("mkd", self.test, self.sex)

    @property
    def count(self) -> int:
        return len(self.bottoms)

    @property
    def in_rep(self) -> bool:
        return self._rep is not None

    def count_since(self, t: float) -> int:
        """Repetitions that began at or after time t (a recording started then holds them whole), counted as
        the offline rep finder will count them in that recording: those reaching MIN_REP_SHARE of the
        deepest one (a shallow bob between squats is no repetition)."""
        depths = [b.depth for b in self.bottoms if b.start >= t]
        return sum(1 for d in depths if d >= MIN_REP_SHARE * max(depths)) if depths else 0

    def knee_inside(self, mkd_pct: float | None) -> bool:
        """The knee has moved toward the midline, over the foot, by more than is typical (norms 'mkd')."""
        return _finite(mkd_pct) and self.mkd_norm is not None and self.mkd_norm.band(float(mkd_pct)) != "typical"

    def update(self, t: float, values: dict[str, float], xy: np.ndarray | None = None) -> Bottom | None:
        """Feed one frame's measures; returns the finished repetition's bottom when one ends here. (`xy`,
        the frame's points, is for live.legs.LegCounter, which reads like this counter.)"""
        d = values.get("depth", float("nan"))
        if not _finite(d):
            return None
        if self._rep is None:
            self._low = min(self._low, d)
            if d >= max(MIN_REP_DEPTH, self._low + MIN_REP_DEPTH):
                self._rep = [(t, values)]
            return None
        self._rep.append((t, values))
        depths = np.array([v["depth"] for _, v in self._rep])
        peak = float(depths.max())
        if d >= REP_EDGE_SHARE * peak:
            return None
        rows = [self._rep[i] for i in np.flatnonzero(depths >= peak - BOTTOM_SHARE * peak)]
        self._start = self._rep[0][0]
        self._rep, self._low = None, d

        def med(key: str) -> float | None:
            v = np.array([r[key] for _, r in rows], float)
            v = v[np.isfinite(v)]
            return float(np.median(v)) if len(v) else None

        fppa = {s: (med(f"fppa_{s}_deg") if (med(f"thigh_{s}") or 0) >= THIGH_FAIR else None) for s in self.legs}
        mkd = {s: med(f"mkd_{s}_pct") for s in self.legs}
        b = Bottom(self.count + 1, float(np.median([t for t, _ in rows])), peak, fppa, mkd,
                   {s: self.knee_inside(mkd[s]) for s in self.legs}, float(self._start))
        self.bottoms.append(b)
        return b


def leg_band(counter: RepCounter, values: dict[str, float], side: str) -> str | None:
    """The FPPA band of a leg in this frame, or None where the 2D angle is not valid (thigh foreshortened)."""
    v, thigh = values.get(f"fppa_{side}_deg"), values.get(f"thigh_{side}")
    if not (_finite(v) and _finite(thigh) and thigh >= THIGH_FAIR) or counter.fppa_norm is None:
        return None
    return counter.fppa_norm.band(float(v))


def _cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """Segments a-b and c-d cross (each one's ends lie on opposite sides of the other)."""
    return bool(cross2(b - a, c - a) * cross2(b - a, d - a) < 0 and cross2(d - c, a - c) * cross2(d - c, b - c) < 0)


def legs_crossed(xy: np.ndarray) -> bool:
    """The two legs' hip-knee-ankle lines would cross in the picture: the knees or the ankles in the other
    order than the hips (the engine's rule for the separation ratios: knees crossed, or left and right
    swapped by the pose model in this frame), or a segment of one leg crossing one of the other. The
    model's single frame is then wrong about the legs, so they are not drawn."""
    pts = {s: [xy[LEG[s][p]] for p in ("hip", "knee", "ankle")] for s in SIDES}
    if not all(np.isfinite(q).all() for s in SIDES for q in pts[s]):
        return False
    order = [np.sign(pts["left"][i][0] - pts["right"][i][0]) for i in range(3)]
    if order[1] != order[0] or order[2] != order[0]:
        return True
    return any(_cross(*pts["left"][i:i + 2], *pts["right"][j:j + 2]) for i in range(2) for j in range(2))


def draw_legs(img: np.ndarray, xy: np.ndarray, values: dict[str, float], counter: RepCounter) -> bool:
    """Hip-knee-ankle lines coloured by the engine's FPPA bands, with the angle; True when a knee is
    inside the foot line in this frame (then a white plumb line rises from that ankle). Legs whose lines
    would cross (legs_crossed) are not drawn in that frame."""
    th = max(2, round(max(img.shape[:2]) / 320))
    any_inside = False
    if len(counter.legs) > 1 and legs_crossed(xy):
        return False
    for side in counter.legs:
        hip, knee, ankle = (xy[LEG[side][p]] for p in ("hip", "knee", "ankle"))
        if not np.isfinite(np.concatenate([hip, knee, ankle])).all():
            continue
        band = leg_band(counter, values, side)
        col = bgr(BAND_COLOURS[band])
        P = [tuple(int(round(c)) for c in q) for q in (hip, knee, ankle)]
        inside = counter.knee_inside(values.get(f"mkd_{side}_pct"))
        any_inside |= inside
        if inside:
            top = (P[2][0], int(P[1][1] - 0.3 * abs(P[2][1] - P[1][1])))
            cv2.line(img, P[2], top, (255, 255, 255), th, cv2.LINE_AA)
        for a, b in ((P[0], P[1]), (P[1], P[2])):
            cv2.line(img, a, b, (0, 0, 0), th * 2 + 2, cv2.LINE_AA)
            cv2.line(img, a, b, col, th * 2, cv2.LINE_AA)
        for q in P:
            cv2.circle(img, q, th + 1, (255, 255, 255), -1, cv2.LINE_AA)
        v = values.get(f"fppa_{side}_deg")
        label = f"{side[0].upper()} {signed(v)}" if band is not None else f"{side[0].upper()} --"
        scale = max(0.4, img.shape[0] / 900)
        x = P[1][0] + (10 if hip[0] >= xy[LEG[OTHER[side]]["hip"]][0] else -60)
        cv2.putText(img, label, (x, P[1][1]), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
        cv2.putText(img, label, (x, P[1][1]), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA)
    return any_inside
