"""Single-leg squats: the stance leg of each repetition, from how the two feet move, and the knee bends that
are not single-leg repetitions (balancing, steps, both feet down)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.core.landmarks import LEG, OTHER
from screening.core.result import Note
from screening.core.track import Track
from screening.core.types import LEGS, Leg
from screening.engine import events as ev
from screening.engine.metrics import Baseline, camera_roll, compute_series, level, standing_frames

# All distances are shares of the standing hip-to-ankle length L (about 85-95 cm in adults), so they hold for
# any camera distance. A foot is about 0.26-0.30 L long.
STEP_L = 0.25       # a standing foot that moved this far (about a foot length) within STEP_S stepped; a planted
STEP_S = 0.5        # foot's points move at most 0.14 L in half a second on clips 41-44 (with the camera moving)
FREE_MORE_L = 0.08  # the free foot moves with the squat at least this much more than the standing foot: a
                    # planted foot's points follow the squat by at most 0.07 L (pose noise, measured on clips
                    # 41-44), a free foot carried by the hips by 0.12 L or more
RAISE_L = 0.10      # ... or is held at least this much higher: a foot set 30 cm behind the other looks only
                    # about 0.05 L higher to a camera at knee height 3 m away
MIN_SEEN = 5        # frames with a foot's points needed to tell how it moved; fewer: it was hidden (behind
                    # the standing leg, where a free foot is held), not standing beside it in plain view
WHY = {"moved": "the free foot moved with the squat while this foot stayed put",
       "raised": "the free foot was held off the floor",
       "hidden": "the free foot was held behind the standing leg",
       "free": "this foot moved with the knee bend while the other stayed put: the other leg stood",
       "both_down": "both feet stayed on the floor",
       "step": "the standing foot moved (a step)",
       "unseen": "the standing foot was not visible"}
ORDER = list(WHY)           # of two reasons for one knee bend (one per leg), the later in WHY is told
ORDER.reverse()


@dataclass
class Rep:
    """A single-leg repetition: its span in the track, the leg that stood, and how that was told (WHY)."""
    span: ev.Span
    leg: Leg
    why: str


@dataclass
class Rejected:
    """A knee bend that is not a single-leg repetition, and why (a key of WHY)."""
    span: ev.Span
    why: str


def levelled(track: Track) -> np.ndarray:
    """The track's points with the camera roll seen when standing taken out (so 'higher' means higher)."""
    return level(track.xy, camera_roll(track.xy, standing_frames(track.xy)), track.width, track.height)


def foot_motion(xy: np.ndarray, side: str, depth: np.ndarray, t: np.ndarray, a: int, b: int,
                leg_px: float) -> tuple[float, float]:
    """How a foot moved over frames a..b of a knee bend whose compression is `depth`, in leg lengths:
    (with the bend: the ankle's path fitted as p + c*t + v*depth, |v| times the depth's range, so that a
    slowly panning or zooming camera (c*t) is not taken for a moving foot; quickest: the farthest it went
    within STEP_S). NaN when the foot was seen in fewer than MIN_SEEN frames."""
    ankle = xy[a:b + 1, LEG[side]["ankle"]]
    d, tt = depth[a:b + 1], t[a:b + 1]
    ok = np.isfinite(ankle).all(axis=1) & np.isfinite(d)
    if ok.sum() < MIN_SEEN:
        return float("nan"), float("nan")
    x = np.column_stack([np.ones(ok.sum()), tt[ok] - tt[0], d[ok]])
    coef, *_ = np.linalg.lstsq(x, ankle[ok], rcond=None)
    with_bend = float(np.linalg.norm(coef[2]) * np.ptp(d[ok]) / leg_px)
    seen, when = ankle[ok], tt[ok]
    later = np.minimum(np.searchsorted(when, when + STEP_S), len(when) - 1)
    quickest = float(np.max(np.linalg.norm(seen[later] - seen, axis=1)) / leg_px)
    return with_bend, quickest


def _lowest(xy: np.ndarray, side: str) -> np.ndarray:
    """Image height of the lowest of ankle, heel and toe per frame (pixels, larger = lower)."""
    ys = np.stack([xy[:, LEG[side][p], 1] for p in ("ankle", "heel", "toe")])
    ok = np.isfinite(ys).any(axis=0)
    return np.where(ok, np.max(np.where(np.isfinite(ys), ys, -np.inf), axis=0), np.nan)


def stands_on(xy: np.ndarray, leg: str, depth: np.ndarray, t: np.ndarray, a: int, b: int,
              leg_px: float) -> tuple[bool, str]:
    """Whether the knee bend of `leg` over frames a..b (its compression `depth`) is a single-leg stance on
    it, and why (a key of WHY): its foot stays put while the other foot moves with the bend, is held up,
    or is hidden."""
    other = OTHER[leg]
    mine, quickest = foot_motion(xy, leg, depth, t, a, b, leg_px)
    if not np.isfinite(mine):
        return False, "unseen"
    free, _ = foot_motion(xy, other, depth, t, a, b, leg_px)
    if np.isfinite(free) and mine - free >= FREE_MORE_L:
        return False, "free"
    if quickest > STEP_L:
        return False, "step"
    if not np.isfinite(free):
        return True, "hidden"
    if free - mine >= FREE_MORE_L:
        return True, "moved"
    with np.errstate(invalid="ignore"):
        raised = (_lowest(xy, leg)[a:b + 1] - _lowest(xy, other)[a:b + 1]) / leg_px
    if np.isfinite(raised).any() and float(np.nanmedian(raised)) >= RAISE_L:
        return True, "raised"
    return False, "both_down"


def find_single_leg_reps(depth: dict[str, np.ndarray], xy: np.ndarray, t: np.ndarray, leg_px: float,
                         measured: np.ndarray | None = None) -> tuple[list[Rep], list[Rejected]]:
    """Single-leg repetitions from each leg's own compression (`depth[leg]`, 0 standing straight on it) and
    the levelled points `xy`, in time order, with the knee bends that are not repetitions.

    Every knee bend of a leg at least events.MIN_REP_DEPTH deep is a candidate; it is a repetition of that
    leg when its foot stays put and the other foot moves, is held up or hidden (stands_on). Of a leg's
    repetitions, those shallower than events.MIN_REP_SHARE of its deepest are left out, as for two legs.
    A free leg's bend (a foot lifted while balancing on the other) fails the test: its own foot moved.
    """
    reps: list[Rep] = []
    rejected: list[Rejected] = []
    for leg in LEGS:
        mine = []
        for sp in ev.find_reps(depth[leg], t, measured, min_share=0.0):
            ok, why = stands_on(xy, leg, depth[leg], t, sp.start, sp.end, leg_px)
            if ok:
                mine.append(Rep(sp, leg, why))
            else:
                rejected.append(Rejected(sp, why))
        deepest = max((depth[leg][r.span.key] for r in mine), default=0.0)
        reps += [r for r in mine if depth[leg][r.span.key] >= ev.MIN_REP_SHARE * deepest]
    reps.sort(key=lambda r: r.span.key)
    kept: list[Rep] = []
    for r in reps:      # the two legs' repetitions overlapping: the deeper one stands (it cannot be both)
        if kept and r.span.start < kept[-1].span.end and r.leg != kept[-1].leg:
            if depth[r.leg][r.span.key] > depth[kept[-1].leg][kept[-1].span.key]:
                kept[-1] = r
            continue
        kept.append(r)
    # a knee bend is 'not a repetition' only where no repetition of either leg explains it and it is not a
    # free leg's (a foot lifted to balance on the other); the two legs' views of one bend count once
    lone: list[Rejected] = []
    for x in sorted(rejected, key=lambda x: ORDER.index(x.why)):
        if x.why != "free" and not any(r.span.start <= x.span.key <= r.span.end for r in kept) \
                and not any(y.span.start <= x.span.key <= y.span.end for y in lone):
            lone.append(x)
    lone.sort(key=lambda x: x.span.key)
    return kept, lone


@dataclass
class SingleLeg:
    """A single-leg squat clip: the measures as seen standing on each leg, one per-frame series for the
    Result (each frame measured as standing on the leg of its repetition, or of the nearest one), and the
    repetitions with their stance legs."""
    by_leg: dict[Leg, tuple[dict[str, np.ndarray], Baseline]]
    series: dict[str, np.ndarray]
    reps: list[Rep]
    rejected: list[Rejected]
    on: np.ndarray                  # (T,) the leg each frame is measured as standing on

    @property
    def base(self) -> Baseline:
        return self.by_leg["left"][1]

    @property
    def legs(self) -> list[Leg]:
        """The legs that stood through at least one repetition, left first."""
        return [leg for leg in LEGS if any(r.leg == leg for r in self.reps)]


def stance_per_frame(n: int, reps: list[Rep], fallback: Leg) -> np.ndarray:
    """(n,) the leg each frame is measured as standing on: its repetition's, else the nearest one's."""
    if not reps:
        return np.full(n, fallback, dtype=object)
    mids = np.array([r.span.key for r in reps])
    out = np.array([reps[int(np.argmin(np.abs(mids - f)))].leg for f in range(n)], dtype=object)
    for r in reps:
        out[r.span.start:r.span.end + 1] = r.leg
    return out


def analyse(track: Track, ratio_xy: np.ndarray | None, fallback: Leg) -> SingleLeg:
    """Measures, repetitions and stance legs of a cleaned single-leg squat track; `fallback` is the leg the
    frames are measured on when no repetition is found."""
    by_leg = {leg: compute_series(track, leg, ratio_xy) for leg in LEGS}
    leg_px = by_leg["left"][1].leg_px
    reps, rejected = find_single_leg_reps({leg: by_leg[leg][0]["depth"] for leg in LEGS}, levelled(track),
                                          track.t, leg_px, track.extra.get("pose_run"))
    on = stance_per_frame(len(track), reps, fallback)
    left, right = by_leg["left"][0], by_leg["right"][0]
    series = {}
    for key in left:
        side = next((sd for sd in LEGS if f"_{sd}" in key), None)
        series[key] = by_leg[side][0][key] if side else np.where(on == "left", left[key], right[key])
    return SingleLeg(by_leg, series, reps, rejected, on)


def notes(one: SingleLeg, named: str | None) -> list[Note]:
    """What the capture notes say about the legs: which leg stood in how many repetitions, a chosen leg that
    never stood, the other leg not filmed, and knee bends that were not counted."""
    out: list[Note] = []
    counts = {leg: sum(r.leg == leg for r in one.reps) for leg in one.legs}
    if counts:
        said = " and ".join(f"{n} on the {leg} leg" for leg, n in counts.items())
        out.append(Note("stance_detected", "info", f"The standing leg of each repetition was found from the video: "
                        f"{said}."))
    if named and one.reps and named not in counts:
        other = OTHER[named]
        out.append(Note("leg_not_tested", "warning", f"You chose the {named} leg, but the {named} leg did not stand "
                        f"through any repetition in this video (every repetition stood on the {other} leg), so "
                        f"the {named} leg is not rated; the {other} leg is.",
                        f"Film 5 repetitions standing on the {named} leg with the {other} foot off the floor."))
    elif len(counts) == 1:
        leg = next(iter(counts))
        out.append(Note("one_leg_only", "info", f"Only the {leg} leg was tested, so the two legs cannot be "
                        "compared.", "Film 5 repetitions on each leg, in either order, in one clip."))
    if one.rejected:
        whys = sorted({WHY[x.why] for x in one.rejected})
        n = len(one.rejected)
        out.append(Note("not_single_leg", "info", f"{n} knee bend{'s were' if n > 1 else ' was'} not counted as "
                        f"a single-leg squat: {'; '.join(whys)}.",
                        "Stand on one leg with the other foot off the floor for the whole repetition."))
    return out
