"""Synthetic clamshell tracks from a 3D model: a person lying on one side, the top knee opening, the pelvis
and trunk rolling back about the body's long axis by set angles, projected by a pinhole camera in front.

World axes in metres: X along the body (toward the head), Y up, Z toward the camera. Used by the tests to
pin the clamshell measures against the geometry, and by the live session's tests.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.core.landmarks import INDEX, N_LANDMARKS
from screening.core.track import Track

C45 = np.cos(np.radians(45))


@dataclass
class ClamshellSpec:
    reps: int = 3
    fps: float = 30.0
    lift_s: float = 1.0              # linear ramps of the opening angle
    hold_s: float = 2.0
    lower_s: float = 2.0
    rest_s: float = 1.0              # closed before, between and after the repetitions
    opening_deg: float = 40.0        # the top thigh's turn about the hip-to-feet axis at the top
    pelvis_roll_deg: float = 0.0     # the pelvis turns back this far at the top (in step with the opening)
    trunk_roll_deg: float = 0.0      # ... and the shoulders this far
    heels_apart_m: float = 0.0       # the top heel lifts off the bottom one by this much at the top
    mirrored: bool = False           # head to the picture's left (lying on the right side, left leg on top)
    camera_height_m: float = 0.2     # floor level, about hip height
    distance_m: float = 2.5
    width: int = 1280
    height: int = 720
    focal_px: float = 1000.0
    noise_px: float = 0.0
    seed: int = 0


def _rotate(p: np.ndarray, a: np.ndarray, b: np.ndarray, deg: float) -> np.ndarray:
    """Point p turned by deg about the axis from a to b (right-hand rule, Rodrigues)."""
    k = (b - a) / np.linalg.norm(b - a)
    v = p - a
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return a + v * c + np.cross(k, v) * s + k * np.dot(k, v) * (1 - c)


def profile(spec: ClamshellSpec) -> tuple[np.ndarray, np.ndarray]:
    """Time stamps and the share of the full opening (0 closed, 1 at the top) per frame: linear ramps."""
    period = spec.lift_s + spec.hold_s + spec.lower_s + spec.rest_s
    total = spec.rest_s + spec.reps * period
    t = np.arange(int(round(total * spec.fps))) / spec.fps
    share = np.zeros(len(t))
    for r in range(spec.reps):
        t0 = spec.rest_s + r * period
        up = (t - t0) / spec.lift_s
        down = 1 - (t - t0 - spec.lift_s - spec.hold_s) / spec.lower_s
        share = np.maximum(share, np.clip(np.minimum(np.minimum(up, 1.0), down), 0.0, 1.0))
    return t, share


def body_points(spec: ClamshellSpec, share: float) -> dict[str, np.ndarray]:
    """The 3D points of one moment: top and bottom hip, knee, ankle, heel, toe and shoulder, and the head."""
    bh, th = np.array([0.0, 0.10, 0.0]), np.array([0.0, 0.28, 0.0])          # hip joints 18 cm apart
    bs, ts = np.array([0.50, 0.14, 0.0]), np.array([0.50, 0.50, 0.0])        # shoulders 36 cm apart
    thigh, shank = 0.42 * np.array([-C45, 0, C45]), 0.40 * np.array([-C45, 0, -C45])   # hips 45, knees 90 deg
    bk = bh + thigh
    ba = bk + shank
    tk0, ta = bk + [0, 0.10, 0], ba + [0, 0.08, 0]                            # stacked legs, feet together
    lift = np.array([0.0, spec.heels_apart_m * share, 0.0])
    tk = _rotate(tk0, th, ta, -spec.opening_deg * share)
    if _rotate(tk0, th, ta, -10.0)[1] < tk0[1]:                              # open upward, whichever the sign
        tk = _rotate(tk0, th, ta, spec.opening_deg * share)
    roll = spec.pelvis_roll_deg * share        # back = away from the camera: about +X, Y turns toward -Z
    axis_a, axis_b = bh, bh + [1.0, 0, 0]
    th_r, tk_r = _rotate(th, axis_a, axis_b, -roll), _rotate(tk, axis_a, axis_b, -roll)
    ts_r = _rotate(ts, bs, bs + [1.0, 0, 0], -spec.trunk_roll_deg * share)
    heel, toe = np.array([-0.04, 0.0, -0.04]), np.array([0.02, 0.0, 0.12])
    return {"bottom_hip": bh, "top_hip": th_r, "bottom_knee": bk, "top_knee": tk_r, "bottom_ankle": ba,
            "top_ankle": ta + lift, "bottom_heel": ba + heel, "top_heel": ta + heel + lift, "bottom_toe": ba + toe,
            "top_toe": ta + toe + lift, "bottom_shoulder": bs, "top_shoulder": ts_r,
            "head": np.array([0.75, 0.25, 0.05])}


def project(spec: ClamshellSpec, p: np.ndarray) -> np.ndarray:
    """Pixel position of a world point in the pinhole camera (at X = 0.1 m, camera height, distance_m)."""
    x, y, z = p[0] - 0.1, p[1] - spec.camera_height_m, spec.distance_m - p[2]
    u = spec.width / 2 + spec.focal_px * x / z
    if spec.mirrored:
        u = spec.width - u
    return np.array([u, spec.height * 0.6 - spec.focal_px * y / z])


def synthetic_clamshell(spec: ClamshellSpec | None = None) -> tuple[Track, dict]:
    """The track (every landmark visible) and the truth: the share of the opening per frame, the frames at
    the top of each repetition, and the projected points of every frame."""
    spec = spec or ClamshellSpec()
    t, share = profile(spec)
    top, bottom = ("left", "right") if spec.mirrored else ("right", "left")   # facing the camera
    xy: np.ndarray = np.full((len(t), N_LANDMARKS, 2), np.nan)
    rng = np.random.default_rng(spec.seed)
    points = []
    for f, sh in enumerate(share):
        pts = {k: project(spec, v) for k, v in body_points(spec, sh).items()}
        points.append(pts)
        for role, side in (("top", top), ("bottom", bottom)):
            for part, name in (("hip", "hip"), ("knee", "knee"), ("ankle", "ankle"), ("heel", "heel"),
                               ("toe", "foot_index"), ("shoulder", "shoulder")):
                xy[f, INDEX[f"{side}_{name}"]] = pts[f"{role}_{part}"]
            for part in ("elbow", "wrist", "pinky", "index", "thumb"):                 # arms along the trunk
                xy[f, INDEX[f"{side}_{part}"]] = (pts[f"{role}_shoulder"] + pts[f"{role}_hip"]) / 2
        for name in ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
                     "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right"):
            xy[f, INDEX[name]] = pts["head"]
    if spec.noise_px:
        xy = xy + rng.normal(0, spec.noise_px, xy.shape)
    track = Track(t, xy, np.ones((len(t), N_LANDMARKS)), spec.width, spec.height)
    tops = [int(i) for i in np.flatnonzero(share == 1.0)]
    return track, {"share": share, "top_frames": tops, "points": points, "top": top}
