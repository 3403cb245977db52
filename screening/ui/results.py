"""The results page: verdict per leg, video and stills, chart, every measure, notes, next steps, downloads."""
from __future__ import annotations

import streamlit as st

from screening.core.result import TEST_LABELS, LegSummary, Note, Result
from screening.core.specs import SPECS
from screening.core.vocab import BAND_COLOURS, BAND_WORD, count, rgba
from screening.engine.example import example_result
from screening.engine.sides import sides
from screening.engine.verdict import rated_moments
from screening.outputs.content import get_page
from screening.outputs.formatting import lead_rating, moment_label
from screening.ui import charts, clamshell_view, safe, state
from screening.ui.exports import csv_bytes, pdf_bytes
from screening.ui.measures import measures_table
from screening.ui.saved import save_panel

BAND_TINT = {band: rgba(colour, 0.09) for band, colour in BAND_COLOURS.items()}
BAND_MEANING = {"typical": "within the typical range", "watch": "a little more inward than typical",
                "marked": "clearly more inward than typical", None: "could not be rated from this video"}
# side-lying (the clamshell): what the lead measure, the pelvis roll-back, says
LYING_MEANING = {"typical": "stayed stacked", "watch": "rolled back a little", "marked": "rolled back clearly",
                 None: "could not be rated from this video"}


@st.cache_data(show_spinner="Building the example result…", max_entries=8)
def _example(sex: str | None, sport: str | None) -> Result:
    return example_result(sex=sex or "female", sport=sport)


def example_outputs(sex: str | None = None, sport: str | None = None) -> state.Outputs:
    """The clearly labelled synthetic example (computed once per process and choice of sex and sport)."""
    return state.Outputs(result=_example(sex, sport), source_name="example")


def _card_css(legs: dict[str, LegSummary]) -> None:
    css = "".join(
        f".st-key-verdict-{leg} {{border-left: 8px solid {BAND_COLOURS[s.band]} !important;"
        f" background: {BAND_TINT[s.band]}; border-radius: 0.6rem;}}"
        for leg, s in legs.items())
    css += (".ks-lead-value {font-size: 1.6rem; font-weight: 600; line-height: 1.2; overflow-wrap: anywhere;}"
            "[class*='st-key-lead-'] {gap: 0 !important;}")
    st.html(f"<style>{css}</style>")


def verdict_card(leg: str, summary: LegSummary, test: str = "squat", worst: str = "") -> None:
    """One leg: band word in its colour, the measure the band rests on and its value, the headline (the same
    measure's sentence), why that measure, and what it means. All read from the summary (LegSummary.lead)."""
    lead, rating = summary.lead, lead_rating(summary)
    lying = SPECS[test].posture == "side-lying"
    with st.container(key=f"verdict-{leg}", border=True):
        pill = (f'<span style="background:{BAND_COLOURS[summary.band]};color:#fff;padding:0.15rem 0.7rem;'
                f'border-radius:1rem;font-size:0.95rem;font-weight:700;letter-spacing:0.04em;'
                f'vertical-align:middle">{BAND_WORD[summary.band]}</span>')
        role = f" ({SPECS[test].leg_role.split()[0]})" if lying else ""
        st.markdown(f"#### {leg.capitalize()} leg{role} &nbsp; {pill}", unsafe_allow_html=True)
        st.caption(f"Pelvis: {LYING_MEANING[summary.band]} (experimental, rule of thumb)" if lying else
                   f"Knee: {BAND_MEANING[summary.band]}")
        if lead is not None:    # label and value wrap on a phone instead of being cut off (st.metric)
            with st.container(key=f"lead-{leg}"):
                st.caption(safe.md(lead.label), help=f"Typical range: {rating.norm}" if rating else None)
                st.markdown(f'<span class="ks-lead-value">{safe.md(lead.value)}</span>', unsafe_allow_html=True)
        st.markdown(f"**{summary.headline}**")
        st.markdown(summary.what_it_means)
        if worst:
            st.caption(safe.md(worst))
        if lead is not None:
            st.caption(safe.md(lead.why) + (f"  \nHow sure: {rating.reliability} ({safe.md(rating.reliability_reason)})"
                                             if rating is not None and rating.reliability != "good" else ""))


def _media(out: state.Outputs) -> None:
    r = out.result
    if out.video or out.keyframes:
        left, right = st.columns([3, 2], gap="medium")
        with left:
            st.markdown("**Your video, with the tracked lines**")
            if out.video:
                portrait = r.video.height > r.video.width
                st.video(out.video, format="video/mp4", width=320 if portrait else "stretch")
            else:
                st.caption("No annotated video was made for this analysis.")
        with right:
            st.markdown("**The measured moments**")
            if out.keyframes:       # in rated_moments order: the moment that best shows the rating first
                labels = [label for label, _ in out.keyframes]
                pick = st.pills("Moment", labels, default=labels[0], key="still_pick", required=True, wrap=True,
                                label_visibility="collapsed") if len(labels) > 1 else labels[0]
                data = dict(out.keyframes)[pick or labels[0]]
                st.image(data, caption=pick or labels[0], width="stretch")
                if len(labels) > 1:
                    st.caption(f"First: the {r.event_noun} that best shows the rated values.")
            else:
                st.caption("No stills were made for this analysis.")
        return
    if r.events:
        text_col, fig_col = st.columns([3, 2], gap="medium")
        moments = {moment_label(e): e for e in rated_moments(r)}
        with text_col:
            st.markdown("**The tracked lines at the measured moments**")
            st.caption(("There is no video in the example: the stick figure shows the tracked points, each "
                        "leg coloured by its band. " if r.example else "No annotated video was made. ")
                       + "Seen as the camera sees you: your left leg is on the right of the picture.")
            pick = st.pills("Moment", list(moments), default=next(iter(moments)), key="skeleton_pick",
                            required=True, wrap=True, label_visibility="collapsed") or next(iter(moments))
        with fig_col:
            fig = charts.skeleton(r, moments[pick].key_frame)
            if fig is not None:
                st.plotly_chart(fig, config={"displayModeBar": False, "scrollZoom": False}, key="skeleton")


# Notes that change how the whole result reads: shown under the title, before the verdicts.
TOP_NOTES = ("turned_upright",)


def _note(n: Note) -> None:
    text = f"**{n.message}**" + (f"  \nWhat to do: {n.fix}" if n.fix else "")
    {"error": st.error, "warning": st.warning}.get(n.level, st.info)(text)


def _notes(r: Result) -> None:
    shown = [n for n in r.notes if not (r.example and n.code == "example") and n.code not in TOP_NOTES]
    if not shown:
        st.caption("No other capture problems were found." if any(n.code in TOP_NOTES for n in r.notes)
                   else "No capture problems were found.")
    for n in shown:
        _note(n)


def _live_count(out: state.Outputs) -> None:
    """A live recording whose analysis found another number of repetitions than the live counter: say why."""
    name, counted = st.session_state.get(state.LIVE_COUNT) or ("", None)
    found = len(out.result.events)
    if counted is None or out.result.example or name != out.source_name or counted == found:
        return
    st.info(f"While recording, the live counter counted {counted} repetition{'s' if counted != 1 else ''}; "
            f"the analysis, which measures every recorded frame, found {found}. The results go by the analysis "
            "(the live counter sees only the frames the server has time for, and a movement already under way "
            "when the recording started).", icon=":material/info:")


def _page_title(slug: str) -> str:
    pages = state.page(state.PAGES_BY_SLUG) or {}
    if slug in pages:
        return pages[slug].title
    try:
        return get_page(slug).title
    except Exception:  # noqa: BLE001 - content may be missing; a readable slug will do
        return slug.replace("-", " ").capitalize()


def _next_steps(r: Result) -> None:
    slugs: list[str] = []
    for s in r.legs.values():
        slugs += [x for x in s.recommendations if x not in slugs]
    pages = state.page(state.PAGES_BY_SLUG) or {}
    with st.container(border=True, key="next-steps"):
        for slug in slugs:
            if slug in pages:
                st.page_link(pages[slug], label=_page_title(slug), icon=":material/arrow_forward:")
            else:
                st.markdown(f"- {_page_title(slug)}")
        st.caption("Start with the first; re-test in 4 to 6 weeks with the same camera set-up to see your "
                   "change.")


def _downloads(out: state.Outputs) -> None:
    r = out.result
    stem = "kneescreen-example" if r.example else f"kneescreen-{r.test}-{r.created[:10]}"
    cols = st.columns(2)
    with cols[0]:
        st.download_button("PDF report", lambda: pdf_bytes(out), file_name=f"{stem}.pdf",
                           mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore",
                           key="dl_pdf", width="stretch")
        st.download_button("Results (JSON)", r.to_json(), file_name=f"{stem}.json", mime="application/json",
                           icon=":material/data_object:", on_click="ignore", key="dl_json", width="stretch")
    with cols[1]:
        st.download_button("Per-frame values (CSV)", lambda: csv_bytes(out), file_name=f"{stem}-frames.csv",
                           mime="text/csv", icon=":material/table:", on_click="ignore", key="dl_csv",
                           width="stretch")
        if out.video:
            st.download_button("Annotated video (MP4)", out.video, file_name=f"{stem}.mp4", mime="video/mp4",
                               icon=":material/movie:", on_click="ignore", key="dl_video", width="stretch")
    st.caption("Nothing is kept on this machine after you close the page: download what you want to keep"
               + ("." if r.example else ", or save it to your private workspace below."))


def render(out: state.Outputs) -> None:
    """Render a result (a real one or the example) on the current page."""
    r = out.result
    if r.example:
        st.warning("**EXAMPLE RESULT** - made from a synthetic squat (no real person) in which the left "
                   "knee was set to collapse inward. Upload your own video to get your result.",
                   icon=":material/science:")
    st.title("Your result" if not r.example else "Example result")
    who = [TEST_LABELS.get(r.test, r.test)]
    if r.leg:
        who.append(f"standing on the {r.leg} leg" if SPECS[r.test].posture == "standing" else
                   f"{SPECS[r.test].leg_role}: {r.leg}")
    who.append(f"{count(len(r.events), r.event_noun)} measured")
    if r.norms_used:
        who.append(r.norms_used)
    st.caption(" · ".join(who))
    if r.model.requested_tier not in (r.model.tier, "", "synthetic"):   # e.g. Full chosen, offline: lite used
        st.warning(f"**This result used the built-in '{r.model.tier}' pose model**, not the "
                   f"'{r.model.requested_tier}' one you chose" + (f": {r.model.note}" if r.model.note else "."),
                   icon=":material/wifi_off:")
    st.caption(f":material/info: {r.disclaimer.split('.')[0]}. Read the full note at the bottom.")
    for n in r.notes:
        if n.code in TOP_NOTES:
            _note(n)
    _live_count(out)

    if not r.legs:
        st.error("No leg could be rated from this video.")
    _card_css(r.legs)
    cols = st.columns(len(r.legs)) if r.legs else []
    worst = sides(r).worst
    for col, (leg, summary) in zip(cols, r.legs.items()):
        with col:
            verdict_card(leg, summary, r.test, worst[leg].short if leg in worst else "")

    st.subheader("What to do next")
    _next_steps(r)

    st.subheader("See it")
    _media(out)

    st.subheader("Over time")
    if r.series.time_s and SPECS[r.test].posture == "side-lying":
        st.plotly_chart(clamshell_view.timeline(r), key="timeline",
                        config={"displaylogo": False, "scrollZoom": False,
                                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]})
        st.caption(clamshell_view.CAPTION)
    elif r.series.time_s:
        st.plotly_chart(charts.timeline(r), key="timeline",
                        config={"displaylogo": False, "scrollZoom": False,
                                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]})
        moment = "deepest point" if r.event_noun == "repetition" else "peak knee bend"
        contact = "; dotted lines: ground contact" if any(e.contact_s is not None for e in r.events) else ""
        st.caption("Shaded: green typical, amber watch, red marked (from the published norms below). Numbered "
                   f"dashed lines: the measured moment of each {r.event_noun} ({moment}){contact}. Diamonds: "
                   "the values that were rated. A faint dotted curve: the knee angle where it is not valid "
                   "(thigh toward the camera, or outside what a knee can read from the front), left out of the "
                   "axis.")

    st.subheader("Every measure")
    measures_table(r)

    st.subheader("Video quality")
    _notes(r)

    st.subheader("Downloads")
    _downloads(out)
    if not r.example:
        save_panel(out)

    st.divider()
    st.info(r.disclaimer, icon=":material/health_and_safety:")


def page() -> None:
    """The Results page: the last analysis, or the example, or a pointer to start."""
    state.init()
    out = state.get(state.OUTPUTS)
    if out is None:
        st.title("Results")
        st.info("No result yet. Film a squat, a single-leg squat, a drop-jump landing or a clamshell to get yours, "
                "or look at an example first.")
        c1, c2 = st.columns(2)
        if c1.button("Start screening", type="primary", key="res_start", width="stretch"):
            state.go("choose")
            st.switch_page(state.page(state.SCREEN_PAGE) or "app.py")
        if c2.button("See an example result", key="res_example", width="stretch"):
            state.put(state.OUTPUTS, example_outputs(state.get(state.SEX), state.get(state.SPORT)))
            st.rerun()
        return
    render(out)
    st.divider()
    if st.button("Screen again", icon=":material/replay:", key="again", type="primary"):
        state.go("choose")
        st.switch_page(state.page(state.SCREEN_PAGE) or "app.py")
