"""Benchmark: frames per second, real-time factor and peak memory of the whole analysis, per model tier.

    python -m screening.bench VIDEO [--models lite full heavy] [--test squat] [--workers N] [--repeat 2]

Each run happens in a fresh process, so the peak memory is that of one analysis.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
from screening.pipeline import run_analysis, load_model
video, tier, test, workers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
load_model(tier, allow_fallback=False)          # a model download is not part of the timing
t0 = time.perf_counter()
a = run_analysis(video, sys.argv[5], test=test, model=tier, allow_model_fallback=False,
                 workers=int(workers) or None)
wall = time.perf_counter() - t0
use = resource.getrusage(resource.RUSAGE_SELF)
peak_mb = use.ru_maxrss / 1024
cpu_s = use.ru_utime + use.ru_stime
r = a.result
print(json.dumps({"wall_s": wall, "frames": r.video.n_frames, "duration_s": r.video.duration_s,
                  "peak_mb": peak_mb, "cpu_s": cpu_s, "timings": a.timings, "width": r.video.width,
                  "height": r.video.height, "fps": r.video.fps}))
"""


def run_once(video: Path, tier: str, test: str, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="kneescreen-bench-") as out:
        p = subprocess.run([sys.executable, "-c", _CHILD, str(video), tier, test, str(workers), out],
                           capture_output=True, text=True)
    if p.returncode != 0:
        tail = (p.stderr.strip().splitlines() or ["failed"])[-1]
        return {"error": tail}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m screening.bench", description=__doc__.splitlines()[0])
    ap.add_argument("video", type=Path)
    ap.add_argument("--models", nargs="+", default=["lite", "full", "heavy"])
    ap.add_argument("--test", default="squat")
    ap.add_argument("--workers", type=int, default=0, help="pose threads (0: one per core)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tier; the fastest is reported")
    args = ap.parse_args(argv)
    print(f"{'model':6} {'frames':>6} {'clip s':>7} {'wall s':>7} {'fps':>6} {'RTF':>6} {'CPU s':>6} "
          f"{'peak MB':>8}  stages")
    for tier in args.models:
        runs = [run_once(args.video, tier, args.test, args.workers) for _ in range(args.repeat)]
        ok = [r for r in runs if "error" not in r]
        if not ok:
            print(f"{tier:6} not run: {runs[0]['error']}")
            continue
        r = min(ok, key=lambda x: x["wall_s"])
        stages = ", ".join(f"{k.removesuffix('_s')} {v:.1f}" for k, v in r["timings"].items() if k != "total_s")
        print(f"{tier:6} {r['frames']:6d} {r['duration_s']:7.2f} {r['wall_s']:7.2f} "
              f"{r['frames'] / r['wall_s']:6.1f} {r['wall_s'] / r['duration_s']:6.2f} {r['cpu_s']:6.1f} "
              f"{r['peak_mb']:8.0f}  {stages}"
              f"  ({r['width']}x{r['height']} @ {r['fps']:.0f} fps)")
    print("RTF = processing time / clip duration (decode, pose, measures, annotated video, stills). "
          "CPU s includes model loading; with other work on the machine, wall time grows but CPU s barely does.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
