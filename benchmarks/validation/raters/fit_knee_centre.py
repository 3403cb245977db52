"""Fit metrics.KNEE_FRONT_SHARE on the rater study and check it leaving one person out at a time.

    python benchmarks/validation/raters/fit_knee_centre.py [--videos ../shared/videos] [--cache DIR]

MediaPipe's knee point lies outside the knee joint centre when the thigh tips forward with the knees
pointing out (see metrics.knee_centres). The share is fitted by least squares to the sideways distance
between the engine's knee and the raters' mean knee, on the front-view frames standing on both legs:
standing, half and deep squats, landings (19 frames of 10 people). Leave-one-person-out: each person's
frames are measured with the share fitted on everybody else, and the agreement tables are pooled over those
held-out frames, so the figures do not rest on fitting the frames they are judged on. Prints the tables
with the share at 0 (no correction), fitted on all, and left out. Runs the pose model once per clip (about
10 minutes on 2 cores; --cache keeps the tracks for another run).
"""
from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

from screening import raters as rs, rater_study as st
from screening.core.errors import AnalysisError
from screening.core.landmarks import LEG
from screening.core.result import Result, VideoMeta
from screening.engine import metrics
from screening.engine.assess import assess
from screening.engine.filtering import clean_track
from screening.engine.pose import load_model
from screening.engine.quality import check_capture
from screening.engine.tracking import pose_stride, run_pose
from screening.engine.video import probe

FIT_GROUPS = ("standing", "half", "deep", "landing")
VIDEOS = Path(__file__).resolve().parents[3].parent / "shared" / "videos"


def tracks(key: list[rs.FrameKey], videos: Path, cache: Path | None) -> dict[str, tuple | str]:
    """clip -> (track, test, VideoMeta, notes) from one pose run as the pipeline makes it, or why refused."""
    out: dict[str, tuple | str] = {}
    model = load_model("lite")
    for k in key:
        if k.clip in out or not (videos / k.clip).is_file():
            continue
        saved = cache / f"{Path(k.clip).stem}.pkl" if cache else None
        if saved and saved.is_file():
            out[k.clip] = pickle.loads(saved.read_bytes())
            continue
        info = probe(videos / k.clip)
        run = run_pose(info, model.data, stride=pose_stride(k.test, info.fps))
        meta = VideoMeta(k.clip, info.width, info.height, info.rotation, info.fps, info.duration_s,
                         len(run.track), info.vfr, info.codec, info.work_width, info.work_height)
        try:
            notes = check_capture(run.track, test=k.test, duration_s=info.duration_s, luma=run.luma, fps=info.fps,
                                  truncated=info.truncated, vfr=info.vfr)
            out[k.clip] = (run.track, k.test, meta, notes)
        except AnalysisError as e:
            out[k.clip] = f"refused: {e}"
        if saved:
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_bytes(pickle.dumps(out[k.clip]))
        print(f"pose: {k.clip}", file=sys.stderr, flush=True)
    return out


def results(runs: dict[str, tuple | str], share: float) -> dict[str, Result | str]:
    metrics.KNEE_FRONT_SHARE = share
    return {c: r if isinstance(r, str) else assess(r[0], r[1], video=r[2], notes=list(r[3])) for c, r in runs.items()}


def knee_terms(case: st.Case, run: tuple) -> list[tuple[float, float]]:
    """(error at share 0, change per unit share) of each knee's sideways position against the raters' mean,
    outward positive, in % of leg length: the error at share s is e0 - s * g."""
    track, test = run[0], run[1]
    xy = clean_track(track, test).xy
    thigh = metrics.standing_thigh(xy, metrics.standing_frames(xy))
    out = []
    for s in rs.LEGS:
        i, sx = case.engine.row, case.key.width / track.width        # type: ignore[union-attr]
        hip, knee = xy[i, LEG[s]["hip"]], xy[i, LEG[s]["knee"]]
        tipped = 1 - min(1.0, abs(knee[1] - hip[1]) / thigh[s])
        out_sign = 1.0 if s == "left" else -1.0       # the person faces the camera: their left is image right
        e0 = (knee[0] * sx - case.points[2][f"{s}_knee"][0]) * out_sign
        g = tipped * (knee[0] - hip[0]) * sx * out_sign
        L = case.engine.leg_px                                        # type: ignore[union-attr]
        out.append((e0 / L * 100, g / L * 100))
    return out


def fit(terms: list[tuple[float, float]]) -> float:
    e0, g = np.array(terms).T
    return float(e0 @ g / (g @ g))


def table(cs: list[st.Case], title: str) -> str:
    lines = [f"### {title}", "", "| measure | condition | values (people) | engine | bias | raters |",
             "|---|---|---|---|---|---|", *st._agreement_rows(cs)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--videos", type=Path, default=VIDEOS)
    p.add_argument("--cache", type=Path)
    a = p.parse_args(argv)
    if not a.videos.is_dir():
        print(f"skipped: {a.videos} is absent")
        return 0
    key = rs.load_key()
    marks = [rs.load_marks(rs.STUDY / r / "marks.csv") for r in rs.RATERS]
    runs = tracks(key, a.videos, a.cache)
    base = st.cases(key, marks, results(runs, 0.0), a.videos)
    fitted = [c for c in base if c.engine is not None and c.key.view == "front" and c.key.group in FIT_GROUPS]
    terms = {c.key.frame_id: knee_terms(c, runs[c.key.clip]) for c in fitted}   # type: ignore[arg-type]
    everyone = fit([t for ts in terms.values() for t in ts])
    people = sorted({c.key.person for c in fitted})
    left_out = {p: fit([t for c in fitted if c.key.person != p for t in terms[c.key.frame_id]]) for p in people}
    # each held-out person measured with the share fitted without them; people the fit never saw (single-leg
    # squats, turned views) with the share fitted on all
    held: list[st.Case] = []
    for person, share in left_out.items():
        held += [c for c in st.cases(key, marks, results(runs, share), a.videos) if c.key.person == person]
    held += [c for c in st.cases(key, marks, results(runs, everyone), a.videos) if c.key.person not in left_out]
    held.sort(key=lambda c: c.key.frame_id)
    print(f"share fitted on all {len(fitted)} frames of {len(people)} people: {everyone:.3f}; "
          f"leaving one person out: {min(left_out.values()):.3f} to {max(left_out.values()):.3f}\n")
    print(table(base, "Share 0 (no correction)") + "\n")
    fitted_all = st.cases(key, marks, results(runs, everyone), a.videos)
    print(table(fitted_all, f"Share {everyone:.3f} (fitted on all)") + "\n")
    print(table(held, "Leave one person out (each person with the share fitted on the others)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
