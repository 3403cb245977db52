"""Synthetic landmark tracks with known geometry: squats, single-leg squats and drop jumps.

Used by the tests to pin metrics and events exactly, and by the app's example result. The knee of
each leg is placed so that its frontal plane projection angle (FPPA) follows a set profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from screening.core.landmarks import INDEX, LEG, N_LANDMARKS
from screening.core.track import Track


@dataclass
class SquatSpec:
    reps: int = 3
    fps: float = 30.0
    rep_s: float = 2.4               # descent + ascent
    pause_s: float = 0.0             # hold at the bottom
    stand_s: float = 1.0             # standing before, between and after reps
    depth: float = 0.25              # hip descent as a fraction of leg length
    fppa_peak: dict[str, float] = field(default_factory=lambda: {"left": 14.0, "right": 3.0})
    arch_peak: dict[str, float] = field(default_factory=lambda: {"left": 0.0, "right": 0.0})  # % leg length
    stance: str | None = None        # single-leg squat: the stance leg
    pelvic_drop_peak: float = 0.0    # degrees, free side down (single-leg squat)
    trunk_lean_peak: float = 0.0     # degrees toward the stance side
    width: int = 720
    height: int = 1280
    leg_px: float = 420.0            # standing hip-to-ankle length in pixels
    roll_deg: float = 0.0            # camera roll
    drop_frames: tuple[int, ...] = ()  # frames with no detection
    jitter_s: float = 0.0            # timestamp jitter (variable frame rate)
    noise_px: float = 0.0
    seed: int = 0


def _depth_profile(spec: SquatSpec) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Time stamps, depth 0..1 per frame, and the frame of each deepest point."""
    half = spec.rep_s / 2
    total = spec.stand_s + spec.reps * (spec.rep_s + spec.pause_s + spec.stand_s)
    n = int(round(total * spec.fps))
    t = np.arange(n) / spec.fps
    rng = np.random.default_rng(spec.seed)
    if spec.jitter_s:
        t = t + rng.uniform(-spec.jitter_s, spec.jitter_s, n)
        t[0] = 0.0
        t = np.maximum.accumulate(t)
    d = np.zeros(n)
    deepest = []
    start = spec.stand_s
    for _ in range(spec.reps):
        down = (t >= start) & (t < start + half)
        d[down] = 0.5 - 0.5 * np.cos(np.pi * (t[down] - start) / half)
        bottom_end = start + half + spec.pause_s
        d[(t >= start + half) & (t < bottom_end)] = 1.0
        up = (t >= bottom_end) & (t < bottom_end + half)
        d[up] = 0.5 + 0.5 * np.cos(np.pi * (t[up] - bottom_end) / half)
        mid = start + half + spec.pause_s / 2
        deepest.append(int(np.argmin(np.abs(t - mid))))
        start = bottom_end + half + spec.stand_s
    return t, d, deepest


def _place_leg(xy, f, side, hip, ankle, fppa_deg, medial_sign, arch_pct, leg_px):
    """Knee midway on the hip-ankle line, offset medially so the FPPA is exactly `fppa_deg`."""
    ha = ankle - hip
    dist = np.linalg.norm(ha)
    along = ha / dist
    medial = np.array([-along[1], along[0]])
    if medial[0] * medial_sign < 0:
        medial = -medial
    offset = dist / 2 * np.tan(np.radians(fppa_deg) / 2)
    knee = hip + ha / 2 + medial * offset
    # Foot seen from the front: heel just above/behind the ankle, toe below it. Arch collapse moves the
    # ankle medially over a foot that stays put.
    foot_x = ankle[0] - medial_sign * arch_pct / 100 * leg_px
    heel = np.array([foot_x, ankle[1] + 0.035 * leg_px])
    toe = np.array([foot_x + 0.02 * leg_px * -medial_sign, ankle[1] + 0.11 * leg_px])
    for part, p in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel), ("toe", toe)):
        xy[f, LEG[side][part]] = p


def synthetic_squat(spec: SquatSpec | None = None) -> tuple[Track, dict]:
    """A person facing the camera doing squats (or single-leg squats) with known FPPA per leg.

    Returns the track and the truth: deepest frames and the FPPA / arch values at those frames.
    """
    spec = spec or SquatSpec()
    t, d, deepest = _depth_profile(spec)
    n = len(t)
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    cx, L = spec.width / 2, spec.leg_px
    hip_w = 0.42 * L          # hip-centre separation in pixels
    ankle_w = 0.46 * L
    y_ankle = spec.height * 0.88
    for f in range(n):
        drop = spec.depth * L * d[f]
        y_hip = y_ankle - L + drop
        tilt = np.radians(spec.pelvic_drop_peak * d[f])
        for side, sx in (("left", +1), ("right", -1)):      # facing the camera: person's left on image right
            stance_free = spec.stance is not None and side != spec.stance
            hip = np.array([cx + sx * hip_w / 2, y_hip])
            if spec.stance is not None:
                # pelvis rotates about the stance hip: the free side drops
                s_hip = np.array([cx + (1 if spec.stance == "left" else -1) * hip_w / 2, y_hip])
                if stance_free:
                    hip = s_hip + (hip - s_hip) @ np.array([[np.cos(tilt), 0], [0, 1]]) + \
                        np.array([0, np.sin(tilt) * hip_w])
            ankle = np.array([cx + sx * ankle_w / 2, y_ankle - (0.3 * L if stance_free else 0.0)])
            fp = spec.fppa_peak.get(side, 0.0) * d[f]
            if stance_free:
                fp = 0.0
            _place_leg(xy, f, side, hip, ankle, fp, -sx, spec.arch_peak.get(side, 0.0) * d[f], L)
        mid_hip = (xy[f, INDEX["left_hip"]] + xy[f, INDEX["right_hip"]]) / 2
        lean = np.radians(spec.trunk_lean_peak * d[f])
        toward = 0.0 if spec.stance is None else (1.0 if spec.stance == "left" else -1.0)
        torso = 0.75 * L
        mid_sh = mid_hip + np.array([toward * np.sin(lean) * torso, -np.cos(lean) * torso])
        xy[f, INDEX["left_shoulder"]] = mid_sh + np.array([0.6 * hip_w, 0])
        xy[f, INDEX["right_shoulder"]] = mid_sh - np.array([0.6 * hip_w, 0])
        _fill_upper_body(xy, f, mid_sh, hip_w)
    truth: dict[str, Any] = {"deepest": deepest, "fppa": {}, "depth_profile": d}
    for side in ("left", "right"):
        free = spec.stance is not None and side != spec.stance
        truth["fppa"][side] = 0.0 if free else spec.fppa_peak.get(side, 0.0)
    return _finish(xy, t, spec), truth


def _fill_upper_body(xy, f, mid_sh, hip_w):
    """Head and arms: plausible points so that every landmark is present."""
    head = mid_sh + np.array([0, -0.35 * hip_w * 2])
    for name in ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
                 "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right"):
        xy[f, INDEX[name]] = head
    for side, sx in (("left", 1), ("right", -1)):
        sh = xy[f, INDEX[f"{side}_shoulder"]]
        xy[f, INDEX[f"{side}_elbow"]] = sh + np.array([sx * 0.1 * hip_w, 0.6 * hip_w])
        for name in ("wrist", "pinky", "index", "thumb"):
            xy[f, INDEX[f"{side}_{name}"]] = sh + np.array([sx * 0.1 * hip_w, 1.2 * hip_w])


def _finish(xy: np.ndarray, t: np.ndarray, spec) -> Track:
    rng = np.random.default_rng(spec.seed + 1)
    if spec.noise_px:
        xy = xy + rng.normal(0, spec.noise_px, xy.shape)
    if spec.roll_deg:
        c = np.array([spec.width / 2, spec.height / 2])
        a = np.radians(spec.roll_deg)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        xy = (xy - c) @ rot.T + c
    vis = np.full(xy.shape[:2], 0.98)
    for f in spec.drop_frames:
        if 0 <= f < len(t):
            xy[f] = np.nan
            vis[f] = 0.0
    return Track(t=t, xy=xy, vis=vis, width=spec.width, height=spec.height)


@dataclass
class DropJumpSpec:
    fps: float = 60.0
    box_px: float = 120.0            # box height in pixels
    fppa_peak: dict[str, float] = field(default_factory=lambda: {"left": 16.0, "right": 6.0})
    fppa_contact: dict[str, float] = field(default_factory=lambda: {"left": 4.0, "right": 2.0})
    width: int = 720
    height: int = 1280
    leg_px: float = 400.0
    drop_frames: tuple[int, ...] = ()
    noise_px: float = 0.0
    jitter_s: float = 0.0
    roll_deg: float = 0.0
    seed: int = 0


def synthetic_drop_jump(spec: DropJumpSpec | None = None) -> tuple[Track, dict]:
    """Stand on a box, drop, land (initial contact), sink to peak knee flexion, jump, land, stand."""
    spec = spec or DropJumpSpec()
    fps = spec.fps
    phases = [("box", 0.8), ("fall", None), ("absorb", 0.25), ("push", 0.2), ("flight", 0.4),
              ("land2", 0.35), ("stand", 0.8)]
    g = 9.81
    fall_s = np.sqrt(2 * 0.35 / g)   # ~35 cm box
    dur = {k: (v if v is not None else fall_s) for k, v in phases}
    edges = np.cumsum([0] + [dur[k] for k, _ in phases])
    n = int(edges[-1] * fps)
    t = np.arange(n) / fps
    L = spec.leg_px
    floor = spec.height * 0.9
    foot_y = np.full(n, floor)
    depth = np.zeros(n)
    fp_scale = np.zeros(n)
    ph = np.searchsorted(edges, t, side="right") - 1
    ic_frame = None
    for f in range(n):
        name = phases[ph[f]][0]
        u = (t[f] - edges[ph[f]]) / dur[name]
        if name == "box":
            foot_y[f] = floor - spec.box_px
        elif name == "fall":
            foot_y[f] = floor - spec.box_px * (1 - u ** 2)
        elif name == "absorb":
            ic_frame = f if ic_frame is None else ic_frame
            depth[f] = np.sin(np.pi / 2 * u)
            fp_scale[f] = u
        elif name == "push":
            depth[f] = np.cos(np.pi / 2 * u)
            fp_scale[f] = 1 - u
        elif name == "flight":
            foot_y[f] = floor - 0.5 * spec.box_px * np.sin(np.pi * u)
        elif name == "land2":
            depth[f] = np.sin(np.pi * u)
            fp_scale[f] = np.sin(np.pi * u)
    pkf_frame = int(np.flatnonzero(ph == 2)[-1])     # end of the absorption: hips lowest
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    cx = spec.width / 2
    hip_w, ankle_w = 0.42 * L, 0.46 * L
    for f in range(n):
        y_ankle = foot_y[f] - 0.11 * L
        y_hip = y_ankle - L + 0.35 * L * depth[f]
        for side, sx in (("left", 1), ("right", -1)):
            hip = np.array([cx + sx * hip_w / 2, y_hip])
            ankle = np.array([cx + sx * ankle_w / 2, y_ankle])
            c, p = spec.fppa_contact[side], spec.fppa_peak[side]
            fp = (c + (p - c) * fp_scale[f]) if ph[f] in (2, 3, 5) else 0.0
            _place_leg(xy, f, side, hip, ankle, fp, -sx, 0.0, L)
        mid_hip = (xy[f, INDEX["left_hip"]] + xy[f, INDEX["right_hip"]]) / 2
        mid_sh = mid_hip + np.array([0, -0.75 * L])
        xy[f, INDEX["left_shoulder"]] = mid_sh + np.array([0.6 * hip_w, 0])
        xy[f, INDEX["right_shoulder"]] = mid_sh - np.array([0.6 * hip_w, 0])
        _fill_upper_body(xy, f, mid_sh, hip_w)
    assert ic_frame is not None       # set in the first absorb frame (pkf_frame above found one)
    truth = {"contact": int(ic_frame), "peak": pkf_frame,
             "fppa_peak": dict(spec.fppa_peak), "fppa_contact": dict(spec.fppa_contact)}
    return _finish(xy, t, spec), truth
