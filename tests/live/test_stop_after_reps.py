"""Stop after N repetitions: the recording then holds N repetitions by the offline analysis (synthetic squats).

The live session is fed a synthetic squat track through a stand-in pose model; the part of the track it
recorded is then rated by the offline engine (screening.engine.assess, which runs the rep finder
screening.engine.events.find_reps), as the app analyses a live recording.
"""
from __future__ import annotations

import numpy as np

from screening.core.track import Track
from screening.engine.assess import assess
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.live import session
from screening.live.session import LiveSession, Plan

W, H = 360, 640


def squats(*depths: float) -> Track:
    """Standing 2.5 s, then one squat per depth (hip descent as a share of the leg), 2 s standing between."""
    parts = [synthetic_squat(SquatSpec(reps=0, stand_s=1.5, width=W, height=H, leg_px=210.0))[0]]
    parts += [synthetic_squat(SquatSpec(reps=1, depth=d, width=W, height=H, leg_px=210.0))[0] for d in depths]
    t, end = [], -1 / 30
    for p in parts:
        t.append(p.t + end + 1 / 30)
        end = t[-1][-1]
    return Track(np.concatenate(t), np.concatenate([p.xy for p in parts]), np.concatenate([p.vis for p in parts]), W, H)


def stand_in_pose(monkeypatch, track: Track) -> None:
    """Replace the live session's pose model with a stand-in that returns the track's landmarks at the
    frame's time (the tests of the live page's counting, fed from tracks whose truth they know)."""
    class Pose:
        def __init__(self, *_, **__) -> None:
            pass

        def detect(self, rgb, t_s):
            i = int(np.argmin(np.abs(track.t - t_s)))
            return track.xy[i], track.vis[i]

        def detect_all(self, rgb, t_s=0.0):
            return [self.detect(rgb, t_s)]

        def close(self) -> None:
            pass
    monkeypatch.setattr(session, "PoseEstimator", Pose)


def record(monkeypatch, track: Track, plan: Plan, tmp_path) -> tuple[Track, session.Status]:
    """Play the track into a LiveSession (recording from the first frame) until it stops; the recorded part."""
    stand_in_pose(monkeypatch, track)
    live = LiveSession(b"", tmp_path, mirror=True, plan=plan)
    live.start_now()
    black = np.zeros((H, W, 3), np.uint8)
    for t in track.t:
        live.process([(black, float(t))])
        if live.snapshot().state == "done":
            break
    s = live.snapshot()
    live.close()
    keep = (track.t >= live.rec_t0 - 1e-9) & (track.t <= live.rec_t0 + s.rec_s + 1e-9)
    return Track(track.t[keep] - live.rec_t0, track.xy[keep], track.vis[keep], W, H), s


def test_a_shallow_dip_does_not_count_toward_the_stop(monkeypatch, tmp_path):
    """Deep squat, a dip a third as deep (a bob, or a looped camera clip jumping back), deep, deep: the
    offline finder drops the dip (under 40% of the deepest rep), so stopping after 2 must wait for the
    second deep squat."""
    track = squats(0.25, 0.08, 0.25, 0.25)
    rec, s = record(monkeypatch, track, Plan(reps=2, max_s=60, auto=False), tmp_path)
    offline = len(assess(rec, "squat").events)
    assert s.state == "done" and s.rec_reps == 2 and offline == 2


def test_stop_after_n_records_n_offline_repetitions(monkeypatch, tmp_path):
    track = squats(0.25, 0.25, 0.25, 0.25)
    for n in (1, 3):
        rec, s = record(monkeypatch, track, Plan(reps=n, max_s=60, auto=False), tmp_path / str(n))
        assert s.state == "done" and s.rec_s < track.t[-1] - 1.0          # stopped by the reps, not the end
        offline = len(assess(rec, "squat").events)
        assert offline == n
