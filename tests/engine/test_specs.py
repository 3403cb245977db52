"""The per-test specification table: its values pinned, and checked against the figures they come from."""
from dataclasses import fields

import pytest

from screening.core.specs import EVENT_NOUNS, SPECS, STRIDE_MIN_FPS, TestSpec
from screening.core.types import TESTS
from screening.engine.assess import assess
from screening.engine.filtering import cutoff_for
from screening.engine.norms import FPPA_SDD_DEG, norm_for
from screening.engine.ratings import MEASURES
from screening.engine.synthetic import SquatSpec, synthetic_drop_jump, synthetic_squat
from screening.engine.tracking import pose_stride

# The table as it was written out, value by value, before the engine read it (the test-name branches of
# filtering, tracking, assess, ratings, norms, quality and the UI). A change here changes behaviour.
EXPECTED = {
    "squat": dict(label="Squat", event_kind="rep", key_moment="at the bottom of the movement", single_leg=False,
                  both_measures=("kasr", "khsr"), pose_stride=2, cutoff_hz=5.0, fppa_norms="single-leg-squat",
                  lead_measure="fppa", lead_from="good", lead_fallback="mkd", low_fps_below=None,
                  recommendations=(), live_feedback=True, live_max_s=25),
    "single-leg-squat": dict(label="Single-leg squat", event_kind="rep", key_moment="at the bottom of the movement",
                             single_leg=True, both_measures=("pelvic_drop", "trunk_lean"), pose_stride=2,
                             cutoff_hz=5.0, fppa_norms="single-leg-squat", lead_measure="fppa", lead_from="fair",
                             lead_fallback="mkd", low_fps_below=None, recommendations=(), live_feedback=True,
                             live_max_s=25),
    "drop-jump": dict(label="Drop-jump landing", event_kind="landing", key_moment="at landing", single_leg=False,
                      both_measures=("kasr", "khsr"), pose_stride=1, cutoff_hz=10.0, fppa_norms="drop-jump",
                      lead_measure="fppa", lead_from="fair", lead_fallback="mkd", low_fps_below=50.0,
                      recommendations=("landing",), live_feedback=False, live_max_s=10),
    # issue 20: side-lying, the top leg; no validated norm exists for its lead measure
    "clamshell": dict(label="Clamshell (experimental)", event_kind="opening", key_moment="at the top of the opening",
                      single_leg=True, both_measures=("pelvis_roll", "trunk_roll"), pose_stride=2, cutoff_hz=3.0,
                      fppa_norms="", lead_measure="pelvis_roll", lead_from="fair", lead_fallback="trunk_roll",
                      low_fps_below=10.0, recommendations=("clamshell",), live_feedback=True, live_max_s=40,
                      posture="side-lying", leg_role="top leg", experimental=True, band_measures=("pelvis_roll",)),
}
# the fields' defaults; issue 19: a standing leg's band is the worst of its knee angle and knee shift
STANDING = dict(posture="standing", leg_role="stance leg", experimental=False, band_measures=("fppa", "mkd"))


def test_one_specification_per_test_with_the_values_of_before():
    assert tuple(SPECS) == TESTS == ("squat", "single-leg-squat", "drop-jump", "clamshell")   # as the app lists them
    for name, spec in SPECS.items():
        expected = {**STANDING, **EXPECTED[name]}
        assert spec == TestSpec(name=name, **expected)
        assert {f.name for f in fields(spec)} == {"name", *expected}
    assert STRIDE_MIN_FPS == 24.0
    assert (SPECS["squat"].event_noun, SPECS["drop-jump"].event_noun) == ("repetition", "landing")
    assert EVENT_NOUNS == {"rep": "repetition", "landing": "landing", "opening": "repetition"}
    with pytest.raises(AttributeError):
        SPECS["squat"].cutoff_hz = 6.0          # frozen: nothing changes a test's rules at run time


def test_filter_cut_offs_follow_the_published_range_and_the_sampling():
    # measurement.md, Events: kinematics from video are low-pass filtered at 6-12 Hz; landings are fast.
    assert 6.0 <= SPECS["drop-jump"].cutoff_hz <= 12.0
    # squats (a repetition takes 1-3 s) are slower than landings and are filtered harder
    assert SPECS["squat"].cutoff_hz == SPECS["single-leg-squat"].cutoff_hz < SPECS["drop-jump"].cutoff_hz
    for name, spec in SPECS.items():
        assert cutoff_for(name, 240.0) == spec.cutoff_hz
        assert cutoff_for(name, 20.0) == min(spec.cutoff_hz, 8.0)   # never above 0.4 x the frame rate
    assert cutoff_for("unknown", 240.0) == 6.0


def test_the_pose_stride_keeps_every_frequency_the_filter_keeps():
    # Sampled at STRIDE_MIN_FPS / stride, the Nyquist frequency must stay above the cut-off (24 fps / 2 =
    # 12 Hz, Nyquist 6 Hz > 5 Hz); landings last a few frames, so the model sees every frame.
    for name, spec in SPECS.items():
        assert STRIDE_MIN_FPS / spec.pose_stride / 2 > spec.cutoff_hz
        assert pose_stride(name, 30.0) == spec.pose_stride and pose_stride(name, 23.9) == 1
    assert SPECS["drop-jump"].pose_stride == 1


def test_landings_warn_below_the_preferred_frame_rate():
    # measurement.md: "a 30 fps clip has only a few frames between IC and PKF, so 60 fps is preferred"
    limit = SPECS["drop-jump"].low_fps_below
    assert limit is not None and 30.0 < limit <= 60.0
    assert SPECS["squat"].low_fps_below is None and SPECS["single-leg-squat"].low_fps_below is None
    # the clamshell is slow (lift 1 s, hold 2 s, lower 2 s: education.md); below 10 fps its tempo is rough
    assert SPECS["clamshell"].low_fps_below == 10.0


def test_measures_and_norms_per_test_come_from_the_reference():
    # KASR and the knee-to-hip ratio are measured between the two legs of a bilateral landing or squat
    # (Mizner 2012; Sportsmetrics); pelvic drop and trunk lean are the single-leg-squat extras (Crossley 2011).
    for name, spec in SPECS.items():
        assert all(not MEASURES[k][2] for k in spec.both_measures)          # none of them is per leg
        if spec.posture == "side-lying":                                    # the clamshell: the body's roll
            assert spec.both_measures == ("pelvis_roll", "trunk_roll")
            assert norm_for("fppa", name) is None and norm_for("pelvic_drop", name) is None
            continue
        assert spec.both_measures == (("pelvic_drop", "trunk_lean") if spec.single_leg else ("kasr", "khsr"))
        rated = {k for k in ("pelvic_drop", "trunk_lean") if norm_for(k, name) is not None}
        assert rated == ({"pelvic_drop", "trunk_lean"} if spec.single_leg else set())
    # FPPA: drop-jump landings by Herrington and Munro 2010 (females 7-13 deg, males 3-8 deg); squats by the
    # pain-free single-leg-squat controls of Herrington 2014 (8.4 +/- 5.1 deg: mean + 1 SD = 13.5 deg);
    # marked from the top of the range plus the smallest detectable difference (Munro 2012: 7.5-8.9 deg).
    assert 7.5 <= FPPA_SDD_DEG <= 8.9
    assert norm_for("fppa", "drop-jump", "female").watch == 13.0
    assert norm_for("fppa", "drop-jump", "male").watch == 8.0
    for name in ("squat", "single-leg-squat"):
        norm = norm_for("fppa", name, "male")
        assert norm.watch == pytest.approx(8.4 + 5.1) and norm.marked == pytest.approx(13.5 + FPPA_SDD_DEG)
    assert "no bilateral-squat norms exist" in norm_for("fppa", "squat").text
    assert "no bilateral-squat norms exist" not in norm_for("fppa", "single-leg-squat").text


def test_the_engine_reads_the_table_for_landings():
    track, _ = synthetic_drop_jump()
    r = assess(track, "drop-jump", sex="female")
    assert r.events and {e.kind for e in r.events} == {"landing"} and r.event_noun == "landing"
    assert all(e.contact_values for e in r.events)                 # values at initial contact as well
    assert not any(hasattr(e, "_pos") for e in r.events)            # no undeclared attributes left behind
    assert all("landing" in s.recommendations for s in r.legs.values())
    assert [mv.key for mv in r.events[0].values["both"]] == ["kasr", "khsr"]
    squat, _ = synthetic_squat(SquatSpec(depth=0.2))
    s = assess(squat, "squat")
    assert {e.kind for e in s.events} == {"rep"} and s.event_noun == "repetition"
    assert not any("landing" in x.recommendations for x in s.legs.values())
    still = synthetic_squat(SquatSpec(depth=0.0))[0]                # no repetition at all
    none = assess(still, "drop-jump")
    assert none.events == [] and none.event_noun == "landing"
    assert "No landing was found" in next(n.message for n in none.notes if n.code == "no_events")
