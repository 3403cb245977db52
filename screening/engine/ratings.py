"""Bands, plain-language reasons and sources for each leg and measure, and the per-leg summary (its verdict:
engine.verdict)."""
from __future__ import annotations

import numpy as np

from screening.engine.norms import cite, norm_for
from screening.engine.verdict import RELIABILITY_ORDER, SHORT_NAMES, decide  # noqa: F401 (SHORT_NAMES re-exported)
from screening.core.result import Event, LegSummary, Rating
from screening.core.vocab import SHIFT_WORDS, count, format_shift, format_value
from screening.core.specs import SPECS
from screening.core.types import Band, Leg, Reliability

MEASURES = {
    # key: (label, unit, per-leg?, experimental?)
    "fppa": ("Knee angle from the front (FPPA)", "deg", True, False),
    "mkd": ("Knee shift over the foot, from standing", "% leg", True, False),
    "kasr": ("Knee-to-ankle separation ratio", "", False, False),
    "khsr": ("Knee-to-hip separation ratio", "", False, False),
    "arch": ("Arch-collapse indicator", "% leg", True, True),
    "pelvic_drop": ("Pelvic drop", "deg", False, False),
    "trunk_lean": ("Trunk lean", "deg", False, False),
    # the clamshell (engine/clamshell.py): no validated norm exists for any of them
    "pelvis_roll": ("Pelvis roll-back (hip stack shortening)", "% hip stack", False, True),
    "trunk_roll": ("Trunk roll-back (shoulder stack shortening)", "% shoulder stack", False, True),
    "opening": ("Opening (angle between the thighs at the top)", "deg", True, True),
    "up_s": ("Time to open", "s", True, False),
    "hold_s": ("Hold at the top", "s", True, False),
    "down_s": ("Time to close", "s", True, False),
    "heels_apart": ("Heels parting at the top", "% thigh", True, True),
    "knee_drift": ("Top knee drifting toward head or feet", "% thigh", True, True),
}
SPREAD_LIMIT = {"fppa": 5.0, "mkd": 4.0, "kasr": 0.15, "khsr": 0.15, "arch": 3.0,
                "pelvic_drop": 4.0, "trunk_lean": 4.0, "pelvis_roll": 4.0, "trunk_roll": 4.0, "opening": 8.0,
                "up_s": 0.5, "hold_s": 0.7, "down_s": 0.5, "heels_apart": 8.0, "knee_drift": 8.0}
EXPERIMENTAL_WHY = {"arch": "experimental proxy: no validated video measure of the arch exists"}
NO_NORM_WHY = "experimental: no validated video measure or norm of the clamshell exists"

DISCLAIMER = ("KneeScreen gives movement-quality feedback from a 2D video. It is not a diagnosis and it "
              "cannot predict injury: in large studies of elite athletes, inward knee motion seen on video "
              "did not identify who later injured an ACL. See a physiotherapist for pain, instability or "
              "after an injury.")


def value_text(key: str, v: float | None) -> str:
    """A value inside a sentence: as everywhere else, with '% leg' spelled out and shifts as a size and a
    direction."""
    if key in SHIFT_WORDS:
        return format_shift(key, v)
    return format_value(v, MEASURES[key][1]).replace("% leg", "% of leg length").replace("% thigh",
                                                                                        "% of thigh length")


def _reason(key: str, band: str | None, value: float | None, leg: str, test: str) -> str:
    where = SPECS[test].key_moment
    val = value_text(key, value)
    if band is None:
        return f"Shown for information ({val}); this measure is not rated for this test."
    text = {
        "fppa": {"typical": f"The {leg} knee stays in line with hip and ankle {where} ({val}).",
                 "watch": f"The {leg} knee moves inward a little more than typical {where} ({val}).",
                 "marked": f"The {leg} knee moves clearly inward {where} ({val})."},
        "mkd": {"typical": (f"The {leg} knee stays outside the foot line {where} (it moves {val} from "
                            "standing)." if value is not None and value < 0 else
                            f"The {leg} knee stays over the foot {where} (it moves {val} from standing)."),
                "watch": f"The {leg} knee drifts toward the midline {where} ({val} from standing).",
                "marked": f"The {leg} knee drifts well inside the foot {where} ({val} from standing)."},
        "kasr": {"typical": f"The knees stay at least as wide as the ankles (ratio {val}).",
                 "watch": f"The knees come a little closer together than the ankles (ratio {val}).",
                 "marked": f"The knees come clearly closer together than the ankles (ratio {val})."},
        "khsr": {"typical": f"The knees stay wide relative to the hips (ratio {val}).",
                 "watch": f"The knees come somewhat closer than hip width (ratio {val}).",
                 "marked": f"The knees come much closer than hip width (ratio {val})."},
        "arch": {"typical": f"The {leg} ankle stays over the foot (experimental indicator, {val}).",
                 "watch": f"The {leg} ankle rolls inward over the foot a little (experimental indicator, {val}).",
                 "marked": f"The {leg} ankle rolls clearly inward over the foot (experimental indicator, {val})."},
        "pelvic_drop": {"typical": f"The pelvis stays about level ({val}).",
                        "watch": f"The pelvis drops somewhat on the free-leg side ({val}).",
                        "marked": f"The pelvis drops clearly on the free-leg side ({val})."},
        "trunk_lean": {"typical": f"The trunk stays upright ({val}).",
                       "watch": f"The trunk leans somewhat sideways ({val}).",
                       "marked": f"The trunk leans clearly sideways ({val})."},
        "pelvis_roll": {"typical": f"Your pelvis stayed stacked as the knee opened (hip line {val}).",
                        "watch": f"Your pelvis rolled back a little as the knee opened (hip line {val}): "
                                 "keep the top hip stacked over the bottom one and open less.",
                        "marked": f"Your pelvis rolled back as the knee opened (hip line {val}): keep "
                                  "the top hip stacked over the bottom one and open less."},
        "trunk_roll": {"typical": f"Your trunk stayed stacked (shoulder line {val}).",
                       "watch": f"Your trunk rolled back a little with the knee (shoulder line {val}).",
                       "marked": f"Your trunk rolled back with the knee (shoulder line {val})."},
        "heels_apart": {"typical": f"Your heels stayed together ({val} apart).",
                        "watch": f"Your heels came apart a little ({val}): keep the feet together.",
                        "marked": f"Your heels came clearly apart ({val}): keep the feet together."},
        "knee_drift": {"typical": f"The top knee rose straight up (it moved {val} along the body).",
                       "watch": f"The top knee drifted along the body ({val}): keep the hip bend the same.",
                       "marked": f"The top knee drifted clearly along the body ({val}): keep the hip bend "
                                 "the same and open less."},
    }
    return text[key][band]


def _collect(events: list[Event], leg: str, key: str) -> tuple[list[float | None], list[Reliability], list[str]]:
    vals: list[float | None] = []
    rels: list[Reliability] = []
    reasons: list[str] = []
    for ev in events:
        for mv in ev.values.get(leg, []) + ev.values.get("both", []):
            if mv.key == key:
                vals.append(mv.value)
                rels.append(mv.reliability)
                reasons.append(mv.reliability_reason)
    return vals, rels, reasons


def rate_measure(events: list[Event], leg: str, key: str, test: str, sex: str | None) -> Rating | None:
    label, unit, per_leg, experimental = MEASURES[key]
    vals, rels, reasons = _collect(events, leg, key)
    if not vals:
        return None
    usable = [v for v, r in zip(vals, rels) if v is not None and r != "poor"]
    finite = [v for v in vals if v is not None]
    noun = SPECS[test].event_noun
    value = float(np.median(usable)) if usable else (float(np.median(finite)) if finite else None)
    spread = float(np.std(usable, ddof=1)) if len(usable) >= 2 else None
    worst = max(rels, key=RELIABILITY_ORDER.__getitem__)
    reliability: Reliability
    if usable:
        reliability = "good" if all(r == "good" for r in rels if r != "poor") else "fair"
        reason_rel = next((m for m, r in zip(reasons, rels) if r == "fair"),
                          "clear view" + (", moderate depth" if SPECS[test].posture == "standing" else ""))
        if len(usable) < len(vals):
            reason_rel = f"{len(vals) - len(usable)} of {count(len(vals), noun)} left out: " + \
                next(m for m, r in zip(reasons, rels) if r == "poor")
            reliability = "fair"
    else:
        reliability, reason_rel = "poor", next(m for m, r in zip(reasons, rels) if r == worst)
    if spread is not None and spread > SPREAD_LIMIT[key]:
        reliability = "fair" if reliability == "good" else reliability
        reason_rel += f"; values vary from {noun} to {noun} (SD {spread:.1f})"
    if experimental and reliability == "good":
        reliability, reason_rel = "fair", EXPERIMENTAL_WHY.get(key, NO_NORM_WHY)
    norm = norm_for(key, test, sex)
    band: Band | None = None
    if norm is not None and value is not None and reliability != "poor":
        band = norm.band(value)
    reason = _reason(key, band, value, leg, test)
    if reliability == "poor" and norm is not None:
        reason = f"Not rated: {reason_rel}."
    return Rating(key=key, label=label, value=value, unit=unit, band=band, spread=spread,
                  reliability=reliability, reliability_reason=reason_rel, reason=reason,
                  norm=norm.text if norm else "no published norm for this measure in this test",
                  sources=cite(norm.sources) if norm else [], experimental=experimental,
                  per_event=vals)


def summarise_leg(events: list[Event], leg: Leg, test: str, sex: str | None) -> LegSummary:
    """All ratings of one leg, the measure to lead with, the leg's band, and what to do next."""
    ratings = [r for k in MEASURES if (r := rate_measure(events, leg, k, test, sex)) is not None]
    summary = decide(LegSummary(leg=leg, band=None, headline="", what_it_means="", key_measure="",
                                ratings=ratings, recommendations=[]), test)
    spec = SPECS[test]
    arch = summary.rating("arch")
    recs: list[str] = []
    if summary.band in ("watch", "marked"):
        recs += ["glute-programme", "clamshell", *spec.recommendations]
    if arch and arch.band in ("watch", "marked"):
        recs.append("short-foot")
    summary.recommendations = recs or ["glute-programme", *spec.recommendations]
    return summary
