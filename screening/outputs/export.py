"""Per-frame CSV export of a Result: one row per decoded frame with every series value and point."""
from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

from screening.core.result import Result
from screening.engine.sides import sides

#: The first columns, in this order; then the other series values, then the point pixels.
LEAD_COLUMNS = ("frame", "time_s", "person", "fppa_left_deg", "fppa_right_deg", "kasr")
#: Series values that follow the lead columns, in this order (any other keys come after, sorted).
VALUE_ORDER = ("fppa_left_deg", "fppa_right_deg", "kasr", "khsr", "mkd_left_pct", "mkd_right_pct",
               "arch_left_pct", "arch_right_pct", "depth", "pelvic_drop_deg", "trunk_lean_deg")
#: Preferred order of the point columns (names as in screening.core.landmarks.EXPORT_POINTS).
POINT_ORDER = tuple(f"{side}_{part}" for part in ("shoulder", "hip", "knee", "ankle", "heel", "toe")
                    for side in ("left", "right"))

TIME_DECIMALS = 4
ANGLE_DECIMALS = 2     # *_deg columns
PERCENT_DECIMALS = 2   # *_pct columns
OTHER_DECIMALS = 3     # ratios and fractions (kasr, khsr, depth, thigh_*)
PIXEL_DECIMALS = 1
#: A text cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


#: Spreadsheets split a CSV line on whatever they take the delimiter to be (',' ';' tab '|'); a formula
#: character right after one of them would start a cell too.
_AFTER_DELIMITER = re.compile(r"([,;\t|]\s*)(?=[=+\-@])")


def csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet, whatever delimiter it splits on: text that would start a
    formula, at its start or after a delimiter inside it, gets an apostrophe there (OWASP's advice); numbers,
    and text that is just a number such as '-3.5', are left as they are. Write the file with every cell
    quoted (csv.QUOTE_ALL) as well."""
    if not isinstance(value, str):
        return value
    try:
        float(value)
        return value
    except ValueError:
        pass
    value = _AFTER_DELIMITER.sub(r"\1'", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def value_keys(result: Result) -> list[str]:
    """The series value keys in column order: the fixed order first (always present, so the header is
    stable across tests), then any other keys of result.series.values, sorted."""
    return list(VALUE_ORDER) + sorted(k for k in result.series.values if k not in VALUE_ORDER)


def point_names(result: Result) -> list[str]:
    """The point names in column order: the usual body order first, then any others as stored."""
    points = result.series.points
    return [n for n in POINT_ORDER if n in points] + [n for n in points if n not in POINT_ORDER]


#: The last columns: the repetition or landing a frame belongs to (its number), for a single-leg squat the
#: leg that stood in it, and the leg(s) whose worst repetition it is (engine.sides); empty outside them.
EVENT_COLUMNS = ("event", "stance_leg", "worst_of")


def header(result: Result) -> list[str]:
    """The CSV header row."""
    cols = list(LEAD_COLUMNS[:3]) + value_keys(result)
    for name in point_names(result):
        cols += [f"{name}_x", f"{name}_y"]
    return cols + list(EVENT_COLUMNS)


def _events_by_frame(result: Result) -> dict[int, tuple[str, str, str]]:
    """frame -> (event number, stance leg or '', legs it is the worst of or '') for the frames inside a
    repetition or landing."""
    worst = sides(result).worst
    out: dict[int, tuple[str, str, str]] = {}
    for e in result.events:
        of = " ".join(leg for leg, w in worst.items() if w.index == e.index)
        for f in range(e.start_frame, e.end_frame + 1):
            out.setdefault(f, (str(e.index), e.leg or "", of))
    return out


def _decimals(key: str) -> int:
    if key.endswith("_deg"):
        return ANGLE_DECIMALS
    if key.endswith("_pct"):
        return PERCENT_DECIMALS
    return OTHER_DECIMALS


def _finite(v: Any) -> float | None:
    """v as a finite float, or None for None / bool / NaN / inf / anything not numeric."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _num(v: Any, decimals: int) -> str:
    """A number with fixed decimals, or '' where there is no value."""
    f = _finite(v)
    if f is None:
        return ""
    text = f"{f:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text  # no "-0.00"


def _int(v: Any) -> str:
    f = _finite(v)
    return "" if f is None else str(int(f))


def _at(seq: Any, i: int) -> Any:
    """seq[i], or None when the list is missing or too short."""
    try:
        return seq[i]
    except (IndexError, TypeError, KeyError):
        return None


def _xy(pt: Any) -> tuple[Any, Any]:
    if pt is None:
        return None, None
    try:
        return (pt[0] if len(pt) > 0 else None), (pt[1] if len(pt) > 1 else None)
    except TypeError:
        return None, None


def rows(result: Result) -> list[list[str]]:
    """The data rows (strings), one per decoded frame in result.series.frame order."""
    s = result.series
    vkeys = value_keys(result)
    pnames = point_names(result)
    inside = _events_by_frame(result)
    out = []
    for i, frame in enumerate(s.frame):
        row = [_int(frame), _num(_at(s.time_s, i), TIME_DECIMALS), _int(_at(s.person, i))]
        row += [_num(_at(s.values.get(k), i), _decimals(k)) for k in vkeys]
        for name in pnames:
            x, y = _xy(_at(s.points.get(name), i))
            row += [_num(x, PIXEL_DECIMALS), _num(y, PIXEL_DECIMALS)]
        f = _finite(frame)
        out.append(row + list(inside.get(int(f), ("", "", "")) if f is not None else ("", "", "")))
    return out


def frames_csv_text(result: Result) -> str:
    """The per-frame CSV as text (header + one row per decoded frame, '\\n' line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header(result))
    writer.writerows(rows(result))
    return buf.getvalue()


def write_frames_csv(result: Result, path: str | Path) -> Path:
    """Write the per-frame CSV to `path` (UTF-8) and return the path."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(frames_csv_text(result))
    return path
