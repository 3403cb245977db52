"""Geometry and per-frame measures on synthetic tracks with known angles."""
import numpy as np
import pytest

from screening.core import geometry as g
from screening.engine.filtering import clean_track
from screening.engine.metrics import compute_series
from screening.engine.synthetic import SquatSpec, synthetic_squat


def test_fppa_sign_follows_the_midline_for_both_legs():
    hip, ankle = np.array([0.0, 0.0]), np.array([0.0, 100.0])
    knee_in, knee_out = np.array([10.0, 50.0]), np.array([-10.0, 50.0])
    medial = np.array([1.0, 0.0])                      # the other hip is to the right
    valgus = g.fppa(hip, knee_in, ankle, medial)
    varus = g.fppa(hip, knee_out, ankle, medial)
    assert valgus == pytest.approx(2 * np.degrees(np.arctan(10 / 50)))
    assert varus == pytest.approx(-valgus)
    # the same knee seen for a leg whose midline lies the other way is varus
    assert g.fppa(hip, knee_in, ankle, -medial) == pytest.approx(-valgus)


@pytest.mark.parametrize("left,right", [(14.0, 3.0), (0.0, 22.0), (-6.0, 9.0)])
def test_synthetic_squat_fppa_is_exact_at_the_deepest_frames(left, right):
    track, truth = synthetic_squat(SquatSpec(fppa_peak={"left": left, "right": right}))
    s, _ = compute_series(track)
    for f in truth["deepest"]:
        assert s["fppa_left_deg"][f] == pytest.approx(left, abs=1e-6)
        assert s["fppa_right_deg"][f] == pytest.approx(right, abs=1e-6)


def test_mirrored_track_swaps_left_and_right():
    track, truth = synthetic_squat(SquatSpec(fppa_peak={"left": 17.0, "right": 4.0}, noise_px=1.5))
    s, _ = compute_series(clean_track(track, "squat"))
    m, _ = compute_series(clean_track(track.mirrored(), "squat"))
    for a, b in (("left", "right"), ("right", "left")):
        for key in ("fppa_{}_deg", "mkd_{}_pct", "arch_{}_pct"):
            np.testing.assert_allclose(s[key.format(a)], m[key.format(b)], atol=1e-6)
    np.testing.assert_allclose(s["kasr"], m["kasr"], atol=1e-9)


@pytest.mark.parametrize("roll", [-12.0, 8.0])
def test_camera_roll_does_not_change_the_measures(roll):
    base, truth = synthetic_squat(SquatSpec(stance="left", fppa_peak={"left": 12.0, "right": 0.0},
                                            pelvic_drop_peak=7.0, trunk_lean_peak=5.0))
    rolled, _ = synthetic_squat(SquatSpec(stance="left", fppa_peak={"left": 12.0, "right": 0.0},
                                          pelvic_drop_peak=7.0, trunk_lean_peak=5.0, roll_deg=roll))
    a, _ = compute_series(base, "left")
    b, bb = compute_series(rolled, "left")
    assert bb.roll_deg == pytest.approx(roll, abs=1e-6)
    f = truth["deepest"][0]
    for key in ("fppa_left_deg", "mkd_left_pct", "pelvic_drop_deg", "trunk_lean_deg"):
        assert b[key][f] == pytest.approx(a[key][f], abs=1e-6)
    assert b["pelvic_drop_deg"][f] == pytest.approx(7.0, abs=1e-6)
    assert b["trunk_lean_deg"][f] == pytest.approx(5.0, abs=1e-6)


def test_arch_proxy_follows_the_set_ankle_shift():
    track, truth = synthetic_squat(SquatSpec(arch_peak={"left": 4.0, "right": 0.0}))
    s, _ = compute_series(track)
    f = truth["deepest"][1]
    assert s["arch_left_pct"][f] == pytest.approx(4.0, abs=0.05)
    assert abs(s["arch_right_pct"][f]) < 0.05


def test_standing_frames_give_zero_shift_and_depth():
    track, truth = synthetic_squat()
    s, base = compute_series(track)
    assert np.nanmax(np.abs(s["mkd_left_pct"][base.frames])) < 1e-6
    assert np.nanmax(np.abs(s["depth"][base.frames])) < 1e-6
    assert s["depth"][truth["deepest"][0]] > 0.1
