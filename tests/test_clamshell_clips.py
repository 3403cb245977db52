"""The clamshell on the one real clip (../shared/videos, MANIFEST row 45): a person lying on the left side, head to
the picture's right, one banded opening and closing with the pelvis stacked (correct form), 14 frames at 3.3 fps.
By eye: one repetition, the right leg on top (facing the camera with the head to the right, the left side is
down), no roll. The same must come out of its mirror image (head to the left: the left leg on top) and of the
clip stored the ways a phone stores it (turned pixels with a display matrix, and turned without one)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import analyse, clip, ffmpeg
from screening.cli import main

CLIP = "clamshell_sidelying_banded_correct_45.mp4"
pytestmark = pytest.mark.clips


def _value(r, key):
    return next(mv.value for e in r.events for mv in e.values[r.leg] + e.values["both"] if mv.key == key)


@pytest.fixture(scope="module")
def original():
    return analyse(clip(CLIP), "clamshell", video=False, stills=False).result


def _same_clamshell(r, base, top):
    assert len(r.events) == 1 and r.leg == top
    assert r.legs[top].band == "typical"                                      # no roll flagged
    assert abs(_value(r, "pelvis_roll")) < 6.0
    assert _value(r, "pelvis_roll") == pytest.approx(_value(base, "pelvis_roll"), abs=1.5)
    assert _value(r, "opening") == pytest.approx(_value(base, "opening"), abs=2.0)


def test_the_real_clip_counts_its_one_opening_and_flags_no_roll(original):
    r = original
    assert r.test == "clamshell" and r.leg == "right" and len(r.events) == 1
    e = r.events[0]
    assert e.kind == "opening" and 1.2 <= e.key_s <= 2.7         # by eye, the knee is highest at 2.1 s (frame 7)
    assert r.legs["right"].band == "typical" and r.legs["right"].key_measure == "pelvis_roll"
    assert 20 <= _value(r, "opening") <= 50                      # the knee rises about 70 px of a 85 px thigh
    codes = {n.code for n in r.notes}
    assert "low_fps" in codes and not any(n.level == "error" for n in r.notes)
    assert "experimental" in r.legs["right"].ratings[0].reliability_reason


def test_its_mirror_image_puts_the_left_leg_on_top_with_the_same_values(original, tmp_path):
    mirrored = tmp_path / "mirrored.mp4"
    ffmpeg("-i", str(clip(CLIP)), "-vf", "hflip", "-c:v", "libx264", "-crf", "16", "-an", str(mirrored))
    _same_clamshell(analyse(mirrored, "clamshell", video=False, stills=False).result, original, "left")


def test_a_phone_clip_stored_turned_gives_the_same_result(original, tmp_path):
    from screening import validation as v
    try:
        v.check_ffmpeg()
    except RuntimeError as e:
        pytest.skip(str(e))
    upright = tmp_path / "upright.mp4"
    v.encode(clip(CLIP), upright)
    tagged = v.make_phone_clip(upright, "dm90_h264")              # pixels turned, display matrix 90 deg
    r = analyse(tagged, "clamshell", video=False, stills=False).result
    assert r.video.rotation == 90 and "turned_upright" not in {n.code for n in r.notes}
    _same_clamshell(r, original, "right")
    untagged = tmp_path / "untagged.mp4"                          # turned, no tag: KneeScreen turns it back
    ffmpeg("-i", str(upright), "-vf", "transpose=1", "-c:v", "libx264", "-crf", "16", "-an", str(untagged))
    r = analyse(untagged, "clamshell", video=False, stills=False).result
    assert "turned_upright" in {n.code for n in r.notes}
    _same_clamshell(r, original, "right")


def test_the_command_line_writes_every_output(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(clip(CLIP)), "--test", "clamshell", "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "Clamshell (experimental)" in text and "top leg: right" in text and "Pelvis roll-back" in text
    data = json.loads((out / "result.json").read_text())
    assert data["test"] == "clamshell" and data["leg"] == "right" and len(data["events"]) == 1
    header = (out / "frames.csv").read_text().splitlines()[0].split(",")
    assert {"opening_deg", "hip_stack_pct", "shoulder_stack_pct"} <= set(header)
    assert (out / "keyframe_rep1.png").is_file()
    import av
    with av.open(str(out / "annotated.mp4")) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == 14                                      # every frame measured, at its time stamp
    # the hip stack is drawn in the 'typical' green at the top of the opening (frame 7)
    green = np.array([35, 129, 58])
    assert (np.abs(frames[7].astype(int) - green).sum(axis=2) < 60).sum() > 100
