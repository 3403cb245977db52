"""The clamshell's results chart: the opening and the hip and shoulder stacks over time, the rule of thumb shaded."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from screening.core.result import Result
from screening.ui.charts import EVENT_LINE, _labelled, _range, _shade

CAPTION = ("Top: the opening, the angle between your thighs seen from the front (below zero while the knees "
           "touch). Bottom: how much shorter the hip-to-hip line (and the shoulder line) is than when you lay "
           "closed; it shortens as the pelvis rolls back. Shaded: KneeScreen's rule of thumb for the pelvis "
           "(green typical, amber watch, red marked); no validated norm exists. Numbered dashed lines: the top of "
           "each repetition, where the values are taken.")


def timeline(result: Result) -> go.Figure:
    """Opening (top) and stack shortening (bottom) over time, each repetition's top and hold marked."""
    t = result.series.time_s
    vals = result.series.values
    opening, hips, shoulders = (vals.get(k, []) for k in ("opening_deg", "hip_stack_pct", "shoulder_stack_pct"))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.09, row_heights=[0.5, 0.5],
                        subplot_titles=("Opening, deg · higher = knee more open",
                                        "Hip line, % shorter than closed · higher = rolled back"))
    fig.add_scatter(x=t, y=opening, name="Opening", mode="lines", row=1, col=1,
                    line=dict(color="#2f7fd0", width=2.4),
                    hovertemplate="opening %{y:.0f} deg at %{x:.2f} s<extra></extra>")
    lo, hi = _range([hips, shoulders], -3.0, 14.0)
    _shade(fig, "pelvis_roll", result, 2, lo, hi)
    fig.add_scatter(x=t, y=hips, name="Hip line", mode="lines", row=2, col=1, line=dict(color="#3b3f46", width=2.4),
                    hovertemplate="hip line %{y:.1f}% shorter at %{x:.2f} s<extra></extra>")
    fig.add_scatter(x=t, y=shoulders, name="Shoulder line", mode="lines", row=2, col=1,
                    line=dict(color="#8a94a3", width=1.6, dash="dot"),
                    hovertemplate="shoulder line %{y:.1f}% shorter at %{x:.2f} s<extra></extra>")
    for e in result.events:
        for row in (1, 2):
            fig.add_vline(x=e.key_s, line=dict(color=EVENT_LINE, width=1.2, dash="dash"), row=row, col=1,
                          exclude_empty_subplots=False)
    for e in _labelled(result.events, (t[-1] - t[0]) if len(t) > 1 else 1.0):   # numbers that never pile up
        fig.add_annotation(x=e.key_s, y=0.99, yref="y domain", text=str(e.index), showarrow=False,
                           yanchor="top", xanchor="left", xshift=2, font=dict(size=10), row=1, col=1)
    fig.update_yaxes(range=list(_range([opening], 0.0)), row=1, col=1, title_text="deg")
    fig.update_yaxes(range=[lo, hi], row=2, col=1, title_text="%")
    fig.update_xaxes(title_text="time in the video (s)", row=2, col=1)
    for title in fig.layout.annotations[:2]:
        title.update(x=0, xanchor="left", font=dict(size=12))
    fig.update_layout(height=520, margin=dict(l=10, r=10, t=70, b=10), hovermode="x unified",
                      legend=dict(orientation="h", yanchor="bottom", y=1.08, x=0, font=dict(size=12)),
                      dragmode=False)
    return fig
