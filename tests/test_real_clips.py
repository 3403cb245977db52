"""End to end on real clips from ../shared/videos with the real model (skipped when the folder is absent)."""
import csv
import subprocess
import sys

import numpy as np
import pytest

from conftest import analyse, clip, ffmpeg
from screening.core.errors import AnalysisError, VideoError
from screening.core.result import Result
from screening.engine.video import probe

pytestmark = pytest.mark.clips

DEEP = "front_ohsquat_deep_kneesout_01.mov"
SHALLOW = "front_ohsquat_shallow_mild_05.mov"


@pytest.mark.parametrize("name", [DEEP, SHALLOW])
def test_front_view_squat_gives_finite_per_leg_results(analysed, name):
    a = analysed(name, "squat")
    r = a.result
    assert len(r.events) >= 1
    n = r.video.n_frames
    for e in r.events:
        assert 0 <= e.start_frame < e.key_frame < e.end_frame < n
        assert e.depth > 0.1
    for leg in ("left", "right"):
        s = r.legs[leg]
        primary = s.rating(s.key_measure)
        assert primary is not None and np.isfinite(primary.value)
        assert s.band in ("typical", "watch", "marked")
    # these athletes push the knees out: no collapse should be reported
    assert all(s.band == "typical" for s in r.legs.values())
    assert a.video_path.exists() and a.video_path.stat().st_size > 10_000
    assert len(a.keyframes) == len(r.events) and all(p.exists() for _, p in a.keyframes)
    assert Result.load(a.json_path) == r


def test_deep_squat_does_not_lead_with_the_inflated_angle(analysed):
    r = analysed(DEEP, "squat").result
    for s in r.legs.values():
        assert s.key_measure in ("mkd", "kasr")
        assert s.rating("fppa").reliability == "poor"


def test_mirrored_video_swaps_left_and_right(analysed, tmp_path):
    mirrored = tmp_path / "mirrored.mp4"     # x264's ultrafast preset: 8 s instead of 44 s on a busy machine,
    ffmpeg("-i", str(clip(SHALLOW)), "-vf", "hflip", "-c:v", "libx264", "-preset", "ultrafast",  # same picture
           "-crf", "16", "-an", str(mirrored))
    a = analysed(SHALLOW, "squat").result.series.values
    b = analyse(mirrored, video=False, stills=False).result.series.values
    for x, y in (("left", "right"), ("right", "left")):
        d = np.abs(np.array(a[f"fppa_{x}_deg"], float) - np.array(b[f"fppa_{y}_deg"], float))
        assert np.nanmedian(d) < 1.5, f"median per-frame FPPA difference {np.nanmedian(d):.2f} deg"


def test_side_view_is_flagged(tmp_path):
    with pytest.raises(AnalysisError) as e:
        analyse(clip("side_ohsquat_30.mov"), video=False, stills=False)
    assert e.value.code == "side_view" and "front" in e.value.fix


def test_clip_with_no_person_is_rejected(tmp_path):
    with pytest.raises(AnalysisError) as e:
        analyse(clip("noperson_stickfigure_black_35.mp4"), video=False, stills=False)
    assert e.value.code in ("no_person", "too_dark")
    assert "No person" in str(e.value)


def test_text_file_renamed_mp4_gives_a_clear_error(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video\n" * 50)
    with pytest.raises(VideoError) as e:
        analyse(fake)
    assert e.value.code == "unreadable" and "not a video" in str(e.value)


@pytest.mark.parametrize("name,share", [("front_dbsquat_kneeswell_10.mp4", 0.3), (SHALLOW, 0.5)])
def test_truncated_file_gives_a_clear_error_or_a_qualified_result(tmp_path, name, share):
    data = clip(name).read_bytes()
    cut = tmp_path / ("cut" + clip(name).suffix)
    cut.write_bytes(data[: int(len(data) * share)])
    try:
        r = analyse(cut, video=False, stills=False).result
    except AnalysisError as e:
        assert str(e) and e.fix
    else:
        assert any(n.code == "truncated" for n in r.notes) or r.video.n_frames < 0.9 * probe(clip(name)).n_packets


def test_landings_are_found_in_a_hop_clip_with_a_low_frame_rate_warning(analysed):
    r = analysed("neilarey_hop_heel_clicks_front_landing.mp4", "drop-jump", sex="male").result
    assert len(r.events) >= 2
    for e in r.events:
        assert e.contact_frame is not None and e.contact_frame <= e.key_frame
    assert any(n.code == "low_fps" for n in r.notes)
    assert "male" in r.norms_used


def test_cli_writes_every_output(tmp_path):
    src = clip("front_ohsquat_shallow_mild_06.mov")
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-m", "screening", "analyze", str(src), "--test", "squat",
                        "--sex", "female", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "LEFT" in p.stdout and "RIGHT" in p.stdout and "not a diagnosis" in p.stdout
    for f in ("result.json", "frames.csv", "annotated.mp4"):
        assert (out / f).stat().st_size > 0
    assert list(out.glob("keyframe_*.png"))
    r = Result.load(out / "result.json")
    rows = list(csv.DictReader((out / "frames.csv").open()))
    assert len(rows) == r.video.n_frames == len(r.series.frame)
    assert [int(x["frame"]) for x in rows] == list(range(len(rows)))
    for col in ("time_s", "person", "fppa_left_deg", "fppa_right_deg", "kasr", "left_hip_x", "right_toe_y"):
        assert col in rows[0]
    assert r.model.tier == "lite" and r.model.sha256.startswith("59929e1d")


def test_cli_bad_file_exits_non_zero_without_a_traceback(tmp_path):
    fake = tmp_path / "clip.mov"
    fake.write_bytes(b"\x00" * 1000)
    p = subprocess.run([sys.executable, "-m", "screening", "analyze", str(fake), "--test", "squat",
                        "--out", str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr and "kneescreen:" in p.stderr


def test_too_short_clip_is_refused(tmp_path):
    short = tmp_path / "short.mp4"
    ffmpeg("-i", str(clip("front_ohsquat_shallow_mild_06.mov")), "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast",
           "-an", str(short))
    with pytest.raises(AnalysisError) as e:
        analyse(short, video=False, stills=False)
    assert e.value.code == "too_short" and "3 repetitions" in e.value.fix


def test_too_dark_clip_is_refused_or_flagged(tmp_path):
    dark = tmp_path / "dark.mp4"
    ffmpeg("-i", str(clip("front_ohsquat_shallow_mild_06.mov")), "-vf", "lutyuv=y=val*0.07",
           "-c:v", "libx264", "-preset", "ultrafast", "-an", str(dark))
    try:
        r = analyse(dark, video=False, stills=False).result
    except AnalysisError as e:
        assert e.code == "too_dark" and "light" in e.fix
    else:
        assert any(n.code == "dark" for n in r.notes)
