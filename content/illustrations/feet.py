"""The foot seen from the inside: the short-foot drill and its faults."""

from __future__ import annotations

from .svg import ACCENT, BAD, BODY, EDGE, GOOD, INK, LIMB, MUTED, Svg, f


def foot_outline(svg, ox, oy, s, arch=0.0, curl=False, ball_up=False, color=BODY):
    """Inside (medial) view of a right foot, heel left. arch 0..1 lifts and shortens it."""
    def P(x, y):
        return (ox + s * x, oy + s * y)
    ball_x = 200 - 8 * arch
    ball_y = -14 if ball_up else 0
    arch_y = -8 - 34 * arch
    toe = f"L{f(P(ball_x + 26, -10)[0])},{f(P(0, -4)[1])} L{f(P(ball_x + 34, 18)[0])},{f(P(0, 0)[1])}" if curl else \
        f"L{f(P(ball_x + 62, -18 + ball_y)[0])},{f(P(0, -18 + ball_y)[1])} L{f(P(ball_x + 66, ball_y)[0])},{f(P(0, ball_y)[1])}"
    d = (f"M{f(P(10, 0)[0])},{f(P(10, 0)[1])} Q{f(P(-14, -10)[0])},{f(P(0, -10)[1])} {f(P(6, -52)[0])},{f(P(0, -52)[1])} "
         f"L{f(P(30, -120)[0])},{f(P(0, -120)[1])} L{f(P(70, -122)[0])},{f(P(0, -122)[1])} "
         f"Q{f(P(90, -78 - 14 * arch)[0])},{f(P(0, -78 - 14 * arch)[1])} {f(P(ball_x, -32 + ball_y)[0])},{f(P(0, -32 + ball_y)[1])} "
         f"{toe} L{f(P(ball_x, ball_y)[0])},{f(P(0, ball_y)[1])} "
         f"Q{f(P(110, arch_y)[0])},{f(P(0, arch_y)[1])} {f(P(30, 0)[0])},{f(P(0, 0)[1])} Z")
    svg.path(d, LIMB, 3, fill=color)
    return {"heel": P(22, 0), "ball": P(ball_x, ball_y), "arch": P(110, arch_y / 2), "toe": P(ball_x + 50, -8)}


def fig_short_foot() -> Svg:
    svg = Svg(600, 320, "Short-foot drill: relaxed foot and foot with the arch lifted, toes flat")
    for cx, arch, title, color in ((150, 0.0, "Relaxed", MUTED), (450, 1.0, "Short foot", GOOD)):
        svg.text(cx, 50, title, 23, color, weight="bold")
        svg.line((cx - 135, 250), (cx + 135, 250), MUTED, 3)
        p = foot_outline(svg, cx - 125, 250, 0.95, arch=arch, color="#8FA6BC" if arch == 0 else BODY)
        if arch:
            svg.line((p["ball"][0] - 10, 238), (p["heel"][0] + 60, 238), ACCENT, 4, arrow="accent")
            for q in (p["heel"], p["ball"]):
                svg.circle((q[0], 256), 7, fill=GOOD)
            svg.text(cx + 70, 150, "toes long\nand flat", 18, GOOD, weight="bold")
    svg.line((300, 24), (300, 300), EDGE, 2)
    svg.text(450, 292, "big-toe ball drawn to heel", 18, ACCENT)
    svg.text(150, 292, "low arch", 18, MUTED)
    return svg


def fig_short_foot_fault() -> Svg:
    svg = Svg(600, 300, "Short-foot faults: toes curling, and the ball of the foot lifting")
    for cx, curl, up, title in ((150, True, False, "Toes curl"), (450, False, True, "Ball lifts")):
        svg.mark(cx - 70, 44, False, 28)
        svg.text(cx - 50, 53, title, 23, BAD, "start", "bold")
        svg.line((cx - 135, 240), (cx + 135, 240), MUTED, 3)
        p = foot_outline(svg, cx - 125, 240, 0.95, arch=0.6, curl=curl, ball_up=up)
        svg.circle((p["toe"][0] if curl else p["ball"][0], 220 if curl else 228), 24, fill="none", stroke=BAD, width=4)
    svg.line((300, 24), (300, 252), EDGE, 2)
    svg.text(300, 282, "Keep toes long and the ball of the foot down", 19, INK)
    return svg


