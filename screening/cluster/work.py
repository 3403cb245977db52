"""What runs on a Dask worker: the pose model loaded once (a WorkerPlugin) and one clip analysed from its bytes."""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

import psutil  # type: ignore[import-untyped]
from distributed import WorkerPlugin, get_worker

import screening
from screening import tempdirs
from screening.batch import _analyse_one
from screening.engine.pose import MEDIAPIPE_VERSION, load_model
from screening.pipeline import AnalysisOptions

PLUGIN = "kneescreen-pose-model"
PROGRESS_TOPIC = "kneescreen-progress"      # events [task key, stage, fraction, message] for the waiting client
PROGRESS_EVERY_S = 0.5                      # at most two progress events a second per clip (and each new stage)
MAX_FILES_MB = 1024                         # what one clip's outputs may bring back to the client
DIFFERENT_CODE = ("This worker runs different KneeScreen code or another MediaPipe than the machine that sent "
                  "the clip, so its numbers could differ.")
DIFFERENT_FIX = "Install the same KneeScreen version on every machine (scheduler, workers, app servers), then restart."


@functools.lru_cache(maxsize=1)
def code_id() -> str:
    """A fingerprint of this KneeScreen's code (every module below the pages: the pages cannot change a
    number) and its MediaPipe version: equal on the client and the worker, or the clip is refused
    (identical numbers need identical code)."""
    digest = hashlib.sha256(MEDIAPIPE_VERSION.encode())
    root = Path(screening.__file__).parent
    for path in sorted(p for p in root.rglob("*.py") if p.relative_to(root).parts[0] != "ui"):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class ModelPlugin(WorkerPlugin):
    """Loads the pose model when a worker starts (and again in a worker that replaces one that died), so no
    clip waits for it; load_model keeps the bytes for every later clip of that process. Keeps how long the
    worker took to import the analysis code and to load the model, for the benchmark."""

    name = PLUGIN

    def __init__(self, tiers: tuple[str, ...] = ("lite",)):
        self.tiers = tiers
        self.timings: dict[str, float] = {}

    def setup(self, worker) -> None:
        # from the worker process's start to here: Python, Dask, connecting, and importing KneeScreen (the
        # plugin is unpickled, which imports this module and the pipeline with MediaPipe)
        self.timings["start_s"] = time.time() - psutil.Process().create_time()
        t0 = time.perf_counter()
        code_id()
        for tier in self.tiers:
            load_model(tier)
        self.timings["model_s"] = time.perf_counter() - t0


def timings(dask_worker) -> dict[str, float]:
    """Run with Client.run on every worker: the plugin's timings (start_s, model_s) in seconds."""
    plugin = dask_worker.plugins.get(PLUGIN)
    return dict(plugin.timings) if plugin is not None else {}


def _file_name(name: str) -> str:
    """The clip's own file name (the Result quotes it), without any folder part; never empty or hidden."""
    base = re.sub(r"[\x00-\x1f\x7f]", "_", str(name).replace("\\", "/").rsplit("/", 1)[-1]).strip()[:120]
    return base if base and not base.startswith(".") else "clip.mp4"


def _reporter() -> tuple[Callable[[str, float, str], None], Callable[[], bool]]:
    """This task's progress callback (events to the client, at most every PROGRESS_EVERY_S or on a new
    stage) and its should_cancel: true once the client cancelled the task (the scheduler has told this
    worker to drop it) or the worker is closing."""
    worker = get_worker()
    key = worker.get_current_task()
    last: list = [0.0, ""]                  # when, and which stage, the last event was sent

    def progress(stage: str, fraction: float, message: str) -> None:
        now = time.monotonic()
        if stage == last[1] and now - last[0] < PROGRESS_EVERY_S:
            return
        last[:] = [now, stage]
        worker.log_event(PROGRESS_TOPIC, [str(key), stage, float(fraction), str(message)[:200]])

    def cancelled() -> bool:
        ts = worker.state.tasks.get(key)
        return ts is None or ts.state not in ("executing", "long-running") or worker.status.name != "running"
    return progress, cancelled


def _read_outputs(folder: Path) -> dict[str, bytes]:
    files, total = {}, 0
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            total += path.stat().st_size
            if total > MAX_FILES_MB * 1024 * 1024:
                raise OSError(f"the outputs are larger than {MAX_FILES_MB} MB")
            files[path.name] = path.read_bytes()
    return files


def run_clip(name: str, data: bytes, options: tuple[str, AnalysisOptions], keep_files: bool, code: str) -> dict:
    """One clip on a worker, from its bytes (the worker needs no shared folder). Written to a private temp
    folder under its own file name, analysed as the local batch does (batch._analyse_one), and deleted.
    Returns the outcome dict of _analyse_one: with keep_files, plus 'files' {name: bytes} of what the local
    batch would have written in the clip's folder; without, the outputs in memory (video, stills, csv)."""
    if code != code_id():
        return {"status": "failed", "message": DIFFERENT_CODE, "code": "worker_version", "fix": DIFFERENT_FIX}
    progress, cancelled = _reporter()
    tmp = Path(tempfile.mkdtemp(prefix="kneescreen-cluster-"))
    busy = tempdirs.hold(tmp)
    try:
        src = tmp / _file_name(name)
        src.write_bytes(data)
        del data
        out = tmp / "out" if keep_files else None
        outcome = _analyse_one(str(src), str(out) if out else None, options, progress, cancelled)
        if out is not None and outcome["status"] == "ok":
            try:
                outcome["files"] = _read_outputs(out)
            except OSError as e:
                outcome = {"status": "failed", "message": f"The outputs could not be sent back ({e}).",
                           "code": "internal"}
        outcome["worker"] = f"{os.uname().nodename}:{os.getpid()}"
        return outcome
    finally:
        tempdirs.release(busy)
        shutil.rmtree(tmp, ignore_errors=True)
