"""A browser lowers the camera's resolution while its computer or the network is busy (Chromium sent 640x360,
then 480x270, then 320x180 in the live browser test on a loaded machine) and a phone may be turned: the live
session keeps one working size, so the landmarks of its rolling window stay on one scale, the returned video
keeps its size, and the recording keeps every frame and stops at its seconds limit."""
from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest

from screening.live import session
from screening.live.session import LiveSession, Plan

# Where a person stands, as shares of the picture's width and height: the same at every resolution.
SPOT = np.column_stack([np.linspace(0.4, 0.6, 33), np.linspace(0.1, 0.9, 33)])


@pytest.fixture
def live(monkeypatch, tmp_path):
    """A LiveSession whose pose model finds the person at SPOT in whatever frame it is given."""
    class Pose:
        def __init__(self, *_, **__) -> None:
            pass

        def detect(self, rgb, t_s):
            h, w = rgb.shape[:2]
            return SPOT * (w, h), np.ones(33)

        def detect_all(self, rgb, t_s=0.0):
            return [self.detect(rgb, t_s)]

        def close(self) -> None:
            pass
    monkeypatch.setattr(session, "PoseEstimator", Pose)
    s = LiveSession(b"", tmp_path, plan=Plan(reps=0, max_s=3.0, auto=False))
    yield s
    s.close()


def grey(w: int, h: int) -> np.ndarray:
    return np.full((h, w, 3), 128, np.uint8)


def play(live: LiveSession, sizes: list[tuple[int, int, float]], fps: float = 30.0) -> list[tuple[int, int]]:
    """Feed frames of each (width, height, seconds) in turn, one per call; the returned frames' sizes."""
    out, t = [], 0.0
    for w, h, seconds in sizes:
        for _ in range(round(seconds * fps)):
            img = live.process([(grey(w, h), t)])
            out.append((img.shape[1], img.shape[0]))
            t += 1 / fps
    return out


def probe(path) -> tuple[int, int, int]:
    """(width, height, frames) of a video as ffprobe counts them."""
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe not installed (apt-get install ffmpeg)")
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                          "stream=width,height,nb_read_frames", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    s = json.loads(out.stdout)["streams"][0]
    return int(s["width"]), int(s["height"]), int(s["nb_read_frames"])


def test_a_lower_camera_resolution_keeps_the_size_and_the_scale(live):
    """Before: the returned video shrank to 320x180 and the window mixed landmarks at two scales (the
    knee measures of the window compare frames with each other)."""
    sizes = play(live, [(640, 360, 1.0), (320, 180, 1.0), (480, 270, 0.5), (640, 360, 0.5)])
    assert set(sizes) == {(640, 360)}
    xy = np.array(live.xy)
    assert np.allclose(xy, SPOT * (640, 360), atol=0.5)          # one person, one place: one set of pixels
    assert play(live, [(1280, 720, 0.2)])[-1] == (640, 360)       # a larger camera is scaled down, as before


def test_a_small_camera_keeps_its_own_size(live):
    """A camera below the working size is not scaled up (more pixels to push, no more detail), until it
    lowers its resolution in turn."""
    assert set(play(live, [(540, 540, 0.5), (270, 270, 0.5)])) == {(540, 540)}


def test_the_recording_keeps_every_frame_at_one_size_and_stops_by_its_seconds(live):
    """Before: frames of another size were left out of the recording and its clock stopped with them, so a
    recording limited to 3 s never ended (the page said 'Recording: 1 of 3 s' until the tab was closed)."""
    live.start_now()
    play(live, [(640, 360, 1.0), (320, 180, 1.5), (640, 360, 1.5)])
    s = live.snapshot()
    assert s.state == "done" and s.rec_s == pytest.approx(3.0, abs=0.05)
    assert s.clip is not None and probe(s.clip) == (640, 360, s.rec_frames)
    assert s.rec_frames == pytest.approx(3.0 * 30, abs=2)


def test_a_turned_phone_is_left_out_of_the_recording_but_its_clock_runs_on(live):
    """A landscape recording cannot hold portrait frames (another shape): they are left out, and the
    recording still ends at its seconds limit (before: it never ended while the phone stayed turned)."""
    live.start_now()
    play(live, [(640, 360, 1.0), (360, 640, 3.0)])
    s = live.snapshot()
    assert s.state == "done" and s.rec_s == pytest.approx(3.0, abs=0.05)
    assert probe(s.clip) == (640, 360, 29)          # the landscape second after the first frame (it starts it)
