"""The live mirror on synthetic squats, the WebRTC clock, the ICE setting, and a live session on a real clip.

Synthetic squat (screening.engine.synthetic): leg 420 px, hips 0.25 x 420 = 105 px lower at the bottom, so the
hip-ankle line is sqrt(315^2 + 8.4^2) = 315.1 px long there; a knee placed for an FPPA of a degrees sits
315.1 / 2 x tan(a / 2) px medial of it: 19.3 px (4.6% of the leg) for 14 deg, 42.2 px (10.0%) for 30 deg.
"""
from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from conftest import analyse, clip
from screening.live.session import WARMUP_S, WINDOW_S, Clock
from screening.live.mirror import RepCounter, live_values
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.core.track import Track


def stream(track: Track, counter: RepCounter) -> list[dict]:
    """Feed a track frame by frame, each time through the rolling window the live session uses."""
    frames = []
    for i in range(len(track)):
        lo = int(np.searchsorted(track.t, track.t[i] - WINDOW_S))
        w = Track(track.t[lo:i + 1], track.xy[lo:i + 1], track.vis[lo:i + 1], track.width, track.height)
        values = live_values(w)
        frames.append(values)
        counter.update(float(track.t[i]), values)
    return frames


def test_counts_three_squats_with_the_knee_angle_and_shift_at_each_bottom():
    track, truth = synthetic_squat(SquatSpec(reps=3, fppa_peak={"left": 14.0, "right": 3.0}))
    counter = RepCounter("squat", "female")
    stream(track, counter)
    assert counter.count == 3
    for b, deepest in zip(counter.bottoms, truth["deepest"]):
        assert abs(b.t - track.t[deepest]) <= 1 / 30 + 1e-9
        assert b.fppa["left"] == pytest.approx(14.0, abs=0.3)
        assert b.fppa["right"] == pytest.approx(3.0, abs=0.3)
        assert b.mkd["left"] == pytest.approx(4.6, abs=0.2)
        assert b.inside == {"left": False, "right": False}          # under the 6% knee-shift limit


def test_a_knee_well_inside_the_foot_line_is_flagged_and_noise_adds_no_reps():
    track, _ = synthetic_squat(SquatSpec(reps=2, fppa_peak={"left": 30.0, "right": 0.0}, noise_px=1.5, seed=3))
    counter = RepCounter("squat")
    frames = stream(track, counter)
    assert counter.count == 2
    for b in counter.bottoms:
        assert b.mkd["left"] == pytest.approx(10.0, abs=0.8)
        assert b.inside == {"left": True, "right": False}
    inside = [counter.knee_inside(v["mkd_left_pct"]) for v in frames]
    assert not any(inside[:25]) and any(inside)                     # standing first: no cue


def test_standing_still_counts_nothing():
    track, _ = synthetic_squat(SquatSpec(reps=0, stand_s=4.0, noise_px=1.0))
    counter = RepCounter()
    stream(track, counter)
    assert counter.count == 0


def test_clock_is_relative_to_the_first_frame_and_survives_the_rtp_wrap():
    c, tb = Clock(), Fraction(1, 90000)
    assert c.seconds(2 ** 32 - 9000, tb) == 0.0
    assert c.seconds(2 ** 32 - 6000, tb) == pytest.approx(3000 / 90000)
    assert c.seconds(9000, tb) == pytest.approx(0.2)               # 9000 ticks before + 9000 after the wrap
    assert c.seconds(None, tb) is None


def test_ice_servers_are_empty_by_default_and_validated():
    from screening.ui.live_ice import parse_ice_servers
    assert parse_ice_servers(None) == ([], None)
    assert parse_ice_servers("") == ([], None)
    ok = [{"urls": "stun:stun.example.org:3478"},
          {"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p", "x": 1}]
    servers, err = parse_ice_servers(json.dumps(ok))
    assert err is None and servers == [{"urls": ["stun:stun.example.org:3478"]},
                                       {"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}]
    for bad in ("{not json", '{"urls": "stun:a"}', '[{"urls": "http://evil"}]', '[{"urls": []}]', "[1]"):
        servers, err = parse_ice_servers(bad)
        assert servers == [] and err and "KNEESCREEN_ICE_SERVERS" in err


@pytest.mark.clips
def test_live_session_on_a_real_clip_matches_the_offline_analysis(tmp_path):
    """Frames of a real squat clip, fed with jittered (variable) time stamps: the recording keeps those
    time stamps, the live rep counter finds the reps the offline analysis finds, at the same moments."""
    import av
    from screening.live.session import LiveSession, Plan
    from screening.live.bench import frames_of
    from screening.engine.pose import load_model
    frames = frames_of(str(clip("front_dbsquat_kneeswell_10.mp4")), 640, 360, 30.0)
    rng = np.random.default_rng(0)
    t = np.cumsum(np.r_[0.0, rng.uniform(0.022, 0.045, len(frames) - 1)])   # 22-45 ms apart, like WebRTC
    model = load_model("lite").data
    live = LiveSession(model, tmp_path / "live", plan=Plan(reps=0, max_s=60, auto=False), mirror=True)
    live.start_now()
    for (img, _), ti in zip(frames, t):
        live.process([(img, float(ti))])
    live.stop()
    s = live.snapshot()
    live.close()
    assert s.state == "done" and s.clip.is_file() and s.rec_frames == len(frames) - 1
    with av.open(str(s.clip)) as c:
        st = c.streams.video[0]
        pts = sorted(float(p.pts * st.time_base) for p in c.demux(st) if p.pts is not None)
    np.testing.assert_allclose(pts, t[1:] - t[1], atol=0.0011)          # millisecond time stamps, as fed
    a = analyse(s.clip, "squat", video=False, stills=False)
    assert "vfr" in [n.code for n in a.result.notes]
    assert len(a.result.events) == 5                 # one rep every ~2.5 s in the 12 s clip
    offline = [e.key_s + t[1] for e in a.result.events if e.start_s + t[1] >= WARMUP_S]
    assert len(offline) == s.reps == 4               # the live counter waits WARMUP_S for a standing moment
    for b, key in zip(s.bottoms, offline):
        assert abs(b.t - key) < 0.2


def test_live_page_renders_its_privacy_note_and_a_clear_error_without_a_server():
    """Under AppTest there is no WebRTC server: the page says so instead of showing a traceback."""
    from apptest import goto, no_errors, start, texts
    at = goto(start(), "live")
    no_errors(at)
    assert at.title[0].value == "Live camera"
    body = texts(at)
    assert "processed on this server" in body and "not kept" in body
    assert "could not start here" in body and "streamlit run app.py" in body
    at.radio(key="live_test").set_value("drop-jump").run()
    assert at.toggle(key="live_mirror").disabled                   # no rep counting for landings
    assert "live_reps" not in [n.key for n in at.number_input]    # landings stop by time only
