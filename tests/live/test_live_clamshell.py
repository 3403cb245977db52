"""The live clamshell: openings counted as they happen, the pelvis roll cue, the coach for lying, and a live
session fed the real clamshell clip (looped, as the browser's fake camera plays it).

The synthetic clamshells are the 3D model of engine.synthetic_lying: a pelvis rolled back 30 deg about the
body's long axis shortens the hip-to-hip line seen from the front by 1 - cos 30 = 13.4% (a little more
through the pinhole camera); a stacked pelvis does not shorten it."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import clip
from screening.core.track import Track
from screening.engine.synthetic_lying import ClamshellSpec, synthetic_clamshell
from screening.live.clamshell import OpeningCounter, coach_lying, lying_values
from screening.live.session import WINDOW_S


def stream(track: Track, counter: OpeningCounter) -> list[bool]:
    """Feed a track frame by frame through the live session's rolling window; True where the cue shows."""
    cues = []
    for i in range(len(track)):
        lo = int(np.searchsorted(track.t, track.t[i] - WINDOW_S))
        w = Track(track.t[lo:i + 1], track.xy[lo:i + 1], track.vis[lo:i + 1], track.width, track.height)
        values = lying_values(w)
        counter.update(float(track.t[i]), values)
        cues.append(counter.rolled(counter.roll_now(values["hip_px"])))
    return cues


def test_counts_every_opening_and_never_cues_a_stacked_pelvis():
    track, _ = synthetic_clamshell(ClamshellSpec(reps=3, noise_px=0.5, seed=1))
    counter = OpeningCounter()
    cues = stream(track, counter)
    assert counter.count == 3 and not any(cues)
    assert all(abs(b.roll) < 2.0 and not b.rolled for b in counter.bottoms)
    assert counter.legs == ("right",)


def test_a_rolled_back_pelvis_cues_during_the_lift_and_is_reported_at_the_top():
    track, truth = synthetic_clamshell(ClamshellSpec(reps=2, pelvis_roll_deg=30))
    counter = OpeningCounter()
    cues = stream(track, counter)
    assert counter.count == 2
    by_hand = 100 * (1 - np.cos(np.radians(30)))                   # 13.4%
    for b in counter.bottoms:
        assert b.roll == pytest.approx(by_hand, abs=1.5) and b.rolled
    share = truth["share"]
    assert not any(c for c, s in zip(cues, share) if s == 0)       # closed: never
    assert all(c for c, s in zip(cues, share) if s == 1)           # at every top: always


def test_the_coach_for_lying():
    track, _ = synthetic_clamshell(ClamshellSpec(reps=1))
    assert coach_lying(track).ready and coach_lying(track).fix == "Lying on your side, whole body in view."
    assert coach_lying(track, luma=20).code == "dark"
    assert coach_lying(track, people=2).code == "people"
    upright = Track(track.t, track.xy[..., ::-1].copy(), track.vis, track.height, track.width)   # x <-> y
    assert coach_lying(upright).code == "lie_across"
    hidden = Track(track.t, track.xy, np.zeros_like(track.vis), track.width, track.height)
    assert coach_lying(hidden).code in ("lie_no_person", "lie_body")


@pytest.mark.clips
def test_a_live_session_counts_the_real_clip_looped_and_flags_no_roll(tmp_path):
    """Clip 45 (one correct opening, 3.3 fps), played three times in a row at its real pace: after the warm-up
    the live counter finds the openings of the later loops, with the pelvis stacked."""
    from screening.engine.pose import load_model
    from screening.live.bench import frames_of
    from screening.live.session import LiveSession, Plan
    frames = frames_of(str(clip("clamshell_sidelying_banded_correct_45.mp4")), 540, 540, 10.0)
    period = len(frames) * 0.3
    fed = [(img, t + k * period) for k in range(3) for img, t in frames]
    live = LiveSession(load_model("lite").data, tmp_path / "live", test="clamshell", mirror=True,
                       plan=Plan(reps=0, max_s=60, auto=False))
    for img, t in fed:
        out = live.process([(img, float(t))])
    s = live.snapshot()
    live.close()
    assert out.shape == (540, 540, 3)
    assert s.reps >= 2 and s.cues == 0                              # loops 2 and 3 (loop 1 is the warm-up)
    assert all(not b.rolled and b.opening > 15 for b in s.bottoms)


def test_the_live_page_offers_the_clamshell_without_a_stance_leg():
    from apptest import goto, no_errors, start, texts
    at = goto(start(), "live")
    at.radio(key="live_test").set_value("clamshell").run()
    no_errors(at)
    assert "live_leg" not in [r.key for r in at.radio]               # the top leg is found from the video
    assert not at.toggle(key="live_mirror").disabled                  # openings are counted
    assert "live_reps" in [n.key for n in at.number_input]
    assert "could not start here" in texts(at)
