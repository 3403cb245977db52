"""A person lying on one side (the clamshell): which way up the picture is, and the capture checks for it."""
from __future__ import annotations

import numpy as np

from screening.core.errors import AnalysisError
from screening.core.landmarks import INDEX, LEG, OTHER, SIDES
from screening.core.result import Note
from screening.core.track import Track
from screening.core.vocab import VIS_MIN
from screening.engine.quality import DARK_LUMA, FIX_LIGHT, dark_note, file_notes

MIN_FRAMES = 8               # a clamshell clip needs this many frames (the real 3.3 fps clip has 14) ...
MIN_DURATION_S = 2.0         # ... and this long: one opening and closing takes 2-5 s
MIN_SEEN = 5                 # frames with hips and knees seen
AXIS_TILT_MAX_DEG = 45.0     # the body's long axis must run within this of the picture's horizontal
MIN_MOVING_DEG = 8.0         # a top knee's opening range that tells the working side (events.MIN_OPENING_DEG)
# Torso length / shoulder-stack height, seen from in front of the body: 1.7 on both clamshell clips here (the
# real person and the animation). Head or feet toward the camera shorten the torso; a camera above the body
# shortens the stack (the shoulders then lie behind each other). KneeScreen's limits, not published ones.
TOWARD_RATIO, ANGLED_RATIO, ABOVE_RATIO = 0.7, 1.0, 4.0
LEGS_ALONG_MAX = 1.3         # hip-to-ankle along the body / torso length: above, the legs are straight (standing)

FIX_LYING = ("Lie on your side across the picture, knees bent, heels together; phone on the floor or a low "
             "shelf 1.5-3 m in front of your body, whole body in the picture.")


def _seen(track: Track, names: tuple[str, ...]) -> np.ndarray:
    idx = [INDEX[n] for n in names]
    return np.asarray((track.vis[:, idx] >= VIS_MIN).all(axis=1) & track.present)


def _knee_swing(xy: np.ndarray, side: str) -> float:
    """Range (10th to 90th percentile, degrees) of the direction of a thigh (hip to knee) over the clip."""
    v = xy[:, LEG[side]["knee"]] - xy[:, LEG[side]["hip"]]
    a = np.degrees(np.unwrap(np.arctan2(v[:, 1], v[:, 0])[np.isfinite(v).all(axis=1)]))
    return float(np.percentile(a, 90) - np.percentile(a, 10)) if len(a) >= 3 else 0.0


def working_side(track: Track) -> str | None:
    """The side whose thigh swings (the top leg opening), or None when neither clearly does."""
    xy = np.where((track.vis >= VIS_MIN)[..., None], track.xy, np.nan)
    swing = {s: _knee_swing(xy, s) for s in SIDES}
    top = max(swing, key=swing.__getitem__)
    return top if swing[top] >= MIN_MOVING_DEG and swing[top] >= 2 * swing[OTHER[top]] else None


def turn_lying(track: Track) -> int:
    """Counter-clockwise turn (0, 90, 180 or 270 deg, as video.upright turns) that puts the working side's hip
    above the other hip (a lying person's top leg is the one that opens); 0 when it cannot be told."""
    top = working_side(track)
    if top is None:
        return 0
    seen = _seen(track, ("left_hip", "right_hip"))
    if seen.sum() < MIN_SEEN:
        return 0
    u = np.median(track.xy[seen, LEG[top]["hip"]] - track.xy[seen, LEG[OTHER[top]]["hip"]], axis=0)
    best, turn = None, 0
    for k in range(4):                 # a counter-clockwise quarter turn takes (x, y) to (y, -x)
        score = -u[1]                  # how much the vector points up (image y grows downward)
        if best is None or score > best:
            best, turn = score, 90 * k
        u = np.array([u[1], -u[0]])
    return turn


VIEWS_DIFFER = 0.15        # the two views' hip (or shoulder) stack lengths differing by more than this share


def views_agree(track: Track) -> Track:
    """The track with the direct view's points in frames where the two views (as filmed and mirrored, see
    pose.combine) disagree: one names the sides the other way round, or their hip or shoulder stacks differ
    in length by more than VIEWS_DIFFER. Seen lying, MediaPipe sometimes squeezes the hips together in one
    view; their mean would then read as a pelvis roll. On the real clip the views agree within 7%."""
    direct = track.extra.get("direct")
    if not isinstance(direct, Track) or direct.xy.shape != track.xy.shape:
        return track
    d, m = direct.xy, 2 * track.xy - direct.xy          # combine() took the mean of the two views
    differ = np.zeros(len(track), bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for part in ("hip", "knee", "shoulder"):
            a, b = LEG["left"][part], LEG["right"][part]
            straight = np.linalg.norm(d[:, a] - m[:, a], axis=1) + np.linalg.norm(d[:, b] - m[:, b], axis=1)
            cross = np.linalg.norm(d[:, a] - m[:, b], axis=1) + np.linalg.norm(d[:, b] - m[:, a], axis=1)
            differ |= cross < straight
            if part != "knee":
                ld, lm = np.linalg.norm(d[:, a] - d[:, b], axis=1), np.linalg.norm(m[:, a] - m[:, b], axis=1)
                differ |= np.abs(lm - ld) > VIEWS_DIFFER * ld
    if not differ.any():
        return track
    xy, vis = track.xy.copy(), track.vis.copy()
    xy[differ], vis[differ] = d[differ], direct.vis[differ]
    out = Track(track.t, xy, vis, track.width, track.height, track.frame, dict(track.extra))
    out.extra["views_differ"] = differ
    return out


def _median(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(np.median(a)) if len(a) else float("nan")


def lying_geometry(track: Track, frames: np.ndarray) -> dict[str, float]:
    """Medians over `frames`: the body axis' tilt from horizontal (deg), torso length / shoulder-stack height,
    and how far the ankles lie from the hips along the body, in torso lengths."""
    xy = track.xy[frames]
    mid_hip = (xy[:, INDEX["left_hip"]] + xy[:, INDEX["right_hip"]]) / 2
    mid_sh = (xy[:, INDEX["left_shoulder"]] + xy[:, INDEX["right_shoulder"]]) / 2
    mid_ankle = (xy[:, INDEX["left_ankle"]] + xy[:, INDEX["right_ankle"]]) / 2
    axis = mid_sh - mid_hip
    torso = np.linalg.norm(axis, axis=1)
    stack = np.linalg.norm(xy[:, INDEX["left_shoulder"]] - xy[:, INDEX["right_shoulder"]], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        tilt = np.degrees(np.arctan2(np.abs(axis[:, 1]), np.abs(axis[:, 0])))
        along = -np.sum((mid_ankle - mid_hip) * axis, axis=1) / torso ** 2
        return {"tilt_deg": _median(tilt), "ratio": _median(torso / stack), "legs_along": _median(along)}


def check_lying(track: Track, *, duration_s: float, luma: np.ndarray | None = None, fps: float | None = None,
                low_fps_below: float | None = None, truncated: bool = False, vfr: bool = False) -> list[Note]:
    """The capture checks of a side-lying test: raise AnalysisError when nothing can be measured, else return
    the notes that qualify the result."""
    notes: list[Note] = []
    n = len(track)
    luma = None if luma is None else np.asarray(luma, float)[np.isfinite(luma)]
    mean_luma = float(np.mean(luma)) if luma is not None and len(luma) else None
    dark = mean_luma is not None and mean_luma < DARK_LUMA
    if n < MIN_FRAMES or duration_s < MIN_DURATION_S:
        raise AnalysisError(f"The clip is too short ({duration_s:.1f} s, {n} frames) to see a clamshell.",
                            "too_short", "Film at least 3 slow openings and closings (about 15 s).")
    present = track.present
    if present.sum() < min(MIN_SEEN, n):
        if dark:
            raise AnalysisError(f"No person could be found, and the video is very dark (brightness "
                                f"{mean_luma:.0f} of 255).", "too_dark", FIX_LIGHT)
        raise AnalysisError("No person could be found in the video.", "no_person", FIX_LYING)
    legs = _seen(track, ("left_hip", "right_hip", "left_knee", "right_knee"))
    body = legs & _seen(track, ("left_shoulder", "right_shoulder"))
    if legs.sum() < MIN_SEEN or body.sum() < MIN_SEEN:
        raise AnalysisError("Your hips, knees and shoulders are not all in view, so the clamshell cannot be "
                            "measured.", "legs_not_visible", FIX_LYING)
    geo = lying_geometry(track, np.flatnonzero(body))
    if not geo["tilt_deg"] <= AXIS_TILT_MAX_DEG:
        raise AnalysisError("The person does not lie across the picture (the body runs up and down in it), so "
                            "the top hip cannot be seen stacked over the bottom one.", "not_lying", FIX_LYING)
    if geo["ratio"] < TOWARD_RATIO:
        raise AnalysisError("You seem to lie with your head or feet toward the camera: from there the pelvis "
                            "cannot be seen stacked.", "lying_toward_camera", FIX_LYING)
    if geo["ratio"] > ABOVE_RATIO:
        raise AnalysisError("The camera seems to look down on you from above: from there the top hip hides "
                            "the bottom one.", "filmed_from_above", FIX_LYING)
    if geo["legs_along"] > LEGS_ALONG_MAX:
        raise AnalysisError("The body points show straight legs in line with the body, not a clamshell (knees "
                            "bent in front of you): the person may be standing, or the picture turned.",
                            "legs_implausible", FIX_LYING)
    if geo["ratio"] < ANGLED_RATIO:
        notes.append(Note("oblique", "warning", "The camera is not square to your body (filmed from near your "
                          "head or feet): the hip stack and the opening may be misread.", FIX_LYING))
    share = body.sum() / max(present.sum(), 1)
    if share < 0.8:
        notes.append(Note("body_out_of_frame", "warning", f"Hips, knees or shoulders were out of view in "
                          f"{1 - share:.0%} of the frames with a person.", FIX_LYING))
    heels = _seen(track, ("left_heel", "right_heel")) | _seen(track, ("left_ankle", "right_ankle"))
    if heels.sum() < 0.5 * max(present.sum(), 1):
        notes.append(Note("feet_hidden", "info", "The feet were hidden or poorly seen (often, lying, the top "
                          "foot covers the bottom one): whether the heels stayed together could not be measured."))
    if present.mean() < 0.8:
        notes.append(Note("person_missing", "info", f"No person was found in {1 - present.mean():.0%} of the "
                          "frames; those frames were skipped."))
    if dark and mean_luma is not None:
        notes.append(dark_note(mean_luma))
    rate = fps if fps is not None else track.fps
    if low_fps_below is not None and rate < low_fps_below:
        notes.append(Note("low_fps", "warning", f"Filmed at {rate:.0f} frames per second: a repetition spans "
                          "only a few frames, so its start, hold and tempo are rough.",
                          "Film at 30 fps (any phone's normal video setting)."))
    return notes + file_notes(truncated, vfr)

