"""Synthetic single-leg squat clips with known stance legs: repetitions on either leg, balancing, leg changes,
steps, and a free foot held behind the standing leg.

A clip is a list of moves, one after the other (see Move). The truth returned with the track says which
leg stood in each repetition and at which frames, and which frames are not repetitions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from screening.core.landmarks import INDEX, LEG, OTHER
from screening.core.track import Track
from screening.engine.synthetic import SquatSpec, _fill_upper_body, _finish, _place_leg


@dataclass(frozen=True)
class Move:
    """One part of the clip. kind: 'rep' (a single-leg squat on `leg`, hips down by `depth` of leg length,
    holding the bottom `pause_s`), 'balance' (standing on `leg`, the other foot up, `seconds` long), 'both'
    (both feet down, `seconds`), 'step' (both feet down, the `leg` foot lifted and put down `shift` leg
    lengths further out), 'slip' (a repetition on `leg` whose foot slides `shift` leg lengths at the bottom)."""
    kind: str
    leg: str = "left"
    seconds: float = 1.0
    depth: float = 0.25
    pause_s: float = 0.0
    shift: float = 0.35


@dataclass
class SingleLegSpec:
    moves: tuple[Move, ...] = (Move("both"), Move("rep", "left"), Move("both"), Move("rep", "right"), Move("both"))
    fps: float = 30.0
    rep_s: float = 2.4               # descent + ascent
    lift_s: float = 0.4              # lifting or putting down the free foot
    lift: float = 0.25               # free foot height above the floor, share of leg length
    carry: float = 0.5               # share of the hips' drop the free foot follows (its knee bends the rest)
    fppa_peak: dict[str, float] = field(default_factory=lambda: {"left": 14.0, "right": 4.0})
    pelvic_drop: dict[str, float] = field(default_factory=dict)   # deg, free side down, per standing leg
    hide_free: bool = False          # the free foot is held behind the standing leg (not visible)
    leg_px: float = 420.0
    width: int = 720
    height: int = 1280
    noise_px: float = 0.0
    seed: int = 0


def _timeline(spec: SingleLegSpec):
    """Per frame: stance ('left', 'right' or ''), how far into the squat 0..1, hip drop (leg lengths), each
    foot's lift (leg lengths) and sideways shift, and the truth (repetitions and moments that are not)."""
    fps, lift_n = spec.fps, max(1, int(round(spec.lift_s * spec.fps)))
    stance: list[str] = []
    drop: list[float] = []
    deep: list[float] = []
    lift: dict[str, list[float]] = {"left": [], "right": []}
    shift: dict[str, list[float]] = {"left": [0.0], "right": [0.0]}
    truth: dict = {"reps": [], "not_reps": []}
    on = ""                                            # the leg stood on at the end of the previous move

    def add(n, st, dr, lifts, depth=0.0):
        for k in range(n):
            stance.append(st)
            drop.append(dr(k / max(n - 1, 1)))
            deep.append(depth)
            for sd in ("left", "right"):
                lift[sd].append(lifts[sd](k / max(n - 1, 1)))
                shift[sd].append(shift[sd][-1])

    def onto(leg):                                     # lift the other foot (putting the previous one down)
        nonlocal on
        if on == leg:
            return
        if on:
            add(lift_n, on, lambda u: 0.0, {on: lambda u: 0.0, OTHER[on]: lambda u: spec.lift * (1 - u)})
        add(lift_n, leg, lambda u: 0.0, {leg: lambda u: 0.0, OTHER[leg]: lambda u: spec.lift * u})
        on = leg

    def down():
        nonlocal on
        if on:
            add(lift_n, on, lambda u: 0.0, {on: lambda u: 0.0, OTHER[on]: lambda u: spec.lift * (1 - u)})
        on = ""

    for m in spec.moves:
        if m.kind in ("rep", "slip"):
            onto(m.leg)
            free = OTHER[m.leg]
            a, half = len(stance), int(round(spec.rep_s / 2 * fps))
            pause = int(round(m.pause_s * fps))
            curve = lambda u: 0.5 - 0.5 * np.cos(np.pi * u)        # noqa: E731 - a smooth 0 -> 1
            keep = {m.leg: lambda u: 0.0, free: lambda u: spec.lift}
            add(half, m.leg, curve, keep, m.depth)
            if m.kind == "slip":                       # the standing foot slides out at the bottom
                for k in range(max(pause, lift_n)):
                    stance.append(m.leg)
                    drop.append(1.0)
                    deep.append(m.depth)
                    lift[m.leg].append(0.0)
                    lift[free].append(spec.lift)
                    shift[m.leg].append(shift[m.leg][-1] + m.shift / max(pause, lift_n))
                    shift[free].append(shift[free][-1])
            else:
                add(pause, m.leg, lambda u: 1.0, keep, m.depth)
            add(half, m.leg, lambda u: 1 - curve(u), keep, m.depth)
            key = a + half + max(pause, lift_n if m.kind == "slip" else 0) // 2
            (truth["reps"] if m.kind == "rep" else truth["not_reps"]).append(
                dict(leg=m.leg, start=a, bottom=key, end=len(stance) - 1, what=m.kind))
        elif m.kind == "balance":
            onto(m.leg)
            a = len(stance)
            add(int(round(m.seconds * fps)), m.leg, lambda u: 0.0,
                {m.leg: lambda u: 0.0, OTHER[m.leg]: lambda u: spec.lift})
            truth["not_reps"].append(dict(leg=m.leg, start=a, end=len(stance) - 1, what="balance"))
        elif m.kind == "both":
            down()
            a = len(stance)
            add(int(round(m.seconds * fps)), "", lambda u: 0.0, {"left": lambda u: 0.0, "right": lambda u: 0.0})
            truth["not_reps"].append(dict(leg="", start=a, end=len(stance) - 1, what="both"))
        elif m.kind == "step":
            down()
            a, n = len(stance), 2 * lift_n
            other = OTHER[m.leg]
            for k in range(n):
                u = k / (n - 1)
                stance.append(other)
                drop.append(0.0)
                deep.append(0.0)
                lift[m.leg].append(0.1 * np.sin(np.pi * u))
                lift[other].append(0.0)
                shift[m.leg].append(shift[m.leg][-1] + m.shift / n)
                shift[other].append(shift[other][-1])
            truth["not_reps"].append(dict(leg=m.leg, start=a, end=len(stance) - 1, what="step"))
    return stance, np.array(drop), np.array(deep) * np.array(drop), {k: np.array(v) for k, v in lift.items()}, \
        {k: np.array(v[1:]) for k, v in shift.items()}, truth


def synthetic_single_leg(spec: SingleLegSpec | None = None) -> tuple[Track, dict]:
    """A person facing the camera doing the spec's moves. Returns the track and the truth: 'reps' (leg,
    start, bottom, end frames) and 'not_reps' (balancing, both feet down, steps, a slipping foot)."""
    spec = spec or SingleLegSpec()
    stance, phase, drop, lift, shift, truth = _timeline(spec)
    n = len(stance)
    t = np.arange(n) / spec.fps
    L, cx = spec.leg_px, spec.width / 2
    hip_w, ankle_w, floor = 0.42 * L, 0.46 * L, spec.height * 0.88
    xy = np.full((n, 33, 2), np.nan)
    vis = np.full((n, 33), 0.98)
    for f in range(n):
        y_hip = floor - L + drop[f] * L
        tilt = np.radians(spec.pelvic_drop.get(stance[f], 0.0) * phase[f])
        for side, sx in (("left", +1), ("right", -1)):       # facing the camera: the person's left on image right
            hip = np.array([cx + sx * hip_w / 2, y_hip])
            if stance[f] and side != stance[f]:              # the pelvis turns about the standing hip
                hip = np.array([cx - sx * hip_w / 2 + sx * hip_w * np.cos(tilt), y_hip + hip_w * np.sin(tilt)])
            up = lift[side][f]
            carried = spec.carry * drop[f] * L if stance[f] and side != stance[f] else 0.0
            ankle = np.array([cx + sx * (ankle_w / 2 + shift[side][f] * L), floor - up * L + carried])
            standing = stance[f] in ("", side)
            fp = spec.fppa_peak.get(side, 0.0) * phase[f] if standing and stance[f] else 0.0
            _place_leg(xy, f, side, hip, ankle, fp, -sx, 0.0, L)
            if spec.hide_free and not standing:
                for part in ("ankle", "heel", "toe"):
                    vis[f, LEG[side][part]] = 0.1
        mid_hip = (xy[f, INDEX["left_hip"]] + xy[f, INDEX["right_hip"]]) / 2
        mid_sh = mid_hip + np.array([0.0, -0.75 * L])
        xy[f, INDEX["left_shoulder"]] = mid_sh + np.array([0.6 * hip_w, 0])
        xy[f, INDEX["right_shoulder"]] = mid_sh - np.array([0.6 * hip_w, 0])
        _fill_upper_body(xy, f, mid_sh, hip_w)
    track = _finish(xy, t, SquatSpec(width=spec.width, height=spec.height, noise_px=spec.noise_px, seed=spec.seed))
    track.vis = np.minimum(track.vis, vis)
    return track, truth
