"""From a landmark track to a Result: clean-up, events, per-event measures, ratings, summary."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from screening.engine import events as ev
from screening.engine import stance
from screening.engine.clamshell_rating import DISCLAIMER as CLAMSHELL_DISCLAIMER, assess_clamshell
from screening.engine.lying import views_agree
from screening.core.errors import AnalysisError
from screening.engine.filtering import clean_track
from screening.core.landmarks import EXPORT_POINTS, LEG, SIDES
from screening.engine.metrics import compute_series
from screening.engine.norms import FPPA_IMPOSSIBLE_DEG, PLAUSIBLE, norm_for, plausible
from screening.engine.ratings import DISCLAIMER, summarise_leg, value_text
from screening.core.result import (SCHEMA_VERSION, Event, LegSummary, MeasureValue, ModelMeta, Note, Result, Series,
                                   VideoMeta)
from screening.core.specs import DROP_BOX_WORDS, SPECS
from screening.core.types import LEGS, Leg, Reliability
from screening.core.track import Track
from screening.core.vocab import VIS_MIN, count, format_value

THIGH_GOOD, THIGH_FAIR = 0.75, 0.6     # thigh length seen / standing: FPPA validity limits
MIN_EVENTS = 3                          # the filming guide asks for 3-5 repetitions or 3 landings


def detect_stance(track: Track) -> Leg:
    """A guess of the stance leg for a clip without any single-leg repetition (to measure its frames on):
    the foot lower in the picture, on most frames."""
    ly = track.xy[:, LEG["left"]["ankle"], 1]
    ry = track.xy[:, LEG["right"]["ankle"], 1]
    diff = np.nanmedian(ly - ry) if np.isfinite(ly - ry).any() else 0.0
    return "left" if diff >= 0 else "right"


def _vis(track: Track, f: int, side: str, parts=("hip", "knee", "ankle")) -> float:
    return float(min(track.vis[f, LEG[side][p]] for p in parts))


def _values_at(f: int, s: dict[str, np.ndarray], track: Track, test: str,
               legs: tuple[str, ...], angled: bool = False) -> dict[str, list[MeasureValue]]:
    """Every measure at frame f, with how far it can be trusted there (at most 'fair' when the camera
    was at an angle to the person: then forward movement shows up as sideways movement)."""
    def val(key):
        v = s[key][f]
        return float(v) if np.isfinite(v) else None

    out: dict[str, list[MeasureValue]] = {}
    for side in legs:
        vis = _vis(track, f, side)
        thigh = s[f"thigh_{side}"][f]
        rel_f: tuple[Reliability, str]
        if vis < VIS_MIN:
            rel_f = ("poor", f"the {side} hip, knee or ankle is poorly visible in this frame")
        elif not np.isfinite(thigh) or thigh < THIGH_FAIR:
            rel_f = ("poor", f"at this depth the {side} thigh points toward the camera (seen at "
                             f"{thigh:.0%} of its standing length), which inflates the 2D angle")
        elif thigh < THIGH_GOOD:
            rel_f = ("fair", f"the {side} thigh is partly foreshortened (seen at {thigh:.0%} of its "
                             "standing length): the angle may read a few degrees high")
        else:
            rel_f = ("good", "clear view, moderate knee bend")
        rel_k: tuple[Reliability, str] = ("good", "clear view") if vis >= VIS_MIN else ("poor", rel_f[1])
        foot_vis = _vis(track, f, side, ("ankle", "heel", "toe"))
        rel_a: tuple[Reliability, str] = ("fair", "experimental proxy") if foot_vis >= VIS_MIN else \
            ("poor", f"the {side} heel or toe is poorly visible in this frame")
        out[side] = [MeasureValue("fppa", val(f"fppa_{side}_deg"), *rel_f),
                     MeasureValue("mkd", val(f"mkd_{side}_pct"), *rel_k),
                     MeasureValue("arch", val(f"arch_{side}_pct"), *rel_a)]
    both_vis = min(_vis(track, f, sd) for sd in SIDES)
    both = []
    vis_trunk = float(min(track.vis[f, LEG[sd][p]] for sd in SIDES for p in ("hip", "shoulder")))
    for key in SPECS[test].both_measures:
        rel: tuple[Reliability, str]
        if key in ("kasr", "khsr"):         # ratios of the two legs
            v = val(key)
            rel = ("good", "clear view") if v is not None and both_vis >= VIS_MIN else \
                ("poor", "knees or ankles too close together or poorly visible to form a ratio")
        else:                               # pelvis and trunk (single-leg squat)
            v = val(f"{key}_deg")
            rel = ("good", "clear view") if vis_trunk >= VIS_MIN else ("poor", "hips or shoulders poorly visible")
        both.append(MeasureValue(key, v, *rel))
    out["both"] = both
    wrong_points = False
    for side, values in out.items():
        for mv in values:
            if not plausible(mv.key, mv.value):
                _mark_implausible(mv)
        fppa = next((mv for mv in values if mv.key == "fppa"), None)
        thigh = s[f"thigh_{side}"][f] if side in SIDES else np.nan
        if fppa is not None and fppa.value is not None and abs(fppa.value) > FPPA_IMPOSSIBLE_DEG \
                and np.isfinite(thigh) and thigh >= THIGH_FAIR:
            # an impossible angle with the thigh in full view: the leg's points are wrong, not the knee,
            # and so is everything measured from them, the ratios of both legs included
            wrong_points = True
            why = (f"the {side} knee angle reads {format_value(fppa.value, 'deg')} with the thigh in full "
                   "view, which a leg seen from the front cannot show: the body points are wrong in this frame")
            for mv in values:
                mv.reliability, mv.reliability_reason = "poor", why
    if wrong_points:
        for mv in out["both"]:
            if mv.key in ("kasr", "khsr"):
                mv.reliability, mv.reliability_reason = "poor", "the body points of a leg are wrong in this frame"
    if angled:
        for values in out.values():
            for mv in values:
                if mv.reliability == "good":
                    mv.reliability, mv.reliability_reason = "fair", "the camera was at an angle to you"
    return out


def _mark_implausible(mv: MeasureValue) -> None:
    """Not measurable here: the value lies outside the range in which the measure is rated."""
    lo, hi = PLAUSIBLE[mv.key]
    mv.reliability = "poor"
    mv.reliability_reason = (
        f"it reads {value_text(mv.key, mv.value)} here, outside the range in which KneeScreen rates it "
        f"({value_text(mv.key, lo)} to {value_text(mv.key, hi)}): at this moment the picture does not show "
        "it reliably (knees pushed out while deeply bent, person turned, legs crossed or hidden)")


def _plain(a: np.ndarray, decimals: int) -> list:
    """Rounded nested lists with None where there is no value (what JSON stores, so a reload is equal)."""
    r = np.round(np.asarray(a, float), decimals).astype(object)
    r[~np.isfinite(np.asarray(a, float))] = None
    return r.tolist()


def make_event(cleaned: Track, kind, index: int, sp: ev.Span, depth: np.ndarray, leg: Leg | None = None) -> Event:
    """The Event of a span (row positions in the track) with its frames, times and depth."""
    assert cleaned.frame is not None        # Track.__post_init__ numbers the frames
    t = cleaned.t
    e = Event(kind=kind, index=index, start_frame=int(cleaned.frame[sp.start]),
              key_frame=int(cleaned.frame[sp.key]), end_frame=int(cleaned.frame[sp.end]),
              start_s=float(t[sp.start]), key_s=float(t[sp.key]), end_s=float(t[sp.end]),
              depth=float(depth[sp.key]), leg=leg)
    if sp.contact is not None:
        e.contact_frame, e.contact_s = int(cleaned.frame[sp.contact]), float(t[sp.contact])
    return e


def find_events(cleaned: Track, s: dict[str, np.ndarray], test: str, leg_px: float,
                notes: list[Note]) -> list[tuple[Event, ev.Span]]:
    """The test's events, each with its span (row positions in the track, where the values are taken)."""
    t = cleaned.t
    kind = SPECS[test].event_kind
    if kind == "landing":
        feet = np.vstack([cleaned.xy[:, LEG[sd][p], 1] for sd in SIDES for p in ("ankle", "heel")])
        with np.errstate(invalid="ignore"):
            foot_y = np.nanmean(np.where(np.isfinite(feet), feet, np.nan), axis=0) \
                if np.isfinite(feet).any() else np.full(len(t), np.nan)
        spans = ev.find_landings(foot_y, s["depth"], t, leg_px)
        if not spans:   # no flight seen (small hops, feet hidden): the deepest knee bends instead
            spans = ev.find_reps(s["depth"], t, cleaned.extra.get("pose_run"))
            if spans:
                notes.append(Note("no_flight", "warning", "No clear flight phase was seen, so initial contact "
                                  "could not be timed; the deepest knee bends were analysed instead.",
                                  f"Drop from {DROP_BOX_WORDS} and land on both feet, whole body in view."))
    else:
        spans = ev.find_reps(s["depth"], t, cleaned.extra.get("pose_run"))
    return [(make_event(cleaned, kind, i, sp, s["depth"]), sp) for i, sp in enumerate(spans, 1)]


def assess(track: Track, test: str, *, leg: Leg | None = None, sex: str | None = None,
           sport: str | None = None, video: VideoMeta | None = None, model: ModelMeta | None = None,
           notes: list[Note] | None = None, example: bool = False) -> Result:
    """Turn a raw landmark track into a Result. Raises AnalysisError when no rating is possible."""
    notes = list(notes or [])
    spec = SPECS[test]
    if spec.posture == "side-lying":        # the clamshell: its own events, measures and summary
        track = views_agree(track)
        lying = clean_track(track, test)
        c = assess_clamshell(lying, track, notes, sex)
        return _result(track, lying, c.series, test, c.top, sex, sport, video, model, notes,
                       c.events, c.legs, c.norms_used, example, CLAMSHELL_DISCLAIMER)
    cleaned = clean_track(track, test)
    direct = track.extra.get("direct")
    ratio_xy = clean_track(direct, test).xy if isinstance(direct, Track) else None
    one = stance.analyse(cleaned, ratio_xy, leg or detect_stance(cleaned)) if spec.stance_found else None
    s, base = (one.series, one.base) if one else compute_series(cleaned, None, ratio_xy)
    for sd in SIDES:   # where the 2D knee angle means something (thigh not pointing at the camera)
        with np.errstate(invalid="ignore"):
            fppa = s[f"fppa_{sd}_deg"]
            lo, hi = PLAUSIBLE["fppa"]
            s[f"fppa_{sd}_valid"] = ((s[f"thigh_{sd}"] >= THIGH_FAIR) & (fppa >= lo) & (fppa <= hi)
                                     & ((one.on == sd) if one else True)).astype(float)   # single leg: standing
    if not np.isfinite(base.leg_px):
        raise AnalysisError("Hips, knees and ankles were never all visible, so nothing can be measured.",
                            "legs_not_visible", "Film the whole body, feet included, from the front.")
    if one:
        found = [(make_event(cleaned, "rep", i, r.span, one.by_leg[r.leg][0]["depth"], r.leg), r.span)
                 for i, r in enumerate(one.reps, 1)]
        notes += stance.notes(one, leg)
    else:
        found = find_events(cleaned, s, test, base.leg_px, notes)
    events = [e for e, _ in found]
    if not events:
        notes.append(Note("no_events", "error", f"No {spec.event_noun} was found in the clip.",
                          "Film 3-5 full repetitions (or 3 landings) with a still camera, whole body in frame."))
    elif len(events) < MIN_EVENTS:       # e.g. a 1-second clip: rated, but say how little it rests on
        seconds = float(track.t[-1] - track.t[0]) if len(track) else 0.0
        notes.append(Note("few_events", "warning", f"Only {count(len(events), spec.event_noun)} "
                          f"{'was' if len(events) == 1 else 'were'} found in this {seconds:.1f}-second clip, so "
                          f"the result rests on {'it' if len(events) == 1 else 'them'} alone and may not show "
                          "how you usually move.",
                          f"Film {MIN_EVENTS}-5 {spec.event_noun}s (about 10-20 seconds) in one clip."))
    legs: tuple[Leg, ...] = tuple(one.legs) if one else LEGS
    angled = any(n.code == "oblique" for n in notes)
    for e, sp in found:
        at = one.by_leg[e.leg][0] if one and e.leg else s     # single-leg: as seen standing on its leg
        e.values = _values_at(sp.key, at, cleaned, test, (e.leg,) if e.leg else legs, angled)
        if sp.contact is not None:
            e.contact_values = _values_at(sp.contact, at, cleaned, test, legs, angled)
    summaries: dict[str, LegSummary] = {sd: summarise_leg([e for e in events if e.leg in (None, sd)], sd, test, sex)
                                        for sd in legs} if events else {}
    norm = norm_for("fppa", test, sex)
    norms_used = f"FPPA norms: {norm.population}" if norm else ""
    return _result(track, cleaned, s, test, legs[0] if one and len(legs) == 1 else None, sex, sport, video, model,
                   notes, events, summaries, norms_used, example)


def _result(track: Track, cleaned: Track, s: dict[str, np.ndarray], test: str, leg: Leg | None, sex: str | None,
            sport: str | None, video: VideoMeta | None, model: ModelMeta | None, notes: list[Note],
            events: list[Event], summaries: dict[str, LegSummary], norms_used: str, example: bool,
            disclaimer: str = DISCLAIMER) -> Result:
    """The Result of an analysis: the per-frame series and points of the track, and everything measured."""
    assert track.frame is not None      # Track.__post_init__ numbers the frames
    series = Series(
        frame=[int(f) for f in track.frame], time_s=[float(x) for x in track.t],
        person=[int(p) for p in track.present],
        values={**{k: _plain(v, 3) for k, v in s.items()},
                **({"pose_run": track.extra["pose_run"].astype(int).tolist()} if "pose_run" in track.extra else {})},
        points={name: _plain(cleaned.xy[:, j], 1) for name, j in EXPORT_POINTS.items()},
    )
    return Result(
        schema_version=SCHEMA_VERSION, created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        test=SPECS[test].name, leg=leg, sex=sex, sport=sport, norms_used=norms_used,
        video=video or VideoMeta("synthetic", track.width, track.height, 0, track.fps,
                                 float(track.t[-1] - track.t[0]) if len(track) else 0.0, len(track),
                                 False, "synthetic", track.width, track.height),
        model=model or ModelMeta("synthetic", "", "synthetic", "synthetic"),
        notes=notes, events=events, legs=summaries, series=series, disclaimer=disclaimer,
        example=example)
