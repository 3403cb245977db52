"""One call from a video file and a loaded pose model to every output: Result, JSON, CSV, annotated video, stills."""
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

from screening import tempdirs
from screening.core.errors import AnalysisError, Cancelled
from screening.core.result import TESTS, ModelMeta, Note, Result, VideoMeta
from screening.core.timing import Stopwatch
from screening.core.types import Leg
from screening.core.specs import SPECS
from screening.engine.assess import assess
from screening.engine.lying import FIX_LYING, check_lying, turn_lying
from screening.engine.filtering import clean_track
from screening.engine.orientation import turn_to_upright
from screening.engine.pose import MEDIAPIPE_VERSION, PoseModel, count_people
from screening.engine.quality import check_capture, people_note
from screening.engine.framestore import FrameStore
from screening.engine.tracking import PoseRun, pose_stride, run_pose
from screening.engine.video import VideoInfo, probe
from screening.outputs.annotate import render_stills, render_video
from screening.outputs.export import frames_csv_text, write_frames_csv

__all__ = ["Analysis", "AnalysisOptions", "run_analysis", "AnalysisError", "Cancelled"]

Progress = Callable[[str, float, str], None]


@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse and which outputs to make; only `test` has no default. Checked when made: a bad
    test, leg or sex raises AnalysisError 'bad_input'. The pose model is not an option: run_analysis is
    given one already loaded (pose.load_model), so a process loads each model once."""
    test: str                           # "squat" | "single-leg-squat" | "drop-jump" | "clamshell"
    leg: str | None = None              # stance leg of the single-leg squat; None: found from the video
    sex: str | None = None              # "female" | "male": sex-specific norms where published; None: pooled
    sport: str | None = None            # the participant's sport, to tailor the advice
    out_dir: Path | None = None         # write the outputs here; None: return them in memory (bytes)
    video: bool = True                  # annotated.mp4: the measured frames with the knee lines drawn
    stills: bool = True                 # keyframe_*.png: one picture per repetition or landing
    csv: bool = True                    # frames.csv: the per-frame values
    json: bool = True                   # result.json: the Result
    workers: int | None = None          # pose threads; None: one per core, at most 4 (same results)
    every_frame: bool = False           # run the pose model on every frame, not every second (squats)

    def __post_init__(self) -> None:
        if self.test not in TESTS:
            raise AnalysisError(f"Unknown test '{self.test}'. Choose one of: {', '.join(TESTS)}.", "bad_input")
        if self.leg not in (None, "left", "right"):
            raise AnalysisError(f"Leg must be 'left' or 'right', not '{self.leg}'.", "bad_input")
        if self.sex not in (None, "female", "male"):
            raise AnalysisError(f"Sex must be 'female' or 'male' (or left out), not '{self.sex}'.", "bad_input")
        if self.out_dir is not None:
            object.__setattr__(self, "out_dir", Path(self.out_dir))

    @property
    def stance_leg(self) -> Leg | None:
        """`leg` as the Leg type (checked above to be left, right or None)."""
        return "left" if self.leg == "left" else "right" if self.leg == "right" else None


@dataclass
class Analysis:
    """What one run made: the Result, the wall seconds per stage (`timings`), and each output asked for,
    as files in options.out_dir (the *_path fields and `keyframes`) or, without an out_dir, as bytes
    in memory (`json`, `csv`, `video`, `stills`). Outputs not asked for are None (or empty)."""
    result: Result
    timings: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None
    json_path: Path | None = None
    csv_path: Path | None = None
    video_path: Path | None = None
    keyframes: list[tuple[str, Path]] = field(default_factory=list)
    json: bytes | None = None
    csv: bytes | None = None
    video: bytes | None = None
    stills: list[tuple[str, bytes]] = field(default_factory=list)


STALE_TEMP_S = 3 * 3600
#: Folders that are held (tempdirs.hold) for as long as they are used: unheld, they are left over from a
#: killed process (after a short grace for the moment between making and holding them).
HELD_PREFIXES = ("kneescreen-in-", "kneescreen-workshop-", "kneescreen-frames-", "kneescreen-out-",
                 "kneescreen-live-")
HELD_GRACE_S = 60.0


def sweep_stale_temp(max_age_s: float = STALE_TEMP_S, held_grace_s: float = HELD_GRACE_S) -> int:
    """Delete KneeScreen temporary folders (uploads, frames kept for drawing, live recordings) left behind
    by a process that was killed before it could clean up; returns how many were removed. Runs at the
    app's start and before each analysis. A folder still held by a running process (tempdirs.hold, e.g. a
    long workshop batch) is never removed; one of HELD_PREFIXES goes once unheld for `held_grace_s`, any
    other (a PDF being built, never held) after `max_age_s`."""
    removed = 0
    now = time.time()
    for d in Path(tempfile.gettempdir()).glob("kneescreen-*"):
        age = held_grace_s if d.name.startswith(HELD_PREFIXES) else max_age_s
        try:
            if d.is_dir() and not d.is_symlink() and now - d.stat().st_mtime > age \
                    and not tempdirs.in_use(d):
                shutil.rmtree(d, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def _import_measures() -> None:
    import scipy.signal  # noqa: F401 - the filter and peak finder of filtering.py and events.py


def warm_up() -> threading.Thread:
    """Import SciPy's signal module (0.8 CPU-s, the biggest import) in a background thread, so it loads
    while the pose model runs instead of before the measures; the measures' own import then finds it
    loaded. Started after the probe: holding the GIL for most of its time, it doubled the probe's wall time."""
    th = threading.Thread(target=_import_measures, name="kneescreen-imports", daemon=True)
    th.start()
    return th


FIX_UPRIGHT = "Film yourself standing, from the front, with the phone held upright and still."
# posture -> (the turn that shows the person the right way up, the refusal when no turn does)
TURNS = {"standing": (turn_to_upright, "The person does not stand upright in the video, whichever way it is "
                      "turned, so the knees cannot be measured.", FIX_UPRIGHT),
         "side-lying": (turn_lying, "The person does not lie across the picture with the top leg up, whichever "
                        "way it is turned, so the clamshell cannot be measured.", FIX_LYING)}


def turned_info(info: VideoInfo, turn: int) -> VideoInfo:
    """The same clip, with `turn` more degrees of counter-clockwise rotation applied when decoding."""
    swap = turn % 180 == 90
    return dataclasses.replace(
        info, rotation=(info.rotation + turn) % 360,
        width=info.height if swap else info.width, height=info.width if swap else info.height,
        work_width=info.work_height if swap else info.work_width,
        work_height=info.work_width if swap else info.work_height)


def run_analysis(video_path: str | Path, model: PoseModel, options: AnalysisOptions, *,
                 progress: Progress | None = None,
                 should_cancel: Callable[[], bool] | None = None) -> Analysis:
    """Analyse one clip with a loaded pose model (pose.load_model) and make the outputs `options` asks
    for: files in options.out_dir (result.json, frames.csv, annotated.mp4, keyframe PNGs), or bytes in
    the returned Analysis when out_dir is None (nothing is kept on disk). `progress(stage, fraction,
    message)` reports each stage; `should_cancel()` is asked between frames.

    Raises AnalysisError (message + fix) when no result can be given, Cancelled when asked to stop.
    """
    watch = Stopwatch()
    with watch("total"):
        sweep_stale_temp()
        in_memory = options.out_dir is None
        out_dir = options.out_dir or Path(tempfile.mkdtemp(prefix="kneescreen-out-"))
        out_dir.mkdir(parents=True, exist_ok=True)
        draw = options.video or options.stills
        frames_dir = Path(tempfile.mkdtemp(prefix="kneescreen-frames-")) if draw else None
        busy = [tempdirs.hold(frames_dir), tempdirs.hold(out_dir) if in_memory else None]
        frames: FrameStore | None = None
        try:
            frames = FrameStore(frames_dir) if frames_dir is not None else None
            a = _analyse(Path(video_path), model, options, out_dir, frames, watch,
                         progress or (lambda *a: None), should_cancel)
            if in_memory:
                a.video = a.video_path.read_bytes() if a.video_path else None
                a.stills = [(label, path.read_bytes()) for label, path in a.keyframes]
                a.video_path, a.keyframes = None, []
            else:
                a.out_dir = out_dir
        finally:
            if frames is not None:
                frames.close()
            for fd in busy:
                tempdirs.release(fd)
            if frames_dir is not None:
                shutil.rmtree(frames_dir, ignore_errors=True)
            if in_memory:
                shutil.rmtree(out_dir, ignore_errors=True)
    a.timings = watch.seconds
    return a


def _pose(info: VideoInfo, model: bytes, o: AnalysisOptions, frames: FrameStore | None, say: Progress,
          should_cancel: Callable[[], bool] | None) -> tuple[VideoInfo, PoseRun, int, int]:
    """The landmark track, turning a clip stored sideways or upside down upright first; returns the
    (maybe turned) clip, the pose run, the degrees turned and the pose stride. The turn is decided from
    the clip's first frames where they tell it (the run stops there), else from the whole clip."""
    stride = 1 if o.every_frame else pose_stride(o.test, info.fps)
    turn, refusal, fix = TURNS[SPECS[o.test].posture]

    def pose(clip: VideoInfo, **kw) -> PoseRun:
        return run_pose(clip, model, workers=o.workers, frames=frames, progress=say, should_cancel=should_cancel,
                        stride=stride, **kw)
    run = pose(info, find_turn=turn is turn_to_upright)    # the first frames tell a standing person's turn
    early = run.turn
    turned = early or turn(run.track)
    if turned:   # stored sideways or upside down without (or with a wrong) rotation tag
        say("pose", 0.0, f"The video is stored turned by {turned} deg: turning it upright")
        run = pose(turned_info(info, turned), label=f"Finding the body in the video turned upright ({turned} deg)")
        if turn(run.track) and early:     # the first frames misled: the whole clip as it is
            turned, run = 0, pose(info)
        if turn(run.track):
            raise AnalysisError(refusal, "not_upright", fix)
    return (turned_info(info, turned) if turned else info), run, turned, stride


def _analyse(video_path: Path, model: PoseModel, o: AnalysisOptions, out_dir: Path, frames: FrameStore | None,
             watch: Stopwatch, say: Progress, should_cancel: Callable[[], bool] | None) -> Analysis:
    with watch("probe"):
        info = probe(video_path)
    warm_up()       # after the probe, whose Python loop over the packets it would slow down
    with watch("decode_and_pose"):
        info, run, turned, stride = _pose(info, model.data, o, frames, say, should_cancel)
    resolved = model.resolved
    with watch("measures"):
        if SPECS[o.test].posture == "side-lying":
            notes = check_lying(run.track, duration_s=info.duration_s, luma=run.luma, fps=info.fps,
                                low_fps_below=SPECS[o.test].low_fps_below, truncated=info.truncated, vfr=info.vfr)
        else:
            notes = check_capture(run.track, test=o.test, duration_s=info.duration_s, luma=run.luma,
                                  fps=info.fps, truncated=info.truncated, vfr=info.vfr)
        # Counting people needs one more model load: do it beside the drawing, which leaves CPU spare.
        counting = ThreadPoolExecutor(max_workers=1)
        people = counting.submit(count_people, model.data, run.samples)
        if resolved.note:
            notes.insert(0, Note("model_fallback", "warning", resolved.note))
        if turned:
            notes.insert(0, Note("turned_upright", "warning", f"The video was stored turned by {turned} deg "
                                 "(the person was turned sideways or upside down in the picture), so KneeScreen "
                                 "turned it the right way up before measuring. Check the annotated video.",
                                 "Film with the phone held upright and still."))
        video = VideoMeta(video_path.name, info.width, info.height, info.rotation, round(info.fps, 3),
                          round(info.duration_s, 3), len(run.track), info.vfr, info.codec,
                          info.work_width, info.work_height)
        mmeta = ModelMeta(resolved.tier, resolved.sha256, resolved.source, resolved.requested_tier,
                          resolved.note, MEDIAPIPE_VERSION, stride)
        result = assess(run.track, o.test, leg=o.stance_leg, sex=o.sex, sport=o.sport, video=video, model=mmeta,
                        notes=notes)
    a = Analysis(result)
    if frames is not None:
        if should_cancel and should_cancel():
            raise Cancelled()
        kept = [int(p) if ran else None for p, ran in zip(run.pts, run.track.extra["pose_run"])]
        skeleton = clean_track(run.track, o.test).xy
        if o.stills:
            with watch("stills"):
                a.keyframes = render_stills(result, frames, kept, out_dir, skeleton)
        if o.video:
            with watch("video"):
                a.video_path = render_video(result, frames, kept, out_dir / "annotated.mp4", skeleton,
                                            progress=say)
    note = people_note(people.result())
    counting.shutdown()
    if note is not None:
        result.notes.append(note)
    with watch("files"):
        if o.out_dir is None:
            a.json = result.to_json().encode("utf-8") if o.json else None
            a.csv = frames_csv_text(result).encode("utf-8") if o.csv else None
        else:
            if o.json:
                a.json_path = out_dir / "result.json"
                result.save(a.json_path)
            if o.csv:
                a.csv_path = write_frames_csv(result, out_dir / "frames.csv")
    say("done", 1.0, "Done")
    return a
