"""The Compare page: two saved screenings of a profile side by side, stills, bands, numbers and what changed."""
from __future__ import annotations

import html

import streamlit as st

from screening.engine.progress import SHORT_NAMES, compare, fmt
from screening.engine.sides import sides
from screening.core.result import TEST_LABELS
from screening.core.vocab import BAND_WORDS, SHIFT_WORDS, count
from screening.store.db import SavedScreening
from screening.store.stills import still_ok
from screening.ui import safe, saved, state
from screening.ui.measures import TABLE_CSS, band_cell, table

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


def _column(i: int, s: SavedScreening, same_day: bool) -> None:
    r = s.readable_result
    with st.container(border=True, key=f"cmp-col-{i}"):
        day = safe.date(s.created)      # two screenings of one day are told apart by their time
        when = day[:16 if same_day else 10].replace(" ", ", ") if day[:1].isdigit() else day
        st.markdown(f"#### {SIDES[i]}: {when}")
        st.caption(f"{TEST_LABELS.get(r.test, r.test)}" + (f", standing on the {r.leg} leg" if r.leg else "")
                   + f" · {count(len(r.events), r.event_noun)} · pose model {safe.md(r.model.tier)}")
        both = sides(r)
        for leg, summary in r.legs.items():
            lead = summary.lead
            number = f"  \n{safe.md(lead.label)}: **{safe.md(lead.value)}**" if lead is not None else ""
            st.markdown(f"**{safe.md(leg.capitalize())} leg** &nbsp; {saved.pill(summary.band)}{number}",
                        unsafe_allow_html=True)
            if leg in both.worst:
                st.caption(safe.md(both.worst[leg].short))
        if both.differences:        # left against right within this screening (engine.sides)
            st.markdown("**Left-right**  \n" + "  \n".join(safe.md(d.brief) for d in both.differences))
        frames = [(label, path) for label, path in s.keyframes if still_ok(path)]   # a stored file may be anything
        if frames:      # a drop-down, not a row of buttons: half a phone's width has room for one
            labels = list(range(len(frames)))
            pick = st.selectbox("Moment", labels, index=0, key=f"cmp_still_{i}",
                                format_func=lambda k: frames[k][0], label_visibility="collapsed") \
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


def _rows(comparison) -> list[str]:
    """One table row per measure and leg: before and after in their bands' colours, then the change and
    whether it is more than a re-test varies by (the margin itself is explained below the table)."""
    rows = []
    for c in comparison.changes:
        name = SHORT_NAMES.get(c.key, c.label)
        who = "" if c.leg == "both" else f' <span class="ks-sub">{c.leg} leg</span>'
        unit = c.key not in SHIFT_WORDS       # '22 deg', but '16.9% outward' (the caption says of what)
        change = ("+" if (c.change or 0) > 0 and unit else "") + fmt(c.key, c.change, unit) \
            if c.change is not None else "n/a"
        real = {True: "a real change", False: "no clear change", None: "cannot tell"}[c.real]
        rows.append(f"<td>{html.escape(name[0].upper() + name[1:])}{who}</td>"
                    + band_cell(fmt(c.key, c.before, unit), c.band_before, BAND_WORDS[c.band_before])
                    + band_cell(fmt(c.key, c.after, unit), c.band_after, BAND_WORDS[c.band_after])
                    + f'<td>{html.escape(change)}<span class="ks-sub">{real}</span></td>')
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
        same_day = sa.created[:10] == sb.created[:10]
        for i, (col, s) in enumerate(zip(cols, (sa, sb))):
            with col:
                _column(i, s, same_day)
    comparison = compare(sa.readable_result, sb.readable_result)
    st.subheader("What changed")
    for c in comparison.changes:
        st.markdown(f"- {c.sentence}")     # made by the engine from numbers and its own words
    for note in comparison.notes:
        st.caption(safe.md(note))
    st.subheader("Every measure")
    rows = _rows(comparison)
    if rows:        # an HTML table that wraps: a phone sees every column
        st.html(TABLE_CSS)
        with st.container(key="cmp-table"):
            st.markdown(table(["Measure", "Before", "After", "Change"], rows), unsafe_allow_html=True)
        st.caption("Coloured by band: green typical, amber watch, red marked, grey not rated. Shifts are a share "
                   "of leg length.")
    else:
        st.caption("These two screenings have no measure in common.")
    with st.expander("How big must a change be to count?", icon=":material/straighten:"):
        seen = set()
        for c in comparison.changes:
            if c.sdd_reason not in seen:
                seen.add(c.sdd_reason)
                st.markdown(f"**{safe.md(c.label)}:** {safe.md(c.sdd_reason)}")
