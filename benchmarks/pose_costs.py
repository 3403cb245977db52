"""CPU milliseconds per frame of the pieces of decode and pose, measured in this process on one clip.

    python benchmarks/pose_costs.py VIDEO [--frames 80]

Prints, per analysed frame: one MediaPipe view at the work size and at half of it (the landmarker crops
its own region, so the picture size barely matters), the mp.Image copy, the mirrored copy (numpy's
reversed-stride copy vs cv2.flip), the two views run in turn and side by side in threads, and the
downscale of a decoded frame (with to_ndarray's plane copy vs reading the planes in place).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import av
import cv2
import mediapipe as mp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))     # this checkout's package, not an installed one
from screening.engine.pose import PoseEstimator, TwoViewPose  # noqa: E402
from screening.engine.video import _scaled_rgb, _shrink, decode, probe  # noqa: E402
from screening.pipeline import load_model  # noqa: E402


def per_frame(label: str, items: list, fn) -> None:
    c0, w0 = time.process_time(), time.perf_counter()
    for item in items:
        fn(item)
    c, w = time.process_time() - c0, time.perf_counter() - w0
    print(f"{label:44} {1000 * c / len(items):6.2f} ms CPU  {1000 * w / len(items):6.2f} ms wall", flush=True)


def _copied_planes(frame, width: int, height: int) -> np.ndarray:
    """The earlier downscale: one to_ndarray copy of the three planes first (4:2:0, height divisible by 4)."""
    h, w = frame.height, frame.width
    yuv = frame.to_ndarray(format=frame.format.name)
    y = _shrink(yuv[:h], width, height)
    u = _shrink(yuv[h:h + h // 4].reshape(h // 2, w // 2), width // 2, height // 2)
    v = _shrink(yuv[h + h // 4:].reshape(h // 2, w // 2), width // 2, height // 2)
    return cv2.cvtColor(np.concatenate([y.ravel(), u.ravel(), v.ravel()]).reshape(height * 3 // 2, width),
                        cv2.COLOR_YUV2RGB_I420)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video")
    ap.add_argument("--frames", type=int, default=80)
    args = ap.parse_args()
    info = probe(args.video)
    frames = [(f.rgb, f.t) for _, f in zip(range(args.frames), decode(info, threads=False))]
    _, model = load_model("lite")
    print(f"{args.video}: {len(frames)} frames, work size {info.work_width}x{info.work_height}")
    with PoseEstimator(model) as est:
        per_frame("one view", frames, lambda f: est.detect(*f))
    half = [(cv2.resize(f, (f.shape[1] // 2, f.shape[0] // 2), interpolation=cv2.INTER_AREA), t) for f, t in frames]
    with PoseEstimator(model) as est:
        per_frame("one view, half-size picture", half, lambda f: est.detect(*f))
    per_frame("mp.Image copy", frames, lambda f: mp.Image(image_format=mp.ImageFormat.SRGB, data=f[0]))
    per_frame("mirror: np.ascontiguousarray(rgb[:, ::-1])", frames, lambda f: np.ascontiguousarray(f[0][:, ::-1]))
    per_frame("mirror: cv2.flip(rgb, 1)", frames, lambda f: cv2.flip(f[0], 1))
    for parallel in (False, True):
        with TwoViewPose(model, parallel=parallel) as two:
            per_frame(f"two views, {'side by side' if parallel else 'in turn'}", frames, lambda f: two.detect_views(*f))
    with av.open(args.video) as c:
        raw = [f for _, f in zip(range(len(frames)), c.decode(c.streams.video[0]))]
    size = (info.work_width, info.work_height) if info.rotation in (0, 180) else (info.work_height, info.work_width)
    if raw[0].format.name in ("yuv420p", "yuvj420p") and raw[0].height % 4 == 0:
        per_frame("downscale, planes copied first", raw, lambda f: _copied_planes(f, *size))
    per_frame("downscale, planes read in place", raw, lambda f: _scaled_rgb(f, *size))


if __name__ == "__main__":
    main()
