"""What the Live page says and draws (issue 19): frame rates from the frames' own time stamps, one clock per
session across page reruns, no live count when too few frames are measured, no crossed leg lines."""
from __future__ import annotations

import asyncio
from fractions import Fraction

import numpy as np
import pytest

from screening.core.landmarks import LEG
from screening.live import session
from screening.live.framing import Advice
from screening.live.mirror import RepCounter, draw_legs, legs_crossed
from screening.live.session import MIN_COUNT_FPS, LiveSession, Plan, Status
from test_stop_after_reps import H, W, record, squats

BLACK = np.zeros((H, W, 3), np.uint8)


@pytest.fixture
def live(monkeypatch, tmp_path):
    """A LiveSession whose pose model finds nobody (the rates and the clock do not depend on it)."""
    class Nobody:
        def __init__(self, *_, **__) -> None:
            pass

        def detect(self, rgb, t_s):
            return None

        def detect_all(self, rgb, t_s=0.0):
            return []

        def close(self) -> None:
            pass
    monkeypatch.setattr(session, "PoseEstimator", Nobody)
    s = LiveSession(b"", tmp_path, plan=Plan(auto=False))
    yield s
    s.close()


def test_a_burst_of_frames_gives_the_camera_rate_of_their_time_stamps(live):
    """23 frames filmed 1/30 s apart that arrive at once (the pose model was busy) are a 30 fps camera, not
    23 frames in a millisecond (the page said "camera 23000 fps")."""
    live.process([(BLACK, i / 30) for i in range(10)])
    assert live.snapshot().in_fps == 0.0                      # 0.3 s: too short to tell
    live.process([(BLACK, i / 30) for i in range(10, 33)])
    s = live.snapshot()
    assert s.in_fps == pytest.approx(30.0, rel=0.01)
    assert s.fps == pytest.approx(2 / (32 / 30))            # frames at 0.3 s and 1.07 s measured in 1.07 s
    for i in range(33, 90, 3):                               # then every third frame measured: 10 a second
        live.process([(BLACK, j / 30) for j in range(i, i + 3)])
    s = live.snapshot()
    assert s.in_fps == pytest.approx(30.0, rel=0.01) and s.fps == pytest.approx(10.0, rel=0.05)


def test_the_clock_survives_a_page_rerun(live):
    """The page makes its frame handler anew at every run; the time stamps must go on, not restart at 0
    (which froze the session's time: the rolling window grew and processing slowed to a crawl)."""
    import av
    from screening.ui.live_page import _callback
    tb = Fraction(1, 90000)

    def frames(first: int, n: int) -> list:
        out = []
        for k in range(first, first + n):
            f = av.VideoFrame.from_ndarray(BLACK, format="bgr24")
            f.pts, f.time_base = 5_000_000 + 3000 * k, tb          # RTP: 90 kHz, random start
            out.append(f)
        return out
    handler = _callback(live)
    for k in range(60):                                      # 2 s through the first run's handler
        asyncio.run(handler(frames(k, 1)))
    rerun = _callback(live)                                  # the page ran again (a setting changed)
    asyncio.run(rerun(frames(60, 1)))
    assert live.t[-1] == pytest.approx(2.0, abs=1e-6)        # 60 frames of 1/30 s after the first


def test_too_few_measured_frames_stop_by_seconds_and_say_so(monkeypatch, tmp_path):
    """Four deep squats measured on every frame stop after 2 (as the analysis counts them); measured on
    every fifth frame only (6 a second, a busy server), the live count is not trusted: the recording runs
    to its seconds limit, and the page and the picture say why."""
    from screening.ui.live_words import rates_words, recording_words
    track = squats(0.25, 0.25, 0.25, 0.25)
    _, s = record(monkeypatch, track, Plan(reps=2, max_s=60, auto=False), tmp_path / "all")
    assert s.counting and s.state == "done" and s.rec_reps == 2
    every5 = type(track)(track.t[::5], track.xy[::5], track.vis[::5], W, H)
    _, slow = record(monkeypatch, every5, Plan(reps=2, max_s=9, auto=False), tmp_path / "slow")
    assert slow.fps == pytest.approx(6.0, rel=0.05) and slow.fps < MIN_COUNT_FPS
    assert not slow.counting and slow.state == "done" and slow.rec_s == pytest.approx(9.0, abs=0.2)
    assert "Too few to count repetitions live" in rates_words(slow)
    recording = Status(Advice("ready"), "recording", fps=6.0, in_fps=30.0, rec_s=4.0, counting=False)
    assert recording_words(recording, Plan(reps=2, max_s=9), True) == "Recording: 4 of 9 s"


def test_the_words_under_the_coach_agree_with_it():
    ready, fix = Advice("ready"), Advice("no_person")
    plan = Plan(reps=3, max_s=20)
    assert recording_words_of(Status(ready, "armed"), plan).startswith("Ready")
    lying = Status(Advice("lie_ready"), "armed")     # the clamshell: nobody is asked to stand
    assert recording_words_of(lying, plan, lying=True) == "Ready: recording starts once you lie still"
    assert "Ready" not in recording_words_of(Status(fix, "armed"), plan).split("says")[0]
    assert recording_words_of(Status(ready, "recording", rec_s=5.2, rec_reps=1), plan) == \
        "Recording: 1 of 3 repetitions, 5 of 20 s"


def recording_words_of(s: Status, plan: Plan, lying: bool = False) -> str:
    from screening.ui.live_words import recording_words
    return recording_words(s, plan, not lying, lying)


def legs(left_knee_x: float, right_knee_x: float) -> np.ndarray:
    """A person facing the camera (their left hip on the picture's right), knees where asked."""
    xy = np.full((33, 2), np.nan)
    for side, hip_x, knee_x, ankle_x in (("left", 360, left_knee_x, 350), ("right", 280, right_knee_x, 290)):
        xy[LEG[side]["hip"]], xy[LEG[side]["knee"]], xy[LEG[side]["ankle"]] = (hip_x, 300), (knee_x, 420), \
            (ankle_x, 540)
    return xy


def test_crossed_legs_are_not_drawn():
    """Worked by hand: hips at x 360 (left) and 280 (right). Knees at 345/295 keep that order: drawn. Knees
    at 300/340 (swapped by the model in one frame) put the lines in an X: nothing drawn in that frame."""
    assert not legs_crossed(legs(345, 295)) and legs_crossed(legs(300, 340))
    values = {"fppa_left_deg": 5.0, "fppa_right_deg": 5.0, "thigh_left": 1.0, "thigh_right": 1.0}
    counter = RepCounter("squat")
    drawn = np.zeros((640, 640, 3), np.uint8)
    draw_legs(drawn, legs(345, 295), values, counter)
    assert drawn.any()
    crossed = np.zeros((640, 640, 3), np.uint8)
    draw_legs(crossed, legs(300, 340), values, counter)
    assert not crossed.any()
    one = np.zeros((640, 640, 3), np.uint8)                  # a single-leg squat draws one leg: no X possible
    draw_legs(one, legs(300, 340), values, RepCounter("single-leg-squat", legs=("left",)))
    assert one.any()
