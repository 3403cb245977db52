"""Validation report: `python -m screening.validate FOLDER` writes Markdown and a PNG of how accurate it is.

    python -m screening.validate ../shared/videos [--out validation] [--quick] [--raters-only]

FOLDER holds real clips and their MANIFEST.md. The report covers the left/right mirror error per clip,
every phone orientation against FFmpeg's display, repetition counts against the manifest, single-leg squats'
stance legs and repetitions against labels made by looking at the frames, the dose-response of a knee shift
warped into a real clip, the clamshell (a 3D model's known pelvis rolls, the real clip as filmed, mirrored
and stored turned), and the agreement with two human raters' joint marks (screening.rater_study;
--raters-only redoes just that section). Nothing is sent anywhere.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from screening import rater_study
from screening import validation as v
from screening import validation_labels as vl
from screening import validation_clamshell as vc
from screening.core.errors import AnalysisError
from screening.core.timing import Stopwatch

MIRROR_CLIPS = [("front_dbsquat_kneeswell_10.mp4", "squat"), ("front_ohsquat_shallow_mild_05.mov", "squat"),
                ("front_ohsquat_deep_kneesout_01.mov", "squat"), ("front_cmj_landing_jumpmat_18.mp4", "drop-jump")]
ORIENTATION_CLIP = "front_ohsquat_shallow_mild_06.mov"
DOSE_CLIP = "front_ohsquat_shallow_mild_06.mov"


def _f(x, nd=2) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{nd}f}"


def markdown(mirror: list[dict], orient: list[dict], counts: list[dict], dose: list[dict], seconds: float,
             clamshell: list[str] | None = None, single: list[str] | None = None) -> str:
    out = ["# KneeScreen validation report", "",
           f"Regenerate with `python -m screening.validate ../shared/videos` ({seconds / 60:.0f} min on 2 cores). "
           "Lite model, default settings.", "",
           "## Left/right mirror error", "",
           "The clip and its mirror image (FFmpeg `hflip`) must give the same knee angles with left and right "
           "swapped. Median per-frame difference of the knee angle (FPPA):", "",
           "| clip | test | left vs mirrored right (deg) | right vs mirrored left (deg) |", "|---|---|---|---|"]
    out += [f"| {r['clip']} | {r['test']} | {_f(r['left_deg'])} | {_f(r['right_deg'])} |" for r in mirror]
    out += ["", "## Phone orientation", "",
            f"`{ORIENTATION_CLIP}` stored the ways phones store video. *Pixels vs FFmpeg*: mean difference "
            "(0-255) between our decoded frame and FFmpeg's autorotated frame (a wrong turn reads about 100). "
            "*Points* and *FPPA*: median difference from the analysis of the upright clip.", "",
            "| case | pixels vs FFmpeg | turned by the self-check | points (px) | FPPA (deg) | same bands |",
            "|---|---|---|---|---|---|"]
    out += [f"| {r['case']} | {_f(r['pixel_diff'], 1)} | {'yes' if r['turned'] else 'no'} | {_f(r['point_px'], 1)} | "
            f"{_f(r['fppa_deg'])} | {'yes' if r['bands_equal'] else 'NO'} |" for r in orient]
    out += ["", "## Repetition counts", "",
            "Front-view clips whose manifest row states the count (a human's count, by eye).", "",
            "| clip | test | manifest | found |", "|---|---|---|---|"]
    out += [f"| {r['clip']} | {r['test']} | {r['manifest']} | "
            f"{r['found'] if r['found'] is not None else 'refused: ' + r.get('refused', '')} |" for r in counts]
    out += single or []
    if dose:
        slope_k, slope_f = _slope(dose, "mkd_measured"), _slope(dose, "fppa_measured", "fppa_geometric")
        out += ["", "## Dose-response", "",
                f"A known inward shift of the left knee warped into `{DOSE_CLIP}` (growing with depth to the dose "
                "at the deepest point; hip and ankle untouched), against the geometric change it makes.", "",
                "| dose (% leg) | knee shift measured (% leg) | FPPA geometric (deg) | FPPA measured (deg) |",
                "|---|---|---|---|"]
        out += [f"| {r['dose_pct']:g} | {_f(r['mkd_measured'])} | {_f(r['fppa_geometric'], 1)} | "
                f"{_f(r['fppa_measured'], 1)} |" for r in dose]
        out += ["", f"Measured / geometric (least squares through zero): knee shift {slope_k:.2f}, knee angle "
                f"{slope_f:.2f}. 1.00 would mean the model follows the knee fully.", "",
                "![dose-response](validation.png)"]
    out += clamshell or []
    return "\n".join(out) + "\n"


def _slope(rows: list[dict], measured: str, geometric: str = "dose_pct") -> float:
    x = np.array([r[geometric] for r in rows], float)
    y = np.array([r[measured] for r in rows], float)
    ok = np.isfinite(x) & np.isfinite(y)
    return float((x[ok] @ y[ok]) / (x[ok] @ x[ok])) if (x[ok] @ x[ok]) > 0 else float("nan")


def figure(dose: list[dict], path: Path, size: int = 480) -> None:
    """Measured against geometric change, knee shift and knee angle side by side, drawn with OpenCV."""
    panels = []
    for measured, geometric, title in (("mkd_measured", "dose_pct", "knee shift, % leg"),
                                       ("fppa_measured", "fppa_geometric", "knee angle, deg")):
        x = np.array([r[geometric] for r in dose], float)
        y = np.array([r[measured] for r in dose], float)
        top = max(1.0, float(np.nanmax(np.abs(np.concatenate([x, y])))) * 1.15)
        img = np.full((size, size, 3), 255, np.uint8)
        m = 50

        def px(a, b):
            return (int(m + (a / top) * (size - 2 * m)), int(size - m - (b / top) * (size - 2 * m)))
        cv2.rectangle(img, px(0, 0), px(top, top), (200, 200, 200), 1)
        cv2.line(img, px(0, 0), px(top, top), (150, 150, 150), 1, cv2.LINE_AA)
        for a, b in zip(x, y):
            if np.isfinite(a) and np.isfinite(b):
                cv2.circle(img, px(a, max(b, 0)), 6, (200, 110, 30), -1, cv2.LINE_AA)
        cv2.putText(img, title, (m, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (40, 40, 40), 1, cv2.LINE_AA)
        cv2.putText(img, "geometric ->", (size - m - 120, size - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                    (90, 90, 90), 1, cv2.LINE_AA)
        cv2.putText(img, f"0..{top:.0f}", (m, size - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (90, 90, 90), 1,
                    cv2.LINE_AA)
        cv2.putText(img, "measured", (5, m - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (90, 90, 90), 1, cv2.LINE_AA)
        panels.append(img)
    cv2.imwrite(str(path), np.hstack(panels))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m screening.validate", description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path)
    p.add_argument("--out", type=Path, default=Path("benchmarks/validation"))
    p.add_argument("--quick", action="store_true", help="one mirror clip instead of four")
    p.add_argument("--raters-only", action="store_true", help="redo only the section on the human raters")
    a = p.parse_args(argv)
    if a.raters_only:
        return _raters_only(a)
    manifest = a.folder / "MANIFEST.md"
    if not manifest.is_file():
        print(f"kneescreen: no MANIFEST.md in {a.folder}", file=sys.stderr)
        return 2
    missing = [n for n in (ORIENTATION_CLIP, DOSE_CLIP) if not (a.folder / n).is_file()]
    if missing:
        print(f"kneescreen: {a.folder} lacks the clip(s) the report needs: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        v.check_ffmpeg()
        return _run(a, manifest)
    except (AnalysisError, RuntimeError, subprocess.CalledProcessError) as e:
        detail = e.stderr.decode(errors="replace").strip()[-300:] if isinstance(e, subprocess.CalledProcessError) \
            and e.stderr else str(e)
        print(f"kneescreen: the validation stopped: {detail}", file=sys.stderr)
        return 2


def _run(a: argparse.Namespace, manifest: Path) -> int:
    a.out.mkdir(parents=True, exist_ok=True)
    watch = Stopwatch()
    with watch("validation"), tempfile.TemporaryDirectory(prefix="kneescreen-validate-") as tmp:
        work = Path(tmp)

        def sub(name: str) -> Path:
            d = work / name
            d.mkdir(parents=True, exist_ok=True)
            return d
        mirror = [v.mirror_case(a.folder / n, t, sub(f"m{i}")) for i, (n, t) in
                  enumerate(MIRROR_CLIPS[:1] if a.quick else MIRROR_CLIPS) if (a.folder / n).exists()]
        print("mirror done", file=sys.stderr)
        orient = v.orientation_cases(a.folder / ORIENTATION_CLIP, sub("orient"))
        print("orientation done", file=sys.stderr)
        clips = [c for c in v.manifest_counts(manifest) if (a.folder / c.name).exists()]
        counts = [v.count_case(c, a.folder) for c in clips]
        print("counts done", file=sys.stderr)
        labels = vl.load_labels()
        single = [vl.single_leg_case(a.folder, n, labels, v.lite_result) for n in labels
                  if n.endswith(".mp4") and (a.folder / n).exists()]
        print("single-leg done", file=sys.stderr)
        dose = v.dose_response(a.folder / DOSE_CLIP, sub("dose"))
        clam = vc.markdown(vc.model_cases(), vc.clip_cases(a.folder, sub("clamshell"))) \
            if (a.folder / vc.CLIP).is_file() else []
        print("clamshell done", file=sys.stderr)
        raters = rater_study.report(a.folder)
    text = rater_study.replace_section(markdown(mirror, orient, counts, dose, watch.total("validation"), clam,
                                                vl.single_leg_markdown(single, labels) if single else []), raters)
    (a.out / "validation.md").write_text(text, encoding="utf-8")
    figure(dose, a.out / "validation.png")
    print(text)
    return 0


def _raters_only(a: argparse.Namespace) -> int:
    """The rater section alone, put in place of the one in the existing report."""
    path = a.out / "validation.md"
    text = rater_study.replace_section(path.read_text(encoding="utf-8") if path.is_file() else "",
                                       rater_study.report(a.folder))
    a.out.mkdir(parents=True, exist_ok=True)
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
