"""Clean-up filter and event detection on synthetic tracks: gaps, variable frame rate, pauses, landings."""
import numpy as np
import pytest

from screening.engine.events import find_landings, find_reps
from screening.engine.filtering import clean_track, fill_gaps, lowpass
from screening.core.landmarks import LEG
from screening.engine.metrics import compute_series
from screening.engine.synthetic import DropJumpSpec, SquatSpec, synthetic_drop_jump, synthetic_squat


def test_fill_gaps_bridges_short_gaps_only():
    t = np.arange(40) / 30.0
    x = np.sin(t)
    x[5:8] = np.nan          # 0.13 s: bridged
    x[20:30] = np.nan        # 0.37 s: left empty
    y = fill_gaps(x, t, 0.2)
    assert np.isfinite(y[5:8]).all()
    np.testing.assert_allclose(y[5:8], np.interp(t[5:8], [t[4], t[8]], [x[4], x[8]]))
    assert np.isnan(y[20:30]).all()


def test_lowpass_keeps_slow_movement_and_removes_jitter():
    t = np.arange(300) / 30.0
    slow = np.sin(2 * np.pi * 0.5 * t)
    rng = np.random.default_rng(1)
    y = lowpass(slow + rng.normal(0, 0.2, t.size), t, 5.0)
    assert np.abs(y - slow)[10:-10].std() < 0.08       # noise SD 0.2 -> well under half
    np.testing.assert_allclose(lowpass(slow, t, 5.0)[10:-10], slow[10:-10], atol=0.01)


def test_lowpass_never_fills_gaps_and_handles_variable_frame_rate():
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(0.025, 0.042, 200))
    x = np.sin(2 * np.pi * 0.4 * t)
    x[80:100] = np.nan
    y = lowpass(x, t, 5.0)
    assert np.isnan(y[80:100]).all()
    ok = np.isfinite(x)
    assert np.abs(y[ok] - x[ok]).max() < 0.05


@pytest.mark.parametrize("spec", [
    SquatSpec(),
    SquatSpec(reps=5, rep_s=1.6, stand_s=0.6),
    SquatSpec(jitter_s=0.006, noise_px=1.0, seed=3),
    SquatSpec(drop_frames=tuple(range(60, 64)) + tuple(range(150, 153))),
])
def test_reps_and_deepest_points(spec):
    track, truth = synthetic_squat(spec)
    s, _ = compute_series(clean_track(track, "squat"))
    reps = find_reps(s["depth"], track.t)
    assert len(reps) == spec.reps
    for rep, deepest in zip(reps, truth["deepest"]):
        assert abs(rep.key - deepest) <= 1
        assert rep.start < rep.key < rep.end


def test_a_pause_at_the_bottom_is_one_rep_with_its_middle_as_deepest_point():
    spec = SquatSpec(reps=3, pause_s=1.2, noise_px=1.0)
    track, truth = synthetic_squat(spec)
    s, _ = compute_series(clean_track(track, "squat"))
    reps = find_reps(s["depth"], track.t)
    assert len(reps) == 3
    for rep, deepest in zip(reps, truth["deepest"]):
        assert abs(rep.key - deepest) <= 4             # the pause lasts 36 frames


@pytest.mark.parametrize("spec", [DropJumpSpec(), DropJumpSpec(fps=30.0), DropJumpSpec(noise_px=0.8, seed=4)])
def test_drop_jump_contact_and_peak_flexion(spec):
    track, truth = synthetic_drop_jump(spec)
    cleaned = clean_track(track, "drop-jump")
    s, base = compute_series(cleaned)
    feet = np.mean([cleaned.xy[:, LEG[sd]["ankle"], 1] for sd in ("left", "right")], axis=0)
    landings = find_landings(feet, s["depth"], track.t, base.leg_px)
    assert len(landings) == 2                          # off the box, then after the jump
    first = landings[0]
    tol = 1 if spec.fps >= 60 else 1
    assert abs(first.contact - truth["contact"]) <= tol
    assert abs(first.key - truth["peak"]) <= 2
