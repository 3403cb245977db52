"""Validation cases of the clamshell (experimental): the 3D model's known rolls, and the one real clip as filmed,
mirrored and stored as phones store it."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from screening import validation as v
from screening.core.errors import AnalysisError
from screening.engine.assess import assess
from screening.engine.synthetic_lying import ClamshellSpec, synthetic_clamshell

CLIP = "clamshell_sidelying_banded_correct_45.mp4"
ROLLS = (0.0, 10.0, 20.0, 25.0, 30.0, 35.0)


def _value(r, key: str) -> float:
    vals = [mv.value for e in r.events for mv in e.values.get(r.leg, []) + e.values.get("both", [])
            if mv.key == key and mv.value is not None]
    return float(np.median(vals)) if vals else float("nan")


def model_cases(camera_heights=(0.2, 0.6)) -> list[dict]:
    """Known rolls of the 3D model: the projected hip-line shortening (the geometry) against the measured one,
    for a camera at hip height (0.2 m) and one 40 cm higher."""
    rows = []
    for height in camera_heights:
        for roll in ROLLS:
            spec = ClamshellSpec(reps=3, pelvis_roll_deg=roll, trunk_roll_deg=roll, camera_height_m=height)
            track, truth = synthetic_clamshell(spec)
            top = truth["top_frames"][len(truth["top_frames"]) // 6]
            pts = [truth["points"][f] for f in (0, top)]
            length = [np.linalg.norm(p["top_hip"] - p["bottom_hip"]) for p in pts]
            r = assess(track, "clamshell")
            rows.append({"camera_m": height, "roll_deg": roll, "cosine_pct": 100 * (1 - np.cos(np.radians(roll))),
                         "projected_pct": 100 * (1 - length[1] / length[0]), "measured_pct": _value(r, "pelvis_roll"),
                         "reps": len(r.events), "band": r.legs[r.leg].band if r.leg in r.legs else None})
    return rows


def clip_cases(folder: Path, work: Path) -> list[dict]:
    """Clip 45 as filmed, mirrored, stored turned with a display matrix, and turned without one."""
    src = folder / CLIP
    up = v.encode(src, work / "clamshell.mp4")
    cases = {"as filmed": src, "mirrored (hflip)": v.encode(src, work / "mirrored.mp4", "hflip"),
             "phone, display matrix 90": v.make_phone_clip(up, "dm90_h264"),
             "turned 90, no tag": v.encode(up, work / "untagged.mp4", "transpose=1")}
    rows = []
    for name, path in cases.items():
        row: dict = {"case": name}
        try:
            r = v.lite_result(path, "clamshell")
            row.update(reps=len(r.events), top=r.leg, turned=any(n.code == "turned_upright" for n in r.notes),
                       roll_pct=_value(r, "pelvis_roll"), trunk_pct=_value(r, "trunk_roll"),
                       opening_deg=_value(r, "opening"), band=r.legs[r.leg].band if r.leg in r.legs else None)
        except AnalysisError as e:
            row.update(reps=None, refused=e.code)
        rows.append(row)
    return rows


def _f(x, nd=1) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{nd}f}"


def markdown(model: list[dict], clips: list[dict]) -> list[str]:
    """The report's clamshell section."""
    out = ["", "## Clamshell (experimental)", "",
           "No validated video measure or norm of the pelvis roll-back exists, and no real clip of a rolled-back "
           "pelvis was found: what is checked here is the geometry (a 3D model) and the one real correct-form "
           "clip; whether the rule of thumb separates good and faulty clamshells of real people is NOT checked.",
           "", "**3D model** (`screening/engine/synthetic_lying.py`): a stacked pelvis and trunk rolled back about "
           "the body's long axis by a known angle as the knee opens, projected by a pinhole camera 2.5 m in front. "
           "*1 - cos*: the hip line's shortening in an orthographic view; *projected*: in the pinhole camera; "
           "*measured*: KneeScreen's pelvis roll-back (median of 3 repetitions).", "",
           "| camera height (m) | roll (deg) | 1 - cos (%) | projected (%) | measured (%) | repetitions | band |",
           "|---|---|---|---|---|---|---|"]
    out += [f"| {r['camera_m']:.1f} | {r['roll_deg']:g} | {_f(r['cosine_pct'])} | {_f(r['projected_pct'])} | "
            f"{_f(r['measured_pct'])} | {r['reps']} | {r['band'] or 'not rated'} |" for r in model]
    out += ["", "A camera 40 cm above the hips sees the hip line partly from above: the same roll shortens it "
            "less, so the filming guide asks for the phone on the floor, lens at hip height.", "",
            f"**The real clip** `{CLIP}` (MANIFEST row 45: one correct opening, pelvis stacked; 14 frames at "
            "3.3 fps). By eye: one repetition, the right leg on top, no roll.", "",
            "| case | repetitions | top leg | turned by the self-check | pelvis roll (%) | trunk roll (%) | "
            "opening (deg) | band |", "|---|---|---|---|---|---|---|---|"]
    out += [f"| {r['case']} | {r.get('reps') if r.get('reps') is not None else 'refused: ' + r.get('refused', '')} | "
            f"{r.get('top', '-')} | {'yes' if r.get('turned') else 'no'} | {_f(r.get('roll_pct'))} | "
            f"{_f(r.get('trunk_pct'))} | {_f(r.get('opening_deg'))} | {r.get('band') or 'not rated'} |"
            for r in clips]
    out += ["", "Not checked: a real rolled-back pelvis (none filmed), other people, other camera heights and "
            "distances on real clips, the secondary cues (heels, knee drift) on real clips (the heels are "
            "hidden in clip 45). The 3D animation `clamshell_banded_animation_46.mp4` was used in development "
            "only: it is not a person and is not evidence."]
    return out
