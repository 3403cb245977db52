"""The example result shown to visitors without a video: a synthetic squat with one knee collapsing."""
from __future__ import annotations

from screening.engine.assess import assess
from screening.core.result import Note, Result
from screening.engine.synthetic import SquatSpec, synthetic_squat


def example_result(sex: str | None = "female", sport: str | None = None) -> Result:
    """Three synthetic squats; the left knee collapses to 24 deg FPPA, the left arch rolls in."""
    spec = SquatSpec(reps=3, depth=0.2, fppa_peak={"left": 24.0, "right": 5.0},
                     arch_peak={"left": 4.5, "right": 0.5}, noise_px=0.6, seed=7)
    track, _ = synthetic_squat(spec)
    note = Note("example", "info", "This is an EXAMPLE built from a synthetic squat (no real person): the "
                "left knee was set to collapse inward. Upload your own video to get your result.")
    return assess(track, "squat", sex=sex, sport=sport, notes=[note], example=True)
