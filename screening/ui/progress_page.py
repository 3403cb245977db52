"""The Progress page: one measure of one leg over a profile's saved screenings, with the typical range shaded."""
from __future__ import annotations


import plotly.graph_objects as go
import streamlit as st

from screening.engine.norms import norm_for
from screening.engine.progress import NOT_RISK, compare, fmt, measure_history, typical_range
from screening.engine.ratings import MEASURES
from screening.core.result import TEST_LABELS, TESTS
from screening.core.specs import SPECS
from screening.core.vocab import BAND_COLOURS, BAND_WORDS, parse_date, shown_value
from screening.store.db import SavedScreening
from screening.ui import safe, saved, state
from screening.ui.charts import BAND_FILL

MAX_TICKS = 5                # date labels under the chart (a phone has room for about five)
TITLE = "Progress"
INTRO = "One measure over your saved screenings: is the change bigger than a re-test can vary by?"


def _per_leg(key: str) -> bool:
    return MEASURES[key][2]


def _label(key: str) -> str:
    label, unit, per_leg, experimental = MEASURES[key]
    return label + (" (both legs)" if not per_leg else "") + (" (experimental)" if experimental else "")


def _rated(items: list[SavedScreening], test: str, leg: str, key: str) -> list[SavedScreening]:
    """The screenings of `test` that rated `key` for `leg`, oldest first (as measure_history orders them)."""
    out = [s for s in items if s.readable_result.test == test and s.readable_result.legs.get(leg) is not None
           and (r := s.readable_result.legs[leg].rating(key)) is not None and shown_value(r) is not None]
    return sorted(out, key=lambda s: s.created)


def _ticks(created: list[str]) -> list[str]:
    """One short axis label per screening, in order: day and month, then on a second line its time of day
    where another screening was on the same day (so same-day screenings are told apart, never drawn on top
    of each other), else the year where it changes; at most MAX_TICKS labels, the others left blank."""
    days, out, year = [c[:10] for c in created], [], ""
    step = max(1, -(-len(created) // MAX_TICKS))
    for i, c in enumerate(created):
        d = parse_date(c)       # aware, 1970-2199, or None for anything else
        if d is None:
            out.append("")
            continue
        if days.count(days[i]) > 1:
            second = d.strftime("%H:%M")
        else:
            second = d.strftime("%Y") if d.strftime("%Y") != year else ""
        year = d.strftime("%Y")
        text = d.strftime("%d %b").lstrip("0") + (f"<br>{second}" if second else "")
        out.append(text if i % step == 0 or i == len(created) - 1 else "")
    return out


def chart(history: list[tuple], key: str, test: str, sex: str | None) -> go.Figure:
    """The value per screening (error bars: repetition-to-repetition SD), typical range shaded from the norm."""
    pts = [h for h in history if h[1] is not None]
    unit = MEASURES[key][1]
    fig = go.Figure()
    ys = [v for _, v, *_ in pts]
    lows = [v - (sd or 0) for _, v, _, sd, _ in pts]
    highs = [v + (sd or 0) for _, v, _, sd, _ in pts]
    rng = typical_range(key, test, sex)
    edges = [x for x in (rng or ()) if x is not None]
    lo, hi = min(lows + edges), max(highs + edges)
    pad = max((hi - lo) * 0.15, 1.0 if unit in ("deg", "% leg") else 0.05)
    lo, hi = lo - pad, hi + pad
    if rng is not None:
        y0 = rng[0] if rng[0] is not None else lo
        y1 = rng[1] if rng[1] is not None else hi
        fig.add_hrect(y0=y0, y1=y1, fillcolor=BAND_FILL["typical"], line_width=0, layer="below",
                      annotation_text="typical range", annotation_position="top left",
                      annotation_font=dict(size=11, color=BAND_COLOURS["typical"]))
    fig.add_scatter(
        x=list(range(len(pts))), y=ys, mode="lines+markers", name=_label(key),
        line=dict(color="#8a94a3", width=1.5, dash="dot"),
        marker=dict(size=13, color=[BAND_COLOURS[b] for _, _, b, _, _ in pts], line=dict(width=1.5, color="white")),
        error_y=dict(type="data", array=[sd or 0 for _, _, _, sd, _ in pts], visible=True, thickness=1.5, width=6,
                     color="#6b7480"),
        customdata=[[safe.date(c), BAND_WORDS[b], fmt(key, sd, False, size=True) if sd is not None else "n/a", n]
                    for c, _, b, sd, n in pts],
        hovertemplate="%{customdata[0]}<br>%{y:.2f}<br>%{customdata[1]} · spread ± %{customdata[2]} "
                      f"(%{{customdata[3]}} {SPECS[test].event_noun}s)<extra></extra>")
    fig.update_yaxes(range=[lo, hi],
                     title_text={"deg": "degrees", "% leg": "% of leg length (+ inward, - outward)"}.get(unit, "ratio"))
    # one slot per screening, in date order: a date axis would stack same-day screenings on one spot
    fig.update_xaxes(title_text="screenings, oldest first", tickmode="array", tickvals=list(range(len(pts))),
                     ticktext=_ticks([c for c, *_ in pts]), range=[-0.5, max(len(pts) - 0.5, 1.5)], tickangle=0)
    fig.update_layout(height=400, margin=dict(l=10, r=10, t=30, b=10), showlegend=False, dragmode=False,
                      hovermode="closest")
    return fig


def _sentence(rated: list[SavedScreening], leg: str, key: str) -> None:
    if len(rated) < 2:
        st.info("Save a second screening of this test to see whether it changed. Re-test in 4 to 6 weeks with "
                "the same camera set-up.", icon=":material/event_repeat:")
        return
    before, after = rated[-2], rated[-1]
    change = compare(before.readable_result, after.readable_result).change(leg if _per_leg(key) else "both", key)
    if change is None:
        st.info("The last two screenings cannot be compared on this measure.")
        return
    with st.container(border=True, key="progress-sentence"):
        st.markdown(f"**Last change** ({safe.date(before.created)} to {safe.date(after.created)}):")
        st.markdown(f"##### {change.sentence}")
        st.markdown(f"**Which value and why:** {change.sdd_reason}")
        if len(rated) >= 3:     # the same rule as the last change (engine.progress), with these two's repetitions
            first = compare(rated[0].readable_result, after.readable_result).change(leg if _per_leg(key) else "both",
                                                                                    key)
            if first is not None:
                st.markdown(f"**Since the first screening** ({safe.date(rated[0].created)}): "
                            f"{first.sentence}")
                if first.sdd_reason != change.sdd_reason:
                    st.caption(first.sdd_reason)
        st.caption(NOT_RISK)


def page() -> None:
    """The Progress page."""
    state.init()
    chosen = saved.chosen_profile_screenings(TITLE, INTRO, "prog_profile")
    if chosen is None:
        return
    _, profile, items = chosen
    if not items:
        st.info(f"No screenings are saved under {safe.md(profile.name)} yet. Screen your knees, then press *Save this "
                "screening* on the results page.")
        return
    tests = [t for t in TESTS if any(s.readable_result.test == t for s in items)]
    c1, c2, c3 = st.columns([2, 1, 3])
    test = c1.selectbox("Test", tests, format_func=lambda t: TEST_LABELS.get(t, ""), key="prog_test")
    of_test = [s for s in items if s.readable_result.test == test]
    legs = [leg for leg in ("left", "right") if any(leg in s.readable_result.legs for s in of_test)]
    if not legs:
        st.info("None of these screenings rated a leg.")
        return
    leg = c2.selectbox("Leg", legs, format_func=str.capitalize, key="prog_leg")
    keys = [k for k in MEASURES if _rated(of_test, test, leg, k)]
    if not keys:
        st.info(f"No measure of the {leg} leg was rated in these screenings.")
        return
    latest = max((s for s in of_test if leg in s.readable_result.legs), key=lambda s: s.created)
    summary = latest.readable_result.legs[leg]
    lead = summary.lead.key if summary.lead else ""
    key = c3.selectbox("Measure", keys, index=keys.index(lead) if lead in keys else 0, format_func=_label,
                       key="prog_measure")
    if summary.lead is not None:    # the verdict as every page says it: LegSummary.lead
        st.markdown(f"Latest screening ({safe.date(latest.created)}): {leg} leg "
                    f"{saved.pill(summary.band)} · {safe.md(summary.lead.label)}: **{safe.md(summary.lead.value)}**",
                    unsafe_allow_html=True)
    history = measure_history(of_test, test, leg, key)
    sex = next((s.readable_result.sex for s in reversed(of_test) if s.readable_result.sex), None)
    st.plotly_chart(chart(history, key, test, sex), key="progress_chart",
                    config={"displaylogo": False, "scrollZoom": False, "displayModeBar": False})
    norm = norm_for(key, test, sex)
    noun = SPECS[test].event_noun
    st.caption("Each point is one saved screening, in date order, coloured by its band (green typical, amber watch, "
               f"red marked, grey not rated); the bar is the {noun}-to-{noun} spread (± 1 SD). "
               + (f"Shaded: the typical range, {norm.text}." if norm else "This measure has no typical range "
                  "for this test, so nothing is shaded."))
    _sentence(_rated(of_test, test, leg, key), leg, key)
