"""The categories a Result is made of, as Literal types: test, leg, band, reliability, note level, stage."""
from __future__ import annotations

from typing import Callable, Literal, get_args

TestName = Literal["squat", "single-leg-squat", "drop-jump", "clamshell"]
Leg = Literal["left", "right"]
Band = Literal["typical", "watch", "marked"]          # None where a value is not rated
Reliability = Literal["good", "fair", "poor"]
NoteLevel = Literal["info", "warning", "error"]
EventKind = Literal["rep", "landing", "opening"]     # opening: a clamshell repetition
# the stages the pipeline reports to its progress callback, in order ("queue": waiting for a free slot)
Stage = Literal["queue", "model", "pose", "video", "done"]
Progress = Callable[[Stage, float, str], None]        # (stage, fraction 0..1, message)
Posture = Literal["standing", "side-lying"]           # how the person is filmed (the clamshell lies on its side)

TESTS: tuple[TestName, ...] = get_args(TestName)
POSTURES: tuple[Posture, ...] = get_args(Posture)
LEGS: tuple[Leg, ...] = get_args(Leg)
BANDS: tuple[Band, ...] = get_args(Band)
RELIABILITY: tuple[Reliability, ...] = get_args(Reliability)
LEVELS: tuple[NoteLevel, ...] = get_args(NoteLevel)
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
STAGES: tuple[Stage, ...] = get_args(Stage)

__all__ = ["TestName", "Leg", "Band", "Reliability", "NoteLevel", "EventKind", "Stage", "Progress", "Posture",
           "POSTURES", "TESTS", "LEGS", "BANDS", "RELIABILITY", "LEVELS", "EVENT_KINDS", "STAGES"]
