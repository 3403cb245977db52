"""The PDF report's left-right column: each measure rated on both legs, left against right (engine.sides)."""
from __future__ import annotations

from screening.core.result import Result
from screening.engine.sides import NO_CUTOFF, sides

NOISE = {True: "more than noise", False: "within noise", None: "noise: cannot tell"}
FOOTNOTE = (f" Left-right: the difference of the two legs' values. {NO_CUTOFF} Noise: the smallest detectable "
            "difference (SDD; knee angle: the published 8 deg of Munro, Herrington and Carolan 2012, or more where "
            "the repetitions varied more; other measures: from the repetitions).")


def difference_cells(result: Result) -> dict[str, str]:
    """measure key -> its left-right cell ('19° more inward on the left' and whether that is more than the
    SDD); empty when fewer than two legs were rated (then the table has no such column)."""
    cells = {}
    for d in sides(result).differences:
        sdd = f" ({d.sdd_text})" if d.beyond is not None else ""
        cells[d.key] = d.short + (f"\n{NOISE[d.beyond]}{sdd}" if d.difference else "")
    return cells
