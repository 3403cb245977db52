"""The shared words: bands (order, names, colours), how values and dates are written, visibility, video types."""
from __future__ import annotations

from datetime import datetime, timezone

from screening.core.result import BANDS, Rating

# ----- bands -----------------------------------------------------------------------------------------
BAND_ORDER = {band: i for i, band in enumerate(BANDS)}          # typical < watch < marked
BAND_WORDS = {"typical": "Typical", "watch": "Watch", "marked": "Marked", None: "Not rated"}
BAND_WORD = {band: word.upper() for band, word in BAND_WORDS.items()}   # on cards and pills: 'NOT RATED'
# The one palette (app cards, pills, charts, PDF, annotated video, live mirror). Each colour has at least
# 4.5:1 contrast with white, so white text on it and it as text on white paper both pass WCAG AA.
BAND_COLOURS = {"typical": "#23813a", "watch": "#a96500", "marked": "#c62832", None: "#6b7480"}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'#23813a' -> (35, 129, 58)."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return r, g, b


def bgr(hex_colour: str) -> tuple[int, int, int]:
    """'#23813a' -> (58, 129, 35), the channel order OpenCV draws with."""
    return rgb(hex_colour)[::-1]


def rgba(hex_colour: str, alpha: float) -> str:
    """'#23813a', 0.1 -> 'rgba(35,129,58,0.1)': a see-through tint for CSS and Plotly."""
    return "rgba({},{},{},{:g})".format(*rgb(hex_colour), alpha)


def tint(hex_colour: str, share: float) -> tuple[int, int, int]:
    """The colour mixed with white paper (share of the colour, 0..1), as RGB: a light fill for the PDF."""
    r, g, b = (round(255 - (255 - c) * share) for c in rgb(hex_colour))
    return r, g, b


# ----- values and dates ------------------------------------------------------------------------------
def format_value(value: float | None, unit: str, spread: float | None = None) -> str:
    """24°, 8.5% leg, 0.74 (with '± spread' when given); 'n/a' when there is no value."""
    if value is None or value != value:
        return "n/a"
    unit = (unit or "").strip()
    if unit == "deg":
        return f"{value:.0f}°" + (f" ± {spread:.0f}°" if spread is not None else "")
    if unit.startswith("%"):
        return f"{value:.1f}{unit}" + (f" ± {spread:.1f}" if spread is not None else "")
    text = f"{value:.2f}" + (f" {unit}" if unit else "")
    return text + (f" ± {spread:.2f}" if spread is not None else "")


def signed(value: float | None) -> str:
    """A whole number with its sign, as the video labels show angles: '+12', '-3', '0' (never '-0'); 'n/a'."""
    if value is None or value != value:
        return "n/a"
    whole = round(value)
    return f"{whole:+d}" if whole else "0"


def count(n: int, noun: str) -> str:
    """'1 repetition', '3 landings': a number and its noun, singular or plural."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# Measures that are a sideways shift (or a change of length): shown as a size and a direction, never as a
# negative share. The clamshell's stacks: how much shorter the hip (shoulder) line is, or longer.
SHIFT_WORDS = {"mkd": ("inward", "outward"), "arch": ("inward", "outward"),
               "pelvis_roll": ("shorter", "longer"), "trunk_roll": ("shorter", "longer")}
SHIFT_OF = {"mkd": " of leg length", "arch": " of leg length"}      # what the size is a share of, in full


def format_shift(key: str, value: float | None, spread: float | None = None, long: bool = True) -> str:
    """'17.2% of leg length outward' for a knee shift of -17.2% leg (toward the midline is positive);
    short: '17.2% outward' (where the label already says 'of leg length')."""
    if value is None or value != value:
        return "n/a"
    inward, outward = SHIFT_WORDS[key]
    size = f"{abs(value):.1f}%" + (SHIFT_OF.get(key, "") if long else "")
    return size + (f" ± {spread:.1f}" if spread is not None else "") + " " + (outward if value < 0 else inward)


def format_rating(r: Rating, with_spread: bool = False, short: bool = False) -> str:
    """A rating's value; 'n/a' when the engine found it not valid here (e.g. the knee angle at the bottom
    of a deep squat): the raw number stays in the JSON and CSV, but is not shown as a result."""
    if r.reliability == "poor" and r.band is None:
        return "n/a"
    if r.key in SHIFT_WORDS:
        return format_shift(r.key, r.value, r.spread if with_spread else None, long=not short)
    return format_value(r.value, r.unit, r.spread if with_spread else None)


def shown_value(r: Rating) -> float | None:
    """The value as a result, or None where the engine found it not valid (what format_rating shows as
    n/a): progress and compare leave such values out."""
    return None if r.reliability == "poor" and r.band is None else r.value


DATE_RANGE = (datetime(1970, 1, 1, tzinfo=timezone.utc), datetime(2200, 1, 1, tzinfo=timezone.utc))


def parse_date(created: object) -> datetime | None:
    """A stored date as a UTC datetime (one without a zone is taken as UTC), or None when it is not a date
    or lies outside 1970-2199: imports are checked with it, and charts and sorting can rely on it."""
    try:
        d = datetime.fromisoformat(str(created))
        d = (d if d.tzinfo else d.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None
    return d if DATE_RANGE[0] <= d < DATE_RANGE[1] else None


def format_date(created: str) -> str:
    """'2026-11-27T12:52:36+00:00' -> '2026-11-27 12:52 UTC'; anything unparsable is shown as given."""
    try:
        d = datetime.fromisoformat(created)
    except (TypeError, ValueError):
        return str(created or "")
    if d.tzinfo is None:
        return d.strftime("%Y-%m-%d %H:%M")
    if d.utcoffset() == timezone.utc.utcoffset(None):
        return d.strftime("%Y-%m-%d %H:%M UTC")
    return d.strftime("%Y-%m-%d %H:%M (UTC%z)")


# ----- capture -----------------------------------------------------------------------------------------
VIS_MIN = 0.5        # MediaPipe visibility below this: the point is treated as missing (or poorly seen)
VIDEO_EXTS = (".mp4", ".mov", ".webm", ".avi", ".m4v")       # the video files KneeScreen reads (any case)
