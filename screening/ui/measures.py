"""The table of every measure of a Result (values as the engine rated them), with details and sources."""
from __future__ import annotations

import streamlit as st

from screening.engine.ratings import MEASURES
from screening.core.result import Rating, Result
from screening.core.vocab import format_rating, format_value
from screening.core.specs import SPECS


def _both_legs(key: str) -> bool:
    return key in MEASURES and not MEASURES[key][2]


def _rows(r: Result) -> list[dict[str, str]]:
    order: list[str] = []
    by_leg: dict[str, dict[str, Rating]] = {}
    for leg, s in r.legs.items():
        by_leg[leg] = {x.key: x for x in s.ratings}
        order += [x.key for x in s.ratings if x.key not in order]
    rows = []
    for key in order:
        ratings = {leg: m[key] for leg, m in by_leg.items() if key in m}
        any_r = next(iter(ratings.values()))
        label = any_r.label + (" (experimental)" if any_r.experimental else "")
        band: str           # one band, or each leg's
        rel: str
        if _both_legs(key):
            label += "" if SPECS[r.test].single_leg else " (both legs)"
            left = right = format_rating(any_r)
            band = any_r.band or "not rated"
            rel = any_r.reliability
        else:
            fmt = {leg: format_rating(x, short=True) for leg, x in ratings.items()}
            left, right = fmt.get("left", "-"), fmt.get("right", "-")
            band = " · ".join(f"{leg[0].upper()}: {x.band or 'not rated'}" for leg, x in ratings.items())
            rel = " · ".join(f"{leg[0].upper()}: {x.reliability}" for leg, x in ratings.items())
        row = {"Measure": label, "Left": left, "Right": right, "Band": band, "How sure": rel,
               "Typical range": any_r.norm, "Sources": "; ".join(any_r.sources) or "-"}
        for leg in ("left", "right"):       # single-leg squat: only the stance leg has a column
            if leg not in r.legs:
                row.pop(leg.capitalize())
        rows.append(row)
    return rows


def measures_table(r: Result) -> None:
    """st.dataframe of every rating, then one expander per measure with the reasons in full."""
    rows = _rows(r)
    if not rows:
        st.caption("No measure could be computed from this video.")
        return
    st.dataframe(rows, hide_index=True, key="measures", row_height=44, column_config={
        "Measure": st.column_config.TextColumn(width=190, pinned=True),
        "Left": st.column_config.TextColumn(width=80),
        "Right": st.column_config.TextColumn(width=80),
        "Band": st.column_config.TextColumn(width=160),
        "How sure": st.column_config.TextColumn(width=130),
        "Typical range": st.column_config.TextColumn(width="large"),
        "Sources": st.column_config.TextColumn(width="large"),
    })
    st.caption("Values are medians over the repetitions or landings; '% leg' and the shifts inward or outward "
               "are a share of leg length. "
               "'(both legs)' measures compare the two legs with each other. Scroll the table sideways for the "
               "typical ranges and sources.")
    with st.expander("Why each rating, and the sources", icon=":material/menu_book:"):
        seen: set[str] = set()
        for leg, s in r.legs.items():
            for x in s.ratings:
                tag = x.key if _both_legs(x.key) else f"{x.key}-{leg}"
                if tag in seen:
                    continue
                seen.add(tag)
                who = SPECS[r.test].both_words if _both_legs(x.key) else f"{leg} leg"
                spread = f" (spread between repetitions ± {format_value(x.spread, x.unit).split()[0]})" \
                    if x.spread is not None else ""
                st.markdown(f"**{x.label}, {who}: {x.band or 'not rated'}**  \n{x.reason}{spread}  \n"
                            f"How sure: {x.reliability} - {x.reliability_reason}.  \nTypical range: {x.norm}.")
                for src in x.sources:
                    st.caption(src)
