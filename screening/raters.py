"""The rater study's data (frame key, two raters' joint marks) and the measures worked out from the marks.

The formulas here follow ../shared/reference/measurement.md and are written out on their own (law of
cosines, plain differences), not with the engine's geometry, so the comparison does not rest on the code
it checks. Marks are whole pixels of the full-resolution frame; a mark (x, y) is the pixel's centre,
(x + 0.5, y + 0.5) in the continuous coordinates MediaPipe uses (0..width across the picture).
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

STUDY = Path(__file__).resolve().parents[1] / "benchmarks" / "validation" / "raters"
RATERS = ("rater1", "rater2")
LEGS = ("left", "right")
JOINTS = ("hip", "knee", "ankle")

Point = tuple[float, float]
Marks = dict[tuple[str, str, str], Point]          # (frame_id, leg, joint) -> (x, y), person's own leg


@dataclass(frozen=True)
class FrameKey:
    """One marked frame: where it comes from and what it shows."""
    frame_id: str
    clip: str               # file name in ../shared/videos
    frame: int              # 0-based index in PyAV's decode order
    condition: str          # standing, half, deep, landing-contact, landing-peak, single-leg
    view: str               # front, turned (about 20-40 deg) or oblique (30-45 deg)
    test: str               # the test the clip is analysed as
    person: str             # P01..: who is filmed (judged by eye), for leave-one-person-out checks
    width: int
    height: int
    note: str = ""
    pixels_sha256: str = ""  # start of the sha256 of the frame's BGR pixels (extract_frames.py checks it)

    @property
    def group(self) -> str:
        """The row of the report this frame counts in: its condition, or 'oblique or turned'."""
        if self.view != "front":
            return "oblique or turned"
        return "landing" if self.condition.startswith("landing") else self.condition


def load_key(folder: Path = STUDY) -> list[FrameKey]:
    with open(folder / "key.csv", newline="", encoding="utf-8") as fh:
        return [FrameKey(r["frame_id"], r["clip"], int(r["frame"]), r["condition"], r["view"], r["test"],
                         r["person"], int(r["width"]), int(r["height"]), r.get("note", ""),
                         r.get("pixels_sha256", ""))
                for r in csv.DictReader(fh)]


def load_marks(path: Path) -> Marks:
    """One rater's marks.csv (frame_id, leg, joint, x, y, confidence, comment); rows without x or y are left
    out (a joint the rater could not estimate)."""
    out: Marks = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["x"].strip() and r["y"].strip():
                out[(r["frame_id"], r["leg"], r["joint"])] = (float(r["x"]) + 0.5, float(r["y"]) + 0.5)
    return out


def confidence_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            counts[r["confidence"]] = counts.get(r["confidence"], 0) + 1
    return counts


def mean_marks(a: Marks, b: Marks) -> Marks:
    """The two raters' mean point, where both marked it."""
    return {k: ((a[k][0] + b[k][0]) / 2, (a[k][1] + b[k][1]) / 2) for k in a.keys() & b.keys()}


def frame_points(marks: Marks, frame_id: str) -> dict[str, Point] | None:
    """{'left_hip': (x, y), ...} of one frame, or None unless all six joints are marked."""
    pts = {f"{leg}_{j}": marks.get((frame_id, leg, j)) for leg in LEGS for j in JOINTS}
    return None if any(p is None for p in pts.values()) else pts     # type: ignore[return-value]


def _dist(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _cross(o: Point, a: Point, b: Point) -> float:
    """z of (a - o) x (b - o): which side of the line o->a the point b lies on."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def fppa_deg(hip: Point, knee: Point, ankle: Point, other_hip: Point) -> float:
    """Frontal plane projection angle: 180 deg minus the interior hip-knee-ankle angle (law of cosines on
    the three distances), positive (valgus) where the knee lies on the other hip's side of the hip-ankle
    line, negative (varus) where it lies on the far side."""
    a, b, c = _dist(hip, knee), _dist(knee, ankle), _dist(hip, ankle)
    cos = max(-1.0, min(1.0, (a * a + b * b - c * c) / (2 * a * b)))
    angle = 180.0 - math.degrees(math.acos(cos))
    side, midline = _cross(hip, ankle, knee), _cross(hip, ankle, other_hip)
    return -angle if side * midline < 0 else angle


def _separation(p: dict[str, Point], joint: str) -> float:
    """Horizontal distance between the left and right joint, negative where they cross over (signed by
    the hips' left-right order)."""
    order = 1.0 if p["left_hip"][0] >= p["right_hip"][0] else -1.0
    return (p[f"left_{joint}"][0] - p[f"right_{joint}"][0]) * order


def kasr(p: dict[str, Point]) -> float:
    """Knee-to-ankle separation ratio: knee separation / ankle separation (Mizner et al. 2012)."""
    return _separation(p, "knee") / _separation(p, "ankle")


def khsr(p: dict[str, Point]) -> float:
    """Knee-to-hip separation ratio: knee separation / hip separation (Noyes et al. 2005)."""
    return _separation(p, "knee") / abs(p["left_hip"][0] - p["right_hip"][0])


def _knee_over_ankle(p: dict[str, Point], leg: str) -> float:
    """Horizontal knee-minus-ankle position toward the body's midline (the other hip's side), pixels."""
    other = "right" if leg == "left" else "left"
    toward = 1.0 if p[f"{other}_hip"][0] > p[f"{leg}_hip"][0] else -1.0
    return (p[f"{leg}_knee"][0] - p[f"{leg}_ankle"][0]) * toward


def leg_length(p: dict[str, Point]) -> float:
    """Mean hip-to-ankle distance of the two legs (pixels): the standing leg length."""
    return (_dist(p["left_hip"], p["left_ankle"]) + _dist(p["right_hip"], p["right_ankle"])) / 2


def knee_shift_pct(p: dict[str, Point], standing: dict[str, Point], leg: str) -> float:
    """Medial knee displacement from standing: how far the knee moved toward the midline relative to the
    ankle, since the standing frame, in % of the standing leg length (positive = inward)."""
    return (_knee_over_ankle(p, leg) - _knee_over_ankle(standing, leg)) / leg_length(standing) * 100


def measures(p: dict[str, Point], standing: dict[str, Point] | None = None) -> dict[str, float]:
    """Every measure of one frame's six points: fppa_left/right (deg), kasr, khsr, and with a standing
    frame of the same clip mkd_left/right (% leg). NaN where a ratio has no width to divide by."""
    out = {f"fppa_{leg}": fppa_deg(p[f"{leg}_hip"], p[f"{leg}_knee"], p[f"{leg}_ankle"],
                                   p[f"{'right' if leg == 'left' else 'left'}_hip"]) for leg in LEGS}
    out["kasr"] = kasr(p) if _separation(p, "ankle") > 0 else math.nan
    out["khsr"] = khsr(p) if p["left_hip"][0] != p["right_hip"][0] else math.nan
    if standing is not None:
        out.update({f"mkd_{leg}": knee_shift_pct(p, standing, leg) for leg in LEGS})
    return out


def standing_frame(key: list[FrameKey], k: FrameKey) -> FrameKey | None:
    """The standing frame marked in the same clip (the reference of the knee shift), if any."""
    return next((s for s in key if s.clip == k.clip and s.condition == "standing" and s.frame_id != k.frame_id),
                None)
