"""AnalysisOptions (documented defaults, checked when made) and run_analysis's two ways of giving its outputs:
files in out_dir, or bytes in memory with nothing left on disk; stage timings. On a tiny generated clip with
the pose stage stubbed by a synthetic squat."""
from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

import pytest
from stub_pose import make_clip, stub_pose

from screening.core.errors import AnalysisError
from screening.core.result import Result
from screening.engine.pose import load_model
from screening.engine.verdict import rated_moments
from screening.pipeline import AnalysisOptions, run_analysis

STAGES = ["probe_s", "decode_and_pose_s", "measures_s", "stills_s", "video_s", "files_s", "total_s"]


def test_defaults_are_the_documented_ones():
    o = AnalysisOptions("squat")
    assert (o.test, o.leg, o.sex, o.sport, o.out_dir) == ("squat", None, None, None, None)   # None: in memory
    assert (o.video, o.stills, o.csv, o.json) == (True, True, True, True)                  # every output
    assert o.workers is None and o.every_frame is False
    assert AnalysisOptions("drop-jump", out_dir="out").out_dir == Path("out")
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.test = "drop-jump"  # type: ignore[misc]


@pytest.mark.parametrize("kw, message", [
    (dict(test="lunge"), "Unknown test 'lunge'. Choose one of: squat, single-leg-squat, drop-jump, clamshell."),
    (dict(test="single-leg-squat", leg="both"), "Leg must be 'left' or 'right', not 'both'."),
    (dict(test="squat", sex="f"), "Sex must be 'female' or 'male' (or left out), not 'f'."),
])
def test_bad_options_are_refused_when_made(kw, message):
    with pytest.raises(AnalysisError) as e:
        AnalysisOptions(**kw)
    assert e.value.code == "bad_input" and str(e.value) == message


@pytest.fixture
def clip(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))   # KneeScreen's temp folders go here
    (tmp_path / "tmp").mkdir()
    return make_clip(tmp_path / "clip.mp4", stub_pose(monkeypatch))


def test_without_out_dir_the_outputs_come_back_in_memory_and_nothing_stays(clip, tmp_path):
    a = run_analysis(clip, load_model("lite"), AnalysisOptions("squat"))
    r = a.result
    assert len(r.events) == 3
    assert Result.from_dict(json.loads(a.json)) == r
    lines = a.csv.decode("utf-8").splitlines()
    assert lines[0].startswith("frame,time_s,") and len(lines) == 1 + r.video.n_frames
    assert a.video[4:8] == b"ftyp"                                      # an MP4 file
    labels = [label for label, _ in a.stills]          # one per repetition, the rated moment first
    assert sorted(labels) == ["Rep 1 (2.2 s)", "Rep 2 (5.6 s)", "Rep 3 (9.0 s)"]
    assert labels[0].startswith(f"Rep {rated_moments(r)[0].index} (")
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for _, png in a.stills)
    assert (a.out_dir, a.json_path, a.csv_path, a.video_path, a.keyframes) == (None, None, None, None, [])
    assert list((tmp_path / "tmp").iterdir()) == []                    # frames and outputs deleted


def test_a_frame_store_that_cannot_be_made_leaves_no_temporary_folder(clip, tmp_path, monkeypatch):
    """The frames' file cannot be created (disk full, a planted file): the error goes up, nothing is left behind."""
    from screening import pipeline

    def refuse(folder):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(pipeline, "FrameStore", refuse)
    with pytest.raises(OSError):
        run_analysis(clip, load_model("lite"), AnalysisOptions("squat"))
    assert list((tmp_path / "tmp").iterdir()) == []


def test_with_out_dir_the_outputs_are_files(clip, tmp_path):
    a = run_analysis(clip, load_model("lite"), AnalysisOptions("squat", out_dir=tmp_path / "out"))
    assert a.out_dir == tmp_path / "out" and Result.load(a.json_path) == a.result
    assert a.csv_path == tmp_path / "out" / "frames.csv" and a.video_path == tmp_path / "out" / "annotated.mp4"
    assert sorted(p.name for _, p in a.keyframes) == ["keyframe_rep1.png", "keyframe_rep2.png", "keyframe_rep3.png"]
    assert (a.json, a.csv, a.video, a.stills) == (None, None, None, [])
    assert list((tmp_path / "tmp").iterdir()) == []


def test_only_the_outputs_asked_for_are_made(clip, tmp_path):
    a = run_analysis(clip, load_model("lite"), AnalysisOptions("squat", out_dir=tmp_path / "out", video=False,
                                                               csv=False, json=False))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"keyframe_rep{i}.png" for i in (1, 2, 3)]
    assert a.video_path is None and a.csv_path is None and a.json_path is None
    b = run_analysis(clip, load_model("lite"), AnalysisOptions("squat", video=False, stills=False))
    assert b.video is None and b.stills == [] and b.json and b.csv
    assert "stills_s" not in b.timings and "video_s" not in b.timings


def test_every_stage_is_timed_and_the_total_holds_them_all(clip):
    a = run_analysis(clip, load_model("lite"), AnalysisOptions("squat"))
    assert list(a.timings) == STAGES
    assert all(s >= 0 for s in a.timings.values())
    assert a.timings["total_s"] >= sum(a.timings[k] for k in STAGES[:-1])


def test_every_frame_runs_the_model_on_each_frame(clip):
    model = load_model("lite")
    assert run_analysis(clip, model, AnalysisOptions("squat", json=False, csv=False)).result.model.pose_every == 2
    assert run_analysis(clip, model, AnalysisOptions("squat", every_frame=True, video=False, stills=False,
                                                     json=False, csv=False)).result.model.pose_every == 1
