"""Published reference values, the bands built from them, and their sources: the one copy."""
from __future__ import annotations

from dataclasses import dataclass

from screening.core.specs import SPECS
from screening.core.types import Band

SOURCES = {
    "herrington2010": "Herrington L, Munro A. Drop jump landing knee valgus angle; normative data in a "
                      "physically active population. Phys Ther Sport 2010 (n=100).",
    "herrington2014": "Herrington L. Knee valgus angle during single leg squats and landings in "
                      "patellofemoral pain patients and controls. Knee 2014.",
    "munro2012": "Munro A, Herrington L, Carolan M. Reliability of 2-dimensional video assessment of "
                 "frontal-plane dynamic knee valgus during common athletic screening tasks (smallest detectable "
                 "difference 7.5-8.9 deg). J Sport Rehabil 2012.",
    "mizner2012": "Mizner RL et al. Comparison of 2-dimensional measurement techniques for "
                  "predicting knee angle and moment during a drop vertical jump. Clin J Sport Med 2012.",
    "noyes2005": "Noyes FR, Barber-Westin SD et al. The drop-jump screening test: difference in lower limb "
                 "control by gender and effect of neuromuscular training in female athletes. Am J Sports Med 2005.",
    "krosshaug2016": "Krosshaug T et al. The vertical drop jump is a poor screening test for ACL "
                     "injuries in female elite soccer and handball players (n=710). Am J Sports Med 2016.",
    "nilstad2021": "Nilstad A, Petushek E, Mok KM, Bahr R, Krosshaug T. Kiss goodbye to the 'kissing knees': "
                   "no association between frontal plane inward knee motion and risk of future non-contact "
                   "ACL injury in elite female athletes (n=880). Sports Biomech 2021 (online); 2023;22:65-79.",
    "uplift": "Uplift Labs movement screening: medial knee displacement beyond 5 cm is flagged "
              "(industry practice, not a validated cut-off).",
    "crossley2011": "Crossley KM et al. Performance on the single-leg squat task indicates hip "
                    "abductor muscle function. Am J Sports Med 2011 (5 visual criteria).",
    "brody1982": "Brody DM. Techniques in the evaluation and treatment of the injured runner (navicular drop "
                 "> 10 mm). Orthop Clin North Am 1982.",
    "willcox2013": "Willcox EL, Burden AM. The influence of varying hip angle and pelvis position on muscle "
                   "recruitment patterns of the hip abductor muscles during the clam exercise. J Orthop Sports "
                   "Phys Ther 2013 (gluteal activity higher with the pelvis neutral than rolled back).",
    "kneescreen": "KneeScreen rule of thumb: no validated cut-off exists for this video measure; the value "
                  "is shown so you can track your own change.",
}

# Smallest detectable difference of hand-measured 2D FPPA (Munro 2012: 7.5-8.9 deg); a value this far
# above the top of the typical range cannot be explained by measurement noise alone.
FPPA_SDD_DEG = 8.0


# The range in which a value is rated at all (KneeScreen's limits, not published ones). Outside it the value
# is shown as "not measurable here", never banded.
# FPPA: published 2D group means lie between about 3 and 22 deg with SDs of 4-6 deg (Herrington and Munro
# 2010; Herrington 2014 patellofemoral-pain landings 21.7 +/- 3.6): -30..+45 deg is more than 3 SD beyond any
# of them, so a reading outside it is not a frontal-plane knee angle (knees pushed out while deeply bent, or
# the body points are off). Ratios below 0.2 mean the knees overlap in the picture, negative that they
# cross (or left and right were swapped); a knee shift beyond 40% of leg length cannot happen with the foot
# on the ground.
PLAUSIBLE = {"fppa": (-30.0, 45.0), "mkd": (-40.0, 40.0), "kasr": (0.2, 3.0), "khsr": (0.2, 3.0)}
# A knee angle beyond this with the thigh in full view is geometrically impossible for a leg seen from the
# front (the shank would point more sideways than down): the leg's body points are wrong.
FPPA_IMPOSSIBLE_DEG = 80.0


def plausible(measure: str, value: float | None) -> bool:
    """False when a value lies outside the range in which it is rated (see PLAUSIBLE)."""
    if value is None or value != value:
        return True
    lo, hi = PLAUSIBLE.get(measure, (float("-inf"), float("inf")))
    return lo <= value <= hi


@dataclass(frozen=True)
class Norm:
    """A banding rule: `watch` and `marked` limits, compared in the direction of `higher_is_worse`."""
    measure: str
    watch: float
    marked: float
    higher_is_worse: bool
    text: str            # the norm in words, e.g. "typical up to 13 deg (female, drop jump)"
    sources: tuple[str, ...]
    population: str = ""

    def band(self, value: float) -> Band:
        v = value if self.higher_is_worse else -value
        w = self.watch if self.higher_is_worse else -self.watch
        m = self.marked if self.higher_is_worse else -self.marked
        if v >= m:
            return "marked"
        if v > w:
            return "watch"
        return "typical"


def _fppa_norm(test: str, sex: str | None) -> Norm:
    """Typical FPPA ranges: drop jump / landing from Herrington and Munro 2010, single-leg squat from
    Herrington 2014 controls (mean + 1 SD); above range + SDD is 'marked'."""
    s = sex if sex in ("female", "male") else None
    spec = SPECS[test]
    if spec.fppa_norms == "drop-jump":
        upper = {"female": 13.0, "male": 8.0, None: 13.0}[s]
        who = {"female": "female", "male": "male", None: "sex not given: the wider female range"}[s]
        return Norm("fppa", upper, upper + FPPA_SDD_DEG, True,
                    f"typical up to {upper:.0f} deg in drop-jump landings ({who}); marked from "
                    f"{upper + FPPA_SDD_DEG:.0f} deg (top of range + smallest detectable difference)",
                    ("herrington2010", "munro2012"), who)
    # single-leg squat, and bilateral squat at moderate depth
    upper = 13.5
    what = "single-leg squats" if spec.single_leg else "single-leg squats (no bilateral-squat norms exist)"
    return Norm("fppa", upper, upper + FPPA_SDD_DEG, True,
                f"typical up to {upper:.1f} deg in {what} (pain-free controls 8.4 +/- 5.1 deg); marked from "
                f"{upper + FPPA_SDD_DEG:.1f} deg (top of range + smallest detectable difference)",
                ("herrington2014", "munro2012"), "no sex split published")


# ----- clamshell (side-lying, filmed from the front at floor level) ----------------------------------------
# NO VALIDATED NORM EXISTS for any video measure of the clamshell. The limits below are KneeScreen's rule of
# thumb, set from geometry and from the noise of the pose model on correct repetitions (see README, "The
# clamshell"): a stacked pelvis turned back by an angle r about the body's long axis shows its hip-to-hip
# segment shortened by 1 - cos(r) in a camera at hip height: 6% is about 20 deg of roll, 12% about 28 deg.
# The real correct-form clip reads its hip line 2.6-3.2% longer at the top (the hip points shift a little as
# the knee opens; benchmarks/validation/validation.md).
CLAMSHELL_NORMS = {
    "pelvis_roll": (6.0, 12.0, "EXPERIMENTAL, no validated norm exists: the hip-to-hip line shortening by less than "
                               "6% from the closed position before the repetition is typical (about 20 deg of "
                               "roll back); 12% or more (about 28 deg) is marked (KneeScreen rule of thumb)",
                    ("willcox2013", "kneescreen")),
    "trunk_roll": (6.0, 12.0, "EXPERIMENTAL, no validated norm exists: the shoulder line shortening by less than 6% "
                              "from the closed position is typical; 12% or more is marked (KneeScreen "
                              "rule of thumb)", ("kneescreen",)),
    "heels_apart": (10.0, 20.0, "EXPERIMENTAL, no validated norm exists: the heels parting by less than 10% of "
                                "thigh length is typical (they should stay together); 20% or more is marked "
                                "(KneeScreen rule of thumb)", ("kneescreen",)),
    "knee_drift": (15.0, 25.0, "EXPERIMENTAL, no validated norm exists: the top knee moving toward the head or the "
                               "feet by less than 15% of thigh length is typical (it should rise straight up); "
                               "25% or more is marked (KneeScreen rule of thumb)", ("kneescreen",)),
}


def norm_for(measure: str, test: str, sex: str | None = None) -> Norm | None:
    """The banding rule for a measure in a test, or None when the measure is not rated there."""
    if measure in CLAMSHELL_NORMS:
        if SPECS[test].posture != "side-lying":
            return None
        watch, marked, text, sources = CLAMSHELL_NORMS[measure]
        return Norm(measure, watch, marked, True, text, sources, "no validated norm (rule of thumb)")
    if measure == "fppa":
        return _fppa_norm(test, sex) if SPECS[test].fppa_norms else None
    if measure == "kasr":
        return Norm("kasr", 1.0, 0.8, False,
                    "knees at least as far apart as the ankles (ratio 1.0 or more) is typical; below 0.8 "
                    "the knees are clearly inside the ankles (ratio defined by Mizner 2012; cut-offs are a "
                    "rule of thumb)", ("mizner2012", "kneescreen"))
    if measure == "khsr":
        return Norm("khsr", 0.68, 0.60, False,
                    "trained female athletes land with the knees about 68% of hip width apart; below 60% is "
                    "marked inward collapse by a widely quoted rule of thumb (no published study sets it)",
                    ("noyes2005", "kneescreen"))
    if measure == "mkd":
        return Norm("mkd", 6.0, 10.0, True,
                    "knee moving toward the midline by less than 6% of leg length (about 5 cm) is typical; "
                    "10% or more is marked (rule of thumb from the 5 cm industry flag)",
                    ("uplift", "krosshaug2016", "kneescreen"))
    if measure == "arch":
        return Norm("arch", 3.0, 6.0, True,
                    "EXPERIMENTAL: ankle shifting inward over the foot by less than 3% of leg length from "
                    "standing is typical; no validated video threshold exists (static navicular drop > 10 mm "
                    "is the classic clinical mark and cannot be seen on video)",
                    ("brody1982", "kneescreen"))
    if measure == "pelvic_drop" and measure in SPECS[test].both_measures:   # rated where it is measured
        return Norm("pelvic_drop", 5.0, 10.0, True,
                    "pelvis level within 5 deg is typical; 10 deg or more of drop on the free side is marked "
                    "(visual criterion of Crossley 2011; degree limits are a rule of thumb)",
                    ("crossley2011", "kneescreen"))
    if measure == "trunk_lean" and measure in SPECS[test].both_measures:
        return Norm("trunk_lean", 5.0, 10.0, True,
                    "trunk within 5 deg of vertical is typical; 10 deg or more of lean is marked (visual "
                    "criterion of Crossley 2011; degree limits are a rule of thumb)",
                    ("crossley2011", "kneescreen"))
    return None


def cite(keys: tuple[str, ...] | list[str]) -> list[str]:
    return [SOURCES[k] for k in keys]
