"""One call from a video file to every output: Result, JSON, CSV, annotated video and key stills."""
from __future__ import annotations

import dataclasses
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from screening.engine import models
from screening import tempdirs
from screening.engine.tracking import frame_file, pose_stride, run_pose
from screening.outputs.annotate import render_stills, render_video
from screening.engine.assess import assess
from screening.core.errors import AnalysisError, Cancelled
from screening.outputs.export import write_frames_csv
from screening.engine.orientation import turn_to_upright
from screening.engine.filtering import clean_track
from screening.engine.pose import MEDIAPIPE_VERSION, count_people, read_model
from screening.engine.quality import check_capture, people_note
from screening.core.result import TESTS, ModelMeta, Note, Result, VideoMeta
from screening.engine.video import VideoInfo, probe

__all__ = ["Analysis", "run_analysis", "AnalysisError", "Cancelled", "load_model"]

Progress = Callable[[str, float, str], None]
_MODEL_BYTES: dict[str, bytes] = {}


@dataclass
class Analysis:
    result: Result
    out_dir: Path
    json_path: Path
    csv_path: Path
    video_path: Path | None
    keyframes: list[tuple[str, Path]]
    timings: dict[str, float] = field(default_factory=dict)


def load_model(tier: str = "lite", *, allow_fallback: bool = True,
               progress: Callable[[int, int | None], None] | None = None) -> tuple[models.ResolvedModel, bytes]:
    """Resolve a model tier (downloading full/heavy if needed) and keep its bytes once per process."""
    try:
        resolved = models.resolve_model(tier, progress=progress, allow_fallback=allow_fallback)
    except models.ModelError as e:
        raise AnalysisError(str(e), "model_unavailable", "Choose the 'lite' model, which works offline.") from e
    if resolved.sha256 not in _MODEL_BYTES:
        _MODEL_BYTES[resolved.sha256] = read_model(resolved.path)
    return resolved, _MODEL_BYTES[resolved.sha256]


STALE_TEMP_S = 3 * 3600


def sweep_stale_temp(max_age_s: float = STALE_TEMP_S) -> int:
    """Delete KneeScreen temporary folders (uploads, frames kept for drawing) left behind by a process
    that was killed before it could clean up; returns how many were removed. Runs before each analysis.
    A folder still held by a running process (tempdirs.hold, e.g. a long workshop batch) is never removed."""
    removed = 0
    now = time.time()
    for d in Path(tempfile.gettempdir()).glob("kneescreen-*"):
        try:
            if d.is_dir() and not d.is_symlink() and now - d.stat().st_mtime > max_age_s \
                    and not tempdirs.in_use(d):
                shutil.rmtree(d, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def _import_measures() -> None:
    import scipy.signal  # noqa: F401 - the filter and peak finder of filtering.py and events.py


def warm_up() -> threading.Thread:
    """Import SciPy's signal module (0.6 s, the biggest import) in a background thread, so it loads while
    the pose model runs instead of before the measures; the measures' own import then finds it loaded."""
    th = threading.Thread(target=_import_measures, name="kneescreen-imports", daemon=True)
    th.start()
    return th


FIX_UPRIGHT = "Film yourself standing, from the front, with the phone held upright and still."


def turned_info(info: VideoInfo, turn: int) -> VideoInfo:
    """The same clip, with `turn` more degrees of counter-clockwise rotation applied when decoding."""
    swap = turn % 180 == 90
    return dataclasses.replace(
        info, rotation=(info.rotation + turn) % 360,
        width=info.height if swap else info.width, height=info.width if swap else info.height,
        work_width=info.work_height if swap else info.work_width,
        work_height=info.work_width if swap else info.work_height)


def _check_inputs(test: str, leg: str | None, sex: str | None) -> None:
    if test not in TESTS:
        raise AnalysisError(f"Unknown test '{test}'. Choose one of: {', '.join(TESTS)}.", "bad_input")
    if leg not in (None, "left", "right"):
        raise AnalysisError(f"Leg must be 'left' or 'right', not '{leg}'.", "bad_input")
    if sex not in (None, "female", "male"):
        raise AnalysisError(f"Sex must be 'female' or 'male' (or left out), not '{sex}'.", "bad_input")


def run_analysis(video_path: str | Path, out_dir: str | Path, *, test: str, leg: str | None = None,
                 sex: str | None = None, sport: str | None = None, model: str = "lite",
                 allow_model_fallback: bool = True, progress: Progress | None = None,
                 should_cancel: Callable[[], bool] | None = None, make_video: bool = True,
                 workers: int | None = None, every_frame: bool = False) -> Analysis:
    """Analyse one clip and write result.json, frames.csv, annotated.mp4 and keyframe PNGs to out_dir.

    Raises AnalysisError (message + fix) when no result can be given, Cancelled when asked to stop.
    """
    _check_inputs(test, leg, sex)
    warm_up()
    sweep_stale_temp()
    video_path, out_dir = Path(video_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda *a: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    info = probe(video_path)
    say("model", 0.0, f"Loading the {model} pose model")
    resolved, model_bytes = load_model(
        model, allow_fallback=allow_model_fallback,
        progress=lambda done, total: say("model", (done / total) if total else 0.0,
                                         f"Downloading the {model} model: {done / 1e6:.1f} MB"))
    timings["probe_and_model_s"] = time.perf_counter() - t0
    frames_dir = Path(tempfile.mkdtemp(prefix="kneescreen-frames-")) if make_video else None
    busy = tempdirs.hold(frames_dir)
    try:
        t1 = time.perf_counter()
        stride = 1 if every_frame else pose_stride(test, info.fps)
        run = run_pose(info, model_bytes, workers=workers, frames_dir=frames_dir, progress=say,
                       should_cancel=should_cancel, stride=stride)
        turned = turn_to_upright(run.track)
        if turned:   # stored sideways or upside down without (or with a wrong) rotation tag
            info = turned_info(info, turned)
            say("pose", 0.0, "The video was stored turned: turning it upright and finding the body again")
            run = run_pose(info, model_bytes, workers=workers, frames_dir=frames_dir, progress=say,
                           should_cancel=should_cancel, stride=stride)
            if turn_to_upright(run.track):
                raise AnalysisError("The person does not stand upright in the video, whichever way it is "
                                    "turned, so the knees cannot be measured.", "not_upright", FIX_UPRIGHT)
        timings["decode_and_pose_s"] = time.perf_counter() - t1
        notes = check_capture(run.track, test=test, duration_s=info.duration_s, luma=run.luma,
                              fps=info.fps, truncated=info.truncated, vfr=info.vfr)
        # Counting people needs one more model load: do it beside the drawing, which leaves CPU spare.
        counting = ThreadPoolExecutor(max_workers=1)
        people = counting.submit(count_people, model_bytes, run.samples)
        if resolved.note:
            notes.insert(0, Note("model_fallback", "warning", resolved.note))
        if turned:
            notes.insert(0, Note("turned_upright", "warning", f"The video was stored turned by {turned} deg "
                                 "(the person stood sideways or upside down in the picture), so KneeScreen "
                                 "turned it upright before measuring. Check that the annotated video shows "
                                 "you standing upright.", "Film with the phone held upright and still."))
        video = VideoMeta(video_path.name, info.width, info.height, info.rotation, round(info.fps, 3),
                          round(info.duration_s, 3), len(run.track), info.vfr, info.codec,
                          info.work_width, info.work_height)
        mmeta = ModelMeta(resolved.tier, resolved.sha256, resolved.source, resolved.requested_tier,
                          resolved.note, MEDIAPIPE_VERSION, stride)
        t2 = time.perf_counter()
        result = assess(run.track, test, leg=leg, sex=sex, sport=sport, video=video, model=mmeta, notes=notes)
        timings["measures_s"] = time.perf_counter() - t2
        video_out, stills = None, []
        if make_video:
            if should_cancel and should_cancel():
                raise Cancelled()
            t3 = time.perf_counter()
            paths = [frame_file(frames_dir, p) if ran else None for p, ran in zip(run.pts, run.track.extra["pose_run"])]
            skeleton = clean_track(run.track, test).xy
            stills = render_stills(result, paths, out_dir, skeleton)
            video_out = render_video(result, paths, out_dir / "annotated.mp4", skeleton, progress=say)
            timings["video_s"] = time.perf_counter() - t3
        note = people_note(people.result())
        counting.shutdown()
        if note is not None:
            result.notes.append(note)
        json_path, csv_path = out_dir / "result.json", out_dir / "frames.csv"
        result.save(json_path)
        write_frames_csv(result, csv_path)
        timings["total_s"] = time.perf_counter() - t0
        say("done", 1.0, "Done")
        return Analysis(result, out_dir, json_path, csv_path, video_out, stills, timings)
    finally:
        tempdirs.release(busy)
        if frames_dir is not None:
            shutil.rmtree(frames_dir, ignore_errors=True)
