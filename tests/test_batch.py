"""Workshop batch: failures recorded per clip, group CSV/PDF, results equal single-clip runs, kill-safe."""
from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, clip
from screening.batch import BatchItem, _items, list_videos, run_batch
from screening.engine.example import example_result
from screening.outputs.group import group_pdf, group_table, write_group_csv
from screening.core.result import Result

CLIPS = ("front_ohsquat_shallow_mild_05.mov", "front_ohsquat_shallow_mild_06.mov")
THIRD = "front_ohsquat_deep_kneesout_02.mov"


def pages(path: Path) -> int:
    """Page count: pdfinfo when installed, else the '/Type /Page' objects."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def numbers(r: Result) -> dict:
    """Everything of a Result but its creation time."""
    d = r.to_dict()
    d.pop("created")
    return d


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ----- without real clips -----------------------------------------------------------------------
def test_names_become_safe_unique_folders(tmp_path):
    items = _items([tmp_path / "a.mp4", ("../../etc", tmp_path / "x.mov"), tmp_path / "A.mov", ("", "y.mp4")],
                   tmp_path / "out", "squat")
    assert [i.folder.name for i in items] == ["a", "etc", "A-2", "clip"]
    assert all(i.folder.parent == tmp_path / "out" for i in items)
    assert [i.name for i in items][:2] == ["a", "../../etc"]


def test_batch_items_fill_the_group_table(tmp_path):
    ok = BatchItem("Ana", tmp_path / "ana.mp4", tmp_path / "ana", "squat", "ok", result=example_result())
    bad = BatchItem("Ben", tmp_path / "ben.mp4", tmp_path / "ben", "squat", "failed", "Cannot read it.",
                    "bad_video", "Use the phone's own camera app.")
    rows = group_table([ok, bad])
    assert rows[0]["left_band"] == "Marked" and rows[0]["right_band"] == "Typical"
    assert rows[0]["left_value"] == "24°" and rows[0]["left_measure"].startswith("Knee angle")
    assert rows[1] == {**rows[1], "name": "Ben", "status": "failed", "test": "Squat", "left_band": "",
                       "message": "Cannot read it. What to do: Use the phone's own camera app."}
    write_group_csv([ok, bad], tmp_path / "g.csv")
    assert [r["name"] for r in read_csv(tmp_path / "g.csv")] == ["Ana", "Ben"]
    assert not list(tmp_path.glob(".*tmp"))


def test_cli_batch_with_only_broken_files_fails_each_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.mp4").write_text("not a video")
    (folder / "empty.MOV").write_bytes(b"")
    (folder / "notes.txt").write_text("ignored")
    assert [p.name for p in list_videos(folder)] == ["broken.mp4", "empty.MOV"]
    proc = subprocess.run([sys.executable, "-m", "screening", "batch", str(folder), "--test", "squat",
                           "--no-video", "--out", str(tmp_path / "out")], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED  broken" in proc.stdout and "FAILED  empty" in proc.stdout and "[2/2]" in proc.stdout
    rows = read_csv(tmp_path / "out" / "batch.csv")
    assert [(r["name"], r["status"]) for r in rows] == [("broken", "failed"), ("empty", "failed")]
    assert all(r["message"] for r in rows) and not (tmp_path / "out" / "group.pdf").exists()


# ----- real clips ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clip_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    for name in CLIPS:
        (folder / name).symlink_to(clip(name))
    (folder / "broken.mp4").write_text("this is a text file, not a video")
    return folder


@pytest.fixture(scope="module")
def batch(clip_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch_out")
    done, seen = [], []
    items = run_batch(list_videos(clip_folder), out, test="squat", processes=2, make_video=False,
                      on_done=lambda it: done.append((it.name, it.status, (it.folder / "result.json").exists())),
                      progress=lambda k, n, it: seen.append((k, n)))
    return items, out, done, seen


@pytest.mark.clips
def test_batch_with_a_broken_file_completes_and_reports_it(batch):
    items, out, done, seen = batch
    status = {it.name: it.status for it in items}
    assert status == {"broken": "failed", "front_ohsquat_shallow_mild_05": "ok", "front_ohsquat_shallow_mild_06": "ok"}
    broken = next(it for it in items if it.name == "broken")
    assert "not a video" in broken.message and broken.fix and not broken.folder.exists()
    assert sorted(done) == [("broken", "failed", False), ("front_ohsquat_shallow_mild_05", "ok", True),
                            ("front_ohsquat_shallow_mild_06", "ok", True)]
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    rows = read_csv(out / "batch.csv")
    assert [r["status"] for r in rows] == ["failed", "ok", "ok"]
    assert all(r["left_band"] and r["right_band"] and r["left_value"] for r in rows[1:])
    for it in items[1:]:
        assert (it.folder / "result.json").is_file() and (it.folder / "frames.csv").is_file()
        assert Result.load(it.json_path) == it.result
    assert not list(out.glob(".*partial"))


@pytest.mark.clips
def test_group_pdf_has_one_page_per_finished_participant(batch):
    items, out, _, _ = batch
    pdf = group_pdf(items, out / "group.pdf")
    assert pdf.is_file() and pages(pdf) == 2
    assert all((it.folder / "report.pdf").is_file() for it in items if it.status == "ok")


@pytest.mark.clips
def test_batch_results_equal_single_clip_runs(batch, analysed):
    items, _, _, _ = batch
    for it in items:
        if it.status != "ok":
            continue
        # a single-clip run in this process (the session's shared one: the store's strict check runs 05 too)
        single = analysed(Path(it.video).name, "squat", video=False, stills=False).result
        assert numbers(it.result) == numbers(single)
        assert numbers(Result.load(it.json_path)) == numbers(single)
        assert {leg: s.band for leg, s in it.result.legs.items()} == {leg: s.band for leg, s in single.legs.items()}
        assert [e.key_frame for e in it.result.events] == [e.key_frame for e in single.events]


@pytest.mark.clips
def test_a_killed_batch_loses_nothing_already_saved(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in CLIPS + (THIRD,):
        (folder / name).symlink_to(clip(name))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "screening", "batch", str(folder), "--test", "squat",
                             "--no-video", "--processes", "1", "--out", str(out)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline, first = time.monotonic() + 120, None
        while first is None and time.monotonic() < deadline and proc.poll() is None:
            found = [p for p in out.glob("*/result.json") if not p.parent.name.startswith(".")]
            first = found[0] if found else None
            time.sleep(0.02)
        assert first is not None, "no clip finished within 2 minutes"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)     # the CLI and its worker process, at once
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    result = Result.load(first)                 # complete and loadable
    assert result.events and result.video.file_name == first.parent.name + ".mov"
    rows = {r["name"]: r for r in read_csv(out / "batch.csv")}
    assert rows[first.parent.name]["status"] == "ok" and rows[first.parent.name]["left_band"]
    assert len(rows) == 3 and any(r["status"] == "pending" for r in rows.values())
