"""Filming set-ups for the checks the app makes from a video: the clamshell, filmed lying from the front."""

from __future__ import annotations

from .svg import ACCENT, BODY, EDGE, GOOD, INK, LIMB, MAT, MUTED, Svg, limb


def _phone(svg: Svg, x: float, y: float, w: float, h: float) -> None:
    svg.rect(x, y, w, h, INK, rx=5)
    svg.circle((x + w / 2, y + 6), 3, fill="#FFFFFF")


def _front_view(svg: Svg, x: float, y: float, s: float) -> None:
    """The lying person as the phone sees them: head right, hips stacked, top knee slightly open."""
    hb, ht = (x, y - 14 * s), (x, y - 46 * s)
    limb(svg, (x + 10 * s, y - 10 * s), (x + 96 * s, y - 12 * s), width=20 * s, color=BODY)      # trunk
    limb(svg, (x + 10 * s, y - 42 * s), (x + 92 * s, y - 40 * s), width=12 * s, color=BODY)
    svg.circle((x + 116 * s, y - 22 * s), 14 * s)                                                 # head
    limb(svg, hb, (x - 56 * s, y - 10 * s), (x - 80 * s, y - 18 * s), width=12 * s, color="#6B8299")
    limb(svg, ht, (x - 54 * s, y - 52 * s), (x - 80 * s, y - 26 * s), width=12 * s, color=LIMB)
    svg.line(hb, ht, GOOD, 5 * s)
    svg.circle(hb, 4 * s, fill=GOOD)
    svg.circle(ht, 4 * s, fill=GOOD)


def fig_clamshell_filming() -> Svg:
    svg = Svg(600, 400, "Filming the clamshell: the phone on the floor or a low shelf, 1.5 to 3 metres in front of "
                        "the body, lens at hip height; the picture shows the whole body lying across it, hips "
                        "stacked")
    svg.text(160, 40, "Seen from above", 20, MUTED, weight="bold")
    svg.rect(40, 64, 250, 92, MAT, rx=12)                                   # the mat, the person on it
    limb(svg, (110, 104), (215, 104), width=34, color=BODY)
    svg.circle((240, 104), 18)
    limb(svg, (110, 104), (80, 136), (62, 104), width=16, color=LIMB)       # thighs forward 45 deg, knees 90
    limb(svg, (214, 96), (200, 124), (150, 118), width=10, color="#2F4356")
    _phone(svg, 146, 292, 34, 20)                                           # the phone, facing the body
    svg.poly([(163, 292), (40, 70), (290, 70)], ACCENT, 2, fill=ACCENT, closed=True, opacity=0.10)
    svg.line((330, 132), (330, 286), INK, 3, arrow="ink")
    svg.line((330, 286), (330, 132), INK, 3, arrow="ink")
    svg.text(320, 216, "1.5-3 m", 20, INK, "end", "bold")
    svg.text(163, 340, "in front of your body,", 19, INK)
    svg.text(163, 364, "square to it, propped still", 19, INK)
    # what the phone shows: the whole body across a landscape picture, hips stacked one above the other
    svg.text(480, 40, "What the phone sees", 20, MUTED, weight="bold")
    svg.rect(392, 60, 178, 112, "#FFFFFF", rx=12, stroke=INK, width=3)
    svg.line((402, 150), (560, 150), EDGE, 2)
    _front_view(svg, 456, 150, 0.7)
    svg.text(481, 196, "whole body across,", 18, INK)
    svg.text(481, 220, "hips stacked", 18, GOOD, weight="bold")
    # seen from the side: the lens at hip height, on the floor
    svg.line((392, 330), (580, 330), MUTED, 3)
    svg.rect(400, 300, 10, 30, INK, rx=2)                                   # phone propped on the floor
    svg.rect(510, 312, 60, 18, BODY, rx=8)                                  # the lying body, end on
    svg.line((410, 312), (508, 318), ACCENT, 2, dash="5 5")
    svg.text(486, 270, "lens at hip height,", 18, ACCENT, weight="bold")
    svg.text(486, 292, "not above", 18, ACCENT, weight="bold")
    svg.text(486, 362, "(floor or a low shelf)", 17, MUTED)
    return svg
