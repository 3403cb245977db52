"""Which way the person stands in the analysed frames, and whether the legs form a plausible chain."""
from __future__ import annotations

import numpy as np

from screening.core.vocab import VIS_MIN
from screening.core.landmarks import INDEX, LEG, SIDES
from screening.core.track import Track

UPRIGHT_TOLERANCE_DEG = 45.0   # body axis within this of vertical (head up) counts as upright
MIN_FRAMES = 5
MIN_AGREEMENT = 0.8            # resultant length of the frames' directions: below, they disagree


def _mid(track: Track, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    ia, ib = INDEX[a], INDEX[b]
    ok = (track.vis[:, ia] >= VIS_MIN) & (track.vis[:, ib] >= VIS_MIN)
    return (track.xy[:, ia] + track.xy[:, ib]) / 2, ok


def body_axis_deg(track: Track) -> float:
    """Median direction from the feet (or hips) to the shoulders, in degrees clockwise from 'up' in the
    picture: about 0 standing upright, 180 upside down, 90 lying with the head to the right. NaN when
    the body was not seen well enough, or when the frames disagree (a clip that mixes standing and lying,
    e.g. squats then push-ups)."""
    sh, ok_s = _mid(track, "left_shoulder", "right_shoulder")
    an, ok_a = _mid(track, "left_ankle", "right_ankle")
    hp, ok_h = _mid(track, "left_hip", "right_hip")
    low = np.where(ok_a[:, None], an, hp)
    ok = ok_s & (ok_a | ok_h) & track.present
    if ok.sum() < MIN_FRAMES:
        return float("nan")
    v = sh[ok] - low[ok]
    ang = np.arctan2(v[:, 0], -v[:, 1])          # image y points down
    resultant = np.mean(np.exp(1j * ang))          # circular mean: 179 and -179 average to 180
    if abs(resultant) < MIN_AGREEMENT:
        return float("nan")
    return float(np.degrees(np.angle(resultant)))


def turn_to_upright(track: Track) -> int:
    """Counter-clockwise turn (0, 90, 180 or 270 deg, the convention of video.upright) that stands the
    person upright; 0 when they already are, or when it cannot be told."""
    a = body_axis_deg(track)
    if not np.isfinite(a) or abs(a) <= UPRIGHT_TOLERANCE_DEG:
        return 0
    # a body leaning clockwise by a (head to the right for a = 90) stands up after a counter-clockwise
    # turn by a
    return int(round(a / 90.0)) * 90 % 360


EARLY_FRAMES = 12              # the turn is decided from the first frames that show the body this well
EARLY_GIVE_UP = 40             # measured frames after which the early look stops (the whole clip decides)


def early_turn(track: Track) -> int | None:
    """The turn (as turn_to_upright) told from a clip's first analysed frames (`track`, in time order), or
    None while they cannot tell it yet: fewer than EARLY_FRAMES frames show the shoulders and the feet (or
    hips), or those frames disagree. Lets a clip stored turned be turned after a fraction of a second
    instead of after a whole pass; turn_to_upright on the whole track stays the last word."""
    _, ok_s = _mid(track, "left_shoulder", "right_shoulder")
    _, ok_a = _mid(track, "left_ankle", "right_ankle")
    _, ok_h = _mid(track, "left_hip", "right_hip")
    seen = np.flatnonzero(ok_s & (ok_a | ok_h) & track.present)
    if len(seen) < EARLY_FRAMES:
        return None
    k = seen[EARLY_FRAMES - 1] + 1
    first = Track(track.t[:k], track.xy[:k], track.vis[:k], track.width, track.height)
    if not np.isfinite(body_axis_deg(first)):
        return None
    return turn_to_upright(first)


def leg_chain_share(track: Track, frames: np.ndarray, both_legs: bool = True) -> float:
    """Share of the given frames in which the hip is above the knee and the knee above the ankle in the
    picture (what any upright stance, squat or landing shows from the front), on both sides, or with
    both_legs=False on at least one (a single-leg squat's free foot may be lifted)."""
    if len(frames) == 0:
        return float("nan")
    xy = track.xy[frames]
    chains = []
    for s in SIDES:
        hy, ky, ay = (xy[:, LEG[s][p], 1] for p in ("hip", "knee", "ankle"))
        with np.errstate(invalid="ignore"):
            chains.append((hy < ky) & (ky < ay))
    good = (chains[0] & chains[1]) if both_legs else (chains[0] | chains[1])
    return float(good.mean())
