"""Benchmark tools: per-process CPU/memory accounting, ratio of medians, the results check, lazy frames."""
from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, clip

from screening import bench
from screening.engine.quality import check_capture
from screening.engine.synthetic import synthetic_squat


def _check_module():
    spec = importlib.util.spec_from_file_location("check_unchanged", REPO / "benchmarks" / "check_unchanged.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_measure_counts_the_childs_own_cpu_and_memory():
    # the child spins for 0.6 s of its own CPU time, then holds 300 MiB it has written to
    code = ("import time\nt = time.process_time()\nwhile time.process_time() - t < 0.6: pass\n"
            "b = bytearray(300 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1\n"
            "import sys; print('done'); sys.stderr.write('last words\\n'); sys.exit(3)")
    r = bench.measure([sys.executable, "-c", code])
    assert r["rc"] == 3 and r["error"] == "last words" and r["stdout"].strip() == "done"
    assert 0.6 <= r["cpu_s"] < 0.6 + 1.0
    assert 300 <= r["peak_mb"] < 300 + 100
    assert r["wall_s"] >= 0.6


def test_ratio_of_medians_worked_by_hand():
    # medians 2 and 6 (not the ratio of the means 2/6 either way, nor of the fastest runs 1/4)
    assert bench.ratio([3.0, 1.0, 2.0], [4.0, 8.0, 6.0]) == pytest.approx(1 / 3)
    assert bench.medians([{"wall_s": 5, "cpu_s": 9, "peak_mb": 100}, {"wall_s": 1, "cpu_s": 3, "peak_mb": 300},
                          {"wall_s": 2, "cpu_s": 4, "peak_mb": 200}]) == {"wall_s": 2, "cpu_s": 4, "peak_mb": 200}


def test_vs_kinemotion_without_kinemotion_says_so(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(bench, "kinemotion_command", lambda: None)
    assert bench.vs_kinemotion(tmp_path / "x.mp4", "drop-jump", 1, True) == 2
    assert "kinemotion is not installed" in capsys.readouterr().err


def test_cli_runs_find_a_clip_given_by_a_relative_path(monkeypatch, capsys, tmp_path):
    """Both tools run inside a temporary folder: a clip named relative to where the benchmark was started
    must still be found (it once failed with 'File not found ... Check the file name')."""
    from stub_pose import make_clip
    make_clip(tmp_path / "black.mp4", 45)
    monkeypatch.chdir(tmp_path)
    code = bench.vs_kinemotion(Path("black.mp4"), "squat", 1, False, alone=True)
    err = capsys.readouterr().err
    assert "File not found" not in err and "Check the file name" not in err
    assert code == 1 and "bright light" in err      # the black clip was read: too dark, nobody in it


@pytest.mark.parametrize("argv, message", [([], "give a video file"), (["nothere.mp4"], "nothere.mp4 not found"),
                                           (["--batch", "nofolder"], "nofolder is not a folder"),
                                           (["x.mp4", "--repeat", "0"], "at least 1")])
def test_bench_bad_arguments_are_clear_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        bench.main(argv)
    assert e.value.code == 2 and message in capsys.readouterr().err


def _folder(path: Path, fppa_left: list[float], band: str = "typical", value: float = 4.0) -> Path:
    path.mkdir()
    with open(path / "frames.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["frame", "fppa_left_deg", "fppa_right_deg", "kasr"])
        for i, v in enumerate(fppa_left):
            w.writerow([i, "" if np.isnan(v) else v, 1.0, 0.9])
    result = {"events": [{"kind": "rep", "key_frame": 1}],
              "legs": {"left": {"band": band, "ratings": [{"key": "fppa", "value": value, "unit": "deg",
                                                           "band": band}]}}}
    (path / "result.json").write_text(json.dumps(result))
    return path


def test_results_check_uses_the_half_degree_tolerance(tmp_path):
    check = _check_module()
    ref = _folder(tmp_path / "ref", [1.0, 5.0, 2.0])
    assert check.compare(ref, _folder(tmp_path / "same", [1.4, 5.0, 1.6]), 0.5) == []
    assert check.fppa_difference(ref, tmp_path / "same") == pytest.approx(0.4)
    moved = check.compare(ref, _folder(tmp_path / "moved", [1.0, 5.6, 2.0]), 0.5)
    assert len(moved) == 1 and moved[0].startswith("fppa_left_deg: max difference 0.600")
    lost = check.compare(ref, _folder(tmp_path / "lost", [1.0, np.nan, 2.0]), 0.5)
    assert "1 frame(s) measured in one run only" in lost[0]
    rated = check.compare(ref, _folder(tmp_path / "rated", [1.0, 5.0, 2.0], band="watch", value=9.0), 0.5)
    assert rated == ["left: band typical -> watch"]


def test_dark_clip_note_ignores_frames_that_were_not_measured():
    # frames the pose model skipped carry NaN brightness; the mean is that of the measured frames (30 < 40)
    track, _ = synthetic_squat()
    luma = np.full(len(track), 30.0)
    luma[1::2] = np.nan
    notes = check_capture(track, test="squat", duration_s=float(track.t[-1]), luma=luma)
    dark = [n for n in notes if n.code == "dark"]
    assert dark and "brightness 30 of 255" in dark[0].message


@pytest.mark.clips
def test_skipped_frames_are_never_converted(monkeypatch):
    from screening.engine import video
    info = video.probe(clip("front_ohsquat_shallow_mild_05.mov"))
    calls = []
    real = video._scaled_rgb
    monkeypatch.setattr(video, "_scaled_rgb", lambda *a: calls.append(1) or real(*a))
    frames = list(video.decode(info))
    used = [fr.rgb.shape for fr in frames[::2]]
    assert len(frames) == 88 and len(calls) == len(used) == 44          # 88 frames decode (MANIFEST)
    assert used[0] == (info.work_height, info.work_width, 3)


@pytest.mark.clips
def test_frames_nobody_refers_to_are_not_decoded_and_the_rest_are_unchanged():
    import av

    from screening.engine import video
    from screening.engine.tracking import _Worker
    path = clip("front_ohsquat_shallow_mild_05.mov")       # iPhone: every second frame is non-reference
    with av.open(str(path)) as c:                           # FFmpeg's own count of reference frames
        c.streams.video[0].codec_context.skip_frame = "NONREF"
        refs = sum(1 for _ in c.decode(video=0))
    info = video.probe(path)
    full = list(video.decode(info, threads=False))
    need = _Worker(info, None, None, None, None, set(), 2)._needed(None)
    lazy = list(video.decode(info, threads=False, need=need))
    assert [f.pts for f in lazy] == [f.pts for f in full] and len(full) == 88
    skipped = [k for k, f in enumerate(lazy) if not f.decoded]
    assert len(skipped) == len(full) - refs == 41 and all(k % 2 == 1 for k in skipped)
    for a, b in zip(lazy[::2], full[::2]):                   # every measured frame, pixel for pixel
        assert np.array_equal(a.rgb, b.rgb)
    with pytest.raises(ValueError, match="not decoded"):
        _ = lazy[skipped[0]].rgb


def test_child_processes_run_the_same_copy_of_the_package(tmp_path):
    # an installed copy elsewhere must not be what gets measured
    r = bench.measure([sys.executable, "-c", "import screening; print(screening.__file__)"], cwd=tmp_path)
    assert Path(r["stdout"].strip()).parent == Path(bench.__file__).parent


@pytest.mark.clips
def test_a_clip_decoded_in_segments_gives_every_frame_a_player_shows():
    # front_single_leg_squat_alternating_41 (673 frames, MANIFEST; keyframes every 128 frames, each shown
    # after B-frames): seeking the second segment by the keyframe's presentation time used to land one
    # frame past it, and 64 frames (2.6 s, a whole repetition) came out without pixels
    from screening.engine import video
    from screening.engine.tracking import _Worker
    info = video.probe(clip("front_single_leg_squat_alternating_41.mp4"))
    segs = video.segments(info)
    assert len(segs) == 2
    need = _Worker(info, None, None, None, None, set(), 2)._needed
    frames = [f for seg in segs for f in video.decode(info, *seg, threads=False, need=need(seg[0]))]
    assert [f.pts for f in frames] == list(info.shown_pts) and len(frames) == 673
    assert [k for k, f in enumerate(frames) if f.decoded][:3] == [0, 2, 4]
    assert all(f.decoded for f in frames[384:512:2])     # the measured frames of the second segment's first GOP
