"""The Live page's status words: what the recording does and how many camera frames are measured."""
from __future__ import annotations

from screening.live.session import MIN_COUNT_FPS, Plan, Status


def recording_words(s: Status, plan: Plan, counts: bool, lying: bool = False) -> str:
    """What the recording is doing, in words that agree with the coach above them (`lying`: a side-lying test,
    whose recording starts once the coach has said Ready for a moment, with no standing to wait for)."""
    if s.state == "recording":
        if counts and plan.reps and s.counting:
            return f"Recording: {s.rec_reps} of {plan.reps} repetitions, {s.rec_s:.0f} of {plan.max_s:.0f} s"
        return f"Recording: {s.rec_s:.0f} of {plan.max_s:.0f} s"
    if s.state == "armed":
        return (("Ready: recording starts once you lie still" if lying else
                 "Ready: recording starts once you stand still") if s.advice.ready
                else "Recording starts once the coach says Ready")
    return {"idle": "Not recording", "done": "Recording finished: analysing it"}.get(s.state, s.state)


def rates_words(s: Status) -> str:
    """The camera's and the pose model's frame rates; 'measuring' until they can be told."""
    if not s.in_fps:
        return "Frame rate: measuring…"
    measured = f"{s.fps:.0f}" if s.fps >= 1 else "fewer than 1"
    text = f"Camera {s.in_fps:.0f} frames a second, {measured} of them measured"
    if s.fps and not s.counting:
        text += (f". Too few to count repetitions live (at least {MIN_COUNT_FPS:.0f} needed, this server is busy): "
                 "the recording stops by seconds, and the analysis counts the repetitions from every frame")
    return text
