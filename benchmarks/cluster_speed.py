"""Clips per minute: `python -m screening batch` on the local process pool and on a local Dask cluster, in turn.

    python benchmarks/workshop_folder.py /tmp/workshop
    python benchmarks/cluster_speed.py /tmp/workshop [--rounds 4] [--workers 2] [--test squat] [--no-video]

Starts `dask scheduler` and N `dask worker --nthreads 1` on 127.0.0.1 (the tests' launcher, tests/dask_cluster.py),
reports each worker's start-up (process start to ready, KneeScreen imported) and model-load time, then runs whole
CLI batches on the same folder alternately (pool, cluster, cluster, pool, ...: a machine whose load drifts is
compared in turn), each into a fresh folder. CPU seconds: the CLI and its children, plus the workers' processes
for the cluster runs. The cluster stays up between rounds, as on a screening day; the pool starts its processes
with every batch, as it does in use. Prints each run, the medians and the ratio cluster / pool.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from dask_cluster import DaskCluster  # noqa: E402

from screening.batch import list_videos  # noqa: E402
from screening.bench import clip_seconds, measure  # noqa: E402
from screening.cluster import client as cluster_client  # noqa: E402
from screening.cluster import work  # noqa: E402


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by these processes and their live children."""
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for p in [root] + root.children(recursive=True):
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            continue
    return total


def start_cluster(folder: Path, n: int) -> tuple[DaskCluster, list[dict]]:
    """The scheduler, then KneeScreen's client (its model plugin registered), then the workers: each worker's
    plugin set-up therefore runs as soon as it joins, and its timings are its own start-up."""
    cluster = DaskCluster(folder, workers=0, preload=False)
    client = cluster_client.connect(cluster.address)
    t0 = time.perf_counter()
    for i in range(n):
        cluster.add_worker(f"w{i}")
    cluster.wait_for_workers(n)
    while len([t for t in client.run(work.timings).values() if "model_s" in t]) < n:
        time.sleep(0.05)
    ready = time.perf_counter() - t0
    timings = list(client.run(work.timings).values())
    print(f"{n} worker(s) joined and loaded the model {ready:.1f} s after being started")
    for i, t in enumerate(timings):
        print(f"  worker {i}: process start to KneeScreen imported and connected {t['start_s']:.2f} s, "
              f"model load {t['model_s'] * 1000:.0f} ms")
    return cluster, timings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--rounds", type=int, default=4, help="pairs of runs (default 4)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="dask workers = pool processes")
    ap.add_argument("--test", default="squat")
    ap.add_argument("--no-video", action="store_true", help="skip the annotated videos and stills")
    args = ap.parse_args(argv)
    clips = list_videos(args.folder)
    if not clips:
        ap.error(f"no videos in {args.folder}")
    seconds = sum(clip_seconds(c) for c in clips)
    print(f"{args.folder}: {len(clips)} clips, {seconds:.1f} s of video; {os.cpu_count()} cores; "
          f"{args.workers} pool processes / {args.workers} workers of 1 thread")
    with tempfile.TemporaryDirectory(prefix="kneescreen-cluster-bench-") as tmp:
        cluster, _ = start_cluster(Path(tmp) / "cluster", args.workers)
        workers = [p.pid for p in cluster.procs.values()]       # the scheduler too: its work is the cluster's
        before = tree_cpu(workers)
        time.sleep(20)
        print(f"idle cluster (scheduler and {args.workers} workers): {(tree_cpu(workers) - before) / 20:.3f} "
              "CPU-s per second", flush=True)
        base = [sys.executable, "-m", "screening", "batch", str(args.folder.resolve()), "--test", args.test] \
            + (["--no-video"] if args.no_video else [])
        paths = {"pool": ["--processes", str(args.workers)], "cluster": ["--scheduler", cluster.address]}
        runs: dict[str, list[dict]] = {"pool": [], "cluster": []}
        try:
            for r in range(args.rounds):
                for path in (("pool", "cluster") if r % 2 == 0 else ("cluster", "pool")):
                    load = os.getloadavg()[0]
                    before = tree_cpu(workers)
                    out = Path(tmp) / f"{path}{r}"
                    m = measure(base + paths[path] + ["--out", str(out)], cwd=tmp)
                    if m["rc"] != 0:
                        print(f"{path} run {r + 1} failed (exit code {m['rc']}): {m['error']}\n"
                              + "\n".join(m["stdout"].splitlines()[-5:]), file=sys.stderr)
                        return 1
                    m["cpu_s"] += tree_cpu(workers) - before if path == "cluster" else 0.0
                    m["per_min"] = 60 * len(clips) / m["wall_s"]
                    runs[path].append(m)
                    print(f"round {r + 1} {path:7}: wall {m['wall_s']:6.1f} s = {m['per_min']:5.1f} clips/min, "
                          f"CPU {m['cpu_s']:6.1f} s, load average before {load:.1f}", flush=True)
        finally:
            cluster.close()
    med = {k: {f: statistics.median(x[f] for x in v) for f in ("wall_s", "cpu_s", "per_min")} for k, v in runs.items()}
    for k, m in med.items():
        print(f"median {k:7}: {m['per_min']:.1f} clips per minute (wall {m['wall_s']:.1f} s), "
              f"CPU {m['cpu_s'] / len(clips):.1f} s per clip")
    print(f"cluster / pool: {med['cluster']['per_min'] / med['pool']['per_min']:.2f}x clips per minute")
    return 0


if __name__ == "__main__":
    sys.exit(main())
