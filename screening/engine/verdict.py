"""A leg's verdict, decided once: the measure it rests on (the one that set the band), the band, the headline
and why; saved results completed by the same rule; and the moments to show first."""
from __future__ import annotations

import numpy as np

from screening.core.result import Event, Lead, LegSummary, Rating, Result
from screening.core.specs import SPECS
from screening.core.types import Band
from screening.core.vocab import BAND_ORDER, format_rating

#: Short names used in sentences ("the knee angle ...").
SHORT_NAMES = {"fppa": "knee angle", "mkd": "knee shift over the foot",
               "kasr": "knee-to-ankle separation ratio", "khsr": "knee-to-hip separation ratio",
               "arch": "arch-collapse indicator (experimental)", "pelvic_drop": "pelvic drop",
               "trunk_lean": "trunk lean", "pelvis_roll": "pelvis roll-back", "trunk_roll": "trunk roll-back",
               "opening": "opening", "heels_apart": "heels parting", "knee_drift": "knee drift"}
RELIABILITY_ORDER = {"good": 0, "fair": 1, "poor": 2}


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
    """The measure a leg's verdict rests on: of the measures that set a leg's band (TestSpec.band_measures:
    the knee angle and the knee shift), the one furthest from typical sets the band and leads; on a tie, or
    when none is rated, the lead candidate valid at this test and depth (TestSpec.lead_from, else its
    fallback). None when no candidate was measured."""
    by_key = {r.key: r for r in ratings}
    preferred = _preferred(by_key, test)
    rated = [r for k in SPECS[test].band_measures if (r := by_key.get(k)) is not None and r.band is not None]
    if not rated:
        return preferred
    worst = max(BAND_ORDER[r.band] for r in rated if r.band)
    tied = [r for r in rated if r.band and BAND_ORDER[r.band] == worst]
    return preferred if preferred in tied else tied[0]


def lead_keys(test: str) -> tuple[str, ...]:
    """The measures a leg's verdict can rest on in this test, the preferred first."""
    spec = SPECS[test]
    return tuple(dict.fromkeys((spec.lead_measure, spec.lead_fallback, *spec.band_measures)))


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
    furthest = ", the one of the two furthest from typical" if other.key in SPECS[test].band_measures else ""
    return (f"The band comes from the {name}{furthest}; the {other_name} reads {format_rating(other)}, "
            f"{other.band}.")


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


def decide(summary: LegSummary, test: str, words: bool = True) -> LegSummary:
    """Set a leg's verdict from its ratings, once: the lead measure (flagged primary), the band it set, and
    (words) the headline from its sentence and what that means; a test with its own words (the clamshell)
    writes those from the same lead. Also completes saved results (complete)."""
    lead = lead_rating(summary.ratings, test)
    for r in summary.ratings:
        r.primary = r is lead
    band = lead.band if lead is not None else None
    side = summary.leg.capitalize()
    if words and (lead is None or band is None):
        summary.headline = f"{side} leg: the knee could not be rated reliably from this video."
    elif words and lead is not None:
        summary.headline = f"{side} leg: {lead.reason[0].lower()}{lead.reason[1:]}"
    if words:
        summary.what_it_means = MEANING[band]
    summary.band, summary.key_measure = band, lead.key if lead is not None else ""
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
            decide(summary, result.test, words=SPECS[result.test].posture == "standing")
    return result


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
