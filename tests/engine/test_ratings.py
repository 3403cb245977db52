"""Ratings on hand-made events: bands at the published edges, the median of repetitions, poor values left out."""
from __future__ import annotations

import pytest

from screening.core.result import Event, MeasureValue
from screening.engine.ratings import rate_measure, summarise_leg


def _events(values: list[float | None], key: str = "fppa", leg: str = "left",
            rels: list[str] | None = None) -> list[Event]:
    rels = rels or ["good"] * len(values)
    return [Event(kind="repetition", index=i + 1, start_frame=10 * i, key_frame=10 * i + 5, end_frame=10 * i + 9,
                  start_s=i, key_s=i + 0.5, end_s=i + 0.9,
                  values={leg: [MeasureValue(key, v, r, "clear view" if r == "good" else "knee hidden")]})
            for i, (v, r) in enumerate(zip(values, rels))]


# Herrington and Munro 2010, drop-jump landings: typical FPPA up to 13 deg (female) and 8 deg (male);
# Munro 2012: smallest detectable difference about 8 deg, so "marked" from 21 / 16 deg.
@pytest.mark.parametrize("sex, value, band", [
    ("female", 12.9, "typical"), ("female", 13.0, "typical"), ("female", 13.1, "watch"),
    ("female", 20.9, "watch"), ("female", 21.0, "marked"),
    ("male", 8.0, "typical"), ("male", 8.1, "watch"), ("male", 16.0, "marked"),
    (None, 13.1, "watch"),                       # sex not given: the wider female range
])
def test_drop_jump_knee_angle_bands_at_the_published_edges(sex, value, band):
    r = rate_measure(_events([value] * 3), "left", "fppa", "drop-jump", sex)
    assert r is not None and r.band == band and r.value == pytest.approx(value)


def test_squat_knee_angle_uses_herrington_2014_controls_mean_plus_sd():
    # pain-free controls 8.4 +/- 5.1 deg -> typical up to 13.5 deg
    assert rate_measure(_events([13.5] * 3), "left", "fppa", "squat", None).band == "typical"
    assert rate_measure(_events([13.6] * 3), "left", "fppa", "squat", None).band == "watch"
    r = rate_measure(_events([13.6] * 3), "left", "fppa", "squat", None)
    assert any("Herrington" in s for s in r.sources) and "13.5" in r.norm


def test_the_value_is_the_median_of_the_repetitions_and_its_spread_is_reported():
    r = rate_measure(_events([4.0, 10.0, 7.0]), "left", "fppa", "squat", None)
    assert r.value == pytest.approx(7.0) and r.spread == pytest.approx(3.0)       # SD of 4, 7, 10 by hand
    assert r.per_event == [4.0, 10.0, 7.0]


def test_a_poor_repetition_is_left_out_and_named():
    r = rate_measure(_events([5.0, 30.0, 6.0], rels=["good", "poor", "good"]), "left", "fppa", "squat", None)
    assert r.value == pytest.approx(5.5) and r.band == "typical" and r.reliability == "fair"
    assert "1 of 3 repetitions left out" in r.reliability_reason


def test_only_poor_values_are_not_banded():
    r = rate_measure(_events([30.0, 31.0], rels=["poor", "poor"]), "left", "fppa", "squat", None)
    assert r.band is None and r.reliability == "poor" and r.reason.startswith("Not rated")


def test_scattered_repetitions_lower_the_reliability():
    r = rate_measure(_events([0.0, 20.0, 10.0]), "left", "fppa", "squat", None)       # SD 10 > 5 deg
    assert r.reliability == "fair" and "vary from repetition to repetition" in r.reliability_reason


def test_knee_shift_bands_and_no_rating_without_values():
    assert rate_measure(_events([5.9] * 2, key="mkd"), "left", "mkd", "squat", None).band == "typical"
    assert rate_measure(_events([10.0] * 2, key="mkd"), "left", "mkd", "squat", None).band == "marked"
    assert rate_measure(_events([5.0]), "right", "fppa", "squat", None) is None        # other leg only


def test_the_leg_band_is_its_worst_rated_measure():
    events = _events([5.0, 5.0])                                                     # typical angle
    for ev in events:
        ev.values["left"].append(MeasureValue("mkd", 12.0, "good", "clear view"))    # marked shift
    leg = summarise_leg(events, "left", "squat", None)
    assert leg.band == "marked"
    assert {r.key: r.band for r in leg.ratings} == {"fppa": "typical", "mkd": "marked"}


def _two_measures(fppa: float | None, mkd: float, fppa_rel: str = "good") -> list[Event]:
    events = _events([fppa] * 3, rels=[fppa_rel] * 3)
    for ev in events:
        ev.values["left"].append(MeasureValue("mkd", mkd, "good", "clear view"))
    return events


def test_the_measure_that_set_the_band_leads_the_verdict():
    # the iPhone squat: knee angle 21 deg (watch: above 13.5, below 21.5) with only a 'fair' view,
    # knee shift 5.3% of leg length (typical: below 6%). Before, the card led with the shift.
    leg = summarise_leg(_two_measures(21.0, 5.3, "fair"), "left", "squat", None)
    assert leg.band == "watch" and leg.key_measure == "fppa"
    assert leg.lead is not None and (leg.lead.key, leg.lead.value) == ("fppa", "21°")
    assert leg.headline == "Left leg: the left knee moves inward a little more than typical at the bottom of " \
                           "the movement (21°)."
    assert "5.3% of leg length inward, typical" in leg.lead.why
    assert [r.key for r in leg.ratings if r.primary] == ["fppa"]
    assert leg.recommendations[:2] == ["glute-programme", "clamshell"]


def test_on_a_tie_the_measure_valid_at_this_depth_leads():
    # both typical; in a squat the knee angle leads only from a 'good' view (TestSpec.lead_from)
    fair = summarise_leg(_two_measures(5.0, 2.0, "fair"), "left", "squat", None)
    good = summarise_leg(_two_measures(5.0, 2.0, "good"), "left", "squat", None)
    assert (fair.band, fair.key_measure, good.band, good.key_measure) == ("typical", "mkd", "typical", "fppa")
    assert "both read typical" in fair.lead.why


def test_an_unrated_leg_says_so_with_the_measure_it_would_lead_with():
    events = _events([30.0] * 2, rels=["poor"] * 2)
    for ev in events:   # the knee shift also poorly seen; the separation ratio is rated but is not a leg measure
        ev.values["left"].append(MeasureValue("mkd", 3.0, "poor", "knee hidden"))
        ev.values["both"] = [MeasureValue("kasr", 1.2, "good", "clear view")]
    leg = summarise_leg(events, "left", "squat", None)
    assert leg.band is None and leg.key_measure == "fppa"
    assert leg.lead is not None and leg.lead.value == "n/a" and leg.lead.why == "Not rated: knee hidden."
    assert "could not be rated" in leg.headline
