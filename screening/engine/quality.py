"""Capture checks: stop with a clear error, or qualify a result with notes a user can act on."""
from __future__ import annotations

import numpy as np

from screening.core.errors import AnalysisError
from screening.core.landmarks import INDEX, LEG, SIDES
from screening.engine.metrics import standing_frames
from screening.engine.orientation import leg_chain_share
from screening.core.result import Note
from screening.core.specs import SPECS
from screening.core.track import Track
from screening.core.vocab import VIS_MIN

MIN_FRAMES = 15
MIN_DURATION_S = 1.0
MIN_PERSON_FRAMES = 10
DARK_LUMA = 40.0            # mean brightness (0-255) under which a clip counts as too dark
SIDE_VIEW_RATIO = 0.33      # shoulder width / torso length below this: side view (front ~0.65-1.0,
OBLIQUE_RATIO = 0.58        # 45-degree oblique ~0.42-0.57, side 0.04-0.23 on the test clips); below: oblique
MIN_LEG_CHAIN = 0.5        # share of standing frames with hip above knee above ankle on both sides

FIX_FRONT = "Film from the front: phone at knee-to-hip height, 2-4 m away, square to you, whole body in frame."
FIX_FRAME = "Step back or turn the phone so your whole body, feet included, stays in the picture."
FIX_LIGHT = "Film in even, bright light (face a window or switch on the room lights)."


def _legs_visible(track: Track) -> np.ndarray:
    idx = [LEG[s][p] for s in SIDES for p in ("hip", "knee", "ankle")]
    return np.asarray((track.vis[:, idx] >= VIS_MIN).all(axis=1))   # all() is typed as maybe a scalar


def _feet_in_frame(track: Track) -> np.ndarray:
    idx = [LEG[s][p] for s in SIDES for p in ("ankle", "heel", "toe")]
    xy = track.xy[:, idx]
    inside = (xy[..., 0] >= 0) & (xy[..., 0] < track.width) & (xy[..., 1] >= 0) & (xy[..., 1] < track.height)
    return np.asarray((inside & (track.vis[:, idx] >= VIS_MIN)).all(axis=1))


def view_ratio(track: Track, frames: np.ndarray | None = None) -> float:
    """Median shoulder width / torso length: about 0.7 facing the camera, near 0 side-on."""
    xy = track.xy if frames is None else track.xy[frames]
    ls, rs = xy[:, INDEX["left_shoulder"]], xy[:, INDEX["right_shoulder"]]
    lh, rh = xy[:, INDEX["left_hip"]], xy[:, INDEX["right_hip"]]
    torso = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.abs(ls[:, 0] - rs[:, 0]) / torso
    r = r[np.isfinite(r)]
    return float(np.median(r)) if len(r) else float("nan")


def people_note(people: list[int]) -> Note | None:
    """A warning when two or more of the sample frames show more than one person."""
    if sum(1 for p in people if p >= 2) >= 2:
        return Note("several_people", "warning", "More than one person is in view. The analysis followed "
                    "the main person; check the annotated video shows the right one.",
                    "Film with only the athlete in the picture.")
    return None


def dark_note(mean_luma: float) -> Note:
    """A dark clip's warning (brightness under DARK_LUMA)."""
    return Note("dark", "warning", f"The video is dark (brightness {mean_luma:.0f} of 255): landmarks are less "
                "precise.", FIX_LIGHT)


def file_notes(truncated: bool, vfr: bool) -> list[Note]:
    """Notes about the file itself: cut short, variable frame rate."""
    notes = []
    if truncated:
        notes.append(Note("truncated", "warning", "The video file ends early (damaged or incomplete); the "
                          "readable part was analysed.", "Export or copy the video again."))
    if vfr:
        notes.append(Note("vfr", "info", "Variable frame rate: the real time stamp of every frame was used."))
    return notes


def check_capture(track: Track, *, test: str, duration_s: float, luma: np.ndarray | None = None,
                  people: list[int] | None = None, fps: float | None = None,
                  truncated: bool = False, vfr: bool = False) -> list[Note]:
    """Raise AnalysisError when no result can be given; otherwise return the notes that qualify it."""
    notes: list[Note] = []
    n = len(track)
    luma = None if luma is None else np.asarray(luma, float)[np.isfinite(luma)]   # NaN: frame not measured
    mean_luma = float(np.mean(luma)) if luma is not None and len(luma) else None
    dark = mean_luma is not None and mean_luma < DARK_LUMA
    if n < MIN_FRAMES or duration_s < MIN_DURATION_S:
        raise AnalysisError(f"The clip is too short ({duration_s:.1f} s, {n} frames) to see a movement.",
                            "too_short", "Film at least 3 repetitions (about 10 s), or 3 landings.")
    present = track.present
    if present.sum() < MIN_PERSON_FRAMES:
        if dark:
            raise AnalysisError(f"No person could be found, and the video is very dark (brightness "
                                f"{mean_luma:.0f} of 255).", "too_dark",
                                FIX_LIGHT + " Make sure your whole body is in the picture.")
        raise AnalysisError("No person could be found in the video.", "no_person",
                            "Film yourself from the front with your whole body in the picture.")
    torso_idx = [INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]
    torso_seen = present & (track.vis[:, torso_idx] >= VIS_MIN).all(axis=1)
    ratio = view_ratio(track, np.flatnonzero(torso_seen if torso_seen.sum() >= 5 else present))
    if np.isfinite(ratio) and ratio < SIDE_VIEW_RATIO:
        raise AnalysisError("This looks like a side view. Knee collapse can only be seen from the front.",
                            "side_view", FIX_FRONT)
    legs = _legs_visible(track) & present
    if legs.sum() < MIN_PERSON_FRAMES:
        raise AnalysisError("Your hips, knees and ankles are not in view, so the knees cannot be measured.",
                            "legs_not_visible", FIX_FRAME)
    standing = standing_frames(np.where(legs[:, None, None], track.xy, np.nan))
    spec = SPECS[test]
    chain = leg_chain_share(track, standing, both_legs=not spec.single_leg)
    if np.isfinite(chain) and chain < MIN_LEG_CHAIN:
        raise AnalysisError("The body points found do not form a standing leg (hip above knee above ankle), "
                            "so the knees cannot be measured: the person may be upside down, lying, or "
                            "hidden behind something.", "legs_implausible", FIX_FRONT)
    if np.isfinite(ratio) and ratio < OBLIQUE_RATIO:
        notes.append(Note("oblique", "warning", "The camera is not square to you (filmed at an angle): "
                          "inward knee movement may be over- or under-read.", FIX_FRONT))
    share_legs = legs.sum() / max(present.sum(), 1)
    if share_legs < 0.8:
        notes.append(Note("legs_out_of_frame", "warning", f"Knees or ankles were out of view in "
                          f"{1 - share_legs:.0%} of the frames with a person.", FIX_FRAME))
    feet = _feet_in_frame(track) & present
    share_feet = feet.sum() / max(present.sum(), 1)
    if share_feet < 0.8:
        notes.append(Note("feet_out_of_frame", "warning", f"The feet were cut off or hidden in "
                          f"{1 - share_feet:.0%} of the frames: the arch indicator is less certain.", FIX_FRAME))
    if present.mean() < 0.8:
        notes.append(Note("person_missing", "info", f"No person was found in {1 - present.mean():.0%} of "
                          "the frames (e.g. title cards or walking out of view); those frames were skipped."))
    if dark and mean_luma is not None:
        notes.append(dark_note(mean_luma))
    if people and (note := people_note(people)):
        notes.append(note)
    rate = fps if fps is not None else track.fps
    if spec.low_fps_below is not None and rate < spec.low_fps_below:
        notes.append(Note("low_fps", "warning", f"Filmed at {rate:.0f} frames per second: landings last "
                          "only a few frames, so the landing values are less certain.",
                          "Use 60 fps (or slow motion) for landings if your phone offers it."))
    return notes + file_notes(truncated, vfr)
