"""The table of every measure of a Result (values as the engine rated them), with details and sources."""
from __future__ import annotations

import html

import streamlit as st

from screening.engine.ratings import MEASURES
from screening.engine.sides import NO_CUTOFF, sides
from screening.core.result import Rating, Result
from screening.core.vocab import BAND_COLOURS, BAND_WORDS, format_rating, format_value, rgba
from screening.core.specs import SPECS
from screening.ui import safe

BAND_TINTS = {band: rgba(colour, 0.10) for band, colour in BAND_COLOURS.items()}


def _both_legs(key: str) -> bool:
    return key in MEASURES and not MEASURES[key][2]


def _shared(r: Result, key: str) -> bool:
    """One value for the two legs together: a measure of both legs, except in a single-leg squat of both legs
    (its pelvis and trunk are each leg's own, from that leg's repetitions)."""
    return _both_legs(key) and not (SPECS[r.test].single_leg and len(r.legs) > 1)


TABLE_CSS = """<style>
.ks-measures {width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 0.92rem; margin: 0;}
.ks-measures th {text-align: left; font-weight: 600; padding: 0.35rem 0.45rem;
  border-bottom: 2px solid rgba(128,128,128,.4);}
.ks-measures td {padding: 0.4rem 0.45rem; vertical-align: top; border-bottom: 1px solid rgba(128,128,128,.25);
  overflow-wrap: anywhere;}
.ks-measures td.ks-band {border-left: 5px solid var(--ks-band);}
.ks-measures .ks-sub {display: block; font-size: 0.8rem; opacity: 0.8;}
.ks-measures .ks-lead {font-weight: 700;}
.ks-measures col.ks-name {width: 44%;}
.ks-measures.ks-four col.ks-name {width: 31%;}
</style>"""


def band_cell(value: str, band: str | None, sub: str, bold: bool = False, span: int = 1) -> str:
    """One table cell in its band's colour: the value (bold for a verdict's lead), then a small line."""
    style = f"--ks-band:{BAND_COLOURS[band]};background:{BAND_TINTS[band]}"
    return (f'<td class="ks-band" colspan="{span}" style="{style}"><span class="{"ks-lead" if bold else ""}">'
            f'{html.escape(value)}</span><span class="ks-sub">{html.escape(sub)}</span></td>')


def _cell(x: Rating, lead: bool, span: int = 1) -> str:
    """A rating's cell: its value, its band and how sure when not good."""
    sub = BAND_WORDS[x.band] + ("" if x.reliability == "good" else f" · how sure: {x.reliability}")
    return band_cell(format_rating(x, short=True), x.band, sub, lead, span)


def table(head: list[str], rows: list[str]) -> str:
    """A table of the phone-width style: `rows` are '<td>...' cells strings, one per row."""
    cols = "".join("<col>" for _ in head[1:])
    ths = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(f"<tr>{r}</tr>" for r in rows)
    four = " ks-four" if len(head) > 3 else ""        # a narrower name column where 3 value columns share a phone
    return (f'<table class="ks-measures{four}"><colgroup><col class="ks-name">{cols}</colgroup><thead><tr>{ths}</tr>'
            f"</thead><tbody>{body}</tbody></table>")


def table_html(r: Result) -> str:
    """Every rating as an HTML table that wraps to any width (a phone included): measure, then each leg's
    value and band (one cell across both for measures of both legs), then, with both legs rated, their
    difference (engine.sides); bold: the lead of the leg's verdict."""
    legs = [leg for leg in ("left", "right") if leg in r.legs]
    diffs = {d.key: d for d in sides(r).differences}
    by_leg = {leg: {x.key: x for x in r.legs[leg].ratings} for leg in legs}
    order: list[str] = []
    for leg in legs:
        order += [x.key for x in r.legs[leg].ratings if x.key not in order]
    rows = []
    for key in order:
        ratings = {leg: by_leg[leg][key] for leg in legs if key in by_leg[leg]}
        any_r = next(iter(ratings.values()))
        label = html.escape(any_r.label)
        if any_r.experimental:
            label += ' <span class="ks-sub">experimental</span>'
        if _shared(r, key):
            label += "" if SPECS[r.test].single_leg else ' <span class="ks-sub">both legs</span>'
            cells = _cell(any_r, False, len(legs))
        else:
            cells = "".join(_cell(ratings[leg], _is_lead(r, leg, key)) if leg in ratings else "<td>-</td>"
                            for leg in legs)
        if diffs:
            d = diffs.get(key)
            noise = {True: "beyond noise", False: "within noise", None: ""}[d.beyond] if d and d.difference else ""
            cells += (f'<td>{html.escape(d.short)}<span class="ks-sub">{noise}</span></td>' if d else "<td></td>")
        rows.append(f"<td>{label}</td>{cells}")
    return table(["Measure", *(leg.capitalize() for leg in legs)] + (["Difference"] if diffs else []), rows)


def _is_lead(r: Result, leg: str, key: str) -> bool:
    lead = r.legs[leg].lead
    return lead is not None and lead.key == key


def measures_table(r: Result) -> None:
    """Every rating in a table that fits a phone, then one expander per measure with the reasons in full."""
    if not any(s.ratings for s in r.legs.values()):
        st.caption("No measure could be computed from this video.")
        return
    st.html(TABLE_CSS)
    with st.container(key="measures"):
        st.markdown(table_html(r), unsafe_allow_html=True)
    both = sides(r)
    st.caption(f"Values are medians over the {r.event_noun}s; '%' and the shifts inward or outward are a share "
               "of leg length. Bold: the measure each leg's verdict rests on. 'Both legs' measures compare the two "
               "legs with each other." + (" Difference: left against right, and whether it is more than the "
                                          "measure varies by itself (noise)." if both.differences else "")
               + " Typical ranges, reasons and sources are below.")
    if both.differences:
        with st.expander("Left and right: how the sides differ", icon=":material/compare_arrows:"):
            for d in both.differences:
                st.markdown(f"- {safe.md(d.sentence)}")
            st.caption(safe.md(NO_CUTOFF))
            for why in dict.fromkeys(d.sdd_reason for d in both.differences):
                st.caption(safe.md(why))
    with st.expander("Why each rating, and the sources", icon=":material/menu_book:"):
        seen: set[str] = set()
        for leg, s in r.legs.items():
            for x in s.ratings:
                tag = x.key if _shared(r, x.key) else f"{x.key}-{leg}"
                if tag in seen:
                    continue
                seen.add(tag)
                who = SPECS[r.test].both_words if _shared(r, x.key) else f"{leg} leg"
                spread = f" (spread between {r.event_noun}s ± {format_value(x.spread, x.unit).split()[0]})" \
                    if x.spread is not None else ""
                lead = " (the leg's verdict rests on it)" if _is_lead(r, leg, x.key) else ""
                st.markdown(f"**{x.label}, {who}: {x.band or 'not rated'}**{lead}  \n{x.reason}{spread}  \n"
                            f"How sure: {x.reliability} - {x.reliability_reason}.  \nTypical range: {x.norm}.")
                for src in x.sources:
                    st.caption(src)
