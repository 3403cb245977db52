"""Batches on a real Dask cluster (`dask scheduler` + two `dask worker` on 127.0.0.1): the same files and numbers
as the local batch, a broken clip failing alone, Cancel reaching the workers."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

import stub_pose
from conftest import REPO, clip
from test_batch import numbers, read_csv as rows
from screening.batch import _analyse_one, run_batch
from screening.core.result import Result
from screening.engine.pose import load_model
from screening.engine.synthetic import synthetic_squat
from screening.pipeline import AnalysisOptions, run_analysis

REAL = ("front_ohsquat_shallow_mild_05.mov", "front_ohsquat_shallow_mild_06.mov",    # MANIFEST.md:
        "front_ohsquat_deep_kneesout_02.mov", "front_squat_deep_kneesout_04.mov")                 # 2.2-2.9 s each
N_FRAMES = len(synthetic_squat(stub_pose.SPEC)[0])


def stub_clips(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    first = stub_pose.make_clip(folder / names[0], N_FRAMES)
    for name in names[1:]:
        (folder / name).write_bytes(first.read_bytes())
    return [folder / n for n in names]


def runner(cluster):
    from screening.cluster.batch import ClusterRunner
    return ClusterRunner(cluster.address)


def test_cli_batch_on_the_cluster_writes_what_the_local_run_writes(dask_cluster, tmp_path, monkeypatch):
    """4 clips (synthetic squat track on the workers, the rest of the pipeline real) and a broken file, through
    `python -m screening batch --scheduler`: per-clip folders byte for byte as an in-process run of the same
    clip writes them, batch.csv, group.pdf, and the broken file failing alone with the local message."""
    names = [f"stub_1s_{who}.mp4" for who in ("ana", "ben", "cy", "dee")]
    folder = tmp_path / "in"
    stub_clips(folder, names)
    (folder / "broken.mp4").write_text("this is a text file, not a video")
    out = tmp_path / "out"
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "screening", "batch", str(folder), "--test", "squat",
                           "--scheduler", dask_cluster.address, "--out", str(out)], cwd=REPO, capture_output=True,
                          text=True, timeout=240)
    took = time.monotonic() - t0
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"on the Dask cluster at {dask_cluster.address}" in proc.stdout and "[5/5]" in proc.stdout
    table = rows(out / "batch.csv")
    assert sorted((r["name"], r["status"]) for r in table) == [("broken", "failed")] + [(n[:-4], "ok") for n in names]
    assert (out / "group.pdf").is_file() and b"/Type /Page" in (out / "group.pdf").read_bytes()
    stub_pose.stub_pose(monkeypatch)                     # the same track in this process, no pause
    local = run_analysis(folder / names[0], load_model("lite"), AnalysisOptions("squat", out_dir=tmp_path / "local",
                                                                                  workers=1))
    mine = sorted(p.name for p in (tmp_path / "local").iterdir())
    for name in names:
        got = out / name[:-4]
        assert sorted(p.name for p in got.iterdir()) == sorted(mine + ["report.pdf"]), name     # + group.pdf's page
        result = Result.load(got / "result.json")
        assert result.video.file_name == name
        result.video.file_name = names[0]
        assert numbers(result) == numbers(local.result)
        for f in mine:
            if f != "result.json":
                assert (got / f).read_bytes() == (tmp_path / "local" / f).read_bytes(), f"{name}/{f} differs"
    broken = next(r for r in table if r["name"] == "broken")
    here = _analyse_one(str(folder / "broken.mp4"), str(tmp_path / "b"), ("lite", AnalysisOptions("squat")))
    assert here["message"] in broken["message"] and here["fix"] in broken["message"]
    assert not list(out.glob(".*partial")) and not (out / "broken").exists()
    print(f"cluster CLI batch of 5 clips: {took:.1f} s")


@pytest.mark.clips
def test_real_clips_on_the_cluster_equal_the_local_batch(dask_cluster, tmp_path):
    """4 real clips, real model: the cluster's Results equal the local process pool's, number for number."""
    videos = [clip(name) for name in REAL]
    local = run_batch(videos, tmp_path / "local", test="squat", processes=2, make_video=False)
    remote = run_batch(videos, tmp_path / "remote", test="squat", make_video=False, runner=runner(dask_cluster))
    assert [it.status for it in local] == ["ok"] * 4, [it.message for it in local]
    assert [it.status for it in remote] == ["ok"] * 4, [it.message for it in remote]
    for a, b in zip(local, remote):
        assert numbers(a.result) == numbers(b.result), a.name
        assert (a.folder / "frames.csv").read_bytes() == (b.folder / "frames.csv").read_bytes()
    assert [r["left_value"] for r in rows(tmp_path / "local" / "batch.csv")] == \
        [r["left_value"] for r in rows(tmp_path / "remote" / "batch.csv")]


def test_cancel_stops_the_clips_on_the_workers(dask_cluster, tmp_path):
    videos = stub_clips(tmp_path / "in", [f"stub_30s_{i}.mp4" for i in range(4)])
    started, done = time.monotonic(), []
    items = run_batch(videos, tmp_path / "out", test="squat", make_video=False, runner=runner(dask_cluster),
                      should_cancel=lambda: time.monotonic() - started > 4.0, on_done=lambda it: done.append(it.status))
    took = time.monotonic() - started
    assert [it.status for it in items] == ["cancelled"] * 4 and done == ["cancelled"] * 4
    assert all("Cancelled" in it.message for it in items) and took < 10, f"cancel took {took:.1f} s"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(dask_cluster.executing().values()):
        time.sleep(0.2)
    assert not any(dask_cluster.executing().values()), "a worker still runs a cancelled clip"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["batch.csv"]


def test_a_result_from_a_worker_cannot_write_outside_its_folder(tmp_path):
    from screening.cluster.batch import write_outputs
    for name in ("../escape.txt", "/etc/passwd", ".hidden", "a/b.png", "", "x" * 200, "nul\0.png"):
        with pytest.raises(ValueError):
            write_outputs(tmp_path / "clip", {name: b"data"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip"] and not (tmp_path / "escape.txt").exists()
    with pytest.raises(ValueError):
        write_outputs(tmp_path / "clip", {"result.json": "not bytes"})
    write_outputs(tmp_path / "clip", {"result.json": b"{}", "keyframe_rep1.png": b"png"})
    assert sorted(p.name for p in (tmp_path / "clip").iterdir()) == ["keyframe_rep1.png", "result.json"]



def test_a_clip_that_killed_its_workers_is_marked_crashed_and_a_lost_scheduler_gone(tmp_path):
    """What the scheduler says of a clip whose task killed three workers (KilledWorker), and of futures
    cancelled because the client lost the scheduler."""
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError

    from screening.batch import CRASHED, _items
    from screening.cluster.batch import ClusterRunner

    class Done:
        def __init__(self, error):
            self.error = error

        def result(self):
            raise self.error

        def release(self):
            pass
    item = _items([tmp_path / "a.mp4"], tmp_path / "out", "squat")[0]
    got: list[dict] = []
    runner = ClusterRunner("tcp://127.0.0.1:8786")
    assert not runner._collect(Done(KilledWorker("kneescreen-clip-x", None, 3)), item, lambda it, o: got.append(o))
    assert got == [{"status": "failed", "code": "crashed", "message": CRASHED}]
    lost = FutureCancelledError("kneescreen-clip-x", "scheduler-connection-lost")
    assert runner._collect(Done(lost), item, lambda it, o: got.append(o)) and len(got) == 1
