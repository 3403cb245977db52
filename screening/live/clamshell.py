"""Live clamshell: a framing coach for lying, the opening counted as it happens, the pelvis roll cue, a gauge."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import cv2
import numpy as np

from screening.core.landmarks import LEG, OTHER
from screening.core.track import Track
from screening.core.vocab import BAND_COLOURS, VIS_MIN, bgr
from screening.engine.clamshell import (EDGE_SHARE, MIN_OPENING_DEG, MIN_OPENING_SHARE, TOP_SHARE, opening_angle,
                                        stack_length, top_side)
from screening.engine.lying import AXIS_TILT_MAX_DEG, TOWARD_RATIO, lying_geometry
from screening.engine.norms import norm_for
from screening.live.framing import Advice, first_checks
from screening.outputs.annotate_lying import THIGH_BGR

REST_S = 1.0                # the hip length at rest: the median over the last second before a repetition
GAUGE_MAX_DEG = 60.0        # the opening gauge's full scale
CUE_TEXT = "PELVIS ROLLED BACK"


def coach_lying(track: Track, luma: float | None = None, people: int | None = None) -> Advice:
    """The first thing to fix before filming a clamshell, or 'ready' (limits of engine.lying's checks)."""
    if (first := first_checks(track, luma, people, absent="lie_no_person")) is not None:
        return first
    present = track.present
    idx = [LEG[s][p] for s in ("left", "right") for p in ("hip", "knee", "shoulder")]
    seen = (track.vis[:, idx] >= VIS_MIN).all(axis=1) & present
    if seen.mean() < 0.5:
        return Advice("lie_body")
    geo = lying_geometry(track, np.flatnonzero(seen))
    if not geo["tilt_deg"] <= AXIS_TILT_MAX_DEG:
        return Advice("lie_across", f"body {geo['tilt_deg']:.0f} deg from the picture's horizontal")
    if geo["ratio"] < TOWARD_RATIO:
        return Advice("lie_square", f"torso / shoulder stack {geo['ratio']:.2f}, needs {TOWARD_RATIO:.2f}")
    return Advice("lie_ready")


def lying_values(window: Track) -> dict[str, float]:
    """The newest frame's opening (deg) and hip-to-hip length (px), with the top side found over the window."""
    xy = np.where((window.vis >= VIS_MIN)[..., None], window.xy, np.nan)
    top = top_side(xy)
    if top is None or len(window) == 0:
        return {"opening_deg": float("nan"), "hip_px": float("nan"), "top": float("nan")}
    last = xy[-1:]
    return {"opening_deg": float(opening_angle(last, top)[0]), "hip_px": float(stack_length(last, "hip")[0]),
            "top": 1.0 if top == "right" else 0.0}


@dataclass
class Top:
    """What one clamshell repetition showed at its top (medians over the frames above TOP_SHARE of the rise)."""
    index: int
    t: float
    opening: float
    rise: float
    roll: float | None            # % the hip line was shorter than at rest before the repetition
    rolled: bool                  # above the rule of thumb's 'typical' (norms 'pelvis_roll')
    start: float = 0.0


@dataclass
class OpeningCounter:
    """Clamshell repetitions counted as they happen, with the limits of engine.clamshell.find_openings: one
    starts when the opening has risen MIN_OPENING_DEG above its lowest value since the last one, and ends when
    it falls back below EDGE_SHARE of that rise."""
    sex: str | None = None
    legs: tuple[str, ...] = ("right",)
    bottoms: list[Top] = field(default_factory=list)       # the finished repetitions (named as RepCounter's)
    _rep: list[tuple[float, float, float]] | None = None   # (t, opening, hip px) of the repetition so far
    _low: float = float("inf")
    _rest: deque = field(default_factory=deque)            # (t, hip px) while closed
    _ref: float = float("nan")

    def __post_init__(self) -> None:
        self.norm = norm_for("pelvis_roll", "clamshell", self.sex)

    @property
    def count(self) -> int:
        return len(self.bottoms)

    @property
    def in_rep(self) -> bool:
        return self._rep is not None

    def count_since(self, t: float) -> int:
        """Repetitions that began at or after t, counted as the analysis will (MIN_OPENING_SHARE of the largest)."""
        rises = [b.rise for b in self.bottoms if b.start >= t]
        return sum(1 for r in rises if r >= MIN_OPENING_SHARE * max(rises)) if rises else 0

    def roll_now(self, hip_px: float) -> float | None:
        """How much shorter the hip line is now than at rest before this repetition (%), during a repetition."""
        if self._rep is None or not (np.isfinite(self._ref) and np.isfinite(hip_px)):
            return None
        return float(100 * (1 - hip_px / self._ref))

    def rolled(self, roll: float | None) -> bool:
        return roll is not None and self.norm is not None and self.norm.band(roll) != "typical"

    def update(self, t: float, values: dict[str, float]) -> Top | None:
        """Feed one frame; returns the finished repetition's top when one ends here."""
        o, hip = values.get("opening_deg", float("nan")), values.get("hip_px", float("nan"))
        if not np.isfinite(o):
            return None
        self.legs = ("right" if values.get("top") == 1.0 else "left",)
        if self._rep is None:
            self._low = min(self._low, o)
            self._rest.append((t, hip))
            while self._rest and self._rest[0][0] < t - REST_S:
                self._rest.popleft()
            if o >= self._low + MIN_OPENING_DEG:
                rest = [h for _, h in self._rest if np.isfinite(h)]
                self._ref = float(np.median(rest)) if rest else float("nan")
                self._rep = [(t, o, hip)]
            return None
        self._rep.append((t, o, hip))
        rows = np.array(self._rep, float)
        rise = float(rows[:, 1].max()) - self._low
        if o > self._low + EDGE_SHARE * rise:
            return None
        top = rows[rows[:, 1] >= self._low + TOP_SHARE * rise]
        hips = top[np.isfinite(top[:, 2]), 2]
        roll = self.roll_now(float(np.median(hips))) if len(hips) else None
        b = Top(self.count + 1, float(np.median(top[:, 0])), float(np.median(top[:, 1])), rise, roll,
                self.rolled(roll), float(rows[0, 0]))
        self._rep, self._low = None, o
        self._rest.clear()
        self.bottoms.append(b)
        return b


def draw_clamshell(img: np.ndarray, xy: np.ndarray, values: dict[str, float], counter: OpeningCounter) -> bool:
    """The thighs, the hip stack (red while the pelvis has rolled back) and an opening gauge; True on a roll."""
    th = max(2, round(max(img.shape[:2]) / 320))
    top = counter.legs[0]
    roll = counter.roll_now(values.get("hip_px", float("nan")))
    rolled = counter.rolled(roll)
    for side in (top, OTHER[top]):
        hip, knee = xy[LEG[side]["hip"]], xy[LEG[side]["knee"]]
        if np.isfinite(np.concatenate([hip, knee])).all():
            cv2.line(img, _p(hip), _p(knee), THIGH_BGR, th * 2, cv2.LINE_AA)
    a, b = xy[LEG[OTHER[top]]["hip"]], xy[LEG[top]["hip"]]
    if np.isfinite(np.concatenate([a, b])).all():
        col = bgr(BAND_COLOURS["marked" if rolled else "typical"])
        cv2.line(img, _p(a), _p(b), (0, 0, 0), th * 3 + 2, cv2.LINE_AA)
        cv2.line(img, _p(a), _p(b), col, th * 3, cv2.LINE_AA)
    _gauge(img, values.get("opening_deg", float("nan")), th)
    return rolled


def _p(q: np.ndarray) -> tuple[int, int]:
    return int(round(q[0])), int(round(q[1]))


def _gauge(img: np.ndarray, opening: float, th: int) -> None:
    """A quarter-circle gauge at the top right: the needle shows the opening, 0 to GAUGE_MAX_DEG."""
    h, w = img.shape[:2]
    r = int(0.12 * min(h, w) + 20)
    c = (w - 12 - r, int(0.1 * h) + r + 30)
    cv2.ellipse(img, c, (r, r), 0, 180, 270, (255, 255, 255), th, cv2.LINE_AA)
    if np.isfinite(opening):
        a = np.radians(180 + 90 * float(np.clip(opening, 0, GAUGE_MAX_DEG)) / GAUGE_MAX_DEG)
        tip = (int(c[0] + r * np.cos(a)), int(c[1] + r * np.sin(a)))
        cv2.line(img, c, tip, THIGH_BGR, th * 2, cv2.LINE_AA)
        text = f"{opening:.0f} deg"
        cv2.putText(img, text, (c[0] - r, c[1] + 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 4, cv2.LINE_AA)
        cv2.putText(img, text, (c[0] - r, c[1] + 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 1, cv2.LINE_AA)


def top_line(b: Top) -> str:
    """The status line about the last repetition drawn on the live video."""
    roll = "hips --" if b.roll is None else f"hips {abs(b.roll):.0f}% {'shorter' if b.roll >= 0 else 'longer'}"
    return f"Rep {b.index} top: opening {b.opening:.0f} deg, {roll}"
