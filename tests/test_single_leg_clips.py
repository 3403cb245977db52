"""Single-leg squats on the real clips 41-44 against labels a person made by looking at the frames
(tests/data/single_leg_labels.json, how they were made: tests/data/LABELS.md). Skipped without the clips."""
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.clips

LABELS = json.loads((Path(__file__).parent / "data" / "single_leg_labels.json").read_text())
TOL = LABELS["tolerance_s"]
CLIPS = [name for name in LABELS if name.endswith(".mp4")]


@pytest.mark.parametrize("name", CLIPS)
def test_every_repetition_stands_on_the_labelled_leg_and_no_standing_moment_is_a_bottom(analysed, name):
    lab = LABELS[name]
    r = analysed(name, "single-leg-squat", video=False, stills=False).result
    assert r.video.n_frames == lab["frames"]          # every frame a player shows (frame numbers line up)
    fps = lab["fps"]
    reps, partial = lab["reps"], lab["partial"]
    whole = [e for e in r.events if not any(abs(e.key_frame - p["bottom"]) / fps <= TOL["bottom"] for p in partial)]
    assert len(whole) == len(reps), [(e.leg, e.key_frame) for e in r.events]
    for e, x in zip(whole, reps):
        assert e.leg == x["leg"], (e.index, e.key_frame)
        assert abs(e.key_frame - x["bottom"]) / fps <= TOL["bottom"], (e.index, e.key_frame, x["bottom"])
        # the repetition does not reach into the standing before or after it
        assert (x["start"] - e.start_frame) / fps <= TOL["start_end"] and (e.end_frame - x["end"]) / fps <= \
            TOL["start_end"], (e.index, e.start_frame, e.end_frame)
    for gap in lab["not_reps"]:
        assert not any(gap["from"] <= e.key_frame <= gap["to"] for e in r.events), gap
    tested = [leg for leg in ("left", "right") if any(x["leg"] == leg for x in reps)]
    assert list(r.legs) == tested
    for leg in tested:
        assert r.legs[leg].band in ("typical", "watch", "marked", None)


def test_the_chosen_leg_that_never_stands_is_said_and_not_rated(analysed):
    r = analysed("front_single_leg_squat_shallow_barefoot_42.mp4", "single-leg-squat", video=False, stills=False,
                 leg="right").result
    assert list(r.legs) == ["left"]
    note = next(n for n in r.notes if n.code == "leg_not_tested")
    assert note.level == "warning" and "the right leg did not stand" in note.message


def test_each_legs_worst_repetition_is_one_of_that_legs_labelled_repetitions(analysed):
    """Left against right on a real clip with both legs: the worst repetition reported for a leg is one the
    labels say stood on that leg (its bottom within the tolerance), and both legs' knee measures are compared."""
    from screening.engine.sides import sides
    name = "front_single_leg_squat_alternating_41.mp4"
    lab = LABELS[name]
    r = analysed(name, "single-leg-squat", video=False, stills=False).result
    both = sides(r)
    assert set(both.worst) <= {"left", "right"} and both.worst, "no worst repetition was found on either leg"
    for leg, worst in both.worst.items():
        event = next(e for e in r.events if e.index == worst.index)
        mine = [x for x in lab["reps"] if x["leg"] == leg]
        assert any(abs(event.key_frame - x["bottom"]) / lab["fps"] <= TOL["bottom"] for x in mine), (leg, worst)
        assert event.leg == leg
    keys = [d.key for d in both.differences]
    assert "fppa" in keys or "mkd" in keys
    for d in both.differences:
        assert d.left == r.legs["left"].rating(d.key).value or d.left is None
