"""Live processing rate: play a clip into a LiveSession at its real pace, frames dropped as the WebRTC worker does.

    python -m screening.live.bench VIDEO [--seconds 10] [--size 640x360] [--mirror]

A camera thread delivers the clip's frames at their own time stamps; the processing loop takes all frames
that arrived while it was busy, records them, and runs the pose model on the newest one only (as
streamlit-webrtc's async worker does), so it never falls behind. Prints frames processed per second.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time

import av
import cv2

from screening.core.timing import Stopwatch
from screening.engine.pose import load_model
from screening.live.session import LiveSession, Plan


def frames_of(path: str, width: int, height: int, seconds: float) -> list[tuple]:
    out: list[tuple] = []
    with av.open(path) as c:
        s = c.streams.video[0]
        for f in c.decode(s):
            assert f.pts is not None and s.time_base is not None     # a file's decoded frames carry both
            t = float(f.pts * s.time_base)
            if out and t - out[0][1] > seconds:
                break
            out.append((cv2.resize(f.to_ndarray(format="bgr24"), (width, height), interpolation=cv2.INTER_AREA), t))
    t0 = out[0][1]
    return [(img, t - t0) for img, t in out]


def run(path: str, width: int = 640, height: int = 360, seconds: float = 10.0, mirror: bool = True,
        record: bool = False) -> dict:
    frames = frames_of(path, width, height, seconds)
    model = load_model("lite").data
    inbox: list = []
    cond = threading.Condition()
    finished = threading.Event()

    def camera() -> None:
        start = time.monotonic()
        for img, t in frames:
            time.sleep(max(0.0, start + t - time.monotonic()))
            with cond:
                inbox.append((img, t))
                cond.notify()
        finished.set()

    with tempfile.TemporaryDirectory(prefix="kneescreen-live-") as d:
        live = LiveSession(model, d, mirror=mirror, plan=Plan(reps=0, max_s=seconds + 5, auto=False))
        if record:
            live.start_now()
        cam = threading.Thread(target=camera, daemon=True)
        t0 = time.monotonic()
        cam.start()
        processed, watch = 0, Stopwatch()
        while not (finished.is_set() and not inbox):
            with cond:
                while not inbox and not finished.is_set():
                    cond.wait(0.1)
                batch, inbox[:] = list(inbox), []
            if batch:
                with watch("process"):
                    live.process(batch)
                processed += 1
        wall, busy = time.monotonic() - t0, watch.total("process")
        st = live.snapshot()
        live.close()
    return {"frames_in": len(frames), "processed": processed, "wall_s": round(wall, 2),
            "processed_fps": round(processed / wall, 1), "input_fps": round(len(frames) / wall, 1),
            "ms_per_processed_frame": round(1000 * busy / max(processed, 1), 1),
            "capacity_fps": round(processed / busy, 1) if busy else None, "reps_counted": st.reps,
            "size": f"{width}x{height}", "recorded_frames": st.rec_frames}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--no-mirror", action="store_true")
    ap.add_argument("--record", action="store_true", help="also encode every frame, as while recording")
    a = ap.parse_args()
    w, h = (int(x) for x in a.size.lower().split("x"))
    print(json.dumps(run(a.video, w, h, a.seconds, not a.no_mirror, a.record), indent=1))


if __name__ == "__main__":
    main()
