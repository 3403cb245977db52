"""Workshop batch mode: many clips in a process pool, per-clip status, batch.csv rewritten as each finishes."""
from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import re
import shutil
import sys
import threading
import time
import types
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from screening.core.errors import AnalysisError, Cancelled
from screening.engine.pose import load_model
from screening.pipeline import AnalysisOptions, run_analysis
from screening.core.result import Result
from screening.core.vocab import VIDEO_EXTS
from screening.outputs.formatting import verdict_words
from screening.outputs.group import write_group_csv

CANCELLED = "Cancelled before this clip was finished: run it again."
CRASHED = ("The analysis process stopped unexpectedly (out of memory, or a crash while decoding this "
           "video). Try the clip on its own, or convert it to MP4.")
GONE = ("The analysis cluster (Dask scheduler) stopped answering before this clip was finished: run the batch "
        "again for the clips not done.")
#: What a clip that did not finish becomes, by why: Cancel, a worker that died on it, the cluster gone.
LEFT = {"cancelled": {"status": "cancelled", "message": CANCELLED, "code": "cancelled"},
        "crashed": {"status": "failed", "message": CRASHED, "code": "crashed"},
        "gone": {"status": "failed", "message": GONE, "code": "cluster_gone"}}
Runner = Callable[[list["BatchItem"], tuple[str, AnalysisOptions], Callable, Callable[[], bool]],
                  list[tuple["BatchItem", str]]]


@dataclass
class BatchItem:
    """One clip of a batch and what became of it."""
    name: str                       # participant name or code (the file stem by default)
    video: Path
    folder: Path                    # this clip's output folder (same files as `python -m screening analyze`)
    test: str = ""
    status: str = "pending"         # pending | ok | failed
    message: str = ""
    code: str = ""
    fix: str = ""
    result: Result | None = None
    json_path: Path | None = None
    csv_path: Path | None = None
    video_path: Path | None = None
    keyframes: list[tuple[str, Path]] = field(default_factory=list)
    seconds: float = 0.0


def list_videos(folder: str | Path) -> list[Path]:
    """The video files of a folder (mp4, mov, webm, avi, m4v; any case), sorted by name."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in VIDEO_EXTS)


def _safe(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")
    return s[:60] or "clip"


def _items(items: Iterable, out: Path, test: str) -> list[BatchItem]:
    batch, used = [], set()
    for entry in items:
        name, path = (entry if isinstance(entry, (tuple, list)) else (Path(entry).stem, entry))
        folder, k = _safe(str(name)), 2
        while folder.lower() in used:
            folder, k = f"{_safe(str(name))}-{k}", k + 1
        used.add(folder.lower())
        batch.append(BatchItem(str(name), Path(path), out / folder, test))
    return batch


def _partial(item: BatchItem) -> Path:
    return item.folder.with_name(f".{item.folder.name}.partial")


def _analyse_one(video: str, out_dir: str | None, options: tuple[str, AnalysisOptions],
                 progress: Callable[[str, float, str], None] | None = None,
                 should_cancel: Callable[[], bool] | None = None) -> dict:
    """Worker process (or Dask worker, screening.cluster.work): one clip with run_analysis (options: the
    model tier and the AnalysisOptions without out_dir; the model is loaded once per process). Files go to
    out_dir; without one the outputs come back as bytes (video, stills, csv). Never raises."""
    t0 = time.perf_counter()
    try:
        tier, opts = options
        a = run_analysis(video, load_model(tier), dataclasses.replace(opts, out_dir=Path(out_dir) if out_dir else None),
                         progress=progress, should_cancel=should_cancel)
        if out_dir is None:
            return {"status": "ok", "result": a.result, "video": a.video, "stills": a.stills, "csv": a.csv,
                    "seconds": time.perf_counter() - t0}
        return {"status": "ok", "result": a.result, "video_path": a.video_path.name if a.video_path else None,
                "keyframes": [(label, p.name) for label, p in a.keyframes], "seconds": time.perf_counter() - t0}
    except AnalysisError as e:
        return {"status": "failed", "message": e.message, "code": e.code, "fix": e.fix,
                "seconds": time.perf_counter() - t0}
    except Cancelled:
        return {**LEFT["cancelled"], "seconds": time.perf_counter() - t0}
    except Exception as e:  # noqa: BLE001 - any failure is recorded for this clip only
        return {"status": "failed", "message": f"Unexpected error: {type(e).__name__}: {e}", "code": "internal",
                "seconds": time.perf_counter() - t0}


def run_batch(items: Iterable, out_dir: str | Path, *, test: str, leg: str | None = None, sex: str | None = None,
              sport: str | None = None, model: str = "lite", processes: int | None = None,
              progress: Callable[[int, int, BatchItem], None] | None = None,
              on_done: Callable[[BatchItem], None] | None = None, make_video: bool = True,
              workers: int = 1, should_cancel: Callable[[], bool] | None = None,
              runner: Runner | None = None) -> list[BatchItem]:
    """Analyse clips (paths, or (name, path) pairs) in a process pool, one subfolder each in out_dir.

    A failing clip is recorded (status 'failed' + message) and never stops the rest. As each clip
    finishes, in the parent: batch.csv is rewritten, then its folder appears (complete, moved in at
    once), then on_done(item) and progress(done, total, item) are called. When should_cancel() turns true
    the clips not finished are stopped (their worker processes ended) and recorded as 'cancelled'.
    `runner` runs the clips elsewhere instead (screening.cluster.batch: a Dask cluster); `processes` is then
    unused and a clip the cluster could not finish is recorded as 'failed' with code 'cluster_gone'.
    """
    opts = AnalysisOptions(test, leg=leg, sex=sex, sport=sport, video=make_video, stills=make_video,
                           workers=workers)   # checks test, leg and sex before any clip starts
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    batch = _items(items, out, test)
    csv_path = out / "batch.csv"
    write_group_csv(batch, csv_path)
    options = (model, opts)
    finished = [0]

    def finish(item: BatchItem, outcome: dict) -> None:
        item.status, item.seconds = outcome["status"], outcome.get("seconds", 0.0)
        item.message, item.code, item.fix = outcome.get("message", ""), outcome.get("code", ""), outcome.get("fix", "")
        item.result = outcome.get("result")
        if item.result is not None and not item.result.events:
            note = next((n for n in item.result.notes if n.code == "no_events"), None)
            item.status, item.code = "failed", "no_events"
            item.message, item.fix = (note.message, note.fix) if note else ("Nothing to rate was found.", "")
        elif item.status == "ok" and item.result is not None:      # "ok" always carries its Result
            item.message = "; ".join(f"{leg} {verdict_words(s)}" for leg, s in item.result.legs.items())
        write_group_csv(batch, csv_path)
        partial = _partial(item)
        if item.result is not None and partial.is_dir():
            shutil.rmtree(item.folder, ignore_errors=True)
            os.replace(partial, item.folder)
            item.json_path, item.csv_path = item.folder / "result.json", item.folder / "frames.csv"
            item.video_path = item.folder / outcome["video_path"] if outcome.get("video_path") else None
            item.keyframes = [(label, item.folder / name) for label, name in outcome.get("keyframes", [])]
        else:
            shutil.rmtree(partial, ignore_errors=True)
        finished[0] += 1
        if on_done:
            try:
                on_done(item)
            except Exception as e:  # noqa: BLE001 - the caller's saving failed: say so, keep going
                item.message += f" (not saved: {e})"
        if progress:
            progress(finished[0], len(batch), item)

    stop = should_cancel or (lambda: False)
    if runner is None:
        n = max(1, min(processes or os.cpu_count() or 1, len(batch) or 1))
        left = _local(batch, options, n, finish, stop)
    else:
        left = runner(batch, options, finish, stop)
    for item, why in left:
        finish(item, LEFT[why])
    return batch


def _local(batch: list[BatchItem], options: tuple[str, AnalysisOptions], n: int, finish,
           stop: Callable[[], bool]) -> list[tuple[BatchItem, str]]:
    """The clips in a local process pool; returns (item, why) for those not finished. A worker died: its
    clips run again alone (one crash is contained)."""
    left = []
    for item in _pool(batch, options, n, finish, stop):
        if stop():
            left.append((item, "cancelled"))
            continue
        left += [(again, "cancelled" if stop() else "crashed") for again in _pool([item], options, 1, finish, stop)]
    return left


@contextlib.contextmanager
def _plain_main():
    """Spawned workers re-run the parent's main script first; under Streamlit (or AppTest) that would be
    the app. While the workers start, show them an empty __main__: they only need this package."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _die_with_parent(parent: int) -> None:
    """Worker start-up: exit as soon as the parent process is gone (killed, or the server stopped), so no
    orphaned worker keeps analysing: a watcher thread checks the parent id every second."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="kneescreen-parent-watch").start()


def _pool(batch: list[BatchItem], options: tuple[str, AnalysisOptions], n: int, finish,
          stop: Callable[[], bool]) -> list[BatchItem]:
    """Run clips in n spawned processes; return the items whose process died (or that were cancelled)."""
    broken: list[BatchItem] = []
    if not batch:
        return broken
    for item in batch:
        shutil.rmtree(_partial(item), ignore_errors=True)
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))
    try:
        with _plain_main():
            futures = {pool.submit(_analyse_one, str(it.video), str(_partial(it)), options): it for it in batch}
        pending = set(futures)
        while pending:
            if stop():
                for proc in list((pool._processes or {}).values()):  # noqa: SLF001 - end the running clips now
                    proc.terminate()
                return broken + [futures[f] for f in pending]
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    broken.append(futures[fut])
                    continue
                except Exception as e:  # noqa: BLE001 - e.g. a result that could not be sent back
                    outcome = {"status": "failed", "message": f"Unexpected error: {type(e).__name__}: {e}",
                               "code": "internal"}
                finish(futures[fut], outcome)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return broken

