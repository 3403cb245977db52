"""Video to landmark track: decode and run pose in parallel clip segments, keeping frames for drawing."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from .errors import Cancelled
from .landmarks import N_LANDMARKS
from .pose import PoseEstimator, count_people
from .track import Track
from .video import VideoInfo, decode, segments

Progress = Callable[[str, float, str], None]
JPEG_QUALITY = 88
N_SAMPLES = 6              # frames kept to count people


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass
class PoseRun:
    track: Track
    pts: np.ndarray                    # (T,) packet timestamps, frame order
    luma: np.ndarray                   # (T,) mean brightness 0..255
    people: list[int] = field(default_factory=list)   # people found in sample frames
    frames_dir: Path | None = None     # JPEGs named <pts>.jpg, for the annotated video
    seconds: float = 0.0


def frame_file(frames_dir: Path, pts: int) -> Path:
    return frames_dir / f"{int(pts)}.jpg"


class _Worker(threading.Thread):
    def __init__(self, info, model, seg, frames_dir, stop, sample_pts):
        super().__init__(daemon=True)
        self.info, self.model, self.seg, self.frames_dir = info, model, seg, frames_dir
        self.stop, self.sample_pts = stop, sample_pts
        self.rows: list[tuple] = []
        self.samples: list[np.ndarray] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with PoseEstimator(self.model) as est:
                for fr in decode(self.info, *self.seg):
                    if self.stop.is_set():
                        return
                    det = est.detect(fr.rgb, fr.t)
                    luma = float(fr.rgb[::8, ::8].mean())
                    if self.frames_dir is not None:
                        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(fr.rgb, cv2.COLOR_RGB2BGR),
                                               [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
                        if ok:
                            frame_file(self.frames_dir, fr.pts).write_bytes(buf.tobytes())
                    if fr.pts in self.sample_pts:
                        self.samples.append(fr.rgb)
                    self.rows.append((fr.pts, fr.t, det, luma))
        except BaseException as e:  # reported by the caller
            self.error = e


def run_pose(info: VideoInfo, model: bytes, *, workers: int | None = None, frames_dir: Path | None = None,
             progress: Progress | None = None, should_cancel: Callable[[], bool] | None = None) -> PoseRun:
    """Landmarks for every decoded frame. Segments start at keyframes and run in parallel threads
    (MediaPipe and the decoder release the GIL), each with its own decoder and landmarker."""
    t0 = time.perf_counter()
    if frames_dir is not None:
        frames_dir.mkdir(parents=True, exist_ok=True)
    segs = segments(info, workers or default_workers())
    idx = np.linspace(0, len(info.pts) - 1, N_SAMPLES + 2)[1:-1].astype(int)
    sample_pts = set(int(p) for p in info.pts[idx])
    stop = threading.Event()
    ws = [_Worker(info, model, seg, frames_dir, stop, sample_pts) for seg in segs]
    for w in ws:
        w.start()
    total = max(1, info.n_packets)
    while any(w.is_alive() for w in ws):
        time.sleep(0.1)
        done = sum(len(w.rows) for w in ws)
        if progress:
            progress("pose", min(done / total, 1.0), f"Finding the body: frame {done} of {total}")
        if should_cancel and should_cancel():
            stop.set()
            for w in ws:
                w.join()
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
    for i, (_, _, det, _) in enumerate(rows):
        if det is not None:
            xy[i], vis[i] = det
    track = Track(t=np.array([r[1] for r in rows]), xy=xy, vis=vis,
                  width=info.work_width, height=info.work_height)
    samples = [s for w in ws for s in w.samples]
    people = count_people(model, samples) if samples else []
    if progress:
        progress("pose", 1.0, f"Body found in {int(track.present.sum())} of {n} frames")
    return PoseRun(track, np.array([r[0] for r in rows], dtype=np.int64),
                   np.array([r[3] for r in rows]), people, frames_dir, time.perf_counter() - t0)
