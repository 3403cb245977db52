"""The foot seen from the inside: the short-foot drill and its faults (toes drawn as their own segments)."""

from __future__ import annotations

from .svg import ACCENT, BAD, BODY, EDGE, GOOD, INK, LIMB, MUTED, Svg, f


def foot_outline(svg, ox, oy, s, arch=0.0, toes="flat", ball_up=False, color=BODY, mirror=False):
    """Inside (medial) view of a left foot, heel left, toes right (``mirror``: a right foot, toes left). arch
    0..1 lifts and shortens it; toes 'flat' lie long on the floor, 'curl' claw (knuckle up, tip pressed down);
    ball_up lifts the ball."""
    side = -1 if mirror else 1

    def P(x, y):
        return (ox + side * s * x, oy + s * y)

    def xy(x, y):
        q = P(x, y)
        return f"{f(q[0])},{f(q[1])}"
    ball_x = 196 - 8 * arch
    lift = -24 if ball_up else 0
    arch_y = -8 - 34 * arch
    d = (f"M{xy(10, 0)} Q{xy(-14, -10)} {xy(6, -52)} L{xy(30, -120)} L{xy(70, -122)} "
         f"Q{xy(92, -80 - 14 * arch)} {xy(ball_x, -30 + lift)} Q{xy(ball_x + 16, -16 + lift)} {xy(ball_x + 8, lift)} "
         f"Q{xy(110, arch_y)} {xy(30, 0)} Z")
    svg.path(d, LIMB, 3, fill=color)
    base = P(ball_x + 6, -9 + lift)
    if toes == "curl":  # claw: the joint nearest the foot bends up, the tip presses into the floor
        knuckle, tip = P(ball_x + 30, -34), P(ball_x + 48, -4)
        svg.poly([base, knuckle, tip], LIMB, 16 * s + 3)
        svg.poly([base, knuckle, tip], color, 16 * s - 3)
    else:
        tip = P(ball_x + 62, -8)  # lying on the floor, also when the ball lifts
        svg.poly([base, tip], LIMB, 16 * s + 3)
        svg.poly([base, tip], color, 16 * s - 3)
    return {"heel": P(22, 0), "ball": P(ball_x, lift), "arch": P(110, arch_y / 2), "toe": tip, "toe_base": base,
            "knuckle": knuckle if toes == "curl" else None}


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
    svg = Svg(600, 320, "Short-foot faults: toes curling and gripping, and the ball of the foot lifting")
    for cx, toes, up, title, note in ((150, "curl", False, "Toes curl", "toes claw and grip"),
                                      (450, "flat", True, "Ball lifts", "big-toe ball off the floor")):
        svg.mark(cx - 70, 44, False, 28)
        svg.text(cx - 50, 53, title, 23, BAD, "start", "bold")
        svg.line((cx - 135, 240), (cx + 135, 240), MUTED, 3)
        p = foot_outline(svg, cx - 125, 240, 0.95, arch=0.6, toes=toes, ball_up=up)
        if toes == "curl":
            svg.circle((p["toe"][0] - 12, 222), 30, fill="none", stroke=BAD, width=4)
        else:
            svg.line((p["ball"][0] + 6, 240), (p["ball"][0] + 6, p["ball"][1] + 2), BAD, 3, arrow="bad")
            svg.circle((p["ball"][0] + 6, 226), 26, fill="none", stroke=BAD, width=4)
        svg.text(cx, 276, note, 18, BAD)
    svg.line((300, 24), (300, 290), EDGE, 2)
    svg.text(300, 306, "Keep toes long and the ball of the foot down", 19, INK)
    return svg
