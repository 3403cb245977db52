"""Benchmark: speed (wall and CPU seconds), real-time factor and peak memory; vs kinemotion; batch throughput.

    python -m screening.bench VIDEO [--models lite full heavy] [--test squat] [--workers N] [--repeat 3]
    python -m screening.bench VIDEO --vs-kinemotion [--test drop-jump] [--repeat 3] [--no-video]
    python -m screening.bench VIDEO --cli [--test squat]      (whole CLI runs of KneeScreen alone)
    python -m screening.bench --batch FOLDER [--test squat] [--repeat 1]

Every run happens in a fresh process, so its peak memory is that of one analysis, and its CPU seconds
(user + system, from the operating system's accounting of that process) barely change when other work
shares the machine, while wall time does. Figures are medians of --repeat runs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from screening.batch import list_videos
from screening.engine.video import probe

_CHILD = r"""
import json, sys
from screening.engine.pose import load_model
from screening.pipeline import AnalysisOptions, run_analysis
video, tier, test, workers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
model = load_model(tier, allow_fallback=False)  # a model download is not part of the timing
a = run_analysis(video, model, AnalysisOptions(test, out_dir=sys.argv[5], workers=int(workers) or None))
r = a.result
print(json.dumps({"wall_s": a.timings["total_s"], "frames": r.video.n_frames, "duration_s": r.video.duration_s,
                  "timings": a.timings, "width": r.video.width, "height": r.video.height, "fps": r.video.fps}))
"""


CODE = Path(__file__).resolve().parents[1]      # child processes run this copy of the package


# A small launcher forks and execs the command and reports that child's own resource use. Linux counts
# the memory a process had when it was forked into its child's peak, so measuring a command started
# straight from a large process (a test run with the pose model loaded) would report the parent's size.
_LAUNCH = ("import json, os, sys\n"
           "pid = os.fork()\n"
           "if pid == 0:\n"
           "    os.execvp(sys.argv[2], sys.argv[2:])\n"
           "_, status, use = os.wait4(pid, 0)\n"
           "with open(sys.argv[1], 'w') as f:\n"
           "    json.dump([use.ru_utime + use.ru_stime, use.ru_maxrss, os.waitstatus_to_exitcode(status)], f)\n")


def measure(cmd: list[str], cwd: str | Path | None = None, pythonpath: str | Path = CODE) -> dict:
    """Run one command (its `screening` package from `pythonpath`: by default this copy); its wall seconds,
    CPU seconds (user + system, children included), peak resident memory (MB), exit code, the last line it
    wrote to stderr and its stdout."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(pythonpath)]
                                                      + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as usage:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-S", "-c", _LAUNCH, usage.name, *cmd], stdout=out, stderr=err,
                       cwd=cwd, env=env)
        wall = time.perf_counter() - t0
        cpu_s, maxrss_kb, rc = json.loads(Path(usage.name).read_text())
        out.seek(0)
        err.seek(0)
        tail = (err.read().decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        text = out.read().decode("utf-8", "replace")
    return {"wall_s": wall, "cpu_s": cpu_s, "peak_mb": maxrss_kb / 1024, "rc": rc, "error": tail, "stdout": text}


def medians(runs: list[dict]) -> dict:
    """The median wall and CPU seconds and the median peak memory of repeated runs."""
    return {k: statistics.median(r[k] for r in runs) for k in ("wall_s", "cpu_s", "peak_mb")}


def ratio(a: list[float], b: list[float]) -> float:
    """Ratio of medians: median(a) / median(b)."""
    return statistics.median(a) / statistics.median(b)


def kinemotion_command() -> str | None:
    """The kinemotion CLI of this environment (next to this Python first), or None when not installed."""
    here = Path(sys.executable).with_name("kinemotion")
    return str(here) if here.exists() else shutil.which("kinemotion")


def clip_seconds(video: Path) -> float:
    return probe(video).duration_s


def vs_kinemotion(video: Path, test: str, repeat: int, make_video: bool, alone: bool = False) -> int:
    """Both tools on the same clip in turn (KneeScreen, kinemotion, KneeScreen, ...), whole CLI runs;
    with `alone`, KneeScreen only."""
    km = "kinemotion" if alone else kinemotion_command()
    video = video.resolve()     # both tools run in a temporary folder
    if km is None:
        print("kinemotion is not installed here (pip install kinemotion), so there is nothing to compare with.",
              file=sys.stderr)
        return 2
    duration = clip_seconds(video)
    runs: dict[str, list[dict]] = {"KneeScreen": []} if alone else {"KneeScreen": [], "kinemotion": []}
    with tempfile.TemporaryDirectory(prefix="kneescreen-bench-") as tmp:
        ks_cmd = [sys.executable, "-m", "screening", "analyze", str(video), "--test", test, "--quiet",
                  "--out", str(Path(tmp) / "ks")] + ([] if make_video else ["--no-video"])
        km_cmd = [km, "cmj-analyze", str(video), "--json-output", str(Path(tmp) / "km.json")] + (
            ["--output", str(Path(tmp) / "km.mp4")] if make_video else [])
        for i in range(repeat):
            for name, cmd in (("KneeScreen", ks_cmd),) + (() if alone else (("kinemotion", km_cmd),)):
                r = measure(cmd, cwd=tmp)
                if r["rc"] not in (0, 3):     # 3: KneeScreen ran but found nothing to rate
                    print(f"{name} failed on run {i + 1}: {r['error']}", file=sys.stderr)
                    return 1
                runs[name].append(r)
                print(f"run {i + 1} {name:10} wall {r['wall_s']:6.2f} s  CPU {r['cpu_s']:6.2f} s  "
                      f"peak {r['peak_mb']:5.0f} MB", file=sys.stderr, flush=True)
    print(f"{video.name}: {duration:.2f} s clip, {repeat} run(s)" + ("" if alone else " each in turn")
          + ", medians, whole CLI runs "
          + ("with" if make_video else "without") + " the annotated/debug video")
    print(f"{'tool':11} {'wall s':>7} {'RTF':>6} {'CPU s':>7} {'peak MB':>8}")
    for name, rs in runs.items():
        m = medians(rs)
        print(f"{name:11} {m['wall_s']:7.2f} {m['wall_s'] / duration:6.2f} {m['cpu_s']:7.2f} {m['peak_mb']:8.0f}")
    if alone:
        return 0
    w = ratio([r["wall_s"] for r in runs["KneeScreen"]], [r["wall_s"] for r in runs["kinemotion"]])
    c = ratio([r["cpu_s"] for r in runs["KneeScreen"]], [r["cpu_s"] for r in runs["kinemotion"]])
    print(f"ratio of medians KneeScreen / kinemotion: wall {w:.2f}, CPU {c:.2f} "
          f"(KneeScreen: test {test}, lite model; kinemotion: cmj-analyze, default settings)")
    return 0


def batch(folder: Path, test: str, repeat: int) -> int:
    """Clips per minute for a folder analysed with `python -m screening batch` on all cores."""
    clips = list_videos(folder)
    if not clips:
        print(f"No videos in {folder}.", file=sys.stderr)
        return 2
    total = sum(clip_seconds(c) for c in clips)
    runs = []
    for i in range(repeat):
        with tempfile.TemporaryDirectory(prefix="kneescreen-bench-") as tmp:
            r = measure([sys.executable, "-m", "screening", "batch", str(folder), "--test", test,
                         "--out", str(Path(tmp) / "out")], cwd=tmp)
        if r["rc"] != 0:
            print(f"batch failed on run {i + 1}: {r['error']}", file=sys.stderr)
            return 1
        runs.append(r)
    m = medians(runs)
    print(f"{folder.name}: {len(clips)} clips, {total:.1f} s of video, {os.cpu_count()} cores, "
          f"{repeat} run(s), medians")
    print(f"wall {m['wall_s']:.1f} s = {60 * len(clips) / m['wall_s']:.1f} clips per minute; "
          f"CPU {m['cpu_s']:.1f} s ({m['cpu_s'] / len(clips):.1f} s per clip); RTF {m['wall_s'] / total:.2f}")
    return 0


def tiers(video: Path, models: list[str], test: str, workers: int, repeat: int) -> int:
    print(f"{'model':6} {'frames':>6} {'clip s':>7} {'wall s':>7} {'fps':>6} {'RTF':>6} {'CPU s':>6} "
          f"{'peak MB':>8}  stages")
    for tier in models:
        runs = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="kneescreen-bench-") as out:
                r = measure([sys.executable, "-c", _CHILD, str(video), tier, test, str(workers), out])
            if r["rc"] == 0:
                runs.append({**r, **json.loads(r["stdout"].strip().splitlines()[-1])})
            elif not runs:
                print(f"{tier:6} not run: {r['error']}")
                break
        if not runs:
            continue
        m, r = medians(runs), runs[0]
        stages = ", ".join(f"{k.removesuffix('_s')} {statistics.median(x['timings'][k] for x in runs):.1f}"
                           for k in r["timings"] if k != "total_s")
        print(f"{tier:6} {r['frames']:6d} {r['duration_s']:7.2f} {m['wall_s']:7.2f} "
              f"{r['frames'] / m['wall_s']:6.1f} {m['wall_s'] / r['duration_s']:6.2f} {m['cpu_s']:6.1f} "
              f"{m['peak_mb']:8.0f}  {stages}  ({r['width']}x{r['height']} @ {r['fps']:.0f} fps)")
    print("RTF = processing time / clip duration (decode, pose, measures, annotated video, stills; model "
          "loaded beforehand). CPU s = the whole process, imports and model loading included; with other "
          "work on the machine, wall time grows but CPU s barely does.")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m screening.bench", description=__doc__.splitlines()[0])
    ap.add_argument("video", type=Path, nargs="?")
    ap.add_argument("--models", nargs="+", default=["lite", "full", "heavy"])
    ap.add_argument("--test", default=None, help="squat (default), or drop-jump with --vs-kinemotion")
    ap.add_argument("--workers", type=int, default=0, help="pose threads (0: one per core)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; medians are reported")
    ap.add_argument("--vs-kinemotion", action="store_true",
                    help="whole CLI runs of KneeScreen and kinemotion cmj-analyze on VIDEO, in turn")
    ap.add_argument("--cli", action="store_true", help="whole CLI runs of KneeScreen alone on VIDEO")
    ap.add_argument("--no-video", action="store_true", help="with --vs-kinemotion/--cli: no video written")
    ap.add_argument("--batch", type=Path, metavar="FOLDER", help="clips per minute for a folder on all cores")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.batch is not None:
        if not args.batch.is_dir():
            ap.error(f"{args.batch} is not a folder")
        return batch(args.batch, args.test or "squat", args.repeat)
    if args.video is None or not args.video.is_file():
        ap.error("give a video file" + (f" ({args.video} not found)" if args.video else ""))
    if args.vs_kinemotion or args.cli:
        return vs_kinemotion(args.video, args.test or ("squat" if args.cli else "drop-jump"), args.repeat,
                             not args.no_video, alone=args.cli)
    return tiers(args.video, args.models, args.test or "squat", args.workers, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
