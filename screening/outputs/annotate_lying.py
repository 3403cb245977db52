"""The clamshell's drawing on the annotated video and stills: the hip stack, the shoulder stack and the opening."""
from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from screening.core.landmarks import OTHER
from screening.core.result import Result
from screening.core.vocab import BAND_COLOURS, bgr
from screening.engine.norms import norm_for

THIGH_BGR = (235, 160, 40)          # the thighs and the opening angle (a blue that no band uses)
Point = Callable[[np.ndarray], tuple[int, int]]


class LyingOverlay:
    """Per frame: the hip-to-hip segment coloured by its shortening band (a white ring marks where the top
    hip would sit, stacked, at the closed length), the shoulder line, both thighs and the opening angle."""

    def __init__(self, result: Result, pts: dict[str, np.ndarray], vals: dict[str, np.ndarray]):
        self.top = result.leg or "right"
        self.pts, self.vals = pts, vals
        self.norms = {k: norm_for(k, result.test, result.sex) for k in ("pelvis_roll", "trunk_roll")}

    def _band(self, key: str, series: str, i: int) -> str | None:
        v = self.vals.get(series, np.array([np.nan]))
        norm = self.norms[key]
        return norm.band(float(v[i])) if i < len(v) and np.isfinite(v[i]) and norm is not None else None

    def _get(self, name: str, i: int) -> np.ndarray:
        return self.pts[name][i] if name in self.pts else np.array([np.nan, np.nan])

    def draw(self, img: np.ndarray, i: int, P: Point, th: int,
             label: Callable[[np.ndarray, str, tuple[int, int], tuple[int, int, int], float], None]) -> None:
        top, bottom = self.top, OTHER[self.top]
        th_hip, bh_hip = self._get(f"{top}_hip", i), self._get(f"{bottom}_hip", i)
        th_knee, bh_knee = self._get(f"{top}_knee", i), self._get(f"{bottom}_knee", i)
        for hip, knee in ((bh_hip, bh_knee), (th_hip, th_knee)):
            if np.isfinite(np.concatenate([hip, knee])).all():
                cv2.line(img, P(hip), P(knee), (0, 0, 0), th * 3 + 2, cv2.LINE_AA)
                cv2.line(img, P(hip), P(knee), THIGH_BGR, th * 3, cv2.LINE_AA)
        opening = self.vals.get("opening_deg", np.array([np.nan]))
        if i < len(opening) and np.isfinite(opening[i]) and np.isfinite(th_knee).all():
            label(img, f"Opening {opening[i]:.0f} deg", P(th_knee), THIGH_BGR, -1.0)
        for part, key, series, width in (("shoulder", "trunk_roll", "shoulder_stack_pct", 2),
                                         ("hip", "pelvis_roll", "hip_stack_pct", 4)):
            a, b = self._get(f"{bottom}_{part}", i), self._get(f"{top}_{part}", i)
            if not np.isfinite(np.concatenate([a, b])).all():
                continue
            band = self._band(key, series, i)
            col = bgr(BAND_COLOURS[band])
            cv2.line(img, P(a), P(b), (0, 0, 0), th * width + 2, cv2.LINE_AA)
            cv2.line(img, P(a), P(b), col, th * width, cv2.LINE_AA)
            for q in (a, b):
                cv2.circle(img, P(q), th * 3, (255, 255, 255), -1, cv2.LINE_AA)
            if part != "hip":
                continue
            short = self.vals.get(series, np.array([np.nan]))
            s = float(short[i]) if i < len(short) else float("nan")
            if np.isfinite(s) and s > -90:
                stacked = a + (b - a) / max(1.0 - s / 100, 0.1)       # where the top hip sits at the closed length
                cv2.circle(img, P(stacked), th * 5, (255, 255, 255), max(1, th), cv2.LINE_AA)
                words = f"Hips {abs(s):.0f}% {'shorter' if s >= 0 else 'longer'}" if abs(s) >= 0.5 else "Hips stacked"
                label(img, words, P(b), col, 1.0)
