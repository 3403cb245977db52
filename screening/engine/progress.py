"""Change over time: a measure's history, its smallest detectable difference, and two screenings compared."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

from screening.engine.norms import FPPA_SDD_DEG, norm_for
from screening.engine.ratings import MEASURES
from screening.engine.verdict import SHORT_NAMES
from screening.core.result import Rating, Result
from screening.core.specs import SPECS
from screening.core.vocab import SHIFT_WORDS, count, format_shift, shown_value

NOT_RISK = ("A change in these numbers is a change in how you moved on the day; it does not say that your "
            "injury risk has changed.")
Z95 = 1.96


@dataclass
class MeasureChange:
    """One measure of one leg ('left'/'right', or 'both' for two-leg ratios) before and after."""
    leg: str
    key: str
    label: str
    unit: str
    before: float | None
    after: float | None
    change: float | None
    band_before: str | None
    band_after: str | None
    sdd: float | None
    sdd_reason: str
    real: bool | None          # True: larger than the SDD; False: within it; None: cannot tell
    sentence: str


@dataclass
class Comparison:
    created_a: str
    created_b: str
    test_a: str
    test_b: str
    changes: list[MeasureChange]
    notes: list[str] = field(default_factory=list)

    def for_leg(self, leg: str) -> list[MeasureChange]:
        return [c for c in self.changes if c.leg == leg]

    def change(self, leg: str, key: str) -> MeasureChange | None:
        return next((c for c in self.changes if c.leg == leg and c.key == key), None)


def fmt(key: str, value: float | None, unit: bool = True, size: bool = False) -> str:
    """A value as the sentences show it: '19 deg', '4.2% of leg length inward', '0.83'; with size=True a
    shift's size only (a smallest detectable difference has no direction)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if key in SHIFT_WORDS and not size:
        return format_shift(key, value, long=unit)
    u = MEASURES[key][1]
    if u == "deg":
        return f"{value:.0f}" + (" deg" if unit else "")
    if u == "% leg":
        return f"{value:.1f}" + ("% of leg length" if unit else "")
    return f"{value:.2f}"


def _finite(values: Iterable[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def pooled_sd(a: Rating, b: Rating) -> tuple[float | None, int, int]:
    """(SD of the values around each screening's own mean, pooled over both; n of a; n of b). The SD needs
    2 values in at least one of them (the other is taken to vary alike); None otherwise."""
    va, vb = _finite(a.per_event), _finite(b.per_event)
    df = max(len(va) - 1, 0) + max(len(vb) - 1, 0)
    if df < 1:
        return None, len(va), len(vb)
    ss = sum((v - sum(vals) / len(vals)) ** 2 for vals in (va, vb) if vals for v in vals)
    return math.sqrt(ss / df), len(va), len(vb)


def smallest_detectable_difference(key: str, a: Rating, b: Rating, noun: str = "repetition",
                                   what: str = "A change", pair: str = "screening") -> tuple[float | None, str]:
    """(SDD, one sentence naming the value used and why), by one rule for every pair of screenings (or of
    legs: what='A left-right difference', pair='leg'): 1.96 x the standard error of the difference,
    SD_pooled * sqrt(1/n_a + 1/n_b), from how much the `noun`s varied within the two. FPPA: the published
    8 deg unless that gives more."""
    sd, n_a, n_b = pooled_sd(a, b)
    own = Z95 * sd * math.sqrt(1 / n_a + 1 / n_b) if sd is not None and n_a and n_b else None
    name = SHORT_NAMES.get(key, key)
    if key == "fppa":
        if own is not None and own > FPPA_SDD_DEG:
            return own, (f"{what} must exceed {own:.1f} deg to be real here: your {noun}s varied so much "
                         f"that this is more than the published {FPPA_SDD_DEG:.0f} deg smallest detectable "
                         "difference of 2D knee angles (Munro, Herrington and Carolan 2012).")
        return FPPA_SDD_DEG, (f"{what} must exceed {FPPA_SDD_DEG:.0f} deg to be real: the published smallest "
                              "detectable difference of 2D knee angles between test sessions (Munro, Herrington and "
                              f"Carolan 2012: 7.5 to 8.9 deg), which your own {noun}-to-{noun} variation "
                              "does not exceed.")
    if own is None or sd is None:
        return None, (f"No smallest detectable difference can be given for the {name}: neither {pair} has 2 "
                      f"{noun}s with a value to show how much it varies, and no published value exists.")
    return own, (f"{what} must exceed {fmt(key, own, size=True)} to be real: the 95% margin from the "
                 f"{noun}-to-{noun} variation within these two {pair}s (SD {fmt(key, sd, False, size=True)} "
                 f"over {count(n_a, noun)} and {count(n_b, noun)}; fewer {noun}s, a larger margin), as no "
                 "published value exists for this video measure.")


def measure_history(screenings: Iterable, test: str, leg: str, key: str
                    ) -> list[tuple[str, float | None, str | None, float | None, int]]:
    """(created, value, band, spread, n_events) per screening of `test` that rated `key` for `leg`, oldest
    first. `screenings`: SavedScreening objects (store) or Results."""
    out = []
    for s in screenings:
        result: Result = getattr(s, "result", s)
        created = getattr(s, "created", None) or result.created
        summary = result.legs.get(leg) if result.test == test else None
        r = summary.rating(key) if summary else None
        if r is not None:
            out.append((created, shown_value(r), r.band, r.spread, len(_finite(r.per_event))))
    return sorted(out, key=lambda row: row[0])


def typical_range(key: str, test: str, sex: str | None = None) -> tuple[float | None, float | None] | None:
    """(low, high) of the typical band for shading a chart (None on an open side), or None if unrated."""
    norm = norm_for(key, test, sex)
    if norm is None:
        return None
    return (None, norm.watch) if norm.higher_is_worse else (norm.watch, None)


def _sentence(leg: str, key: str, a: float | None, b: float | None, sdd: float | None, sdd_reason: str
              ) -> tuple[bool | None, str]:
    who = "" if leg == "both" else f"{leg} "
    name = SHORT_NAMES.get(key, key)
    if a is None or b is None:
        which = "earlier" if a is None else "later"
        return None, f"Your {who}{name} cannot be compared: the {which} screening has no value for it."
    if fmt(key, a, False) == fmt(key, b, False):
        moved = f"stayed at about {fmt(key, b)}"
    else:
        verb = "moved" if key in SHIFT_WORDS else ("rose" if b > a else "fell")
        moved = f"{verb} from {fmt(key, a, False)} to {fmt(key, b)}"
    if sdd is None:
        return None, (f"Your {who}{name} {moved}; whether that is more than a re-test can vary by cannot be "
                      "told from these screenings.")
    if abs(b - a) > sdd:
        return True, (f"Your {who}{name} {moved}, more than the {fmt(key, sdd, size=True)} a re-test can vary by: "
                      "a real change.")
    return False, (f"Your {who}{name} {moved}, within the {fmt(key, sdd, size=True)} a re-test can vary by: "
                   "no clear change.")


def compare(result_a: Result, result_b: Result) -> Comparison:
    """Every measure both screenings rated, per leg: before (a), after (b), change, bands, SDD, a sentence."""
    notes = []
    if result_a.test != result_b.test:
        notes.append("These screenings are of different tests, so their numbers are not directly comparable.")
    if result_a.model.tier != result_b.model.tier:
        notes.append(f"The screenings used different pose models ({result_a.model.tier} and "
                     f"{result_b.model.tier}), which adds to the difference between them.")
    notes.append(NOT_RISK)
    changes, seen_both = [], set()
    for leg, summary_a in result_a.legs.items():
        summary_b = result_b.legs.get(leg)
        if summary_b is None:
            continue
        for ra in summary_a.ratings:
            rb = summary_b.rating(ra.key)
            per_leg = MEASURES.get(ra.key, ("", "", True))[2]
            if rb is None or (not per_leg and ra.key in seen_both):
                continue
            side = leg if per_leg else "both"
            seen_both.update([] if per_leg else [ra.key])
            sdd, why = smallest_detectable_difference(ra.key, ra, rb, SPECS[result_a.test].event_noun)
            va, vb = shown_value(ra), shown_value(rb)
            real, sentence = _sentence(side, ra.key, va, vb, sdd, why)
            delta = vb - va if va is not None and vb is not None else None
            changes.append(MeasureChange(side, ra.key, ra.label, ra.unit, va, vb, delta, ra.band,
                                         rb.band, sdd, why, real, sentence))
    return Comparison(result_a.created, result_b.created, result_a.test, result_b.test, changes, notes)
