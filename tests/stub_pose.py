"""A tiny generated clip and a pose stage that returns a synthetic squat track: the real pipeline and CLI
around it (probe, model door, measures, drawing, files) run without MediaPipe having to find a person."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from screening import pipeline
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.engine.tracking import PoseRun
from screening.outputs.annotate import H264Writer

W, H = 360, 640
SPEC = SquatSpec(width=W, height=H, leg_px=210.0)     # 3 squats, left knee 14 deg inward, right 3 deg


def make_clip(path: Path, n_frames: int, fps: float = 30.0) -> Path:
    """A black H.264 clip of n_frames frames (W x H) at `fps`."""
    w = H264Writer(path, W, H, fps)
    for i in range(n_frames):
        w.write(np.zeros((H, W, 3), np.uint8), i / fps)
    w.close()
    return path


def stub_pose(monkeypatch, spec: SquatSpec = SPEC) -> int:
    """Replace the pipeline's pose stage by the synthetic track of `spec` (kept frames stored as black
    JPEGs, as the real stage does); returns the track's number of frames, for make_clip."""
    track, _ = synthetic_squat(spec)
    n = len(track)
    jpeg = cv2.imencode(".jpg", np.zeros((H, W, 3), np.uint8))[1].tobytes()

    def run_pose(info, model, *, frames=None, stride=1, **_):
        assert isinstance(model, bytes) and len(model) > 1_000_000      # the loaded model's bytes
        ran = np.arange(n) % stride == 0
        track.extra["pose_run"], track.extra["direct"] = ran, track
        pts = np.asarray(info.pts[:n], dtype=np.int64)
        for p, r in zip(pts, ran):
            if frames is not None and r:
                frames.put_jpeg(p, jpeg)
        return PoseRun(track, pts, np.full(n, 120.0), [], frames)
    monkeypatch.setattr(pipeline, "run_pose", run_pose)
    return n
