"""The three parts of dynamic knee valgus in a right leg seen from the front, with views from above."""

from __future__ import annotations

import math

from .feet import foot_outline
from .svg import ACCENT, BAD, BAND, EDGE, INK, LIMB, MUTED, Svg, f, limb

GHOST = "#B8C4D0"
INSIDE_VIEW = dict(mirror=True)  # the inside of a RIGHT foot, seen from the midline: toes to the viewer's left


def _ring(svg, c, rx, ry, toward: int) -> None:
    """A rotation ring around a limb: the far half dashed, the near (front) half an arrow moving the front
    of the limb toward the viewer's right (toward=1) or left (toward=-1)."""
    svg.path(f"M{f(c[0] - rx)},{f(c[1])} A{f(rx)},{f(ry)} 0 0 1 {f(c[0] + rx)},{f(c[1])}", BAD, 2.5, dash="4 4")
    a, b = (c[0] - rx, c[0] + rx) if toward > 0 else (c[0] + rx, c[0] - rx)
    sweep = 0 if toward > 0 else 1
    svg.path(f"M{f(a)},{f(c[1])} A{f(rx)},{f(ry)} 0 0 {sweep} {f(b)},{f(c[1])}", BAD, 4, arrow="bad")


def _from_above(svg, c, marks, arrow, label):
    """A limb cross-section seen from above, labelled: the front of the body at the bottom ('front'), the
    midline to the right (dashed, as in the view above); marks = [(angle deg, colour)], arrow = (from, to)."""
    svg.circle(c, 28, fill="#FFFFFF", stroke=LIMB, width=3)
    for ang, color in marks:
        r = math.radians(ang)
        svg.circle((c[0] + 28 * math.cos(r), c[1] + 28 * math.sin(r)), 8, fill=color)
    svg.arc(c, 42, arrow[0], arrow[1], BAD, 4, arrow="bad")
    svg.line((c[0] + 66, c[1] - 30), (c[0] + 66, c[1] + 30), MUTED, 2, dash="3 5")  # the midline side
    svg.text(c[0] - 10, c[1] - 40, "from above", 16, MUTED)
    svg.text(c[0] - 32, c[1] + 34, "front", 16, INK, "end", "bold")
    svg.text(c[0] - 32, c[1] - 14, "back", 16, MUTED, "end")
    svg.text(c[0] + 8, c[1] + 72, label, 16, MUTED)


def fig_valgus_components() -> Svg:
    svg = Svg(600, 540, "The three parts of dynamic knee valgus: a right leg seen from the front, midline on the right")
    titles = ("1  Hip", "2  Shin", "3  Foot")
    notes = ("thigh turns in,\nmoves to midline", "shin turns out\nvs the thigh", "foot rolls in,\narch flattens")
    for i, cx in enumerate((100, 300, 500)):
        svg.text(cx, 44, titles[i], 24, BAD, weight="bold")
        svg.text(cx, 484, notes[i], 19)
        mid = cx + 66  # the body's midline: to the viewer's right of a right leg seen from the front
        svg.line((mid, 66), (mid, 286), MUTED, 2, dash="4 6")
        svg.text(mid - 4, 80, "midline", 15, MUTED, "end")
        svg.line((cx - 80, 286), (cx + 80, 286), MUTED, 2)
        hip, ank = (cx - 8, 96), (cx - 4, 262)
        knee0, knee = (cx - 6, 180), (cx + 20, 180)
        limb(svg, hip, knee0, ank, width=18, color=GHOST)  # neutral leg, faint
        svg.line(hip, ank, ACCENT, 2.5, dash="6 6")
        if i < 2:
            limb(svg, hip, knee, ank, width=20, color=LIMB)
            svg.add(f'<ellipse cx="{f(ank[0])}" cy="276" rx="24" ry="8" fill="{LIMB}"/>')
            seg = (hip, knee) if i == 0 else (knee, ank)
            limb(svg, *seg, width=20, color=BAD, opacity=0.45)
            c = ((seg[0][0] + seg[1][0]) / 2, (seg[0][1] + seg[1][1]) / 2)
            _ring(svg, c, 24, 8, 1 if i == 0 else -1)
            if i == 0:
                svg.line((knee0[0] + 4, knee[1] + 2), (knee[0] - 10, knee[1] + 2), BAD, 3.5, arrow="bad")
                _from_above(svg, (cx - 10, 370), [(90, GHOST), (50, BAD)], (92, 52), "thigh front turns in")
            else:
                _from_above(svg, (cx - 10, 370), [(50, GHOST), (100, BAD)], (52, 98), "shin front vs thigh")
        else:  # the foot rolls onto its inner edge: the shin leans in over a tilted foot
            ank_in = (cx + 6, 262)
            limb(svg, hip, knee, ank_in, width=20, color=LIMB)
            svg.poly([(cx - 26, 268), (cx + 32, 280), (cx + 30, 286), (cx - 28, 282)], LIMB, 4, fill=BAD,
                     closed=True, opacity=0.75)
            # one arrow over the ankle: the foot rolls toward the midline (to the right), its inner edge down
            svg.path(f"M{cx - 44},{232} Q{cx - 6},{212} {cx + 30},{250}", BAD, 4, arrow="bad")
            svg.text(cx - 50, 228, "rolls in", 16, BAD, "end", "bold")
            # the inside of a RIGHT foot: seen from the midline, its toes point to the viewer's left
            foot_outline(svg, cx + 88, 420, 0.62, arch=0.0, color="#8FA6BC", **INSIDE_VIEW)
            svg.path(f"M{f(cx + 70)},{420} Q{f(cx + 22)},{376} {f(cx - 30)},{420}", BAND, 3.5, dash="5 4")
            svg.text(cx - 50, 380, "normal\narch", 16, BAND, weight="bold")
            svg.text(cx, 446, "inside view: arch drops", 16, MUTED)
    for x in (200, 400):
        svg.line((x, 24), (x, 516), EDGE, 2)
    return svg
