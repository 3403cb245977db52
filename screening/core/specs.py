"""One specification per test: what it measures, how it is filmed and filtered, and how it is summarised."""
from __future__ import annotations

from dataclasses import dataclass

from screening.core.types import EventKind, Posture, Reliability, TestName

EVENT_NOUNS: dict[EventKind, str] = {"rep": "repetition", "landing": "landing", "opening": "repetition"}


@dataclass(frozen=True)
class TestSpec:
    """Everything that differs between the tests; the engine, UI and PDF read this instead of the name."""
    name: TestName
    label: str                       # as the app and the reports name the test
    event_kind: EventKind            # what one event of the clip is: a repetition or a landing
    key_moment: str                  # where in an event the measures are taken, in words
    single_leg: bool                 # legs measured: the stance leg only (True) or both legs
    both_measures: tuple[str, ...]   # measures of the two legs together (ratios) or of the whole body
    pose_stride: int                 # the pose model runs on every n-th frame (clips at STRIDE_MIN_FPS or more)
    cutoff_hz: float                 # low-pass cut-off of the landmark clean-up
    fppa_norms: str                  # whose published FPPA ranges band the knee angle (see engine.norms)
    lead_measure: str                # the measure a leg summary leads with ...
    lead_from: Reliability           # ... when it is at least this reliable,
    lead_fallback: str               # otherwise this one
    low_fps_below: float | None      # clips filmed slower get a warning (and the guide asks for 60 fps)
    recommendations: tuple[str, ...]  # content pages always recommended for this test
    live_feedback: bool              # the live view counts repetitions and mirrors the knees
    live_max_s: int                  # default recording length of the live view, seconds
    posture: Posture = "standing"    # side-lying: the clamshell's own orientation, checks, events and measures
    leg_role: str = "stance leg"     # what Result.leg is (single-leg tests): the stance leg, or the top leg
    experimental: bool = False       # no validated norm exists for the test's lead measure
    band_measures: tuple[str, ...] = ("fppa", "mkd")   # a leg's band: the worst of these (engine.verdict)

    __test__ = False                 # not a pytest test class, whatever its name

    @property
    def event_noun(self) -> str:
        return EVENT_NOUNS[self.event_kind]

    @property
    def stance_found(self) -> bool:
        """A single-leg test done standing (the single-leg squat): the standing leg of each repetition is
        found from the video, and one clip may hold both legs."""
        return self.single_leg and self.posture == "standing"

    @property
    def both_words(self) -> str:
        """Who the measures in both_measures describe."""
        return "whole body" if self.single_leg else "both legs"


SPECS: dict[str, TestSpec] = {
    "squat": TestSpec(
        "squat", "Squat", event_kind="rep", key_moment="at the bottom of the movement", single_leg=False,
        both_measures=("kasr", "khsr"), pose_stride=2, cutoff_hz=5.0, fppa_norms="single-leg-squat",
        # a deep bilateral squat foreshortens the thigh: the knee angle leads only where its view is 'good'
        lead_measure="fppa", lead_from="good", lead_fallback="mkd", low_fps_below=None, recommendations=(),
        live_feedback=True, live_max_s=25),
    "single-leg-squat": TestSpec(
        "single-leg-squat", "Single-leg squat", event_kind="rep", key_moment="at the bottom of the movement",
        single_leg=True, both_measures=("pelvic_drop", "trunk_lean"), pose_stride=2, cutoff_hz=5.0,
        fppa_norms="single-leg-squat", lead_measure="fppa", lead_from="fair", lead_fallback="mkd",
        low_fps_below=None, recommendations=(), live_feedback=True, live_max_s=25),
    "drop-jump": TestSpec(
        "drop-jump", "Drop-jump landing", event_kind="landing", key_moment="at landing", single_leg=False,
        both_measures=("kasr", "khsr"), pose_stride=1, cutoff_hz=10.0, fppa_norms="drop-jump",
        lead_measure="fppa", lead_from="fair", lead_fallback="mkd", low_fps_below=50.0,
        recommendations=("landing",), live_feedback=False, live_max_s=10),
    # Side-lying, seen from the front at floor level; the top leg works. No validated video norm exists for
    # the pelvis roll-back (engine.norms), so the test is labelled experimental wherever it is named.
    "clamshell": TestSpec(
        "clamshell", "Clamshell (experimental)", event_kind="opening", key_moment="at the top of the opening",
        single_leg=True, both_measures=("pelvis_roll", "trunk_roll"), pose_stride=2, cutoff_hz=3.0,
        fppa_norms="", lead_measure="pelvis_roll", lead_from="fair", lead_fallback="trunk_roll",
        low_fps_below=10.0, recommendations=("clamshell",), live_feedback=True, live_max_s=40,
        posture="side-lying", leg_role="top leg", experimental=True, band_measures=("pelvis_roll",)),
}
STRIDE_MIN_FPS = 24.0                # below this frame rate the pose model runs on every frame
# The drop-jump box, in one place for the guide, the notes and (checked by tests) the content pages and README:
# the height the 880-athlete 2D video study used, and a lower step for beginners and younger groups (a practical
# choice, not a study figure).
DROP_BOX_CM, DROP_BOX_BEGINNER_CM, DROP_BOX_SOURCE = 30, 20, "Nilstad et al. 2021"
DROP_BOX_WORDS = f"a {DROP_BOX_CM} cm box ({DROP_BOX_BEGINNER_CM} cm if you are new to jumping)"

__all__ = ["TestSpec", "SPECS", "EVENT_NOUNS", "STRIDE_MIN_FPS", "DROP_BOX_CM", "DROP_BOX_BEGINNER_CM",
           "DROP_BOX_SOURCE", "DROP_BOX_WORDS"]
