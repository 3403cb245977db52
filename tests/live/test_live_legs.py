"""Live single-leg squats on either leg: repetitions counted per leg, as built into a synthetic clip."""
from __future__ import annotations

import numpy as np
import pytest

from screening.engine.synthetic_single import Move, SingleLegSpec, synthetic_single_leg
from screening.live import session
from screening.live.session import LiveSession, Plan
from test_stop_after_reps import stand_in_pose

W, H = 360, 640
BOTH, REST = Move("both", seconds=2.5), Move("both", seconds=0.8)


def play(monkeypatch, tmp_path, moves, stance=None) -> session.Status:
    track, truth = synthetic_single_leg(SingleLegSpec(moves=moves, width=W, height=H, leg_px=210.0, noise_px=0.5))

    stand_in_pose(monkeypatch, track)
    live = LiveSession(b"", tmp_path, test="single-leg-squat", stance=stance, mirror=True,
                       plan=Plan(reps=0, max_s=600.0, auto=False))
    black = np.zeros((H, W, 3), np.uint8)
    for t in track.t:
        live.process([(black, float(t))])
    s = live.snapshot()
    live.close()
    return s


def test_each_leg_counts_its_own_repetitions_and_balancing_counts_none(monkeypatch, tmp_path):
    moves = (BOTH, Move("rep", "left"), REST, Move("rep", "right"), Move("balance", "right", 2.0),
             Move("rep", "right"), REST, Move("rep", "left"), REST)
    s = play(monkeypatch, tmp_path, moves)
    assert s.reps == 4 and s.per_leg == {"left": 2, "right": 2}
    assert [next(iter(b.fppa)) for b in s.bottoms] == ["left", "right", "right", "left"]


@pytest.mark.parametrize("stance", ["left"])
def test_a_chosen_stance_leg_still_counts_as_before(monkeypatch, tmp_path, stance):
    s = play(monkeypatch, tmp_path, (BOTH, Move("rep", "left"), REST, Move("rep", "left"), REST), stance)
    assert s.reps == 2 and s.per_leg == {}
