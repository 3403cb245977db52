"""How values, dates and advice are written for people: one copy for the app, PDF, CLI and batch table."""
from __future__ import annotations

from datetime import datetime, timezone

from screening.core.result import LegSummary, Rating, Result


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


# Measures that are a sideways shift: shown as a size and a direction, never as a negative share.
SHIFT_WORDS = {"mkd": ("inward", "outward"), "arch": ("inward", "outward")}


def format_shift(key: str, value: float | None, spread: float | None = None, long: bool = True) -> str:
    """'17.2% of leg length outward' for a knee shift of -17.2% leg (toward the midline is positive);
    short: '17.2% outward' (where the label already says 'of leg length')."""
    if value is None or value != value:
        return "n/a"
    inward, outward = SHIFT_WORDS[key]
    size = f"{abs(value):.1f}%" + (" of leg length" if long else "")
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


def primary_rating(leg: LegSummary) -> Rating | None:
    """The rating the leg's verdict leads with (flagged primary, else the key measure)."""
    return next((r for r in leg.ratings if r.primary), None) or leg.rating(leg.key_measure)


def sources_used(result: Result) -> list[str]:
    """The citations of all ratings, in first-seen order, without repeats."""
    out: list[str] = []
    for leg in result.legs.values():
        for r in leg.ratings:
            out += [s for s in r.sources if s not in out]
    return out


def recommendations(result: Result) -> list[tuple[str, list[str]]]:
    """(content page slug, legs it was recommended for), in first-seen order."""
    out: dict[str, list[str]] = {}
    for side, leg in result.legs.items():
        for slug in leg.recommendations:
            out.setdefault(slug, []).append(side)
    return list(out.items())


def exercise(slug: str) -> tuple[str, str]:
    """(title, one-line why) of a recommended content page, read from the page itself."""
    try:
        from screening.outputs.content import get_page
        page = get_page(slug)
        return page.title, page.summary
    except Exception:  # noqa: BLE001 - content folder missing (e.g. a trimmed install): still say something
        return slug.replace("-", " ").capitalize(), ""
