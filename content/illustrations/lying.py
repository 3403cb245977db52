"""Floor exercises: the clamshell (a small 3D model, projected), side-lying and side-plank work, bridge, deadlift."""

from __future__ import annotations

import math

from .svg import (
    ACCENT,
    BAD,
    BAND,
    BODY,
    EDGE,
    GOOD,
    INK,
    MAT,
    MUTED,
    Svg,
    f,
    floor,
    lerp,
    limb,
)


# --- clamshell: a lying figure in a simple 3D model, projected obliquely (viewer in front, above)
def _rot(p, a, b, deg):
    """Rotate point p about the axis through a and b (Rodrigues)."""
    k = [b[i] - a[i] for i in range(3)]
    n = math.sqrt(sum(c * c for c in k))
    k = [c / n for c in k]
    v = [p[i] - a[i] for i in range(3)]
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    dot = sum(k[i] * v[i] for i in range(3))
    cross = (k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0])
    return tuple(a[i] + v[i] * c + cross[i] * s + k[i] * dot * (1 - c) for i in range(3))


def clam_figure(svg, ox, oy, s=1.0, lift=0.0, roll=0.0, opacity=1.0, mat=True):
    """Side-lying clamshell figure; returns projected key points. roll > 0 = pelvis rolled back."""
    def P(p):
        x, y, z = p
        return (ox + s * (x - 0.35 * y), oy - s * z + s * 0.42 * y)

    r = math.radians(roll)
    bh, th = (0, 0, 0), (0, -46 * math.sin(r), 46 * math.cos(r))
    bs, ts = (-190, 0, 0), (-190, -60 * math.sin(r * 0.8), 60 * math.cos(r * 0.8))
    c45 = math.cos(math.radians(45))
    thigh, shin = (125 * c45, 125 * c45, 0), (118 * c45, -118 * c45, 0)
    bk = tuple(bh[i] + thigh[i] for i in range(3))
    bf = tuple(bk[i] + shin[i] for i in range(3))
    tf = (bf[0], bf[1], 40)
    tk0 = tuple(th[i] + thigh[i] for i in range(3))
    tk = _rot(tk0, th, tf, lift + roll * 0.8)
    if mat:
        svg.poly([P((-270, -60, -24)), P((240, -60, -24)), P((240, 130, -24)), P((-270, 130, -24))],
                 EDGE, 2, fill=MAT, closed=True, opacity=opacity)
    limb(svg, P(bs), P((-236, 34, -12)), P((-268, 8, 6)), width=14 * s, opacity=opacity)
    limb(svg, P(bh), P(bk), P(bf), width=20 * s, color="#6B8299", opacity=opacity)
    svg.poly([P(bs), P(ts), P(th), P(bh)], BODY, 26 * s, fill=BODY, closed=True, opacity=opacity)
    svg.circle(P((-262, 0, 34)), 27 * s, fill=BODY, opacity=opacity)
    limb(svg, P(th), P(tk), P(tf), width=20 * s, opacity=opacity)
    elbow = tuple((ts[i] + th[i]) / 2 + (0, 30, 36)[i] for i in range(3))
    limb(svg, P(ts), P(elbow), P((th[0], th[1] + 10, th[2] + 12)), width=12 * s, color="#2F4356", opacity=opacity)
    return {"knee": P(tk), "foot": P(tf), "top_hip": P(th), "bottom_hip": P(bh), "belly": P((-95, 30, 10)),
            "knee0": P(tk0)}


def pelvis_icon(svg, x, y, roll, ok):
    """The pelvis seen from the feet: a vertical (stacked) or tilted (rolled back) bar over the floor."""
    svg.rect(x - 74, y - 62, 148, 124, "#FFFFFF", rx=12, stroke=EDGE, width=2)
    svg.line((x - 44, y + 34), (x + 44, y + 34), MUTED, 2)
    a = math.radians(roll)  # rolling back tips the top hip toward the back, on the right
    top = (x + 70 * math.sin(a) * 0.9, y + 28 - 70 * math.cos(a))
    svg.line((x, y + 28), top, GOOD if ok else BAD, 14)
    svg.line((x, y - 50), (x, y + 28), MUTED, 1.5, dash="4 4")
    svg.text(x - 66, y - 40, "front", 14, INK, "start", "bold")
    svg.text(x + 66, y - 40, "back", 14, INK, "end", "bold")
    svg.text(x, y + 54, "pelvis from feet", 15, MUTED)


def fig_clamshell_setup() -> Svg:
    svg = Svg(600, 360, "Clamshell set-up seen from above: the head rests on the lower arm, hips bent 45 degrees, "
                        "knees 90 degrees, heels in line with the spine, top hand on the top hip")
    svg.text(300, 42, "Seen from above", 22, MUTED, weight="bold")
    y, hip = 170, (330, 170)
    svg.rect(40, 90, 530, 190, MAT, rx=16)
    knee = (hip[0] + 120 * 0.707, y + 120 * 0.707)
    foot = (knee[0] + 115 * 0.707, knee[1] - 115 * 0.707)
    svg.line((110, y), (560, y), ACCENT, 2.5, dash="7 6")
    limb(svg, (150, y), hip, width=44, color=BODY)
    limb(svg, (150, y + 4), (92, y + 10), (52, y + 4), width=16, color="#2F4356")  # the lower arm, under the head
    svg.circle((100, y - 4), 30)
    limb(svg, (150, y - 18), (240, y - 30), (320, y - 12), width=12, color="#2F4356")
    svg.circle((324, y - 10), 9, fill="#2F4356")
    limb(svg, hip, knee, foot, width=22)
    svg.arc(hip, 52, 0, 45, ACCENT, 3)
    svg.text(268, 236, "hips 45°", 19, ACCENT, "start", "bold")
    svg.poly([(knee[0] - 16, knee[1] - 16), (knee[0], knee[1] - 32), (knee[0] + 16, knee[1] - 16)], ACCENT, 3)
    svg.text(knee[0] + 22, knee[1] + 12, "knees 90°", 19, ACCENT, "start", "bold")
    svg.text(486, 116, "heels in line\nwith your spine", 18, ACCENT, "middle")
    svg.text(260, 82, "top hand on top hip", 18, INK)
    svg.line((268, 90), (316, 146), INK, 2.5, arrow="ink")
    svg.text(104, 240, "head on the\nlower arm", 18, INK)
    svg.text(300, 322, "hips stacked, feet together", 19, INK)
    return svg


def fig_clamshell_lift() -> Svg:
    svg = Svg(600, 400, "Clamshell lift seen from in front, a little above: the knee opens, the feet stay together; "
                        "inset: the pelvis seen from the feet stays upright")
    svg.text(300, 376, "Seen from in front, a little above", 19, MUTED, weight="bold")
    pelvis_icon(svg, 96, 94, 0, True)
    clam_figure(svg, 330, 250, 1.0, lift=0, opacity=0.35)
    pts_ = clam_figure(svg, 330, 250, 1.0, lift=38, mat=False)
    svg.path(f"M{f(pts_['knee0'][0] + 24)},{f(pts_['knee0'][1] - 8)} Q{f(pts_['knee'][0] + 60)},"
             f"{f((pts_['knee0'][1] + pts_['knee'][1]) / 2)} {f(pts_['knee'][0] + 24)},{f(pts_['knee'][1] + 8)}",
             GOOD, 4, arrow="good")
    svg.text(pts_["knee"][0] + 40, pts_["knee"][1] - 14, "knee opens", 20, GOOD, "start", "bold")
    svg.text(pts_["foot"][0] - 10, pts_["foot"][1] + 90, "feet stay together", 19, INK)
    svg.text(pts_["top_hip"][0] - 40, 54, "pelvis stays still", 19, INK)
    svg.line((pts_["top_hip"][0] - 40, 64), (pts_["top_hip"][0] - 4, pts_["top_hip"][1] - 16), INK, 2.5, arrow="ink")
    return svg


def fig_clamshell_breathing() -> Svg:
    svg = Svg(600, 360, "Clamshell breathing: breathe out as you lift, in as you lower, belly lightly braced")
    pts_ = clam_figure(svg, 330, 250, 1.0, lift=34)
    svg.line((150, 88), (150, 42), GOOD, 5, arrow="good")
    svg.text(166, 58, "breathe OUT\nas you lift", 19, GOOD, "start", "bold")
    svg.line((420, 42), (420, 88), ACCENT, 5, arrow="accent")
    svg.text(436, 58, "breathe IN\nas you lower", 19, ACCENT, "start", "bold")
    bx, by = pts_["belly"]
    for r in (14, 24):
        svg.arc((bx, by + 6), r, 20, 160, BAND, 3)
    svg.text(bx - 10, by + 70, "belly lightly braced", 19, BAND, "middle", "bold")
    return svg


def fig_clamshell_tempo() -> Svg:
    svg = Svg(600, 250, "Clamshell tempo: lift 1 second, hold 2 seconds, lower 2 seconds")
    x0, unit, y = 50, 100, 90
    for label, secs, color in (("LIFT", 1, GOOD), ("HOLD", 2, ACCENT), ("LOWER", 2, BAND)):
        w = secs * unit
        svg.rect(x0 + 2, y, w - 4, 64, color, rx=12)
        svg.text(x0 + w / 2, y + 30, label, 20, "#FFFFFF", weight="bold")
        svg.text(x0 + w / 2, y + 54, f"{secs} s", 18, "#FFFFFF")
        x0 += w
    svg.text(300, 56, "One repetition, about 5 seconds", 22, INK, weight="bold")
    for i in range(6):
        svg.line((50 + i * unit, y + 76), (50 + i * unit, y + 88), MUTED, 2)
        svg.text(50 + i * unit, y + 112, f"{i}", 17, MUTED)
    svg.text(300, 232, "breathe out on the lift, no bounce at the bottom", 18, MUTED)
    return svg


def pelvis_from_feet(svg, x, y, roll, ok):
    """The pelvis seen from the feet, big and labelled: the front (belly) on the left, the back on the right,
    the floor below. Stacked, the top hip is straight above the bottom one (dashed line); roll > 0 tips the
    top hip backward (to the right), with the angle and a 'rolls back' arrow."""
    svg.rect(x - 128, y - 118, 256, 214, "#FFFFFF", rx=14, stroke=EDGE, width=2)
    gy = y + 62
    svg.line((x - 110, gy), (x + 110, gy), MUTED, 3)
    svg.text(x - 114, y - 92, "FRONT", 17, INK, "start", "bold")
    svg.text(x - 114, y - 72, "belly", 16, MUTED, "start")
    svg.text(x + 114, y - 92, "BACK", 17, INK, "end", "bold")
    bottom, length, a = (x, gy - 22), 104, math.radians(roll)
    top = (bottom[0] + length * math.sin(a), bottom[1] - length * math.cos(a))
    svg.line(bottom, (bottom[0], bottom[1] - length - 14), MUTED, 2, dash="5 5")
    color = GOOD if ok else BAD
    svg.line(bottom, top, BODY, 46)
    svg.line(bottom, top, color, 8)
    for q in (top, bottom):
        svg.circle(q, 11, fill="#FFFFFF", stroke=color, width=4)
    if roll:
        svg.arc(bottom, 74, -90, -90 + roll, BAD, 6, arrow="bad")
        svg.text(x + 114, y - 68, "rolls back", 19, BAD, "end", "bold")
    else:
        svg.text(top[0] + 20, top[1] + 6, "top hip", 16, GOOD, "start", "bold")
        svg.text(x + 24, gy - 44, "stacked", 19, GOOD, "start", "bold")
    svg.text(x, gy + 26, "seen from the feet", 16, MUTED)


def fig_clamshell_fault() -> Svg:
    svg = Svg(600, 500, "Clamshell: correct form next to the pelvis rolling back; below each, the pelvis seen from "
                        "the feet with the front (belly) on the left and the back on the right")
    for cx, ok, roll, lift, title, note in (
            (150, True, 0, 26, "Correct", "hips stacked,\nsmaller lift: glutes"),
            (450, False, 40, 60, "Pelvis rolls back", "knee looks higher,\nglutes work less")):
        svg.mark(cx - 110 if ok else cx - 132, 40, ok)
        svg.text(cx - 88 if ok else cx - 110, 49, title, 23, GOOD if ok else BAD, "start", "bold")
        p = clam_figure(svg, cx + 26, 150, 0.5, lift=lift, roll=roll, mat=False)
        svg.line((cx - 135, 164), (cx + 135, 164), MUTED, 2)
        if not ok:
            svg.text(p["knee"][0] - 16, p["knee"][1] - 10, "knee higher", 16, BAD, "end", "bold")
        pelvis_from_feet(svg, cx, 300, roll, ok)
        svg.text(cx, 444, note, 19)
    svg.line((300, 24), (300, 484), EDGE, 2)
    return svg


def fig_side_lying_abduction() -> Svg:
    svg = Svg(600, 340, "Side-lying hip abduction seen from the front: top leg straight, lifted about 30 degrees, toes "
                        "pointing forward")
    floor(svg, 290)
    hip = (320, 258)
    svg.circle((86, 246), 26)
    limb(svg, (60, 284), (96, 276), (130, 272), width=12)
    limb(svg, (132, 262), hip, width=40, color=BODY)
    limb(svg, (150, 250), (220, 276), (250, 282), width=12, color="#2F4356")
    limb(svg, (hip[0], 272), (430, 282), (380, 280), width=18, color="#6B8299")
    a = math.radians(30)
    knee = (hip[0] + 120 * math.cos(a), hip[1] - 120 * math.sin(a))
    foot = (hip[0] + 235 * math.cos(a), hip[1] - 235 * math.sin(a))
    limb(svg, hip, knee, foot, width=20)
    # the feet, toes pointing forward (at you): seen end-on, a short rounded shoe shape across the leg
    svg.add(f'<ellipse cx="{f(foot[0] + 8)}" cy="{f(foot[1] - 4)}" rx="13" ry="19" fill="#2F4356" '
            f'transform="rotate(-30 {f(foot[0] + 8)} {f(foot[1] - 4)})"/>')
    svg.line((hip[0], hip[1]), (hip[0] + 250, hip[1]), ACCENT, 2.5, dash="6 6")
    svg.arc(hip, 120, -30, 0, ACCENT, 3)
    svg.text(hip[0] + 150, hip[1] - 30, "about 30°", 20, ACCENT, "start", "bold")
    svg.text(foot[0] - 30, foot[1] - 2, "toes\nforward", 17, INK, "end")
    svg.line((foot[0] + 38, foot[1] + 40), (foot[0] + 38, foot[1] - 10), GOOD, 5, arrow="good")
    svg.text(300, 48, "top leg straight, slightly behind you", 20, INK)
    svg.text(300, 76, "toes forward, heel leads", 20, GOOD, weight="bold")
    return svg


def fig_side_plank_abduction() -> Svg:
    svg = Svg(600, 340, "Side plank on the forearm seen from the front: elbow under the shoulder, forearm on the floor "
                        "pointing forward, body straight, top leg lifted")
    floor(svg, 296)
    sh, feet = (140, 200), (540, 286)
    hip = lerp(sh, feet, 0.48)
    svg.circle((116, 168), 25)
    limb(svg, sh, (146, 282), width=13)  # upper arm straight down: elbow under the shoulder
    svg.add('<ellipse cx="140" cy="288" rx="22" ry="9" fill="#3E5569"/>')  # forearm on the floor, pointing at you
    limb(svg, sh, hip, width=40, color=BODY)
    limb(svg, hip, feet, width=18, color="#6B8299")
    ang = math.atan2(feet[1] - hip[1], feet[0] - hip[0]) - math.radians(24)
    top = (hip[0] + 230 * math.cos(ang), hip[1] + 230 * math.sin(ang))
    limb(svg, hip, top, width=20)
    limb(svg, (sh[0] + 10, sh[1] - 4), (220, 200), (hip[0] - 6, hip[1] - 14), width=12, color="#2F4356")
    svg.line(sh, (feet[0] + 10, feet[1] + 2), GOOD, 2.5, dash="6 6")
    svg.line((top[0] + 14, top[1] + 34), (top[0] + 14, top[1] - 16), GOOD, 5, arrow="good")
    svg.text(300, 52, "straight line from head to feet,", 20, INK)
    svg.text(300, 80, "then lift the top leg", 20, GOOD, weight="bold")
    svg.text(40, 326, "elbow under the shoulder, forearm forward", 18, MUTED, "start")
    return svg


def fig_single_leg_bridge() -> Svg:
    svg = Svg(600, 340, "Single-leg bridge: shoulders, hips and knee in one line")
    floor(svg, 300)
    sh, hip = (130, 282), (300, 196)
    slope = (hip[1] - sh[1]) / (hip[0] - sh[0])
    knee = (400, hip[1] + slope * 100)
    svg.circle((90, 272), 25)
    limb(svg, (118, 288), (240, 292), width=12, color="#2F4356")
    limb(svg, sh, hip, width=40, color=BODY)
    limb(svg, hip, lerp(hip, knee, 2.0), width=18, color="#6B8299")
    limb(svg, hip, knee, (420, 286), width=20)
    limb(svg, (420, 286), (452, 290), width=14)
    svg.line(sh, (knee[0] + 30, knee[1] + slope * 30), GOOD, 2.5, dash="6 6")
    svg.line((hip[0], hip[1] + 80), (hip[0], hip[1] + 16), GOOD, 5, arrow="good")
    svg.text(300, 52, "push through the heel,", 20, INK)
    svg.text(300, 80, "hips level, hold 2 s", 20, GOOD, weight="bold")
    return svg
