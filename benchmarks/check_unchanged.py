"""Check that a code change left the results alone: per-frame angles and rated values vs a git revision.

    python benchmarks/check_unchanged.py [--ref REV] [--tol 0.5] [CLIP:TEST[:LEG] ...]

Runs `python -m screening analyze` on each clip twice, once with this working tree and once with the
code of --ref (default: where this branch left main; exported with `git archive` to a temporary folder), and compares
frames.csv column by column (angles in degrees within --tol, the issue-13 tolerance; other values within 2% of their
range) and the ratings, bands and events of result.json. Exit status 1 when anything differs by more than that.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT.parent / "shared" / "videos"
DEFAULT = ["front_dbsquat_kneeswell_10.mp4:squat", "front_ohsquat_shallow_mild_05.mov:squat",
           "front_cmj_landing_jumpmat_18.mp4:drop-jump",
           "darebee_shrimp_single_leg_squat_obliquefront.mp4:single-leg-squat:left"]
ANGLES = ("fppa_left_deg", "fppa_right_deg", "pelvic_drop_deg", "trunk_lean_deg")
OTHERS = ("kasr", "khsr", "mkd_left_pct", "mkd_right_pct", "arch_left_pct", "arch_right_pct", "depth")


def export(rev: str, dest: Path) -> Path:
    """The package as it is at `rev`, unpacked into dest."""
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "screening"], capture_output=True, check=True)
    tmp = dest / "code.tar"
    tmp.write_bytes(tar.stdout)
    with tarfile.open(tmp) as t:
        t.extractall(dest, filter="data")
    return dest


def analyse(code: Path, video: Path, test: str, leg: str | None, out: Path) -> Path:
    cmd = [sys.executable, "-m", "screening", "analyze", str(video), "--test", test, "--out", str(out),
           "--no-video", "--quiet"] + (["--leg", leg] if leg else [])
    env = dict(os.environ, PYTHONPATH=str(code))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=code, check=False)
    if p.returncode not in (0, 3):
        raise SystemExit(f"{video.name}: analysis failed with {code}: {p.stderr.strip()[-400:]}")
    return out


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _num(s: str) -> float:
    try:
        return float(s)
    except ValueError:
        return math.nan


def fppa_difference(ref: Path, new: Path) -> float:
    """The largest per-frame FPPA difference (deg) between two analysis folders, either leg."""
    a, b = _rows(ref / "frames.csv"), _rows(new / "frames.csv")
    diffs = [abs(_num(x[c]) - _num(y[c])) for x, y in zip(a, b) for c in ANGLES[:2]]
    return max((d for d in diffs if math.isfinite(d)), default=0.0)


def compare(ref: Path, new: Path, tol: float) -> list[str]:
    """Differences beyond tolerance between two analysis folders (empty list: unchanged)."""
    problems = []
    a, b = _rows(ref / "frames.csv"), _rows(new / "frames.csv")
    if len(a) != len(b):
        return [f"frame count {len(a)} -> {len(b)}"]
    for col in ANGLES + OTHERS:
        if col not in a[0]:
            continue
        x = [_num(r[col]) for r in a]
        y = [_num(r[col]) for r in b]
        finite = [v for v in x if math.isfinite(v)]
        lim = tol if col in ANGLES else 0.02 * ((max(finite) - min(finite)) if finite else 0) + 1e-9
        nan_moves = sum(math.isfinite(p) != math.isfinite(q) for p, q in zip(x, y))
        worst = max((abs(p - q) for p, q in zip(x, y) if math.isfinite(p) and math.isfinite(q)), default=0.0)
        if worst > lim or nan_moves:
            problems.append(f"{col}: max difference {worst:.3f} (limit {lim:.3f}), {nan_moves} frame(s) "
                            "measured in one run only")
    ra, rb = (json.loads((d / "result.json").read_text()) for d in (ref, new))
    if [(e["kind"], e["key_frame"]) for e in ra["events"]] != [(e["kind"], e["key_frame"]) for e in rb["events"]]:
        problems.append("events differ")
    for leg in sorted(set(ra["legs"]) | set(rb["legs"])):
        la, lb = ra["legs"].get(leg), rb["legs"].get(leg)
        if la is None or lb is None or la["band"] != lb["band"]:
            problems.append(f"{leg}: band {la and la['band']} -> {lb and lb['band']}")
            continue
        for x, y in zip(la["ratings"], lb["ratings"]):
            vx, vy = x["value"], y["value"]
            if x["key"] != y["key"] or x["band"] != y["band"] or (vx is None) != (vy is None):
                problems.append(f"{leg} {x['key']}: {vx} {x['band']} -> {vy} {y['band']}")
            elif vx is not None and abs(vx - vy) > (tol if x["unit"] == "deg" else 0.02 * max(1.0, abs(vx))):
                problems.append(f"{leg} {x['key']}: {vx:.3f} -> {vy:.3f} {x['unit']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", default=DEFAULT, help="FILE:TEST[:LEG] (files in ../shared/videos)")
    ap.add_argument("--ref", default=None, help="git revision to compare with (default: merge-base with main)")
    ap.add_argument("--tol", type=float, default=0.5, help="angle tolerance in degrees")
    args = ap.parse_args(argv)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="kneescreen-check-") as tmp:
        rev = args.ref or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"],
                                         capture_output=True, text=True, check=True).stdout.strip()
        print(f"comparing this working tree with {rev}")
        code = export(rev, Path(tmp))
        for spec in args.clips:
            name, test, *leg = spec.split(":")
            video = Path(name) if Path(name).exists() else CLIPS / name
            ref = analyse(code, video, test, leg[0] if leg else None, Path(tmp) / f"ref-{video.stem}")
            new = analyse(ROOT, video, test, leg[0] if leg else None, Path(tmp) / f"new-{video.stem}")
            problems = compare(ref, new, args.tol)
            bad += bool(problems)
            print(f"{'unchanged' if not problems else 'CHANGED':10} {video.name} ({test}): largest per-frame "
                  f"FPPA difference {fppa_difference(ref, new):.3f} deg"
                  + "".join(f"\n    {p}" for p in problems), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
