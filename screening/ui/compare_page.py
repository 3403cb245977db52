"""The Compare page: two saved screenings of a profile side by side, stills, bands, numbers and what changed."""
from __future__ import annotations

import streamlit as st

from screening.engine.progress import compare, fmt
from screening.outputs.formatting import primary_rating
from screening.core.result import TEST_LABELS
from screening.core.vocab import BAND_WORDS, SHIFT_WORDS, format_rating
from screening.store.db import SavedScreening
from screening.store.stills import still_ok
from screening.ui import safe, saved, state

TITLE = "Compare two screenings"
INTRO = "Before and after, side by side: for example before and after six weeks of exercises."
SIDES = ("Before", "After")
# Phones: keep the two screenings side by side (Streamlit would stack the columns), with tighter text.
PHONE_CSS = """<style>
@media (max-width: 640px) {
  .st-key-cmp-cols [data-testid="stHorizontalBlock"] {flex-wrap: nowrap !important; gap: 0.4rem !important;}
  .st-key-cmp-cols [data-testid="stColumn"] {min-width: 0 !important; width: auto !important; flex: 1 1 0 !important;}
  .st-key-cmp-col-0, .st-key-cmp-col-1 {padding: 0.5rem !important;}
  .st-key-cmp-cols h4 {font-size: 1.0rem !important;}
  .st-key-cmp-cols p, .st-key-cmp-cols [data-testid="stCaptionContainer"] {font-size: 0.8rem !important;}
}
</style>"""


def _column(i: int, s: SavedScreening) -> None:
    r = s.readable_result
    with st.container(border=True, key=f"cmp-col-{i}"):
        day = safe.date(s.created)
        st.markdown(f"#### {SIDES[i]}: {day[:10] if day[:1].isdigit() else day}")
        st.caption(f"{TEST_LABELS.get(r.test, r.test)}" + (f", standing on the {r.leg} leg" if r.leg else "")
                   + f" · {len(r.events)} {r.event_noun}s · pose model {safe.md(r.model.tier)}")
        for leg, summary in r.legs.items():
            key = primary_rating(summary)
            number = (f"  \n{safe.md(key.label)}: **{format_rating(key)}**"
                      if key is not None and key.value is not None else "")
            st.markdown(f"**{safe.md(leg.capitalize())} leg** &nbsp; {saved.pill(summary.band)}{number}",
                        unsafe_allow_html=True)
        frames = [(label, path) for label, path in s.keyframes if still_ok(path)]   # a stored file may be anything
        if frames:
            labels = list(range(len(frames)))
            pick = st.pills("Moment", labels, default=0, key=f"cmp_still_{i}", required=True,
                            format_func=lambda k: safe.md(frames[k][0]), label_visibility="collapsed") \
                if len(labels) > 1 else 0
            label, path = frames[pick or 0]
            st.image(str(path), caption=safe.md(label), width="stretch")
        elif s.keyframes:
            st.caption("The stills saved with this screening cannot be shown (damaged or not a picture).")
        else:
            st.caption("No stills were saved with this screening.")
        if s.video:
            with st.expander("Annotated video", icon=":material/movie:"):
                st.video(str(s.video))


def _rows(comparison) -> list[dict]:
    rows = []
    for c in comparison.changes:
        rows.append({"Measure": c.label, "Leg": c.leg.capitalize(), "Before": fmt(c.key, c.before),
                     "After": fmt(c.key, c.after),
                     "Change": ("+" if (c.change or 0) > 0 and c.key not in SHIFT_WORDS else "")
                     + fmt(c.key, c.change) if c.change is not None else "n/a",
                     "Real change?": {True: "yes", False: "no clear change", None: "cannot tell"}[c.real],
                     "Band before": BAND_WORDS[c.band_before], "Band after": BAND_WORDS[c.band_after],
                     "Re-test varies by": fmt(c.key, c.sdd, size=True) if c.sdd is not None else "unknown"})
    return rows


def page() -> None:
    """The Compare page."""
    state.init()
    chosen = saved.chosen_profile_screenings(TITLE, INTRO, "cmp_profile")
    if chosen is None:
        return
    _, profile, items = chosen
    if len(items) < 2:
        st.info(f"{safe.md(profile.name)} has {len(items)} saved screening{'s' if len(items) != 1 else ''}; "
                "two are needed to compare. Re-test in 4 to 6 weeks with the same camera set-up and save it to this "
                "profile.")
        return
    ids = [s.id for s in items]
    labels = {s.id: saved.describe(s) for s in items}
    c1, c2 = st.columns(2)
    a = c1.selectbox("Before", ids, index=0, format_func=lambda i: labels.get(i, ""), key="cmp_a")
    b = c2.selectbox("After", ids, index=len(ids) - 1, format_func=lambda i: labels.get(i, ""), key="cmp_b")
    if a == b:
        st.warning("Choose two different screenings.")
        return
    sa, sb = (next(s for s in items if s.id == x) for x in (a, b))
    st.html(PHONE_CSS)
    with st.container(key="cmp-cols"):
        cols = st.columns(2, gap="medium")
        for i, (col, s) in enumerate(zip(cols, (sa, sb))):
            with col:
                _column(i, s)
    comparison = compare(sa.readable_result, sb.readable_result)
    st.subheader("What changed")
    for c in comparison.changes:
        st.markdown(f"- {c.sentence}")     # made by the engine from numbers and its own words
    for note in comparison.notes:
        st.caption(safe.md(note))
    st.subheader("Every measure")
    rows = _rows(comparison)
    if rows:
        st.dataframe(saved.styled(rows, ["Band before", "Band after"]), hide_index=True, key="cmp_table",
                     column_config={"Measure": st.column_config.TextColumn(pinned=True, width=215),
                                    "Leg": st.column_config.TextColumn(width=55),
                                    "Real change?": st.column_config.TextColumn(width=115),
                                    "Band before": st.column_config.TextColumn(width=95),
                                    "Band after": st.column_config.TextColumn(width=95)})
    else:
        st.caption("These two screenings have no measure in common.")
    with st.expander("How big must a change be to count?", icon=":material/straighten:"):
        seen = set()
        for c in comparison.changes:
            if c.sdd_reason not in seen:
                seen.add(c.sdd_reason)
                st.markdown(f"**{safe.md(c.label)}:** {safe.md(c.sdd_reason)}")
