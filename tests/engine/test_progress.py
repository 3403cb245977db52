"""Change over time: real change vs re-test variation, the SDD used and why, history in date order."""
from __future__ import annotations

import math

import pytest

from screening.engine.assess import assess
from screening.engine.norms import FPPA_SDD_DEG
from screening.engine.progress import compare, measure_history, smallest_detectable_difference, typical_range
from screening.core.result import Rating
from screening.engine.synthetic import SquatSpec, synthetic_squat


def squat(left_peak: float, created: str = "2026-01-01T10:00:00+00:00", seed: int = 3):
    track, _ = synthetic_squat(SquatSpec(fppa_peak={"left": left_peak, "right": 5.0}, noise_px=0.6, seed=seed))
    r = assess(track, "squat")
    r.created = created
    return r


def rating(key: str, per_event: list, unit: str = "deg") -> Rating:
    vals = [v for v in per_event if v is not None]
    return Rating(key, key, sorted(vals)[len(vals) // 2] if vals else None, unit, None, None, "good", "", "", "",
                  [], per_event=per_event)


def test_a_large_fall_in_knee_angle_is_a_real_change():
    c = compare(squat(22.0), squat(12.0, "2026-03-01T10:00:00+00:00"))
    ch = c.change("left", "fppa")
    assert ch.before == pytest.approx(22.0, abs=0.6) and ch.after == pytest.approx(12.0, abs=0.6)
    assert ch.change == pytest.approx(-10.0, abs=0.8) and ch.band_before == "marked" and ch.band_after == "typical"
    assert ch.real is True and ch.sdd == FPPA_SDD_DEG
    assert ch.sentence == "Your left knee angle fell from 22 to 12 deg, more than the 8 deg a re-test can vary by: " \
                          "a real change."
    assert "8 deg" in ch.sdd_reason and "Munro" in ch.sdd_reason and "published" in ch.sdd_reason


def test_a_small_fall_is_within_re_test_variation():
    c = compare(squat(14.0), squat(12.0, "2026-03-01T10:00:00+00:00", seed=4))
    ch = c.change("left", "fppa")
    assert ch.real is False and ch.sdd == FPPA_SDD_DEG
    assert ch.sentence.startswith("Your left knee angle fell from 14 to 12 deg")
    assert ch.sentence.endswith("within the 8 deg a re-test can vary by: no clear change.")
    right = c.change("right", "fppa")
    assert right.real is False and "right knee angle" in right.sentence
    # two-leg ratios appear once, for both legs
    assert [x.leg for x in c.changes if x.key == "kasr"] == ["both"]
    assert c.change("both", "kasr").sentence.startswith("Your knee-to-ankle separation ratio")
    # other measures use the screenings' own repetition spread
    mkd = c.change("left", "mkd")
    assert mkd.sdd is not None and "repetition-to-repetition" in mkd.sdd_reason
    # never a claim about injury risk
    assert not any("risk" in x.sentence.lower() for x in c.changes)
    assert any("does not say that your injury risk has changed" in n for n in c.notes)


def test_sdd_from_own_spread_and_when_it_is_unavailable():
    a, b = rating("mkd", [4.0, 5.0, 6.0], "% leg"), rating("mkd", [2.0, 2.5, 3.0, None], "% leg")
    sdd, why = smallest_detectable_difference("mkd", a, b)
    se_a, se_b = 1.0 / math.sqrt(3), 0.5 / math.sqrt(3)
    assert sdd == pytest.approx(1.96 * math.sqrt(se_a ** 2 + se_b ** 2))
    assert why.startswith(f"A change must exceed {sdd:.1f}% of leg length to be real") and why.count(".") <= 3
    # one screening of a single repetition: the other's spread stands for both (pooled SD 1.0 from 4, 5, 6)
    one, why = smallest_detectable_difference("mkd", a, rating("mkd", [3.0, None], "% leg"))
    assert one == pytest.approx(1.96 * 1.0 * math.sqrt(1 / 3 + 1 / 1))                   # 2.26, by hand
    assert "3 repetitions and 1 repetition" in why
    none, why = smallest_detectable_difference("mkd", rating("mkd", [4.0], "% leg"), rating("mkd", [3.0], "% leg"))
    assert none is None and "neither screening has 2 repetitions" in why
    # FPPA: the published 8 deg unless the screenings' own spread gives more
    noisy = smallest_detectable_difference("fppa", rating("fppa", [10.0, 30.0, 20.0]),
                                           rating("fppa", [5.0, 25.0, 15.0]))
    assert noisy[0] == pytest.approx(1.96 * math.hypot(10 / math.sqrt(3), 10 / math.sqrt(3)))
    assert noisy[0] > FPPA_SDD_DEG and "more than the published 8 deg" in noisy[1]
    steady = smallest_detectable_difference("fppa", rating("fppa", [20.0, 20.5]), rating("fppa", [12.0]))
    assert steady[0] == FPPA_SDD_DEG and "7.5 to 8.9 deg" in steady[1]


def test_measure_history_is_in_date_order_and_filtered():
    later, earlier = squat(12.0, "2026-05-01T10:00:00+00:00"), squat(20.0, "2026-02-01T10:00:00+00:00")
    hist = measure_history([later, earlier], "squat", "left", "fppa")
    assert [h[0] for h in hist] == ["2026-02-01T10:00:00+00:00", "2026-05-01T10:00:00+00:00"]
    created, value, band, spread, n = hist[0]
    assert value == pytest.approx(20.0, abs=0.6) and band == "watch" and spread is not None and n == 3
    assert measure_history([later], "drop-jump", "left", "fppa") == []
    assert measure_history([later], "squat", "left", "pelvic_drop") == []
    assert typical_range("fppa", "squat") == (None, 13.5) and typical_range("kasr", "squat") == (1.0, None)


def test_a_larger_change_since_a_one_repetition_screening_is_judged_by_the_same_rule():
    # the profile: first screening 1 repetition at 16.9% outward, the last two 3 repetitions each;
    # before, the last change (16.9 -> 14.3) was "a real change" and the larger one since the first "cannot
    # be told". Pooled SD by hand: last pair 0.50 and 0.46 -> 0.48; first pair: the last screening's 0.46.
    first, before, after = (rating("mkd", v, "% leg") for v in ([-16.9], [-16.9, -16.4, -17.4], [-14.3, -14.0, -14.9]))
    last, why_last = smallest_detectable_difference("mkd", before, after)
    since, why_since = smallest_detectable_difference("mkd", first, after)
    assert last == pytest.approx(1.96 * math.sqrt((0.5 + 0.42) / 4) * math.sqrt(2 / 3), abs=1e-6)
    assert since == pytest.approx(1.96 * math.sqrt(0.42 / 2) * math.sqrt(1 + 1 / 3), abs=1e-6)
    assert since > last and abs(-14.3 - -16.9) > since      # a wider margin, and still a real change
    assert "1 repetition and 3 repetitions" in why_since and "fewer repetitions, a larger margin" in why_since
