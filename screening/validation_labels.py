"""Validation against labels a person made by looking at the frames: single-leg squats' stance legs and
repetitions (tests/data/single_leg_labels.json, made as tests/data/LABELS.md says)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from screening.core.errors import AnalysisError
from screening.core.result import Result

LABELS = Path(__file__).resolve().parents[1] / "tests" / "data" / "single_leg_labels.json"


def load_labels(path: Path = LABELS) -> dict:
    """The labels file: clip name -> labels, and the tolerances ('tolerance_s')."""
    return json.loads(path.read_text(encoding="utf-8"))


def match(result: Result, lab: dict, tol_s: float) -> dict:
    """The engine's repetitions of one clip against its labels: each labelled repetition takes the
    engine repetition with the nearest deepest point within `tol_s` of its bottom."""
    fps = lab["fps"]
    events = list(result.events)
    pairs, missed = [], []
    for x in lab["reps"]:
        near = [e for e in events if abs(e.key_frame - x["bottom"]) / fps <= tol_s]
        if near:
            e = min(near, key=lambda e: abs(e.key_frame - x["bottom"]))
            events.remove(e)
            pairs.append((x, e))
        else:
            missed.append(x)
    partial = [e for e in events if any(abs(e.key_frame - p["bottom"]) / fps <= tol_s for p in lab["partial"])]
    extra = [e for e in events if e not in partial]
    standing = [e for e in result.events if any(g["from"] <= e.key_frame <= g["to"] for g in lab["not_reps"])]
    off = [abs(e.key_frame - x["bottom"]) / fps for x, e in pairs]
    edges = [max(0, x["start"] - e.start_frame, e.end_frame - x["end"]) / fps for x, e in pairs]
    return {"pairs": pairs, "missed": missed, "extra": extra, "partial": partial, "standing": standing,
            "stance_right": sum(x["leg"] == e.leg for x, e in pairs),
            "bottom_s": float(np.median(off)) if off else float("nan"),
            "overrun_s": float(max(edges)) if edges else float("nan")}


def _legs(legs: list) -> str:
    return " ".join((leg or "?")[0].upper() for leg in legs) or "-"


def single_leg_case(folder: Path, name: str, labels: dict, analyse) -> dict:
    """One clip's row of the report; `analyse(path, test)` gives the Result (validation.lite_result)."""
    lab, tol = labels[name], labels["tolerance_s"]
    try:
        r = analyse(folder / name, "single-leg-squat")
    except AnalysisError as e:
        return {"clip": name, "refused": e.message}
    m = match(r, lab, tol["bottom"])
    return {"clip": name, "labelled": _legs([x["leg"] for x in lab["reps"]]),
            "found": _legs([e.leg for e in r.events]), "n_labelled": len(lab["reps"]), "n_found": len(r.events),
            "stance_right": m["stance_right"], "matched": len(m["pairs"]), "missed": len(m["missed"]),
            "extra": len(m["extra"]), "partial": len(m["partial"]), "standing": len(m["standing"]),
            "bottom_s": m["bottom_s"], "overrun_s": m["overrun_s"], "legs_rated": " and ".join(r.legs) or "none"}


def single_leg_markdown(rows: list[dict], labels: dict) -> list[str]:
    """The report's single-leg section (Markdown lines)."""
    tol = labels["tolerance_s"]
    out = ["", "## Single-leg squats: stance leg and repetitions", "",
           "Against one rater's labels made by looking at the frames (`tests/data/single_leg_labels.json`, "
           "how: `tests/data/LABELS.md`). Legs are the person's own (L left, R right), one letter per repetition "
           f"in time order. A repetition is found when a deepest point lies within {tol['bottom']} s of a "
           "labelled bottom. *Standing called a bottom*: deepest points inside a labelled moment of balancing, "
           "both feet down, a step or a leg change. *Overrun*: how far a found repetition reaches past the "
           "labelled start or end (worst case).", "",
           "| clip | labelled | found | stance leg correct | repetitions found / labelled | missed | extra | "
           "standing called a bottom | bottom off by (median s) | overrun (s) | legs rated |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "refused" in r:
            out.append(f"| {r['clip']} | refused: {r['refused']} |||||||||| |")
            continue
        part = f" (+{r['partial']} cut by the clip's edge)" if r["partial"] else ""
        out.append(f"| {r['clip']} | {r['labelled']} | {r['found']} | {r['stance_right']} of {r['matched']} | "
                   f"{r['matched']} / {r['n_labelled']}{part} | {r['missed']} | {r['extra']} | {r['standing']} | "
                   f"{r['bottom_s']:.2f} | {r['overrun_s']:.2f} | {r['legs_rated']} |")
    return out
