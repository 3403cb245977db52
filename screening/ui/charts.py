"""Plotly figures for a Result: knee angle and separation over time, and a stick figure at a key frame."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from screening.engine.metrics import SERIES_INFO
from screening.engine.norms import norm_for, plausible
from screening.core.result import Event, Result
from screening.core.vocab import BAND_COLOURS, rgba
from screening.core.specs import SPECS

LEG_COLOURS = {"left": "#2f7fd0", "right": "#c2569f"}
BAND_FILL = {band: rgba(colour, 0.15) for band, colour in BAND_COLOURS.items()}
EVENT_LINE = "rgba(120,130,145,0.85)"
LABEL_GAP = 0.06            # event numbers on the timeline: at least this share of the time axis apart
ZONE_LABEL_MIN = 0.12       # a band zone is named on the chart when it fills at least this share of the axis


def _legs(result: Result) -> list[str]:
    return [result.leg] if SPECS[result.test].single_leg and result.leg else ["left", "right"]


def _range(values: list[list[float | None]], *extra: float) -> tuple[float, float]:
    finite = [v for vs in values for v in vs if v is not None] + list(extra)
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = max((hi - lo) * 0.12, 1e-3)
    return lo - pad, hi + pad


def _shade(fig: go.Figure, measure: str, result: Result, row: int, lo: float, hi: float) -> str | None:
    """Shade the typical / watch / marked zones of a measure from its published norm; return its text."""
    norm = norm_for(measure, result.test, result.sex)
    if norm is None:
        return None
    if norm.higher_is_worse:
        zones = [("typical", lo, norm.watch), ("watch", norm.watch, norm.marked), ("marked", norm.marked, hi)]
    else:
        zones = [("marked", lo, norm.marked), ("watch", norm.marked, norm.watch), ("typical", norm.watch, hi)]
    for band, y0, y1 in zones:
        y0, y1 = max(y0, lo), min(y1, hi)
        if y1 <= y0:
            continue
        named = (y1 - y0) >= ZONE_LABEL_MIN * (hi - lo)    # a thin zone's name would sit on its neighbour's
        fig.add_hrect(y0=y0, y1=y1, fillcolor=BAND_FILL[band], line_width=0, layer="below", row=row, col=1,
                      exclude_empty_subplots=False,
                      annotation_text=band if named else None, annotation_position="top left",
                      annotation_font=dict(size=10, color=BAND_COLOURS[band]))
    return norm.text


def _labelled(events: list[Event], span: float) -> list[Event]:
    """The events whose number is written on the chart: each at least LABEL_GAP of the time axis after the
    last one written, so the numbers never pile up, even on a phone."""
    out: list[Event] = []
    for e in events:
        if not out or e.key_s - out[-1].key_s >= LABEL_GAP * span:
            out.append(e)
    return out


def _value_at(e: Event, leg: str, key: str) -> float | None:
    """The value measured at an event, or None where the engine found it not valid there."""
    return next((mv.value for mv in e.values.get(leg, []) if mv.key == key and mv.reliability != "poor"), None)


def timeline(result: Result) -> go.Figure:
    """FPPA per leg (top) and the knee separation ratio, or pelvic drop on one leg (bottom), over time,
    with the typical range shaded and each repetition or landing marked."""
    t = result.series.time_s
    vals = result.series.values
    single = SPECS[result.test].single_leg
    lower_key, lower_measure = ("pelvic_drop_deg", "pelvic_drop") if single else ("kasr", "kasr")
    lower_label, lower_unit = SERIES_INFO[lower_key]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.09, row_heights=[0.6, 0.4],
                        subplot_titles=("Knee angle (FPPA), deg · higher = knee more inward",
                                        f"{lower_label}" + (f", {lower_unit}" if lower_unit else "")
                                        + (" · lower = knees closer" if not single else "")))
    legs = _legs(result)
    # Where the engine marks the angle invalid (thigh pointing at the camera, or outside what a knee can
    # read from the front) draw it faint and dotted, and leave it out of the axis range so the valid part
    # stays readable; the faint line is clipped at the axis edge.
    raw = [vals.get(f"fppa_{leg}_deg", []) for leg in legs]
    ok = [vals.get(f"fppa_{leg}_valid") or [1] * len(r) for leg, r in zip(legs, raw)]
    fppa = [[y if k == 1 else None for y, k in zip(r, v)] for r, v in zip(raw, ok)]
    hidden = [[y if k != 1 else None for y, k in zip(r, v)] for r, v in zip(raw, ok)]
    lo, hi = _range(fppa)
    norm = norm_for("fppa", result.test, result.sex)
    if norm is not None:
        lo, hi = _range(fppa, norm.watch - 2, norm.marked + 3)
    _shade(fig, "fppa", result, 1, lo, hi)
    for leg, ys, faint in zip(legs, fppa, hidden):
        fig.add_scatter(x=t, y=ys, name=f"{leg.capitalize()} knee", mode="lines", row=1, col=1,
                        line=dict(color=LEG_COLOURS[leg], width=2.4), legendgroup=leg,
                        hovertemplate=f"{leg} FPPA %{{y:.0f}} deg at %{{x:.2f}} s<extra></extra>")
        if any(y is not None for y in faint):
            fig.add_scatter(x=t, y=faint, mode="lines", row=1, col=1, showlegend=False, legendgroup=leg,
                            opacity=0.35, line=dict(color=LEG_COLOURS[leg], width=1.2, dash="dot"),
                            hovertemplate=f"{leg} FPPA %{{y:.0f}} deg: not valid here (thigh toward the "
                                          "camera, body points implausible, or the leg not standing)"
                                          "<extra></extra>")
        key_x = [e.key_s for e in result.events]
        key_y = [_value_at(e, leg, "fppa") for e in result.events]
        fig.add_scatter(x=key_x, y=key_y, mode="markers", row=1, col=1, showlegend=False, legendgroup=leg,
                        marker=dict(color=LEG_COLOURS[leg], size=10, symbol="diamond",
                                    line=dict(width=1.5, color="white")),
                        hovertemplate=f"{leg}: %{{y:.0f}} deg (measured here)<extra></extra>")
    raw_low = vals.get(lower_key, [])
    low = [y if y is not None and plausible(lower_measure, y) else None for y in raw_low]   # axis: rated range
    lo2, hi2 = _range([low])
    n2 = norm_for(lower_measure, result.test, result.sex)
    if n2 is not None:
        lo2, hi2 = _range([low], n2.watch, n2.marked)
    _shade(fig, lower_measure, result, 2, lo2, hi2)
    fig.add_scatter(x=t, y=low, name=lower_label, mode="lines", row=2, col=1,
                    line=dict(color="#7a5cc4" if not single else "#3b9a8f", width=2.2),
                    hovertemplate=f"{lower_label} %{{y:.2f}} at %{{x:.2f}} s<extra></extra>")
    for e in result.events:
        for row in (1, 2):
            fig.add_vline(x=e.key_s, line=dict(color=EVENT_LINE, width=1.2, dash="dash"), row=row, col=1,
                          exclude_empty_subplots=False)
            if e.contact_s is not None:
                fig.add_vline(x=e.contact_s, line=dict(color=EVENT_LINE, width=1, dash="dot"), row=row, col=1,
                              exclude_empty_subplots=False)
    span = (t[-1] - t[0]) if len(t) > 1 else 1.0
    for e in _labelled(result.events, span):   # the number only: the caption says what the lines are
        fig.add_annotation(x=e.key_s, y=0.01, yref="y domain", text=str(e.index), showarrow=False,
                           yanchor="bottom", xanchor="left", xshift=2, font=dict(size=10), align="left",
                           row=1, col=1)      # at the foot of the plot: the band names sit at the top
    fig.update_yaxes(range=[lo, hi], row=1, col=1, title_text="deg")
    fig.update_yaxes(range=[lo2, hi2], row=2, col=1, title_text=lower_unit or "ratio")
    fig.update_xaxes(title_text="time in the video (s)", row=2, col=1)
    for title in fig.layout.annotations[:2]:   # the two subplot titles: left-aligned, readable on a phone
        title.update(x=0, xanchor="left", font=dict(size=12))
    fig.update_layout(height=560, margin=dict(l=10, r=10, t=70, b=10), hovermode="x unified",
                      legend=dict(orientation="h", yanchor="bottom", y=1.08, x=0, font=dict(size=12)),
                      dragmode=False)
    return fig


SKELETON = [("shoulder", "shoulder"), ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
            ("hip", "hip")]
LEG_CHAIN = ("hip", "knee", "ankle", "heel", "toe", "ankle")


def skeleton(result: Result, frame: int, title: str = "") -> go.Figure | None:
    """The tracked hip-knee-ankle lines at one frame (for results without an annotated video)."""
    pts = result.series.points
    try:
        i = result.series.frame.index(frame)
    except ValueError:
        return None

    def p(name: str) -> tuple[float | None, float | None]:
        xy = pts.get(name, [])[i] if i < len(pts.get(name, [])) else None
        return (xy[0], xy[1]) if xy and xy[0] is not None and xy[1] is not None else (None, None)

    fig = go.Figure()
    trunk = ["left_shoulder", "right_shoulder", "right_hip", "left_hip", "left_shoulder"]
    xs, ys = zip(*[p(n) for n in trunk])
    fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(color="#8a94a3", width=3), hoverinfo="skip",
                    showlegend=False)
    for leg in ("left", "right"):
        band = result.legs[leg].band if leg in result.legs else None
        xs, ys = zip(*[p(f"{leg}_{part}") for part in LEG_CHAIN])
        fig.add_scatter(x=xs, y=ys, mode="lines+markers", name=f"{leg.capitalize()} leg",
                        line=dict(color=BAND_COLOURS[band], width=5), marker=dict(size=8),
                        hovertemplate=f"{leg} %{{x:.0f}}, %{{y:.0f}} px<extra></extra>")
    xs_all = [xy[0] for seq in pts.values() for xy in seq if xy and xy[0] is not None]
    ys_all = [xy[1] for seq in pts.values() for xy in seq if xy and xy[1] is not None]
    if xs_all and ys_all:   # frame the person (over the whole clip, so every moment has the same frame)
        x0, x1, y0, y1 = min(xs_all), max(xs_all), min(ys_all), max(ys_all)
        pad = 0.12 * max(x1 - x0, y1 - y0)
        x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    else:
        x0, x1, y0, y1 = 0, result.video.width, 0, result.video.height
    fig.update_xaxes(visible=False, range=[x0, x1], constrain="domain")
    fig.update_yaxes(visible=False, range=[y1, y0], scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_layout(height=340, margin=dict(l=0, r=0, t=40 if title else 10, b=0), title=title or None,
                      legend=dict(orientation="h", y=-0.02), dragmode=False)
    return fig
