"""The command line itself: --help, argument errors, exit codes and the files it writes, on a tiny generated
clip (with the pose stage stubbed by a synthetic squat where a person must be found), so these run
without the real clips of ../shared/videos."""
from __future__ import annotations

import csv
import io

import pytest
from stub_pose import SquatSpec, make_clip, stub_pose

from screening import cli
from screening.core.result import Result
from screening.engine import models
from screening.engine.video import probe


def run(argv, capsys) -> tuple[int, str, str]:
    rc = cli.main(argv + ["--verbose"])      # --verbose: leave file descriptor 2 to pytest
    out, err = capsys.readouterr()
    return rc, out, err


def test_help_lists_the_commands_and_exits_0(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0 and "analyze" in out and "batch" in out
    with pytest.raises(SystemExit) as e:
        cli.main(["analyze", "--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert "--no-video" in out and "{squat,single-leg-squat,drop-jump,clamshell}" in out and "{lite,full,heavy}" in out


@pytest.mark.parametrize("argv, message", [
    ([], "the following arguments are required: command"),
    (["analyze", "clip.mp4", "--out", "o"], "the following arguments are required: --test"),
    (["analyze", "clip.mp4", "--test", "lunge", "--out", "o"], "invalid choice: 'lunge'"),
    (["analyze", "clip.mp4", "--test", "squat", "--out", "o", "--model", "medium"], "invalid choice: 'medium'"),
    (["analyze", "clip.mp4", "--test", "squat", "--out", "o", "--leg", "middle"], "invalid choice: 'middle'"),
    (["batch", "folder", "--test", "squat"], "the following arguments are required: --out"),
])
def test_argument_errors_exit_2_with_the_reason(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 2 and message in capsys.readouterr().err


def test_analyze_writes_every_output_and_exits_0(tmp_path, monkeypatch, capsys):
    n = stub_pose(monkeypatch)
    video = make_clip(tmp_path / "clip.mp4", n)
    out_dir = tmp_path / "out"
    rc, out, err = run(["analyze", str(video), "--test", "squat", "--out", str(out_dir), "--quiet"], capsys)
    assert rc == 0, err
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["annotated.mp4", "frames.csv", "keyframe_rep1.png", "keyframe_rep2.png", "keyframe_rep3.png",
                     "result.json"]
    r = Result.load(out_dir / "result.json")
    assert len(r.events) == 3 and r.model.tier == "lite" and r.model.pose_every == 2   # squat at 30 fps
    rows = list(csv.reader(io.StringIO((out_dir / "frames.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 1 + n                       # header + one row per frame
    drawn = probe(out_dir / "annotated.mp4")
    assert (drawn.width, drawn.height) == (360, 640) and drawn.n_packets == (n + 1) // 2   # the measured frames
    assert "KneeScreen - Squat" in out and "3 repetitions found" in out
    assert "Wrote: " + str(out_dir / "result.json") + ", " + str(out_dir / "frames.csv") in out
    assert str(out_dir / "keyframe_rep3.png") in out and err == ""            # --quiet: no progress bar


def test_no_video_writes_the_result_and_the_table_only(tmp_path, monkeypatch, capsys):
    n = stub_pose(monkeypatch)
    video = make_clip(tmp_path / "clip.mp4", n)
    rc, out, _ = run(["analyze", str(video), "--test", "squat", "--out", str(tmp_path / "o"), "--no-video"], capsys)
    assert rc == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["frames.csv", "result.json"]
    assert "annotated.mp4" not in out


def test_progress_bar_goes_to_stderr_as_plain_lines(tmp_path, monkeypatch, capsys):
    n = stub_pose(monkeypatch)
    video = make_clip(tmp_path / "clip.mp4", n)
    rc, _, err = run(["analyze", str(video), "--test", "squat", "--out", str(tmp_path / "o"), "--no-video"], capsys)
    lines = err.splitlines()
    assert rc == 0 and lines[0].startswith("[") and "0% Loading the lite pose model" in lines[0]
    assert lines[-1].startswith("[" + "#" * 30 + "] 100% Done")


def test_nothing_to_rate_exits_3(tmp_path, monkeypatch, capsys):
    n = stub_pose(monkeypatch, SquatSpec(width=360, height=640, leg_px=210.0, depth=0.0))   # standing still
    video = make_clip(tmp_path / "clip.mp4", n)
    rc, out, _ = run(["analyze", str(video), "--test", "squat", "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert rc == 3
    assert "0 repetitions found" in out and "NOTE: No repetition was found in the clip." in out
    assert (tmp_path / "o" / "result.json").is_file()


def test_a_named_leg_that_never_stood_is_said_and_exits_3(tmp_path, monkeypatch, capsys):
    n = stub_pose(monkeypatch, SquatSpec(width=360, height=640, leg_px=210.0, stance="right", depth=0.2))
    video = make_clip(tmp_path / "clip.mp4", n)
    argv = ["analyze", str(video), "--test", "single-leg-squat", "--out", str(tmp_path / "o"), "--quiet"]
    rc, out, _ = run(argv + ["--leg", "left"], capsys)
    assert rc == 3
    assert "NOTE: You chose the left leg, but the left leg did not stand through any repetition" in out
    assert "RIGHT [" in out and "LEFT  [" not in out          # the leg that stood is rated, the other not
    rc, out, _ = run(argv + ["--leg", "right"], capsys)
    assert rc == 0 and "You chose" not in out


def test_a_clip_without_a_person_exits_2_with_what_to_do(tmp_path, capsys):
    video = make_clip(tmp_path / "black.mp4", 45)    # the real pose model on 1.5 s of black frames
    rc, out, err = run(["analyze", str(video), "--test", "squat", "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert rc == 2 and out == ""
    assert "kneescreen: " in err and "\nWhat to do: " in err
    assert not (tmp_path / "o" / "result.json").exists()


def test_a_missing_file_exits_2(tmp_path, capsys):
    rc, out, err = run(["analyze", str(tmp_path / "none.mp4"), "--test", "squat", "--out", str(tmp_path / "o"),
                        "--quiet"], capsys)
    assert rc == 2 and out == "" and "kneescreen: " in err


def test_no_fallback_model_that_cannot_be_downloaded_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(models.ENV_MODEL_DIR, str(tmp_path / "models"))
    monkeypatch.setenv(models.ENV_BASE_URL, "http://127.0.0.1:9")      # nothing listens: offline
    video = make_clip(tmp_path / "clip.mp4", 10)
    rc, _, err = run(["analyze", str(video), "--test", "squat", "--out", str(tmp_path / "o"), "--quiet",
                      "--model", "full", "--no-fallback"], capsys)
    assert rc == 2
    assert "Could not download the 'full' pose model" in err
    assert "What to do: Choose the 'lite' model, which works offline." in err


def test_batch_of_a_missing_or_empty_folder_exits_2(tmp_path, capsys):
    rc, _, err = run(["batch", str(tmp_path / "nope"), "--test", "squat", "--out", str(tmp_path / "o")], capsys)
    assert rc == 2 and "is not a folder" in err
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a clip")
    rc, _, err = run(["batch", str(tmp_path / "empty"), "--test", "squat", "--out", str(tmp_path / "o")], capsys)
    assert rc == 2 and "no videos (mp4, mov, webm, avi, m4v)" in err
