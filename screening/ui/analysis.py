"""Run one analysis for the app: private temp folders, live progress, cancel on leaving, outputs in memory."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from streamlit.delta_generator import DeltaGenerator

from screening import slots
from screening import tempdirs
from screening.cluster import address as cluster_address
from screening.core.vocab import VIDEO_EXTS
from screening.core.errors import AnalysisError, Cancelled  # noqa: F401 - Cancelled is re-raised by callers
from screening.engine import models
from screening.engine.pose import PoseModel, load_model
from screening.pipeline import AnalysisOptions, run_analysis
from screening.ui import state

MAX_UPLOAD_MB = 200
VIDEO_TYPES = [ext.lstrip(".") for ext in VIDEO_EXTS]    # as the file uploader wants them
STAGE_LABELS = {"queue": "Waiting for a free slot", "model": "Loading the pose model", "decode": "Reading the video",
                "probe": "Reading the video",
                "pose": "Finding your joints", "assess": "Measuring your knees",
                "measure": "Measuring your knees", "video": "Drawing the annotated video",
                "stills": "Drawing the stills", "report": "Writing the report", "done": "Finished"}


try:  # raised by Streamlit at an interrupt point (any st call) once a rerun or stop is pending
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException
except ImportError:  # pragma: no cover
    ScriptControlException = ()  # type: ignore[assignment,misc]


def on_cluster() -> bool:
    """True when analyses go to a Dask cluster (KNEESCREEN_SCHEDULER set and acceptable): the privacy notes
    then say where the video goes."""
    try:
        return cluster_address.configured() is not None
    except AnalysisError:       # a bad setting: every analysis is refused with the reason, none leaves
        return False


def leaving() -> bool:
    """True when the session has a pending request: the user pressed Cancel, clicked anything, opened another
    page or closed the tab. Reads Streamlit's request flag directly: touching st.session_state here would
    itself be an interrupt point and stop the script mid-pipeline, before the pipeline could clean up."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
        ctx = get_script_run_ctx()
        req = ctx.script_requests if ctx is not None else None
        return req is not None and req._state != ScriptRequestType.CONTINUE  # noqa: SLF001
    except Exception:  # noqa: BLE001 - Streamlit internals moved: fall back to the session flag only
        return False


class ProgressUI:
    """One progress bar per stage inside an st.status box, fed by the pipeline's progress callback.

    Also the pipeline's `should_cancel`: once the user has asked for something else it stops drawing, and if
    Streamlit interrupts a drawing call anyway the interrupt is kept in `interrupt` to be re-raised after the
    pipeline has stopped cleanly (so its worker threads and temp folders are shut down)."""
    bars: dict[str, DeltaGenerator]     # stage -> its progress bar

    def __init__(self, box: Any):
        self.box, self.bars, self.stopped = box, {}, False
        self.interrupt: BaseException | None = None

    def should_cancel(self) -> bool:
        self.stopped = self.stopped or leaving()
        return self.stopped

    def __call__(self, stage: str, fraction: float, message: str) -> None:
        if self.should_cancel():            # never touch the page while a rerun is pending
            return
        try:
            self._draw(stage, fraction, message)
        except ScriptControlException as e:
            self.interrupt, self.stopped = e, True

    def _draw(self, stage: str, fraction: float, message: str) -> None:
        label = STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())
        frac = min(max(float(fraction or 0.0), 0.0), 1.0)
        if stage not in self.bars:
            for done_stage, bar in self.bars.items():   # a new stage means the earlier ones are done
                bar.progress(1.0, text=f"{STAGE_LABELS.get(done_stage, done_stage.capitalize())}: done")
            if stage == "done":
                return
            self.bars[stage] = self.box.progress(0.0, text=label)    # not `with box:` (it would tick it)
        self.bars[stage].progress(frac, text=f"{label}: {message}" if message else label)


def _safe_name(name: str) -> str:
    """The uploaded file's name, reduced to safe characters (the engine quotes it in its messages)."""
    path = Path(name or "video.mp4")
    suffix = path.suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", path.suffix) else ".mp4"
    stem = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", path.name[: -len(path.suffix) or None]).strip(" ._")[:80] or "video"
    return stem + suffix


def run(upload: Any, *, test: str, leg: str | None, sex: str | None, sport: str | None, model: PoseModel,
        progress: Callable[[str, float, str], None] | None = None,
        should_cancel: Callable[[], bool] | None = None) -> state.Outputs:
    """Analyse an uploaded file (an UploadedFile or a path) with a loaded pose model (ensure_model) and
    return everything the results page needs.

    First waits for a free slot (screening.slots: a queue whose position is shown through `progress`; a
    full queue raises AnalysisError 'busy'). The upload is copied into a private temp folder, deleted
    before returning whatever happens; the pipeline keeps its outputs in memory. With KNEESCREEN_SCHEDULER
    set, the clip goes to that Dask cluster instead (its queue, its workers; see _run_on_cluster). Raises
    AnalysisError, Cancelled or RuntimeError.
    """
    size = Path(upload).stat().st_size if isinstance(upload, (str, Path)) else getattr(upload, "size", 0)
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        raise AnalysisError(f"This file is {size / 1024 / 1024:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.",
                            "too_large", "Trim the clip to the repetitions (3 minutes at most) or film again "
                            "at a lower resolution (1080p is plenty).")
    where = cluster_address.configured()     # None when unset; a bad value raises AnalysisError (nothing runs)
    if where is not None:
        return _run_on_cluster(where, upload, AnalysisOptions(test, leg=leg, sex=sex, sport=sport, json=False),
                               model, progress, should_cancel)
    with slots.turn(slots.shared(), progress, should_cancel):    # at most N analyses at once on this server
        return _run(upload, test=test, leg=leg, sex=sex, sport=sport, model=model, progress=progress,
                    should_cancel=should_cancel)


def _run_on_cluster(where: str, upload: Any, options: AnalysisOptions, model: PoseModel,
                    progress: Callable[[str, float, str], None] | None,
                    should_cancel: Callable[[], bool] | None) -> state.Outputs:
    """The upload's bytes go to the Dask cluster (nothing is written here), the outputs come back in memory;
    the queue shown is the cluster's, shared by every app server that uses it."""
    # start-up: distributed (1-3 s to import) is loaded only once a scheduler is configured
    from screening.cluster import client as cluster
    if isinstance(upload, (str, Path)):
        name, data = Path(upload).name, Path(upload).read_bytes()
    else:
        name, data = getattr(upload, "name", "video.mp4"), upload.getvalue()
    out = cluster.analyse(where, _safe_name(name), data, (model.resolved.tier, options), progress=progress,
                          should_cancel=should_cancel)
    result = out["result"]
    result.video.file_name = name
    return state.Outputs(result=result, video=out["video"], keyframes=out["stills"], csv=out["csv"], source_name=name)


def _run(upload: Any, *, test: str, leg: str | None, sex: str | None, sport: str | None, model: PoseModel,
         progress: Callable[[str, float, str], None] | None,
         should_cancel: Callable[[], bool] | None) -> state.Outputs:
    options = AnalysisOptions(test, leg=leg, sex=sex, sport=sport, json=False)   # outputs in memory
    tmp_in = Path(tempfile.mkdtemp(prefix="kneescreen-in-"))
    busy = tempdirs.hold(tmp_in)
    try:
        if isinstance(upload, (str, Path)):
            name = Path(upload).name
            src = tmp_in / _safe_name(name)
            shutil.copyfile(upload, src)
        else:
            name = getattr(upload, "name", "video.mp4")
            src = tmp_in / _safe_name(name)
            upload.seek(0)
            with open(src, "wb") as fh:
                shutil.copyfileobj(upload, fh, 1 << 20)
        if progress:
            progress("model", 1.0, f"The '{model.resolved.tier}' pose model is ready")
        analysis = run_analysis(src, model, options, progress=progress, should_cancel=should_cancel)
        shutil.rmtree(tmp_in, ignore_errors=True)   # the upload is gone as soon as it is analysed
        result = analysis.result
        result.video.file_name = name
        return state.Outputs(result=result, video=analysis.video, keyframes=analysis.stills, csv=analysis.csv,
                             source_name=name)
    finally:
        tempdirs.release(busy)
        shutil.rmtree(tmp_in, ignore_errors=True)


def ensure_model(tier: str, box: Any) -> tuple[PoseModel, str | None]:
    """The chosen pose model, loaded through the model door (pose.load_model: read once per process),
    downloading it first with a progress bar when it is not on this machine.

    Returns (model, note): falls back to the built-in 'lite' model with a note when offline; that model
    carries the note, so the result records it (a 'model_fallback' note and ModelMeta) and says so."""
    if tier == "lite" or models.is_available(tier):
        return load_model(tier), None
    bar = box.progress(0.0, text=f"Downloading the '{tier}' pose model")     # not `with box:` (it ticks a status)

    def cb(done: int, total: int | None) -> None:
        if total and not leaving():
            bar.progress(min(done / total, 1.0),
                         text=f"Downloading the '{tier}' pose model: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
    model = load_model(tier, progress=cb, allow_fallback=True, timeout=15)
    if model.resolved.note:      # shown here during the run, and kept in the result for the results page
        return model, model.resolved.note
    bar.progress(1.0, text=f"The '{tier}' pose model is downloaded")
    return model, None
