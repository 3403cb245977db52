"""Left against right: each measure's left-right difference and each leg's worst repetition, from a Result."""
from __future__ import annotations

from dataclasses import dataclass, field

from screening.core.result import Event, LegSummary, Rating, Result
from screening.core.specs import SPECS
from screening.core.types import Leg
from screening.core.vocab import SHIFT_WORDS, format_shift, shown_value
from screening.engine.norms import norm_for
from screening.engine.progress import smallest_detectable_difference
from screening.engine.ratings import MEASURES, value_text
from screening.engine.verdict import SHORT_NAMES

# No study gives a cut-off for how large a left-right difference of a 2D video measure matters (see README,
# "Left and right"): the difference is shown with the measurement-noise margin only, never banded.
NO_CUTOFF = ("No validated cut-off says how large a left-right difference must be to matter; it is shown so you "
             "and a physiotherapist can compare your sides, against how much the measure varies by itself.")
# What a higher value means, in words, where it has a direction (a higher knee angle is more inward, FPPA sign).
MORE = {"fppa": "inward", **{k: v[0] for k, v in SHIFT_WORDS.items()}}


@dataclass
class SideDifference:
    """One measure rated on both legs: the two values as shown, their difference and whether it is more than
    the measure's smallest detectable difference (engine.progress, the same rule as for two screenings)."""
    key: str
    label: str
    unit: str
    left: float | None
    right: float | None
    difference: float | None   # |right - left|, in the measure's unit (None when a leg has no valid value)
    higher: Leg | None         # the leg with the higher value (more inward for the knee measures); None if equal
    sdd: float | None
    sdd_reason: str
    beyond: bool | None        # True: larger than the SDD; False: within it; None: cannot tell
    short: str                 # '8° more inward on the right', for table cells
    sentence: str              # the whole statement, for text
    left_text: str = ""        # the values as shown everywhere: '12°', '3.0% of leg length inward', 'n/a'
    right_text: str = ""
    sdd_text: str = ""         # the SDD's size: '8°' ('' when none can be given)

    @property
    def brief(self) -> str:
        """'Knee angle: 8° more inward on the left (beyond noise)', for one cell of a table."""
        name = SHORT_NAMES.get(self.key, self.key)
        noise = {True: " (beyond noise)", False: " (within noise)", None: ""}[self.beyond]
        return f"{name[0].upper()}{name[1:]}: {self.short}{noise if self.difference else ''}"


@dataclass
class WorstEvent:
    """A leg's repetition (landing) furthest toward 'marked' on the measure its verdict rests on."""
    leg: Leg
    index: int                 # Event.index (as stills and the video number it)
    time_s: float              # Event.key_s: the measured moment
    key: str
    label: str
    value: float
    text: str                  # the value as shown everywhere: '16°', '5.3% of leg length inward'
    n: int                     # the leg's events with a valid value of the measure
    short: str                 # 'Worst repetition (knee angle): no. 3 at 5.8 s, 16° (of 4)'


@dataclass
class Sides:
    differences: list[SideDifference] = field(default_factory=list)
    worst: dict[str, WorstEvent] = field(default_factory=dict)

    def difference(self, key: str) -> SideDifference | None:
        return next((d for d in self.differences if d.key == key), None)


def _higher_is_worse(key: str, test: str, sex: str | None) -> bool:
    norm = norm_for(key, test, sex)
    return norm.higher_is_worse if norm is not None else True


def _size(key: str, d: float, long: bool = True) -> str:
    """A difference's size in the measure's unit: '8°', '3.1% of leg length' ('3.1%' short)."""
    return format_shift(key, d, long=long).rsplit(" ", 1)[0] if key in SHIFT_WORDS else value_text(key, d)


def _difference(key: str, left: Rating, right: Rating, noun: str) -> SideDifference:
    name = SHORT_NAMES.get(key, key)
    lv, rv = shown_value(left), shown_value(right)
    sdd, why = smallest_detectable_difference(key, left, right, noun, "A left-right difference", "leg")
    texts = (value_text(key, lv), value_text(key, rv), "" if sdd is None else _size(key, sdd))
    head = f"{name[0].upper()}{name[1:]}: left {texts[0]}, right {texts[1]}"
    if lv is None or rv is None:
        side = "left" if lv is None else "right"
        missing = "neither leg has a" if lv is None and rv is None else f"the {side} leg has no"
        return SideDifference(key, left.label, left.unit, lv, rv, None, None, sdd, why, None, "n/a",
                              f"{head}: not compared, {missing} valid value.", *texts)
    d = abs(rv - lv)
    word = MORE.get(key, "")        # a direction ('more inward'), else the signed number is higher
    higher: Leg | None = None
    if _size(key, d) == _size(key, 0.0):
        short, said = "none", "no difference"
    else:
        higher = "right" if rv > lv else "left"
        more = f"more {word}" if word else "higher"
        short = f"{_size(key, d, long=False)} {more} on the {higher}"
        said = f"the {higher} reads {_size(key, d)} {more}"
    beyond = None if sdd is None else d > sdd
    noise = {None: "whether that is more than measurement noise cannot be told",
             True: f"more than the {texts[2]} that measuring alone can vary by",
             False: f"within the {texts[2]} that measuring alone can vary by"}[beyond]
    return SideDifference(key, left.label, left.unit, lv, rv, d, higher, sdd, why, beyond, short,
                          f"{head}: {said}; {noise}.", *texts)


def _events_of(result: Result, leg: str) -> list[Event]:
    return [e for e in result.events if e.leg in (None, leg)]


def _worst(result: Result, leg: Leg, summary: LegSummary) -> WorstEvent | None:
    key = summary.lead.key if summary.lead is not None else summary.key_measure
    if not key:
        return None
    found = []
    for e in _events_of(result, leg):
        mv = next((m for m in e.values.get(leg, []) + e.values.get("both", []) if m.key == key), None)
        if mv is not None and mv.value is not None and mv.value == mv.value and mv.reliability != "poor":
            found.append((mv.value, e))
    if len(found) < 2:              # one repetition is not a 'worst' of anything
        return None
    sign = 1.0 if _higher_is_worse(key, result.test, result.sex) else -1.0
    value, e = max(found, key=lambda ve: (sign * ve[0], -ve[1].index))
    text = value_text(key, value)
    label = MEASURES[key][0] if key in MEASURES else key
    return WorstEvent(leg, e.index, e.key_s, key, label, value, text, len(found),
                      f"Worst {result.event_noun} ({SHORT_NAMES.get(key, key)}): no. {e.index} at {e.key_s:.1f} s, "
                      f"{text} (of {len(found)})")


def sides(result: Result) -> Sides:
    """Every measure rated on both legs, left against right, and each leg's worst repetition. Measures of both
    legs together (the squat's knee ratios) are one number and are not compared; a single-leg squat's pelvis
    and trunk are, as each leg's come from its own repetitions. Works on results saved before it existed."""
    out = Sides()
    for summary in result.legs.values():
        worst = _worst(result, summary.leg, summary)
        if worst is not None:
            out.worst[summary.leg] = worst
    left, right = result.legs.get("left"), result.legs.get("right")
    if left is None or right is None:
        return out
    spec = SPECS[result.test]
    for r in left.ratings:
        other = right.rating(r.key)
        per_leg = MEASURES.get(r.key, ("", "", True))[2]
        if other is not None and (per_leg or spec.single_leg):
            out.differences.append(_difference(r.key, r, other, spec.event_noun))
    return out
