"""Single-leg squats on synthetic tracks built with known stance legs: every repetition's leg and bottom, and
nothing counted at balancing, both feet down, steps or leg changes."""
import numpy as np
import pytest

from screening.engine.assess import assess
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.engine.synthetic_single import Move, SingleLegSpec, synthetic_single_leg

BOTH, REST = Move("both"), Move("both", seconds=0.6)
ALTERNATING = (BOTH, Move("rep", "left"), REST, Move("rep", "right"), REST, Move("rep", "left"), REST,
               Move("rep", "right"), BOTH)
PAUSE_ON_ONE_LEG = (BOTH, Move("rep", "left"), Move("balance", "left", 2.5), Move("rep", "left", pause_s=1.0),
                    BOTH)
LEG_CHANGE = (BOTH, Move("rep", "right"), Move("rep", "right"), Move("balance", "right", 1.0), REST,
              Move("balance", "left", 1.2), Move("rep", "left"), Move("rep", "left", depth=0.15), BOTH)
STEP = (BOTH, Move("rep", "left"), REST, Move("step", "right"), REST, Move("rep", "right"), BOTH)


def _check(moves, **kw):
    track, truth = synthetic_single_leg(SingleLegSpec(moves=moves, noise_px=1.0, **kw))
    r = assess(track, "single-leg-squat")
    assert [e.leg for e in r.events] == [x["leg"] for x in truth["reps"]]
    for e, x in zip(r.events, truth["reps"]):
        assert abs(e.key_frame - x["bottom"]) <= 3
        assert x["start"] <= e.start_frame < e.key_frame < e.end_frame <= x["end"]
    for x in truth["not_reps"]:          # no deepest point while balancing, standing, stepping or slipping
        assert not any(x["start"] <= e.key_frame <= x["end"] for e in r.events), x
    return r, truth


@pytest.mark.parametrize("moves", [ALTERNATING, PAUSE_ON_ONE_LEG, LEG_CHANGE, STEP],
                         ids=["alternating", "pause on one leg", "leg change", "step"])
def test_each_repetition_has_the_leg_it_was_built_on(moves):
    r, truth = _check(moves)
    tested = [leg for leg in ("left", "right") if any(x["leg"] == leg for x in truth["reps"])]
    assert list(r.legs) == tested
    assert r.leg == (tested[0] if len(tested) == 1 else None)
    for leg, summary in r.legs.items():
        fppa = summary.rating("fppa")
        assert len(fppa.per_event) == sum(x["leg"] == leg for x in truth["reps"])


def test_a_free_foot_held_behind_the_standing_leg_out_of_sight():
    r, _ = _check(ALTERNATING, hide_free=True)
    assert len(r.events) == 4


def test_a_standing_foot_that_steps_at_the_bottom_is_not_a_repetition():
    r, truth = _check((BOTH, Move("rep", "right"), Move("slip", "right", pause_s=0.5), BOTH, Move("rep", "right"),
                       BOTH))
    assert len(r.events) == 2
    note = next(n for n in r.notes if n.code == "not_single_leg")
    assert "1 knee bend was not counted" in note.message and "a step" in note.message


def test_knee_bends_on_both_feet_are_not_single_leg_squats():
    track, _ = synthetic_squat(SquatSpec(reps=3))          # a two-legged squat filmed as a single-leg one
    r = assess(track, "single-leg-squat")
    assert r.events == [] and r.legs == {}
    assert "both feet stayed on the floor" in next(n for n in r.notes if n.code == "not_single_leg").message
    assert any(n.code == "no_events" for n in r.notes)


def test_each_leg_is_measured_on_its_own_repetitions():
    # the case: a right-leg squat alone, then followed by its mirror image on the left leg. The right
    # leg must read the same; before, the left squat was measured as if the right leg stood
    fppa = {"right": 6.0, "left": 16.0}
    alone, _ = synthetic_single_leg(SingleLegSpec(moves=(BOTH, Move("rep", "right"), BOTH), fppa_peak=fppa))
    both, _ = synthetic_single_leg(SingleLegSpec(moves=(BOTH, Move("rep", "right"), REST, Move("rep", "left"),
                                                        BOTH), fppa_peak=fppa, pelvic_drop={"left": 8.0}))
    a, b = assess(alone, "single-leg-squat"), assess(both, "single-leg-squat")
    for key in ("fppa", "mkd"):
        assert b.legs["right"].rating(key).value == pytest.approx(a.legs["right"].rating(key).value, abs=0.2)
    assert b.legs["right"].rating("fppa").value == pytest.approx(6.0, abs=0.5)
    assert b.legs["left"].rating("fppa").value == pytest.approx(16.0, abs=0.5)
    # pelvic drop from each leg's own repetitions: 8 deg free side down on the left leg, level on the right
    assert b.legs["left"].rating("pelvic_drop").value == pytest.approx(8.0, abs=0.5)
    assert b.legs["right"].rating("pelvic_drop").value == pytest.approx(0.0, abs=0.5)


def test_a_chosen_leg_is_a_check_not_an_assumption():
    track, _ = synthetic_single_leg(SingleLegSpec(moves=(BOTH, Move("rep", "left"), REST, Move("rep", "left"), BOTH)))
    r = assess(track, "single-leg-squat", leg="right")
    assert [e.leg for e in r.events] == ["left", "left"] and list(r.legs) == ["left"] and r.leg == "left"
    note = next(n for n in r.notes if n.code == "leg_not_tested")
    assert note.level == "warning" and "right leg did not stand" in note.message
    ok = assess(track, "single-leg-squat", leg="left")
    assert not any(n.code == "leg_not_tested" for n in ok.notes)
    assert [e.key_frame for e in ok.events] == [e.key_frame for e in r.events]


def test_per_frame_series_follow_the_standing_leg():
    track, truth = synthetic_single_leg(SingleLegSpec(moves=ALTERNATING, pelvic_drop={"left": 6.0, "right": 6.0}))
    r = assess(track, "single-leg-squat")
    drop = np.array(r.series.values["pelvic_drop_deg"], float)
    for x in truth["reps"]:                 # free side down on whichever leg stands: positive at every bottom
        assert drop[x["bottom"]] == pytest.approx(6.0, abs=0.5)
    valid = {sd: np.array(r.series.values[f"fppa_{sd}_valid"], float) for sd in ("left", "right")}
    for x in truth["reps"]:                 # a leg's knee angle counts only where that leg stands
        other = "right" if x["leg"] == "left" else "left"
        assert valid[x["leg"]][x["bottom"]] == 1 and valid[other][x["start"]:x["end"] + 1].max() == 0
