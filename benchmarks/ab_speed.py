"""Before/after speed: whole CLI runs of a git revision's code and of this working tree, alternately.

    python benchmarks/ab_speed.py [--ref main] [--repeat 5] [--no-video] CLIP:TEST [CLIP:TEST ...]

Each run is a fresh `python -m screening analyze` process measured by screening.bench.measure (wall
seconds, CPU seconds of the process, peak memory). The two codes take turns (ref, new, ref, new, ...), so
other work on the machine slows both alike; the table gives medians and the ratio new/ref. Both codes are
compiled to bytecode first (a development shell may set PYTHONDONTWRITEBYTECODE, so that every run would
otherwise compile the package again, about 40 ms).
"""
from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.check_unchanged import CLIPS, export  # noqa: E402
from screening.bench import clip_seconds, measure  # noqa: E402


def run(code: Path, video: Path, test: str, out: Path, make_video: bool) -> dict:
    cmd = [sys.executable, "-m", "screening", "analyze", str(video), "--test", test, "--quiet", "--out", str(out)]
    r = measure(cmd + ([] if make_video else ["--no-video"]), cwd=code, pythonpath=code)
    if r["rc"] not in (0, 3):
        raise SystemExit(f"{video.name} failed with {code}: {r['error']}")
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="+", help="FILE:TEST (a path, or a file in ../shared/videos)")
    ap.add_argument("--ref", default="main", help="git revision to compare with")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-video", action="store_true", help="no annotated video and stills")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kneescreen-ab-") as tmp:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.ref], capture_output=True,
                             text=True, check=True).stdout.strip()
        codes = {f"ref {rev}": export(args.ref, Path(tmp)), "this tree": ROOT}
        for code in codes.values():     # both start from compiled modules, as after a first run
            compileall.compile_dir(code / "screening", quiet=1)
        print(f"{'clip':34} {'code':13} {'wall s':>7} {'RTF':>5} {'CPU s':>6} {'peak MB':>8}")
        for spec in args.clips:
            name, test = spec.split(":")[:2]
            video = (Path(name) if Path(name).exists() else CLIPS / name).resolve()
            runs: dict[str, list[dict]] = {k: [] for k in codes}
            for i in range(args.repeat):
                for label, code in codes.items():
                    runs[label].append(run(code, video, test, Path(tmp) / f"out{i}", not args.no_video))
            duration = clip_seconds(video)
            med = {k: {m: statistics.median(r[m] for r in rs) for m in ("wall_s", "cpu_s", "peak_mb")}
                   for k, rs in runs.items()}
            for label, m in med.items():
                print(f"{video.name[:34]:34} {label:13} {m['wall_s']:7.2f} {m['wall_s'] / duration:5.2f} "
                      f"{m['cpu_s']:6.2f} {m['peak_mb']:8.0f}")
            (a, b) = med.values()
            print(f"{'':34} {'new / ref':13} {b['wall_s'] / a['wall_s']:7.2f} {'':5} {b['cpu_s'] / a['cpu_s']:6.2f} "
                  f"{b['peak_mb'] / a['peak_mb']:8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
