"""Batch robustness: Cancel, and workers that die with their parent (CSV cells: tests/outputs/test_group.py)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import REPO, clip
from screening.batch import run_batch

SHORT = "front_ohsquat_shallow_mild_05.mov"     # 2.9 s, 88 frames (MANIFEST.md)


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`, from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.clips
def test_workers_die_when_the_parent_is_killed(tmp_path):
    video = clip(SHORT)
    script = textwrap.dedent(f"""
        from screening.batch import run_batch
        if __name__ == "__main__":
            run_batch([{str(video)!r}] * 2, {str(tmp_path / 'out')!r}, test="squat", processes=2, make_video=False)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline, workers = time.monotonic() + 60, []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [p for p in _children(parent.pid)
                       if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
            time.sleep(0.1)
        assert len(workers) == 2, "the two pool workers did not start"
        parent.send_signal(signal.SIGKILL)          # no clean-up code runs in the parent
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "a worker outlived its parent"
    finally:
        for p in [parent.pid] + _children(parent.pid):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass


@pytest.mark.clips
def test_cancel_stops_the_batch_and_marks_the_rest(tmp_path):
    started = time.monotonic()
    done = []
    items = run_batch([clip(SHORT)] * 3, tmp_path / "out", test="squat", processes=2, make_video=False,
                      should_cancel=lambda: time.monotonic() - started > 2.0,
                      on_done=lambda it: done.append(it.status))
    took = time.monotonic() - started
    assert [it.status for it in items] == ["cancelled"] * 3 and done == ["cancelled"] * 3
    assert all("Cancelled" in it.message for it in items)
    assert took < 15, f"cancel took {took:.1f} s"
    assert _children(os.getpid()) == [] or all(b"spawn_main" not in Path(f"/proc/{p}/cmdline").read_bytes()
                                               for p in _children(os.getpid()))


def test_the_stale_sweep_skips_a_folder_still_in_use(tmp_path, monkeypatch):
    """A workshop batch older than the sweep age, whose top folder's mtime never changes, is not deleted."""
    import tempfile

    from screening import tempdirs
    from screening.pipeline import STALE_TEMP_S, sweep_stale_temp
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    running, killed = tmp_path / "kneescreen-workshop-running", tmp_path / "kneescreen-workshop-killed"
    for d in (running, killed):
        (d / "in").mkdir(parents=True)
    busy = tempdirs.hold(running)
    tempdirs.release(tempdirs.hold(killed))       # held once, by a process that has gone since
    past = time.time() - STALE_TEMP_S - 60
    for d in (running, killed):
        os.utime(d, (past, past))
    try:
        assert sweep_stale_temp() == 1
        assert running.is_dir() and not killed.exists()
    finally:
        tempdirs.release(busy)
    assert sweep_stale_temp() == 1 and not running.exists()      # once released, it is stale like any other
