"""KneeScreen against two human raters: the engine's measures and points at the frames the raters marked.

The raters marked hip, knee and ankle joint centres on full-resolution frames (benchmarks/validation/raters).
The engine analyses each whole clip as a user would (lite model, default settings) and its values are read
at the same frame: the row whose time stamp is that frame's (engine rows are the frames decoded, in time
order; a frame the decoder lost would shift a row index, never a time), its points scaled from the
downscaled analysis size to full-resolution pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from screening import raters as rs
from screening.core.errors import AnalysisError
from screening.core.landmarks import EXPORT_POINTS, INDEX, N_LANDMARKS
from screening.core.result import Result
from screening.engine.metrics import knee_centres, standing_frames, standing_thigh
from screening.engine.video import probe
from screening.validation import lite_result, standing_leg_px

MEASURES = {"fppa": ("knee angle (FPPA)", "deg", 1), "kasr": ("knee-to-ankle ratio", "", 3),
            "khsr": ("knee-to-hip ratio", "", 3), "mkd": ("knee shift from standing", "% leg", 2)}
GROUPS = ("standing", "half", "deep", "landing", "single-leg", "oblique or turned")


@dataclass
class EngineFrame:
    """The engine at one marked frame: its values and its points (full-resolution pixels): the model's,
    and with the knees at the joint centres the horizontal measures use (metrics.knee_centres)."""
    row: int
    values: dict[str, float]
    points: dict[str, rs.Point]
    centres: dict[str, rs.Point]
    leg_px: float                    # standing hip-to-ankle length, full-resolution pixels
    fppa_rated: dict[str, bool] = field(default_factory=dict)


def _num(v) -> float:
    return float(v) if v is not None else math.nan


def row_of(result: Result, clip: Path, frame: int) -> int:
    """The engine's row of decoded frame `frame` (0-based, presentation order), matched by time stamp."""
    info = probe(clip)
    t = info.seconds(int(info.shown_pts[frame]))
    times = np.asarray(result.series.time_s, float)
    row = int(np.argmin(np.abs(times - t)))
    if abs(times[row] - t) > 1e-3:
        raise ValueError(f"{clip.name}: frame {frame} ({t:.3f} s) was not analysed")
    return row


def engine_frame(result: Result, row: int, k: rs.FrameKey) -> EngineFrame:
    sx, sy = k.width / result.video.work_width, k.height / result.video.work_height
    v = result.series.values
    values = {f"fppa_{s}": _num(v[f"fppa_{s}_deg"][row]) for s in rs.LEGS}
    values.update({f"mkd_{s}": _num(v[f"mkd_{s}_pct"][row]) for s in rs.LEGS})
    values.update({m: _num(v[m][row]) for m in ("kasr", "khsr")})
    xy = np.full((len(result.series.frame), N_LANDMARKS, 2), np.nan)
    for name, j in EXPORT_POINTS.items():
        xy[:, j] = np.array([[_num(x), _num(y)] for x, y in result.series.points[name]])
    centred = knee_centres(xy, standing_thigh(xy, standing_frames(xy, result.leg)))
    names = [f"{s}_{j}" for s in rs.LEGS for j in rs.JOINTS]
    points = {n: (xy[row, INDEX[n], 0] * sx, xy[row, INDEX[n], 1] * sy) for n in names}
    centres = {n: (centred[row, INDEX[n], 0] * sx, centred[row, INDEX[n], 1] * sy) for n in names}
    rated = {s: _num(v.get(f"fppa_{s}_valid", [None] * (row + 1))[row]) == 1.0 for s in rs.LEGS}
    return EngineFrame(row, values, points, centres, standing_leg_px(result) * sx, rated)


def analyse_clips(key: list[rs.FrameKey], videos: Path) -> dict[str, Result | str]:
    """Each clip of the study analysed once as a user would: its Result, or why it was refused. Clips
    missing from `videos` are left out."""
    out: dict[str, Result | str] = {}
    for k in key:
        if k.clip in out or not (videos / k.clip).is_file():
            continue
        try:
            out[k.clip] = lite_result(videos / k.clip, k.test)
        except AnalysisError as e:
            out[k.clip] = f"refused: {e}"
    return out


@dataclass
class Case:
    """One marked frame: the key, each rater's measures, and the engine there (None: no engine value)."""
    key: rs.FrameKey
    raters: list[dict[str, float]]          # rater 1, rater 2
    mean: dict[str, float]                  # measures of the raters' mean points
    points: list[dict[str, rs.Point]]       # rater 1, rater 2, mean
    engine: EngineFrame | None = None


def cases(key: list[rs.FrameKey], marks: list[rs.Marks], results: dict[str, Result | str],
          videos: Path) -> list[Case]:
    mean = rs.mean_marks(*marks)
    out = []
    for k in key:
        pts = [rs.frame_points(m, k.frame_id) for m in (*marks, mean)]
        if any(p is None for p in pts):
            continue
        st = rs.standing_frame(key, k)
        stp = [rs.frame_points(m, st.frame_id) for m in (*marks, mean)] if st else [None] * 3
        ms = [rs.measures(p, s) for p, s in zip(pts, stp)]       # type: ignore[arg-type]
        c = Case(k, ms[:2], ms[2], pts)                          # type: ignore[arg-type]
        r = results.get(k.clip)
        if isinstance(r, Result):
            c.engine = engine_frame(r, row_of(r, videos / k.clip, k.frame), k)
        out.append(c)
    return out


def _pairs(c: Case, measure: str) -> list[tuple[float, float, float, float]]:
    """(rater 1, rater 2, raters' mean points, engine) for each value of `measure` the engine rates here."""
    e = c.engine
    if e is None:
        return []
    if measure in ("kasr", "khsr"):
        keys = [measure] if c.key.test != "single-leg-squat" else []      # ratios of two standing legs only
    elif measure == "fppa":
        keys = [f"fppa_{s}" for s in rs.LEGS if e.fppa_rated.get(s)]
    else:
        keys = [f"mkd_{s}" for s in rs.LEGS if c.key.condition != "standing"]
    out = []
    for name in keys:
        vals = (c.raters[0].get(name, math.nan), c.raters[1].get(name, math.nan), c.mean.get(name, math.nan),
                e.values.get(name, math.nan))
        if all(math.isfinite(x) for x in vals):
            out.append(vals)
    return out


def agreement(cs: list[Case], measure: str, group: str | None = None) -> dict[str, float]:
    """Mean absolute difference and bias (engine minus the raters' mean), and the raters' own mean absolute
    difference, over the values of `measure` in `group` (None: every front view)."""
    sel = [c for c in cs if (c.key.group == group if group else c.key.view == "front")]
    vals = np.array([p for c in sel for p in _pairs(c, measure)]).reshape(-1, 4)
    people = {c.key.person for c in sel if _pairs(c, measure)}
    if not len(vals):
        return {"n": 0, "people": 0}
    d = vals[:, 3] - vals[:, 2]
    return {"n": len(vals), "people": len(people), "mad": float(np.abs(d).mean()), "bias": float(d.mean()),
            "floor": float(np.abs(vals[:, 0] - vals[:, 1]).mean())}


def point_distances(cs: list[Case], joint: str, horizontal: bool = False, centres: bool = False) -> dict[str, float]:
    """Mean distance, % of the engine's standing leg length, of the engine's point (with `centres`: the
    joint-centre knee) from the raters' mean and of rater 1's from rater 2's, over every leg of every
    front-view frame with an engine value."""
    eng, rat = [], []
    for c in cs:
        if c.engine is None or c.key.view != "front":
            continue
        for s in rs.LEGS:
            name = f"{s}_{joint}"
            e = (c.engine.centres if centres else c.engine.points)[name]
            m, a, b = c.points[2][name], c.points[0][name], c.points[1][name]

            def dist(p, q):
                return abs(p[0] - q[0]) if horizontal else math.hypot(p[0] - q[0], p[1] - q[1])
            eng.append(dist(e, m) / c.engine.leg_px * 100)
            rat.append(dist(a, b) / c.engine.leg_px * 100)
    return {"n": len(eng), "engine": float(np.nanmean(eng)) if eng else math.nan,
            "raters": float(np.nanmean(rat)) if rat else math.nan}


def _f(x: float, nd: int, sign: bool = False) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:{'+' if sign else ''}.{nd}f}"


def _agreement_rows(cs: list[Case]) -> list[str]:
    out = []
    for m, (label, unit, nd) in MEASURES.items():
        for g in (*GROUPS, None):
            a = agreement(cs, m, g)
            if not a["n"]:
                continue
            u = f" {unit}" if unit else ""
            out.append(f"| {label} | {g or '**all front views**'} | {a['n']} ({a['people']}) | {_f(a['mad'], nd)}{u} | "
                       f"{_f(a['bias'], nd, True)}{u} | {_f(a['floor'], nd)}{u} |")
    return out


def markdown(cs: list[Case], results: dict[str, Result | str]) -> str:
    refused = sorted({c.key.clip for c in cs if isinstance(results.get(c.key.clip), str)})
    people = len({c.key.person for c in cs})
    out = ["## Against two human raters", "",
           f"Two raters marked the hip, knee and ankle joint centres of both legs by eye on {len(cs)} "
           f"full-resolution frames of {len({c.key.clip for c in cs})} clips ({people} people: standing, half and "
           "deep squats, landings, single-leg squats, some turned or oblique views), following written rules and "
           "without seeing KneeScreen's points (`benchmarks/validation/raters`). KneeScreen analysed each whole "
           "clip as a user would and is read at the same frames. The raters' measures follow measurement.md's "
           "formulas, worked out from their marks (`screening/raters.py`).", "",
           "*Engine*: mean absolute difference from the measure of the raters' mean points; *bias*: mean of "
           "engine minus raters; *raters*: mean absolute difference between the two raters, the floor that "
           "agreement with people can be judged against. Knee angle: only where KneeScreen rates it (thigh seen "
           "at 60% or more of its standing length); ratios: two-legged tests; knee shift: clips with a marked "
           "standing frame, against it. Values (people): how many values and people each row rests on."]
    if refused:
        out += ["", "Not compared (KneeScreen refuses the clip): " + "; ".join(
            f"`{n}` ({str(results[n]).removeprefix('refused: ')})" for n in refused) + "."]
    out += ["", "| measure | condition | values (people) | engine | bias | raters |", "|---|---|---|---|---|---|"]
    out += _agreement_rows(cs)
    k, deep = agreement(cs, "kasr"), agreement(cs, "kasr", "deep")
    if k["n"]:
        out += ["", f"Knee-to-ankle ratio bias, front views: {_f(k['bias'], 3, True)} against the raters' own "
                f"difference of {_f(k['floor'], 3)} ({'within' if abs(k['bias']) <= k['floor'] else 'NOT within'} it); "
                f"deep squats: {_f(deep.get('bias', math.nan), 3, True)} against {_f(deep.get('floor', math.nan), 3)}."]
    out += ["", "### Joint points", "",
            "Mean distance from the raters' mean point (engine) and between the two raters, in % of the standing "
            "leg length, front views. *Knee, joint centre*: the knee as the knee shift and the ratios use it "
            "(`metrics.knee_centres`); the drawn skeleton and the knee angle use the model's knee point.", "",
            "| joint | condition | leg-frames | engine | raters | engine, sideways only | raters, sideways only |",
            "|---|---|---|---|---|---|---|"]
    verdict = []
    for j, centres in (("hip", False), ("knee", False), ("knee", True), ("ankle", False)):
        for g in (*GROUPS[:-1], None):
            sub = [c for c in cs if g is None or c.key.group == g]
            a, h = point_distances(sub, j, centres=centres), point_distances(sub, j, True, centres)
            if not a["n"]:
                continue
            out.append(f"| {j}{', joint centre' if centres else ''} | {g or '**all front views**'} | {a['n']} | "
                       f"{_f(a['engine'], 1)} | {_f(a['raters'], 1)} | {_f(h['engine'], 1)} | {_f(h['raters'], 1)} |")
            if centres and g:
                verdict.append(f"{g} {'yes' if h['engine'] <= h['raters'] else 'no'}")
    out += ["", "Joint-centre knee sideways no further from the raters' mean than the raters from each other: "
            + ", ".join(verdict) + "."]
    out += ["", "### Separation ratios per frame", "", "| frame | clip | condition | view | knee-to-ankle: rater 1, "
            "rater 2, engine | knee-to-hip: rater 1, rater 2, engine |", "|---|---|---|---|---|---|"]
    for c in cs:
        e = c.engine.values if c.engine else {}
        out.append(f"| {c.key.frame_id} | {c.key.clip} ({c.key.frame}) | {c.key.condition} | {c.key.view} | "
                   + " | ".join(", ".join(_f(v, 2) for v in (c.raters[0][m], c.raters[1][m], e.get(m, math.nan)))
                                for m in ("kasr", "khsr")) + " |")
    return "\n".join(out) + "\n"


def report(videos: Path, folder: Path = rs.STUDY) -> str:
    """The rater section of the validation report: every clip of the study in `videos` analysed once."""
    key = rs.load_key(folder)
    marks = [rs.load_marks(folder / r / "marks.csv") for r in rs.RATERS]
    results = analyse_clips(key, videos)
    return markdown(cases(key, marks, results, videos), results)


def replace_section(text: str, section: str) -> str:
    """`text` (a Markdown report) with its rater section replaced by `section`, or `section` appended."""
    head = section.splitlines()[0]
    lines = text.splitlines()
    if head not in lines:
        return text.rstrip("\n") + "\n\n" + section
    start = lines.index(head)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "\n".join(lines[end:])
    return "\n".join(lines[:start]) + "\n" + section + ("\n" + rest + "\n" if rest else "")
