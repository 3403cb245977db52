"""The clamshell's events, per-repetition values and the top leg's summary, from the measures of engine.clamshell."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.core.errors import AnalysisError
from screening.core.landmarks import INDEX, OTHER
from screening.core.result import Event, LegSummary, MeasureValue, Note, Rating
from screening.core.specs import SPECS
from screening.core.track import Track
from screening.core.types import Band, Leg, Reliability
from screening.core.vocab import VIS_MIN
from screening.engine.clamshell import Opening, clamshell_series, find_openings, top_side
from screening.engine.ratings import rate_measure
from screening.engine.verdict import decide, lead_rating

TOP_KEYS = ("opening", "up_s", "hold_s", "down_s", "heels_apart", "knee_drift")   # the top leg's values
CUES = ("trunk_roll", "heels_apart", "knee_drift")                                 # secondary cues
ROUGH_TIMES_FPS = 10.0     # below this frame rate the tempo is only 'fair' (events are a frame apart)
FIX_CLAMSHELL = "Film again following the clamshell guide: phone at floor level in front of your body, whole " \
                "body in the picture, 3-5 slow openings."


DISCLAIMER = ("KneeScreen gives movement-quality feedback from a 2D video. It is not a diagnosis. The clamshell "
              "check is experimental: no validated video measure or norm of the pelvis roll exists, and a camera "
              "above hip height hides part of a roll. See a physiotherapist for pain, instability or after an "
              "injury.")


@dataclass
class Clamshell:
    """What the side-lying analysis gives assess(): the series, events, the top leg's summary and the norm text."""
    series: dict[str, np.ndarray]
    events: list[Event]
    legs: dict[str, LegSummary]
    top: Leg
    norms_used: str


def _seen(track: Track, f: int, names: tuple[str, ...]) -> bool:
    return bool(min(track.vis[f, INDEX[n]] for n in names) >= VIS_MIN)


def _parts(top: str, *parts: str) -> tuple[str, ...]:
    return tuple(f"{side}_{p}" for p in parts for side in (top, OTHER[top]))


def _value(key: str, v: float, seen: bool, why: str = "") -> MeasureValue:
    ok = seen and np.isfinite(v)
    rel: tuple[Reliability, str] = ("good", "clear view") if ok else \
        ("poor", why or "the points it needs are poorly visible at the start or the top of this repetition")
    return MeasureValue(key, float(v) if np.isfinite(v) else None, *rel)


def _before(s: dict[str, np.ndarray], key: str, o: Opening) -> float:
    """The value in the closed position before the repetition (median over its frames)."""
    v = s[key][list(o.rest)]
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else float("nan")


def _change(s: dict[str, np.ndarray], key: str, o: Opening) -> float:
    return float(s[key][o.key] - _before(s, key, o))


def _shortening(s: dict[str, np.ndarray], key: str, o: Opening) -> float:
    """How much shorter the stack is at the top than closed before the repetition, in % of its length then
    (the series is the shortening against the clip's closed reference, 1 - L / L_ref)."""
    a, b = _before(s, key, o), s[key][o.key]
    return float(100 * (b - a) / (100 - a))


def opening_values(o: Opening, s: dict[str, np.ndarray], track: Track, top: str,
                   fps: float) -> dict[str, list[MeasureValue]]:
    """Every value of one repetition: the top leg's (opening, tempo, cues) and the whole body's (rolls)."""
    both = (o.start, o.key)
    legs = all(_seen(track, f, _parts(top, "hip", "knee")) for f in both)
    hips = all(_seen(track, f, _parts(top, "hip")) for f in both)
    shoulders = all(_seen(track, f, _parts(top, "shoulder")) for f in both)
    feet = all(_seen(track, f, _parts(top, "heel")) or _seen(track, f, _parts(top, "ankle")) for f in both)
    rough = fps < ROUGH_TIMES_FPS
    tempo = []
    for key, v in (("up_s", o.up_s), ("hold_s", o.hold_s), ("down_s", o.down_s)):
        mv = _value(key, v, legs)
        if rough and mv.reliability == "good":
            mv.reliability, mv.reliability_reason = "fair", f"filmed at {fps:.0f} fps: times are rough " \
                f"(frames {1 / fps:.2f} s apart)"
        tempo.append(mv)
    feet_why = "the heels and ankles are hidden or poorly seen (lying, the top foot often covers the bottom one)"
    return {top: [_value("opening", s["opening_deg"][o.key], legs), *tempo,
                  _value("heels_apart", _change(s, "heels_apart_pct", o), feet, feet_why),
                  _value("knee_drift", abs(_change(s, "knee_drift_pct", o)), legs)],
            "both": [_value("pelvis_roll", _shortening(s, "hip_stack_pct", o), hips),
                     _value("trunk_roll", _shortening(s, "shoulder_stack_pct", o), shoulders)]}


MEANING: dict[Band | None, str] = {
    "typical": "The pelvis held still while the thigh turned out, so the work stays with the glutes. Keep "
               "this form; add a band or progress when 3 sets of 15 feel easy.",
    "watch": "The pelvis rolled back a little as the knee rose, which takes work away from the glutes "
             "(Willcox and Burden 2013). Put your top hand on your top hip and open only as far as it stays "
             "still.",
    "marked": "The knee went up partly because the whole pelvis turned back, not because the hip turned out. "
              "Open less, keep your back against an imaginary wall, and slow down: lift 1 s, hold 2 s, lower "
              "2 s.",
    None: "The pelvis roll could not be measured reliably from this video. " + FIX_CLAMSHELL,
}


def summarise_top_leg(events: list[Event], top: Leg, sex: str | None) -> LegSummary:
    """The top leg's ratings, led by the pelvis roll-back (else the trunk's), with the secondary cues' advice."""
    spec = SPECS["clamshell"]
    keys = [*spec.both_measures, *TOP_KEYS]
    ratings = [r for k in keys if (r := rate_measure(events, top, k, "clamshell", sex)) is not None]
    by_key: dict[str, Rating] = {r.key: r for r in ratings}
    lead = lead_rating(ratings, "clamshell")        # the pelvis roll-back, else the trunk's (engine.verdict)
    if lead is not None and lead.band is None:
        lead = None                                 # neither could be rated: said so below
    band = lead.band if lead else None
    cues = [by_key[k].reason[0].lower() + by_key[k].reason[1:] for k in CUES if k in by_key and by_key[k] is not lead
            and by_key[k].band in ("watch", "marked")]
    headline = f"{top.capitalize()} leg on top: " + (
        f"{lead.reason[0].lower()}{lead.reason[1:]}" if lead else "the pelvis roll could not be measured.")
    meaning = MEANING[band] + ("" if not cues else " Also: " + " ".join(cues))
    return decide(LegSummary(leg=top, band=band, headline=headline, what_it_means=meaning,
                             key_measure=lead.key if lead else "", ratings=ratings,
                             recommendations=["clamshell", "glute-programme"]), "clamshell", words=False)


def assess_clamshell(cleaned: Track, raw: Track, notes: list[Note], sex: str | None) -> Clamshell:
    """The side-lying analysis of a cleaned track (raw: its visibilities before clean-up)."""
    top = top_side(cleaned.xy)
    if top is None:
        raise AnalysisError("The hips were never seen, so the clamshell cannot be measured.", "legs_not_visible",
                            FIX_CLAMSHELL)
    s, _ = clamshell_series(cleaned, top)
    openings = find_openings(s["opening_deg"], cleaned.t, cleaned.extra.get("pose_run"))
    assert cleaned.frame is not None        # Track.__post_init__ numbers the frames
    t, fr = cleaned.t, cleaned.frame
    events = []
    for i, o in enumerate(openings, 1):
        e = Event(kind="opening", index=i, start_frame=int(fr[o.start]), key_frame=int(fr[o.key]),
                  end_frame=int(fr[o.end]), start_s=float(t[o.start]), key_s=float(t[o.key]),
                  end_s=float(t[o.end]), depth=float(o.rise_deg))
        e.values = opening_values(o, s, raw, top, cleaned.fps)
        events.append(e)
    notes.append(Note("top_leg", "info", f"Lying on the {OTHER[top]} side: the {top} leg is on top and was "
                      "measured."))
    if not events:
        notes.append(Note("no_events", "error", "No opening of the top knee was found in the clip.",
                          "Film 3-5 slow openings and closings with the phone still and the whole body in view."))
    differ = raw.extra.get("views_differ")
    if differ is not None and differ.mean() > 0.25:
        notes.append(Note("views_differ", "warning", f"The pose model placed the hips differently in the picture "
                          f"and in its mirror image in {differ.mean():.0%} of the frames, so only the picture as "
                          "filmed was used there: check the annotated video.", FIX_CLAMSHELL))
    legs: dict[str, LegSummary] = {top: summarise_top_leg(events, top, sex)} if events else {}
    return Clamshell(s, events, legs, top, "Clamshell: KneeScreen rule of thumb (no validated norm exists)")

