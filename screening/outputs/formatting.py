"""What a Result recommends and cites, for the app, PDF, CLI and batch table (values and dates: core.vocab)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from screening.core.result import Event, LegSummary, Rating, Result
from screening.core.vocab import BAND_WORDS
from screening.engine.verdict import rated_moments
from screening.outputs.content import get_page


def lead_rating(leg: LegSummary) -> Rating | None:
    """The full rating of the measure the leg's verdict rests on (LegSummary.lead), for its reliability,
    norm and sources; None when the leg has no lead."""
    return leg.rating(leg.lead.key) if leg.lead is not None else None


def verdict_words(leg: LegSummary) -> str:
    """'Watch (Knee angle from the front (FPPA) 21°)': a leg's band and the measure it rests on, in one line."""
    lead = leg.lead
    return BAND_WORDS[leg.band] + (f" ({lead.label} {lead.value})" if lead is not None else "")


def moment_label(e: Event, with_time: bool = False) -> str:
    """'Rep 2' or 'Landing 3' (with its time: 'Rep 2 (4.1 s)'), as stills, pickers and the video name a moment."""
    return f"{'Landing' if e.kind == 'landing' else 'Rep'} {e.index}" + (f" ({e.key_s:.1f} s)" if with_time else "")


def key_moments(result: Result, keyframes: Sequence[tuple[str, str | Path]]) -> list[tuple[str, str | Path]]:
    """The stills to print, the rated moment first (also for stills saved in time order), leaving out those
    where no leg's lead measure could be read (an 'n/a' on a wrong skeleton) whenever others exist."""
    order = [moment_label(e, with_time=True) for e in rated_moments(result, usable_only=True)]
    ranked = sorted(keyframes or [], key=lambda k: order.index(k[0]) if k[0] in order else len(order))
    return [k for k in ranked if k[0] in order] or ranked


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
        page = get_page(slug)
        return page.title, page.summary
    except Exception:  # noqa: BLE001 - content folder missing (e.g. a trimmed install): still say something
        return slug.replace("-", " ").capitalize(), ""
