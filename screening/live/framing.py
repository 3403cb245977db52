"""Framing coach: the last moment of a live camera track to the one thing to fix before filming, or 'ready'."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.core.landmarks import INDEX
from screening.engine.metrics import MAX_ROLL_DEG, camera_roll
from screening.engine.quality import (DARK_LUMA, OBLIQUE_RATIO, _feet_in_frame, _legs_visible, view_ratio)
from screening.core.track import Track
from screening.core.vocab import VIS_MIN

# Every limit comes from the capture checks the analysis applies afterwards (screening/engine/quality.py,
# screening/engine/metrics.py): the coach says "ready" only when the clip would pass them without a warning.
ADVICE = {
    "dark": ("Too dark", "Film in even, bright light: face a window or switch on the room lights."),
    "no_person": ("Step into the picture", "Stand 2-4 m in front of the camera, whole body in view."),
    "people": ("Only one person", "Only the athlete should be in the picture."),
    "turn": ("Turn to face the camera", "Stand square to the camera: knee collapse is only seen from the front."),
    "feet": ("Step back: feet not in view", "Your feet, heels and toes must stay in the picture."),
    "body": ("Step back: shoulders not in view", "Your whole body, head to feet, must be in the picture."),
    "level": ("Phone not level", "Prop the phone upright, not tilted sideways."),
    "ready": ("Ready", "Whole body in view, from the front."),
    # lying on one side (the clamshell: screening/live/clamshell.py)
    "lie_no_person": ("Lie down in the picture", "Lie on your side 1.5-3 m in front of the phone, whole body in "
                                                 "view."),
    "lie_body": ("Whole body in view", "Hips, knees and shoulders must all be in the picture."),
    "lie_across": ("Lie across the picture", "Lie on your side with the phone in front of your body, at floor "
                                            "level; hold a phone sideways (landscape)."),
    "lie_square": ("Turn the phone to your body", "The phone faces your front, not your head or your feet."),
    "lie_ready": ("Ready", "Lying on your side, whole body in view."),
}
SHOULDERS = (INDEX["left_shoulder"], INDEX["right_shoulder"])


@dataclass(frozen=True)
class Advice:
    code: str                # a key of ADVICE
    detail: str = ""         # the measured value behind it, e.g. "brightness 31 of 255"

    @property
    def text(self) -> str:
        return ADVICE[self.code][0]

    @property
    def fix(self) -> str:
        return ADVICE[self.code][1]

    @property
    def ready(self) -> bool:
        return self.code in ("ready", "lie_ready")


def _shoulders_in_frame(track: Track) -> np.ndarray:
    xy = track.xy[:, SHOULDERS]
    inside = (xy[..., 0] >= 0) & (xy[..., 0] < track.width) & (xy[..., 1] >= 0) & (xy[..., 1] < track.height)
    return np.asarray((inside & (track.vis[:, SHOULDERS] >= VIS_MIN)).all(axis=1))  # all() is typed as maybe a scalar


def _mostly(ok: np.ndarray, present: np.ndarray) -> bool:
    """True when the check holds in most frames with a person (a majority vote steadies the advice)."""
    return bool(present.sum()) and ok[present].mean() >= 0.5


def first_checks(track: Track, luma: float | None, people: int | None, absent: str = "no_person") -> Advice | None:
    """Light, a person, only one person: the checks every test's coach starts with (None when all pass)."""
    if luma is not None and luma < DARK_LUMA:
        return Advice("dark", f"brightness {luma:.0f} of 255, needs {DARK_LUMA:.0f}")
    if len(track) == 0 or track.present.mean() < 0.5:
        return Advice(absent)
    if people is not None and people >= 2:
        return Advice("people", f"{people} people in view")
    return None


def coach(track: Track, luma: float | None = None, people: int | None = None) -> Advice:
    """The first problem that would spoil a recording, in the order a user can fix them, or 'ready'.

    `track` holds the last fraction of a second of live landmarks (a few frames); `luma` is the mean
    brightness (0-255) of the latest frame, `people` how many people the model found in a recent frame.
    """
    if (first := first_checks(track, luma, people)) is not None:
        return first
    present = track.present
    ratio = view_ratio(track, np.flatnonzero(present))
    if np.isfinite(ratio) and ratio < OBLIQUE_RATIO:
        return Advice("turn", f"shoulder width / torso length {ratio:.2f}, front view from {OBLIQUE_RATIO:.2f}")
    if not _mostly(_legs_visible(track) & _feet_in_frame(track), present):
        return Advice("feet")
    if not _mostly(_shoulders_in_frame(track), present) or not np.isfinite(ratio):
        return Advice("body")
    roll = camera_roll(track.xy, np.flatnonzero(present), limit=None)
    if abs(roll) > MAX_ROLL_DEG:
        return Advice("level", f"tilted {abs(roll):.0f} deg, levelled up to {MAX_ROLL_DEG:.0f} deg")
    return Advice("ready")
