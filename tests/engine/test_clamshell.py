"""The clamshell measures against a 3D model: a stacked pelvis and trunk rolled back about the body's long axis
by known angles, a known opening, hold and tempo, projected by a pinhole camera (engine.synthetic_lying).

The expected values are worked out here from the model's projected points or by hand (1 - cos of the roll,
the 10-90% times of a linear ramp), never by the code under test."""
import numpy as np
import pytest

from screening.core.errors import AnalysisError
from screening.core.track import Track
from screening.engine.assess import assess
from screening.engine.lying import check_lying, turn_lying, views_agree
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.engine.synthetic_lying import ClamshellSpec, synthetic_clamshell


def _values(r, key):
    return [mv.value for e in r.events for mv in e.values[r.leg] + e.values["both"] if mv.key == key]


def _shortening(truth, frame, part="hip"):
    """% by which the projected hip-to-hip (or shoulder) segment at `frame` is shorter than closed (frame 0)."""
    length = [np.linalg.norm(truth["points"][f][f"top_{part}"] - truth["points"][f][f"bottom_{part}"])
              for f in (0, frame)]
    return 100 * (1 - length[1] / length[0])


def _angle(p, a, b):
    """Unsigned angle in degrees between the projected thighs bottom and top, from the model's points."""
    u, v = p[f"{a}_knee"] - p[f"{a}_hip"], p[f"{b}_knee"] - p[f"{b}_hip"]
    return np.degrees(np.arccos(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v)))


def test_stacked_clamshells_count_every_opening_and_flag_no_roll():
    track, truth = synthetic_clamshell(ClamshellSpec(reps=3))
    r = assess(track, "clamshell")
    assert r.test == "clamshell" and r.leg == "right" == truth["top"]       # facing the camera, head right
    assert len(r.events) == 3 and {e.kind for e in r.events} == {"opening"} and r.event_noun == "repetition"
    assert all(abs(v) < 0.3 for v in _values(r, "pelvis_roll") + _values(r, "trunk_roll"))
    leg = r.legs["right"]
    assert leg.band == "typical" and leg.key_measure == "pelvis_roll" and "stayed stacked" in leg.headline
    # the opening at each top is the model's projected angle between the thighs there
    mid = truth["top_frames"][len(truth["top_frames"]) // 6]          # the middle of the first hold
    expected = _angle(truth["points"][mid], "bottom", "top")
    assert _values(r, "opening")[0] == pytest.approx(expected, abs=0.5)
    assert "clamshell" in leg.recommendations
    assert "no validated norm" in r.norms_used
    assert all(x.norm.startswith("EXPERIMENTAL") for x in leg.ratings if x.band is not None)


@pytest.mark.parametrize("roll, band", [(10, "typical"), (25, "watch"), (35, "marked")])
def test_a_known_pelvis_roll_reads_as_the_projected_shortening(roll, band):
    track, truth = synthetic_clamshell(ClamshellSpec(reps=2, pelvis_roll_deg=roll, trunk_roll_deg=roll))
    r = assess(track, "clamshell")
    top = truth["top_frames"][len(truth["top_frames"]) // 4]
    projected = _shortening(truth, top)
    by_hand = 100 * (1 - np.cos(np.radians(roll)))          # orthographic: 10 deg 1.5%, 25 deg 9.4%, 35 deg 18.1%
    assert abs(projected - by_hand) < 1.5                   # the pinhole camera adds a little
    for v in _values(r, "pelvis_roll"):
        assert v == pytest.approx(projected, abs=0.5)
    # the shoulders: 36 cm apart, rolled back by the same angle (their top end lies well above the camera,
    # so perspective adds more than at the hips)
    for v in _values(r, "trunk_roll"):
        assert v == pytest.approx(_shortening(truth, top, "shoulder"), abs=0.5)
    leg = r.legs[r.leg]
    assert leg.band == band and leg.rating("pelvis_roll").band == band
    if band != "typical":
        assert "your pelvis rolled back" in leg.headline and "open less" in leg.headline


def test_the_mirror_image_swaps_the_top_leg_and_keeps_every_value():
    spec = dict(reps=2, pelvis_roll_deg=25, heels_apart_m=0.05)
    a = assess(synthetic_clamshell(ClamshellSpec(**spec))[0], "clamshell")
    b = assess(synthetic_clamshell(ClamshellSpec(mirrored=True, **spec))[0], "clamshell")
    assert (a.leg, b.leg) == ("right", "left")
    for key in ("opening", "pelvis_roll", "heels_apart", "up_s", "hold_s", "down_s"):
        assert _values(b, key) == pytest.approx(_values(a, key), abs=1e-6)


def test_hold_and_tempo_are_the_10_to_90_percent_times_of_the_ramps():
    # a linear ramp of the opening over U s passes 10% and 90% of its rise 0.8 U apart; the top (above 90%)
    # lasts the hold H plus a tenth of each ramp: U = 2, H = 0.5, D = 1 -> up 1.6, hold 0.8, down 0.8 s
    track, _ = synthetic_clamshell(ClamshellSpec(reps=3, lift_s=2.0, hold_s=0.5, lower_s=1.0, opening_deg=20))
    r = assess(track, "clamshell")
    assert len(r.events) == 3
    for key, expected in (("up_s", 1.6), ("hold_s", 0.8), ("down_s", 0.8)):
        assert all(v == pytest.approx(expected, abs=0.1) for v in _values(r, key)), key


def test_a_3_fps_clip_like_the_real_one_still_counts_its_openings():
    track, _ = synthetic_clamshell(ClamshellSpec(reps=2, fps=10 / 3, lift_s=1.5, hold_s=0.6, lower_s=1.5))
    r = assess(track, "clamshell")
    assert len(r.events) == 2 and r.legs[r.leg].band == "typical"
    assert {x.reliability for x in r.legs[r.leg].ratings if x.key.endswith("_s")} == {"fair"}   # rough times


def test_heels_parting_is_measured_in_thigh_lengths():
    track, truth = synthetic_clamshell(ClamshellSpec(reps=2, heels_apart_m=0.10))
    r = assess(track, "clamshell")
    p0, p1 = truth["points"][0], truth["points"][truth["top_frames"][5]]
    thigh = np.mean([np.linalg.norm(p0[f"{s}_knee"] - p0[f"{s}_hip"]) for s in ("top", "bottom")])
    gap = [np.linalg.norm(p["top_heel"] - p["bottom_heel"]) for p in (p0, p1)]
    expected = 100 * (gap[1] - gap[0]) / thigh                        # about 27% of the thigh's length
    assert all(v == pytest.approx(expected, abs=1.0) for v in _values(r, "heels_apart"))
    assert r.legs[r.leg].rating("heels_apart").band == "marked"
    assert "heels came" in r.legs[r.leg].what_it_means


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_a_clip_stored_turned_is_turned_so_the_opening_leg_is_on_top(k):
    track, _ = synthetic_clamshell(ClamshellSpec(reps=2))
    xy = track.xy.copy()
    for _ in range(k):        # stored turned clockwise by k quarter turns: (x, y) -> (-y, x) about the origin
        xy = np.stack([-xy[..., 1], xy[..., 0]], axis=-1)
    turned = Track(track.t, xy, track.vis, track.width, track.height)
    assert turn_lying(turned) == (90 * k) % 360


def test_the_mirrored_view_is_left_out_where_it_squeezes_the_hips():
    track, _ = synthetic_clamshell(ClamshellSpec(reps=1))
    direct = Track(track.t, track.xy.copy(), track.vis.copy(), track.width, track.height)
    mean = track.xy.copy()
    hips = [23, 24]
    mean[10:20, hips] = mean[10:20, hips].mean(axis=1, keepdims=True) * 0.5 + mean[10:20, hips] * 0.5
    combined = Track(track.t, mean, track.vis, track.width, track.height)
    combined.extra["direct"] = direct
    fixed = views_agree(combined)
    assert fixed.extra["views_differ"].sum() == 10 and np.allclose(fixed.xy, direct.xy)


def test_capture_checks_refuse_what_cannot_be_a_clamshell():
    lying, _ = synthetic_clamshell(ClamshellSpec(reps=2))
    assert [n.code for n in check_lying(lying, duration_s=float(lying.t[-1]), fps=30.0)] == []
    standing, _ = synthetic_squat(SquatSpec())
    with pytest.raises(AnalysisError) as e:
        check_lying(standing, duration_s=float(standing.t[-1]), fps=30.0)
    assert e.value.code == "not_lying"
    toward = Track(lying.t, lying.xy.copy(), lying.vis, lying.width, lying.height)
    centre = np.nanmean(toward.xy[:, :, 0])
    toward.xy[..., 0] = centre + 0.3 * (toward.xy[..., 0] - centre)   # head and feet toward the camera
    with pytest.raises(AnalysisError) as e:
        check_lying(toward, duration_s=float(lying.t[-1]), fps=30.0)
    assert e.value.code == "lying_toward_camera"
    with pytest.raises(AnalysisError) as e:
        check_lying(lying, duration_s=1.5, fps=30.0)
    assert e.value.code == "too_short"
    slow = check_lying(lying, duration_s=float(lying.t[-1]), fps=3.3, low_fps_below=10.0)
    assert [n.code for n in slow] == ["low_fps"]


def test_an_old_result_without_the_clamshell_still_loads_and_a_clamshell_round_trips():
    from screening.core.result import Result
    r = assess(synthetic_clamshell(ClamshellSpec(reps=1, pelvis_roll_deg=30))[0], "clamshell")
    back = Result.from_json(r.to_json())
    assert back.to_dict() == r.to_dict() and back.legs["right"].band == r.legs["right"].band
