"""What a Result recommends and cites, for the app, PDF, CLI and batch table (values and dates: core.vocab)."""
from __future__ import annotations

from screening.core.result import LegSummary, Rating, Result
from screening.outputs.content import get_page


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
        page = get_page(slug)
        return page.title, page.summary
    except Exception:  # noqa: BLE001 - content folder missing (e.g. a trimmed install): still say something
        return slug.replace("-", " ").capitalize(), ""
