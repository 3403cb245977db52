"""Per-frame frontal-plane measures from a cleaned track, relative to the person's standing frames."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.core import geometry as g
from screening.core.landmarks import INDEX, LEG, OTHER, SIDES
from screening.core.track import Track

# What each series key means, for tables, CSV headers and charts (label, unit).
SERIES_INFO = {
    "fppa_left_deg": ("FPPA left", "deg"), "fppa_right_deg": ("FPPA right", "deg"),
    "kasr": ("Knee-to-ankle separation ratio", ""), "khsr": ("Knee-to-hip separation ratio", ""),
    "mkd_left_pct": ("Medial knee shift left", "% leg"), "mkd_right_pct": ("Medial knee shift right", "% leg"),
    "arch_left_pct": ("Arch-collapse proxy left", "% leg"), "arch_right_pct": ("Arch-collapse proxy right", "% leg"),
    "thigh_left": ("Thigh length seen, left", "x standing"), "thigh_right": ("Thigh length seen, right", "x standing"),
    "depth": ("Leg compression", "x leg"), "pelvic_drop_deg": ("Pelvic drop", "deg"),
    "trunk_lean_deg": ("Trunk lean", "deg"),
}


@dataclass
class Baseline:
    frames: np.ndarray          # indices of the standing frames used
    leg_px: float               # hip-to-ankle length, pixels
    leg_vertical_px: float      # vertical hip-to-ankle distance when standing
    thigh_px: dict[str, float]
    mkd_ref: dict[str, float]
    arch_ref: dict[str, float]
    pelvis_ref: float
    trunk_ref: float
    roll_deg: float = 0.0


def _pt(xy: np.ndarray, side: str, part: str) -> np.ndarray:
    return xy[:, LEG[side][part]]


def _medial_x(xy: np.ndarray, side: str) -> np.ndarray:
    """+1/-1 per frame: the image-x direction of the body's midline for this leg."""
    d = _pt(xy, OTHER[side], "hip")[:, 0] - _pt(xy, side, "hip")[:, 0]
    return np.where(np.isfinite(d), np.sign(d), np.nan)


def leg_extension(xy: np.ndarray, stance: str | None = None) -> np.ndarray:
    """Vertical hip-to-ankle distance per frame (pixels), of the stance leg or the mean of both."""
    sides = [stance] if stance else list(SIDES)
    v = [(_pt(xy, s, "ankle")[:, 1] - _pt(xy, s, "hip")[:, 1]) for s in sides]
    if len(v) == 1:
        return v[0]
    with np.errstate(invalid="ignore"):
        both = np.vstack(v)
        n = np.isfinite(both).sum(axis=0)
        return np.where(n > 0, np.nansum(both, axis=0) / np.maximum(n, 1), np.nan)


def standing_frames(xy: np.ndarray, stance: str | None = None, share: float = 0.15) -> np.ndarray:
    """The most upright frames (largest vertical hip-ankle distance): the standing baseline."""
    with np.errstate(invalid="ignore"):
        ext = leg_extension(xy, stance)
    ok = np.flatnonzero(np.isfinite(ext))
    if len(ok) == 0:
        return ok
    k = max(3, int(round(share * len(ok))))
    return ok[np.argsort(-ext[ok])[:k]]


def _raw_offsets(xy: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Knee-over-ankle and ankle-over-foot horizontal offsets toward the midline (pixels)."""
    m = _medial_x(xy, side)
    knee, ankle = _pt(xy, side, "knee"), _pt(xy, side, "ankle")
    foot = (_pt(xy, side, "heel") + _pt(xy, side, "toe")) / 2
    return (knee[:, 0] - ankle[:, 0]) * m, (ankle[:, 0] - foot[:, 0]) * m


def _pelvis_and_trunk(xy: np.ndarray, stance: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Pelvic tilt (free side down positive) and trunk lean (toward the stance side positive)."""
    lh, rh = xy[:, INDEX["left_hip"]], xy[:, INDEX["right_hip"]]
    ls, rs = xy[:, INDEX["left_shoulder"]], xy[:, INDEX["right_shoulder"]]
    s = stance or "left"
    stance_hip, free_hip = (lh, rh) if s == "left" else (rh, lh)
    pelvis = g.line_tilt(stance_hip, free_hip)
    mid_hip, mid_sh = (lh + rh) / 2, (ls + rs) / 2
    trunk = g.lean_from_vertical(mid_sh, mid_hip, stance_hip - free_hip)
    return pelvis, trunk


def _median(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(np.median(a)) if len(a) else float("nan")


def standing_thigh(xy: np.ndarray, frames: np.ndarray) -> dict[str, float]:
    """Median hip-to-knee length of each leg over `frames` (pixels)."""
    b = xy[frames]
    return {s: _median(g.distance(_pt(b, s, "hip"), _pt(b, s, "knee"))) for s in SIDES}


# MediaPipe's knee point follows the front of the knee, not its joint centre. Standing, the front of the knee
# faces the camera and the point lies over the centre; as the thigh tips from vertical toward horizontal (a
# squat, a landing) the front of the knee becomes the far end of the thigh, beyond the centre along the
# thigh, so with the knees pointing out the point sits outside the centre (inside when they point in). Two
# raters' joint centres on 19 front-view frames of 10 people (benchmarks/validation/raters) put it this
# share of the thigh's sideways extent times (1 - cos of the thigh's tilt from vertical) outside: 0.142
# fitted on all, 0.126-0.162 leaving each person out in turn (benchmarks/validation/raters/fit_knee_centre.py;
# the knee-to-ankle ratio's bias on the held-out frames +0.014, the raters' own difference 0.042).
KNEE_FRONT_SHARE = 0.14


def knee_centres(xy: np.ndarray, thigh_px: dict[str, float]) -> np.ndarray:
    """The points with each knee's x moved from MediaPipe's knee point to the joint centre (see
    KNEE_FRONT_SHARE): back along the thigh's sideways extent by KNEE_FRONT_SHARE x (1 - cos tilt), the tilt
    of the thigh from vertical taken from its vertical extent against its standing length `thigh_px`.
    Standing it moves nothing; only x changes, for the measures made of horizontal positions (the knee
    shift and the separation ratios); the knee angle and the drawn skeleton keep the model's points."""
    out = xy.copy()
    for s in SIDES:
        hip, knee = _pt(xy, s, "hip"), _pt(xy, s, "knee")
        with np.errstate(invalid="ignore", divide="ignore"):
            tipped = 1.0 - np.clip(np.abs(knee[:, 1] - hip[:, 1]) / thigh_px[s], 0.0, 1.0)
            shift = KNEE_FRONT_SHARE * tipped * (knee[:, 0] - hip[:, 0])
        out[:, LEG[s]["knee"], 0] = knee[:, 0] - np.nan_to_num(shift)     # no hip or thigh length: as seen
    return out


def baseline(xy: np.ndarray, stance: str | None = None) -> Baseline:
    frames = standing_frames(xy, stance)
    b = xy[frames] if len(frames) else xy[:0]
    legs = [g.distance(_pt(b, s, "hip"), _pt(b, s, "ankle")) for s in SIDES]
    leg_px = _median(np.concatenate(legs)) if len(frames) else float("nan")
    thigh = standing_thigh(xy, frames)
    centred = knee_centres(b, thigh)          # the knee shift is measured from joint-centre knees
    mkd_ref, arch_ref = {}, {}
    for s in SIDES:
        mkd_ref[s], arch_ref[s] = _median(_raw_offsets(centred, s)[0]), _median(_raw_offsets(b, s)[1])
    pelvis, trunk = _pelvis_and_trunk(b, stance)
    with np.errstate(invalid="ignore"):
        vert = _median(leg_extension(b, stance))
    return Baseline(frames, leg_px, vert, thigh, mkd_ref, arch_ref, _median(pelvis), _median(trunk))


MAX_ROLL_DEG = 20.0         # standing hip/shoulder lines tilted more than this are not taken as camera roll


def camera_roll(xy: np.ndarray, frames: np.ndarray, limit: float | None = MAX_ROLL_DEG) -> float:
    """Camera roll in degrees, from the hip and shoulder lines in the standing frames (0 if unknown,
    or if beyond `limit`: then the picture is not levelled; limit=None gives the raw angle)."""
    if len(frames) == 0:
        return 0.0
    b = xy[frames]
    angles = []
    for lft, rgt in (("left_hip", "right_hip"), ("left_shoulder", "right_shoulder")):
        v = b[:, INDEX[lft]] - b[:, INDEX[rgt]]
        v = np.where(v[:, :1] < 0, -v, v)
        angles.append(np.degrees(np.arctan2(v[:, 1], v[:, 0])))
    a = np.concatenate(angles)
    a = a[np.isfinite(a)]
    roll = float(np.median(a)) if len(a) else 0.0
    return roll if limit is None or abs(roll) <= limit else 0.0


def level(xy: np.ndarray, roll_deg: float, width: int, height: int) -> np.ndarray:
    """Rotate all points by -roll about the image centre so the standing hip line is horizontal."""
    if not roll_deg:
        return xy
    c = np.array([width / 2, height / 2])
    a = np.radians(-roll_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return (xy - c) @ rot.T + c


def compute_series(track: Track, stance: str | None = None,
                   ratio_xy: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], Baseline]:
    """All per-frame measures (T,) from a cleaned track. NaN where a value cannot be computed.

    Horizontal offsets are taken after levelling the picture by the camera roll seen when standing.
    The knee separation ratios come from `ratio_xy` when given (the direct view's points, see
    pose.TwoViewPose), levelled the same way.
    """
    roll = camera_roll(track.xy, standing_frames(track.xy, stance))
    xy = level(track.xy, roll, track.width, track.height)
    base = baseline(xy, stance)
    base.roll_deg = roll
    L = base.leg_px
    # the knee shift and the separation ratios are made of horizontal positions: joint-centre knees there
    centred = knee_centres(xy, base.thigh_px)
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for s in SIDES:
            hip, knee, ankle = _pt(xy, s, "hip"), _pt(xy, s, "knee"), _pt(xy, s, "ankle")
            medial = _pt(xy, OTHER[s], "hip") - hip
            out[f"fppa_{s}_deg"] = g.fppa(hip, knee, ankle, medial)
            k_off = _raw_offsets(centred, s)[0]
            a_off = _raw_offsets(xy, s)[1]
            out[f"mkd_{s}_pct"] = (k_off - base.mkd_ref[s]) / L * 100
            out[f"arch_{s}_pct"] = (a_off - base.arch_ref[s]) / L * 100
            out[f"thigh_{s}"] = g.distance(hip, knee) / base.thigh_px[s]
        if ratio_xy is None:
            rxy = centred
        else:
            rxy = level(ratio_xy, roll, track.width, track.height)
            rxy = knee_centres(rxy, standing_thigh(rxy, base.frames))
        # separations signed by the hips' order: negative where the knees (or ankles) cross over or
        # left and right were swapped, which no ratio can be rated from
        order = np.sign(_pt(rxy, "left", "hip")[:, 0] - _pt(rxy, "right", "hip")[:, 0])
        knee_sep = (_pt(rxy, "left", "knee")[:, 0] - _pt(rxy, "right", "knee")[:, 0]) * order
        ankle_sep = (_pt(rxy, "left", "ankle")[:, 0] - _pt(rxy, "right", "ankle")[:, 0]) * order
        hip_sep = np.abs(_pt(rxy, "left", "hip")[:, 0] - _pt(rxy, "right", "hip")[:, 0])
        out["kasr"] = np.where(ankle_sep > 0.05 * L, knee_sep / ankle_sep, np.nan)
        out["khsr"] = np.where(hip_sep > 0.05 * L, knee_sep / hip_sep, np.nan)
        out["depth"] = 1.0 - leg_extension(xy, stance) / base.leg_vertical_px
        pelvis, trunk = _pelvis_and_trunk(xy, stance)
        out["pelvic_drop_deg"] = pelvis - base.pelvis_ref
        out["trunk_lean_deg"] = trunk - base.trunk_ref
    return out, base
