"""Bands, plain-language reasons and sources for each leg and measure, and the per-leg summary."""
from __future__ import annotations

import numpy as np

from screening.engine.norms import cite, norm_for
from screening.core.result import Event, Lead, LegSummary, Rating, Result
from screening.core.vocab import BAND_ORDER, SHIFT_WORDS, count, format_rating, format_shift, format_value
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
}
#: Short names used in sentences ("the knee angle ...").
SHORT_NAMES = {"fppa": "knee angle", "mkd": "knee shift over the foot",
               "kasr": "knee-to-ankle separation ratio", "khsr": "knee-to-hip separation ratio",
               "arch": "arch-collapse indicator (experimental)", "pelvic_drop": "pelvic drop",
               "trunk_lean": "trunk lean"}
RELIABILITY_ORDER = {"good": 0, "fair": 1, "poor": 2}
SPREAD_LIMIT = {"fppa": 5.0, "mkd": 4.0, "kasr": 0.15, "khsr": 0.15, "arch": 3.0,
                "pelvic_drop": 4.0, "trunk_lean": 4.0}

DISCLAIMER = ("KneeScreen gives movement-quality feedback from a 2D video. It is not a diagnosis and it "
              "cannot predict injury: in large studies of elite athletes, inward knee motion seen on video "
              "did not identify who later injured an ACL. See a physiotherapist for pain, instability or "
              "after an injury.")


def value_text(key: str, v: float | None) -> str:
    """A value inside a sentence: as everywhere else, with '% leg' spelled out and shifts as a size and a
    direction."""
    if key in SHIFT_WORDS:
        return format_shift(key, v)
    return format_value(v, MEASURES[key][1]).replace("% leg", "% of leg length")


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
        reason_rel = next((m for m, r in zip(reasons, rels) if r == "fair"), "clear view, moderate depth")
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
        reliability, reason_rel = "fair", "experimental proxy: no validated video measure of the arch exists"
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


def _preferred(by_key: dict[str, Rating], test: str) -> Rating | None:
    """The lead candidate valid at this test and depth (used on a tie, and when no candidate is rated)."""
    spec = SPECS[test]
    lead, fallback = by_key.get(spec.lead_measure), by_key.get(spec.lead_fallback)
    if lead and lead.reliability != "poor" and \
            (not fallback or RELIABILITY_ORDER[lead.reliability] <= RELIABILITY_ORDER[spec.lead_from]):
        return lead
    if fallback and fallback.reliability != "poor":
        return fallback
    return lead or fallback


def lead_rating(ratings: list[Rating], test: str) -> Rating | None:
    """The measure a leg's verdict rests on: of the test's lead candidates (the knee angle and the knee
    shift), the one furthest from typical sets the leg's band and leads; on a tie, or when neither is
    rated, the one valid at this test and depth (TestSpec.lead_from). None when neither was measured."""
    by_key = {r.key: r for r in ratings}
    preferred = _preferred(by_key, test)
    rated = [r for k in lead_keys(test) if (r := by_key.get(k)) is not None and r.band is not None]
    if not rated:
        return preferred
    worst = max(BAND_ORDER[r.band] for r in rated if r.band)
    tied = [r for r in rated if r.band and BAND_ORDER[r.band] == worst]
    return preferred if preferred in tied else tied[0]


def lead_keys(test: str) -> tuple[str, ...]:
    """The measures that can set a leg's band in this test, the preferred first."""
    spec = SPECS[test]
    return (spec.lead_measure, spec.lead_fallback)


def _why(lead: Rating, ratings: list[Rating], test: str) -> str:
    """Why the verdict rests on `lead` (whose value is shown next to it), naming what the other reads."""
    name = SHORT_NAMES.get(lead.key, lead.key)
    if lead.band is None:
        return f"Not rated: {lead.reliability_reason}." if lead.reliability == "poor" else \
            f"Not rated: the {name} has no typical range for this test."
    other = next((r for r in ratings if r.key in lead_keys(test) and r.key != lead.key), None)
    if other is None:
        return f"The band comes from the {name}."
    other_name = SHORT_NAMES.get(other.key, other.key)
    if other.band is None:
        return f"The band comes from the {name}; the {other_name} could not be rated from this video."
    if other.band == lead.band:
        return f"The {name} and the {other_name} ({format_rating(other)}) both read {lead.band}."
    return (f"The band comes from the {name}, the knee measure furthest from typical; the {other_name} reads "
            f"{format_rating(other)}, {other.band}.")


MEANING: dict[Band | None, str] = {
    "typical": "Your knee tracks within the range seen in healthy active people. Keep training hip and "
               "trunk strength to keep it that way.",
    "watch": "Your knee drifts inward a little more than typical. This is common and trainable: hip "
             "(glute) strength and control work usually helps. Re-test in 4 to 6 weeks.",
    "marked": "Your knee moves clearly inward. This is a movement pattern, not an injury, and it is "
              "trainable: start the glute and clamshell programme and re-test in 4 to 6 weeks. If you "
              "have knee pain or instability, see a physiotherapist.",
    None: "Film again following the guide (front view, whole body and feet in frame) to get a rating.",
}


def decide(summary: LegSummary, test: str) -> LegSummary:
    """Set a leg's verdict from its ratings, once: the lead measure (flagged primary), the band it set,
    the headline from its sentence, and what that means. Also completes results saved before the lead."""
    lead = lead_rating(summary.ratings, test)
    for r in summary.ratings:
        r.primary = r is lead
    band = lead.band if lead is not None else None
    side = summary.leg.capitalize()
    if lead is None or band is None:
        headline = f"{side} leg: the knee could not be rated reliably from this video."
    else:
        headline = f"{side} leg: {lead.reason[0].lower()}{lead.reason[1:]}"
    summary.band, summary.headline, summary.what_it_means = band, headline, MEANING[band]
    summary.key_measure = lead.key if lead is not None else ""
    summary.lead = None if lead is None else Lead(lead.key, lead.label, format_rating(lead),
                                                  _why(lead, summary.ratings, test))
    return summary


def _agrees(summary: LegSummary) -> bool:
    """The saved lead says what its ratings say: the key measure, its name and value, the leg's band."""
    lead = summary.lead
    r = summary.rating(lead.key) if lead is not None else None
    return lead is not None and r is not None and lead.key == summary.key_measure and r.band == summary.band \
        and (lead.label, lead.value) == (r.label, format_rating(r))


def complete(result: Result) -> Result:
    """A saved result with each leg's verdict decided as the engine does now where it was saved before
    LegSummary.lead existed, or where its lead disagrees with its ratings (an edited or imported file): the
    ratings are the record, the lead follows from them, so every output agrees."""
    for summary in result.legs.values():
        if not _agrees(summary) and summary.ratings:
            decide(summary, result.test)
    return result


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


def rated_moments(result: Result, usable_only: bool = False) -> list[Event]:
    """The events in the order to show them: first the moment that best shows the rating (its lead values
    usable for the most legs, then closest to the rated value of the leg furthest from typical), then the
    other events where a lead value was usable, in time order, and last those where none was (an 'n/a'),
    unless `usable_only` (then the first is kept even if no value was usable)."""
    legs = sorted(result.legs.values(), key=lambda s: BAND_ORDER.get(s.band, -1) if s.band else -1, reverse=True)

    def usable(e: Event, s: LegSummary) -> float | None:
        key = s.lead.key if s.lead else ""
        mv = next((m for m in e.values.get(s.leg, []) + e.values.get("both", []) if m.key == key), None)
        return mv.value if mv is not None and mv.value is not None and mv.reliability != "poor" else None

    def n_usable(e: Event) -> int:
        return sum(usable(e, s) is not None for s in legs)

    def distance(e: Event) -> float:
        rated = legs[0].rating(legs[0].lead.key) if legs and legs[0].lead else None
        v = usable(e, legs[0]) if legs else None
        return abs(v - rated.value) if v is not None and rated is not None and rated.value is not None else np.inf

    if not result.events:
        return []
    best = min(result.events, key=lambda e: (-n_usable(e), distance(e), e.index))
    rest = [e for e in result.events if e is not best]
    return [best] + [e for e in rest if n_usable(e)] + ([] if usable_only else [e for e in rest if not n_usable(e)])
