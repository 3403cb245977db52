"""Video to landmark track: decode and run pose in parallel clip segments, keeping frames for drawing."""
from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from screening.core.errors import Cancelled
from screening.core.landmarks import N_LANDMARKS
from screening.core.specs import SPECS, STRIDE_MIN_FPS
from screening.core.types import Progress
from screening.engine.framestore import FrameStore
from screening.engine.orientation import EARLY_GIVE_UP, early_turn
from screening.engine.pose import PoseEstimator, TwoViewPose, combine
from screening.core.track import Track
from screening.engine.video import VideoInfo, decode, segments

SKIPPED = "skipped"         # a frame the pose model did not run on (see pose_stride)
N_SAMPLES = 4              # frames kept to count people
SKIP_DECODE_EXTS = (".mp4", ".mov", ".m4v")   # containers whose packet and frame time stamps agree
AHEAD = 3                  # frames decoded ahead of the pose views (each kept twice, about 1 MB a copy)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def pose_stride(test: str, fps: float) -> int:
    """Run the pose model on every frame for landings (fast: contact lasts a few frames), and on every
    second frame for squats filmed at 24 fps or more. A squat repetition takes 1-3 s and the clean-up
    low-pass filter removes everything above 5 Hz, so sampling at 12-15 Hz or faster loses nothing it
    keeps; the frames in between get landmarks by linear interpolation (marked pose_run = 0)."""
    spec = SPECS.get(test)
    return spec.pose_stride if spec and fps >= STRIDE_MIN_FPS else 1


@dataclass
class PoseRun:
    track: Track
    pts: np.ndarray                    # (T,) packet timestamps, frame order
    luma: np.ndarray                   # (T,) mean brightness 0..255
    samples: list[np.ndarray] = field(default_factory=list)   # a few frames, to count people in
    frames: FrameStore | None = None   # the measured frames, for the annotated video and stills
    turn: int = 0                      # find_turn: the clip's first frames show it stored turned by this
                                       # (degrees, as orientation.turn_to_upright); the run stopped there


class _Worker(threading.Thread):
    """Takes clip segments from a shared queue; each segment gets its own decoder and landmarker."""

    def __init__(self, info: VideoInfo, model: bytes, todo: queue.Queue, frames: FrameStore | None,
                 stop: threading.Event, sample_pts: set[int], stride: int = 1, symmetric: bool = True) -> None:
        super().__init__(daemon=True)
        self.info, self.model, self.todo, self.frames = info, model, todo, frames
        self.stop, self.sample_pts = stop, sample_pts
        self.stride, self.symmetric = stride, symmetric
        self.rows: list[tuple] = []
        self.samples: list[np.ndarray] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    seg = self.todo.get_nowait()
                except queue.Empty:
                    return
                self._segment(seg)
        except BaseException as e:  # reported by the caller
            self.error = e
            self.stop.set()

    def _needed(self, start_pts):
        """pts -> whether the frame will be measured (or kept as a sample); None: every frame is."""
        if self.stride == 1 or self.info.path.suffix.lower() not in SKIP_DECODE_EXTS:
            return None
        pts = self.info.shown_pts
        shown = set(pts.tolist())
        first = 0 if start_pts is None else int(np.searchsorted(pts, start_pts))
        return lambda p: (p not in shown or p in self.sample_pts
                          or (int(np.searchsorted(pts, p)) - first) % self.stride == 0)

    def _segment(self, seg: tuple[int | None, int | None]) -> None:
        """Decode the segment and run pose on its measured frames. With two views, this thread decodes
        (and keeps the frames for drawing) up to AHEAD frames ahead of the views' threads, so the decode,
        the direct and the mirrored view of a clip segment keep both cores busy."""
        pending: deque[tuple[int, float, Callable[[], tuple] | str, float]] = deque()
        with (TwoViewPose(self.model) if self.symmetric else PoseEstimator(self.model)) as est:
            for k, fr in enumerate(decode(self.info, *seg, threads=False, need=self._needed(seg[0]))):
                if self.stop.is_set():
                    return
                measured = k % self.stride == 0 and fr.decoded   # not decoded: only in a damaged clip
                if not measured:
                    views: Callable[[], tuple] | str = SKIPPED
                elif isinstance(est, TwoViewPose):      # self.symmetric
                    views = est.submit(fr.rgb, fr.t)
                else:
                    views = _ready((est.detect(fr.rgb, fr.t), None))
                luma = float(fr.rgb[::8, ::8].mean()) if measured else np.nan   # skipped: never converted
                if self.frames is not None and measured:     # only measured frames are drawn
                    self.frames.put(fr.pts, fr.rgb)
                if fr.pts in self.sample_pts and fr.decoded:
                    self.samples.append(fr.rgb)
                pending.append((fr.pts, fr.t, views, luma))
                while len(pending) > AHEAD:
                    self._finish(*pending.popleft())
            while pending:
                self._finish(*pending.popleft())

    def _finish(self, pts: int, t: float, views: Callable[[], tuple] | str, luma: float) -> None:
        """Wait for a frame's views and keep its row: (pts, t, pose, luma, direct view); with one view
        (no mirrored detection) the pose is the direct view itself."""
        if isinstance(views, str):     # SKIPPED
            self.rows.append((pts, t, SKIPPED, luma, SKIPPED))
            return
        direct, mirrored = views()
        self.rows.append((pts, t, combine(direct, mirrored), luma, direct))


def _ready(pair: tuple) -> Callable[[], tuple]:
    """A finished pair of views in the form TwoViewPose.submit returns."""
    return lambda: pair


def _interpolate_skipped(t: np.ndarray, xy: np.ndarray, vis: np.ndarray, ran: np.ndarray) -> None:
    """Fill frames the model skipped from their two analysed neighbours (only when both saw a person)."""
    idx = np.flatnonzero(ran)
    for i in np.flatnonzero(~ran):
        k = np.searchsorted(idx, i)
        if k == 0 or k == len(idx):
            continue
        a, b = idx[k - 1], idx[k]
        if not (np.isfinite(xy[a]).all() and np.isfinite(xy[b]).all()):
            continue
        w = (t[i] - t[a]) / (t[b] - t[a]) if t[b] > t[a] else 0.5
        xy[i] = (1 - w) * xy[a] + w * xy[b]
        vis[i] = np.minimum(vis[a], vis[b])


def _first_frames_turn(ws: list[_Worker], stop_pts: int | None, info: VideoInfo) -> int | None:
    """orientation.early_turn of the first clip segment's frames analysed so far; 0 once EARLY_GIVE_UP
    frames could not tell (the whole clip then decides, after the run)."""
    rows = sorted((r for w in ws for r in list(w.rows)
                   if r[2] is not SKIPPED and (stop_pts is None or r[0] < stop_pts)), key=lambda r: r[0])
    xy = np.full((len(rows), N_LANDMARKS, 2), np.nan)
    vis = np.zeros((len(rows), N_LANDMARKS))
    for i, r in enumerate(rows):
        if r[2] is not None:
            xy[i], vis[i] = r[2]
    turn = early_turn(Track(np.array([r[1] for r in rows]), xy, vis, info.work_width, info.work_height))
    return 0 if turn is None and len(rows) >= EARLY_GIVE_UP else turn


def run_pose(info: VideoInfo, model: bytes, *, workers: int | None = None, frames: FrameStore | None = None,
             progress: Progress | None = None, should_cancel: Callable[[], bool] | None = None,
             stride: int = 1, symmetric: bool = True, find_turn: bool = False,
             label: str = "Finding the body") -> PoseRun:
    """Landmarks for every decoded frame. The clip's segments (see video.segments) run in parallel
    threads (MediaPipe and the decoder release the GIL), each with its own decoder and landmarker;
    the result does not depend on the number of threads (the caller times it: core.timing).

    With find_turn, the clip's first frames are looked at as they come (orientation.early_turn): if they
    show the person lying or upside down, the run stops there and returns an empty track with `turn` set.
    `label` starts the progress text."""
    segs = segments(info)
    todo: queue.Queue = queue.Queue()
    for seg in segs:
        todo.put(seg)
    idx = np.linspace(0, len(info.pts) - 1, N_SAMPLES + 2)[1:-1].astype(int)
    sample_pts = set(int(p) for p in info.pts[idx])
    stop = threading.Event()
    n_workers = max(1, min(workers or default_workers(), len(segs)))
    ws = [_Worker(info, model, todo, frames, stop, sample_pts, stride, symmetric) for _ in range(n_workers)]
    for w in ws:
        w.start()
    total = max(1, info.n_packets)
    looking = find_turn
    while any(w.is_alive() for w in ws):
        time.sleep(0.1)
        done = sum(len(w.rows) for w in ws)
        if progress:
            progress("pose", min(done / total, 1.0), f"{label}: frame {done} of {total}")
        turn = _first_frames_turn(ws, segs[0][1], info) if looking else None
        looking = looking and turn is None
        if turn or (should_cancel and should_cancel()):
            stop.set()
            for w in ws:
                w.join()
            if turn:
                return PoseRun(Track.empty(np.zeros(0), info.work_width, info.work_height), np.zeros(0, np.int64),
                               np.zeros(0), turn=turn)
            raise Cancelled()
    for w in ws:
        w.join()
        if w.error is not None:
            raise w.error
    rows = sorted((r for w in ws for r in w.rows), key=lambda r: r[0])
    # keep one row per timestamp (segments never overlap, but be safe)
    rows = [r for i, r in enumerate(rows) if i == 0 or r[0] != rows[i - 1][0]]
    n = len(rows)
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    vis = np.zeros((n, N_LANDMARKS))
    direct_xy, direct_vis = xy.copy(), vis.copy()
    ran = np.array([r[2] is not SKIPPED for r in rows], dtype=bool)
    for i, (_, _, det, _, direct) in enumerate(rows):
        if det is not None and det is not SKIPPED:
            xy[i], vis[i] = det
        if direct is not None and direct is not SKIPPED:
            direct_xy[i], direct_vis[i] = direct
    t = np.array([r[1] for r in rows])
    _interpolate_skipped(t, xy, vis, ran)
    _interpolate_skipped(t, direct_xy, direct_vis, ran)
    track = Track(t=t, xy=xy, vis=vis, width=info.work_width, height=info.work_height)
    track.extra["pose_run"] = ran
    track.extra["direct"] = Track(t=t, xy=direct_xy, vis=direct_vis, width=info.work_width,
                                  height=info.work_height)   # the unmirrored view alone: for the ratios
    samples = [s for w in ws for s in w.samples]
    if progress:
        progress("pose", 1.0, f"Body found in {int(track.present.sum())} of {n} frames")
    return PoseRun(track, np.array([r[0] for r in rows], dtype=np.int64),
                   np.array([r[3] for r in rows]), samples, frames)
