"""Left against right (issue 25): the left-right difference of each measure and each leg's worst repetition,
checked against values put in by hand and worked out by hand.

A single-leg squat with three repetitions on each leg: left knee angles 10, 12, 14 deg (median 12), right 3, 4, 5
(median 4), so the difference is 12 - 4 = 8 deg, the left higher (more inward). The SDD is the published 8 deg
(Munro 2012), as the legs' own pooled SD (sqrt((4+0+4+1+0+1)/4) = 1.58 deg) gives 1.96 * 1.58 * sqrt(2/3) =
2.5 deg, less: 8 deg is not more than 8 deg. Left knee shifts -5, -4, -6 (outward, median -5), right 3, 2, 4
(inward, median 3): 8.0% of leg length, the right more inward. The worst left repetition is the 14 deg one; on the
right a 30 deg reading the engine found not valid ('poor') must not be called the worst.
"""
from __future__ import annotations

import math

from screening.core.result import Event, MeasureValue
from screening.engine.example import example_result
from screening.engine.ratings import summarise_leg
from screening.engine.sides import sides

LEFT = ((10.0, -5.0), (12.0, -4.0), (14.0, -6.0))
RIGHT = ((3.0, 3.0), (4.0, 2.0), (5.0, 4.0))
NOT_VALID = (30.0, 3.0)        # a right knee angle the engine finds not valid there


def _event(i: int, leg: str, angle: float, shift: float, poor: bool = False) -> Event:
    e = Event("rep", i, 10 * i, 10 * i + 5, 10 * i + 9, i * 1.0, i * 1.0 + 0.5, i * 1.0 + 0.9, leg=leg)  # type: ignore[arg-type]
    rel = "poor" if poor else "good"
    e.values = {leg: [MeasureValue("fppa", angle, rel, "the thigh points toward the camera" if poor else "clear"),
                      MeasureValue("mkd", shift, "good", "clear")],
                "both": [MeasureValue("pelvic_drop", 2.0 if leg == "left" else 9.0, "good", "clear")]}
    return e


def _result(left=LEFT, right=RIGHT):
    r = example_result(sex="female")
    r.test, r.leg = "single-leg-squat", None
    events = [_event(i + 1, "left", a, s) for i, (a, s) in enumerate(left)]
    events += [_event(len(events) + i + 1, "right", a, s, poor=a > 20) for i, (a, s) in enumerate(right)]
    r.events = events
    r.legs = {leg: summarise_leg([e for e in events if e.leg == leg], leg, r.test, r.sex) for leg in ("left", "right")}
    return r


def test_the_difference_is_worked_out_by_hand_with_its_direction_and_noise_margin():
    s = sides(_result())
    fppa = s.difference("fppa")
    assert (fppa.left, fppa.right, fppa.difference, fppa.higher) == (12.0, 4.0, 8.0, "left")
    assert fppa.sdd == 8.0 and fppa.beyond is False              # 8 deg is not more than the 8 deg SDD
    assert fppa.short == "8° more inward on the left"
    assert fppa.sentence == ("Knee angle: left 12°, right 4°: the left reads 8° more inward; within the 8° that "
                             "measuring alone can vary by.")
    assert "Munro" in fppa.sdd_reason and fppa.sdd_reason.startswith("A left-right difference must exceed 8 deg")
    mkd = s.difference("mkd")
    assert (mkd.left, mkd.right, mkd.higher) == (-5.0, 3.0, "right") and math.isclose(mkd.difference, 8.0)
    assert mkd.short == "8.0% more inward on the right"
    # pooled SD of -5,-4,-6 and 3,2,4 around their means: sqrt((1+0+1+1+0+1)/(2+2)) = 1.0;
    # 1.96 * 1.0 * sqrt(1/3 + 1/3) = 1.60 % of leg length: 8.0 is more than that
    assert math.isclose(mkd.sdd, 1.96 * math.sqrt(2 / 3), rel_tol=1e-9)
    assert mkd.beyond is True
    drop = s.difference("pelvic_drop")          # a single-leg squat's pelvis: each leg's own repetitions
    assert (drop.left, drop.right, drop.higher, drop.short) == (2.0, 9.0, "right", "7° higher on the right")


def test_a_larger_difference_is_beyond_the_noise_margin():
    fppa = sides(_result(left=((14.0, 0.0), (14.0, 0.0), (14.0, 0.0)))).difference("fppa")
    assert fppa.difference == 10.0 and fppa.beyond is True
    assert fppa.sentence.endswith("more than the 8° that measuring alone can vary by.")


def test_the_worst_repetition_is_the_furthest_toward_marked_among_valid_values():
    s = sides(_result(right=RIGHT + (NOT_VALID,)))
    assert (s.worst["left"].index, s.worst["left"].value, s.worst["left"].n) == (3, 14.0, 3)
    assert (s.worst["right"].index, s.worst["right"].value, s.worst["right"].n) == (6, 5.0, 3)   # not the 30
    assert s.worst["left"].short == "Worst repetition (knee angle): no. 3 at 3.5 s, 14° (of 3)"


def test_bilateral_squat_compares_per_leg_measures_only_and_one_leg_has_nothing_to_compare():
    r = example_result(sex="female")
    keys = [d.key for d in sides(r).differences]
    assert "fppa" in keys and "mkd" in keys and "kasr" not in keys and "khsr" not in keys   # ratios: one number
    del r.legs["right"]
    assert sides(r).differences == [] and "left" in sides(r).worst


def test_a_result_saved_before_it_gives_the_same_from_its_json():
    r = _result()
    again = type(r).from_json(r.to_json())
    assert [d.sentence for d in sides(again).differences] == [d.sentence for d in sides(r).differences]


def test_a_measure_valid_on_neither_leg_is_not_compared():
    r = _result()
    for summary in r.legs.values():
        fppa = summary.rating("fppa")
        fppa.reliability, fppa.band = "poor", None          # what format_rating shows as n/a
    d = sides(r).difference("fppa")
    assert (d.difference, d.short) == (None, "n/a")
    assert d.sentence == "Knee angle: left n/a, right n/a: not compared, neither leg has a valid value."


def test_a_result_saved_before_sides_existed_is_compared_from_its_own_fields():
    """The stored v1 result (tests/store): its knee angles read 24 and 5 deg, 19 deg apart."""
    from pathlib import Path

    from screening.core.result import Result
    old = Result.load(Path(__file__).parents[1] / "store" / "old_result_v1.json")
    fppa = sides(old).difference("fppa")
    assert (fppa.left_text, fppa.right_text, fppa.short) == ("24°", "5°", "19° more inward on the left")
