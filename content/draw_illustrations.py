"""Draw every KneeScreen illustration as SVG text into content/img/ (pure Python, deterministic).

Run ``python content/draw_illustrations.py``. Each drawing sits on its own light rounded card
so that dark lines and text stay readable on Streamlit's dark theme, and is laid out on a
600-px-wide canvas with text of 19 px or more, so it stays legible scaled to a phone.
"""

from __future__ import annotations

import math
from pathlib import Path

IMG_DIR = Path(__file__).resolve().parent / "img"
CARD, EDGE, INK, MUTED = "#FBF8F2", "#D6CCBA", "#1F2933", "#52606D"
GOOD, BAD, ACCENT, BAND, LIMB, BODY, MAT = "#17784A", "#C0392B", "#1D5FBF", "#D97706", "#3E5569", "#5C7A94", "#E4DCCB"
TEXT_SCALE = 1.12  # small labels are enlarged so they stay readable at phone width
FONT = "Segoe UI, Roboto, Helvetica, Arial, sans-serif"
MARKERS = {"ink": INK, "good": GOOD, "bad": BAD, "accent": ACCENT, "band": BAND}


def f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def pts(points) -> str:
    return " ".join(f"{f(x)},{f(y)}" for x, y in points)


class Svg:
    """A tiny SVG builder with a rounded background card and arrowhead markers."""

    def __init__(self, w: int, h: int, title: str):
        self.w, self.h, self.title, self.parts = w, h, title, []

    def add(self, s: str) -> None:
        self.parts.append(s)

    def line(self, p, q, color=INK, width=4.0, dash=None, arrow=None, opacity=1.0, cap="round"):
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' marker-end="url(#ah-{arrow})"' if arrow else ""
        extra += f' opacity="{opacity}"' if opacity != 1.0 else ""
        self.add(f'<line x1="{f(p[0])}" y1="{f(p[1])}" x2="{f(q[0])}" y2="{f(q[1])}" stroke="{color}" '
                 f'stroke-width="{f(width)}" stroke-linecap="{cap}"{extra}/>')

    def poly(self, points, color=LIMB, width=4.0, fill="none", closed=False, dash=None, opacity=1.0):
        tag = "polygon" if closed else "polyline"
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' opacity="{opacity}"' if opacity != 1.0 else ""
        self.add(f'<{tag} points="{pts(points)}" fill="{fill}" stroke="{color}" stroke-width="{f(width)}" '
                 f'stroke-linejoin="round" stroke-linecap="round"{extra}/>')

    def path(self, d, color=INK, width=4.0, fill="none", arrow=None, dash=None, opacity=1.0):
        extra = f' marker-end="url(#ah-{arrow})"' if arrow else ""
        extra += f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' opacity="{opacity}"' if opacity != 1.0 else ""
        self.add(f'<path d="{d}" fill="{fill}" stroke="{color}" stroke-width="{f(width)}" '
                 f'stroke-linecap="round" stroke-linejoin="round"{extra}/>')

    def circle(self, c, r, fill=BODY, stroke="none", width=0.0, opacity=1.0):
        extra = f' opacity="{opacity}"' if opacity != 1.0 else ""
        self.add(f'<circle cx="{f(c[0])}" cy="{f(c[1])}" r="{f(r)}" fill="{fill}" stroke="{stroke}" '
                 f'stroke-width="{f(width)}"{extra}/>')

    def rect(self, x, y, w, h, fill=MAT, rx=8, stroke="none", width=0.0):
        self.add(f'<rect x="{f(x)}" y="{f(y)}" width="{f(w)}" height="{f(h)}" rx="{f(rx)}" fill="{fill}" '
                 f'stroke="{stroke}" stroke-width="{f(width)}"/>')

    def text(self, x, y, s, size=20, color=INK, anchor="middle", weight="normal"):
        size = round(size * TEXT_SCALE) if size < 22 else size
        for i, line in enumerate(s.split("\n")):
            safe = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            self.add(f'<text x="{f(x)}" y="{f(y + i * size * 1.2)}" font-size="{size}" fill="{color}" '
                     f'text-anchor="{anchor}" font-weight="{weight}">{safe}</text>')

    def arc(self, c, r, a0, a1, color=ACCENT, width=3.0, arrow=None):
        """Circular arc around c from angle a0 to a1 (degrees, SVG orientation: y down)."""
        p0 = (c[0] + r * math.cos(math.radians(a0)), c[1] + r * math.sin(math.radians(a0)))
        p1 = (c[0] + r * math.cos(math.radians(a1)), c[1] + r * math.sin(math.radians(a1)))
        large = 1 if abs(a1 - a0) > 180 else 0
        sweep = 1 if a1 > a0 else 0
        self.path(f"M{f(p0[0])},{f(p0[1])} A{f(r)},{f(r)} 0 {large} {sweep} {f(p1[0])},{f(p1[1])}",
                  color, width, arrow=arrow)

    def mark(self, x, y, ok: bool, size=30):
        """A filled circle with a tick (ok) or a cross."""
        self.circle((x, y), size / 2, fill=GOOD if ok else BAD)
        s = size / 4.5
        if ok:
            self.poly([(x - s, y), (x - s / 3, y + s * 0.8), (x + s * 1.1, y - s * 0.8)], "#FFFFFF", 3.5)
        else:
            self.line((x - s, y - s), (x + s, y + s), "#FFFFFF", 3.5)
            self.line((x - s, y + s), (x + s, y - s), "#FFFFFF", 3.5)

    def render(self) -> str:
        defs = "".join(
            f'<marker id="ah-{k}" viewBox="0 0 10 10" refX="7" refY="5" markerWidth="4" markerHeight="4" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
            for k, c in MARKERS.items())
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.w} {self.h}" width="{self.w}" '
                f'height="{self.h}" role="img" font-family="{FONT}">\n<title>{self.title}</title>\n<defs>{defs}</defs>\n'
                f'<rect x="3" y="3" width="{self.w - 6}" height="{self.h - 6}" rx="22" fill="{CARD}" '
                f'stroke="{EDGE}" stroke-width="2"/>\n')
        return head + "\n".join(self.parts) + "\n</svg>\n"


def limb(svg: Svg, *points, width=16.0, color=LIMB, opacity=1.0):
    svg.poly(points, color, width, opacity=opacity)


def lerp(p, q, t):
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def front_figure(svg, cx, gy, s=1.0, depth=0.0, knee_in=0.0, stance=30.0, arms="forward", only_legs=False):
    """A person seen from the front; returns {'hips','knees','ankles'} as (left, right) tuples.

    depth 0 = standing, 1 = deep squat; knee_in moves the knees toward the midline (px)."""
    out = {}
    ankles = [(cx - stance * s, gy - 16 * s), (cx + stance * s, gy - 16 * s)]
    shank, thigh = 112 * s * (1 - 0.18 * depth), 112 * s * (1 - 0.58 * depth)
    hip_y = ankles[0][1] - shank - thigh
    hips = [(cx - 26 * s, hip_y), (cx + 26 * s, hip_y)]
    knees = []
    for side, (hip, ank) in zip((-1, 1), zip(hips, ankles)):
        base = lerp(hip, ank, thigh / (thigh + shank))
        knees.append((base[0] + side * (14 * s * depth - knee_in * s), base[1]))
    sh_y = hip_y - 118 * s * (1 - 0.12 * depth)
    shoulders = [(cx - 46 * s, sh_y), (cx + 46 * s, sh_y)]
    if not only_legs:
        svg.poly([shoulders[0], shoulders[1], (hips[1][0] + 8 * s, hip_y + 8 * s), (hips[0][0] - 8 * s, hip_y + 8 * s)],
                 BODY, 10 * s, fill=BODY, closed=True)
        svg.line((cx, sh_y - 4 * s), (cx, sh_y - 22 * s), BODY, 16 * s)
        svg.circle((cx, sh_y - 44 * s), 24 * s, fill=BODY)
        for side, sh in zip((-1, 1), shoulders):
            if arms == "forward":
                limb(svg, sh, (cx + side * 40 * s, sh_y + 50 * s), (cx + side * 16 * s, sh_y + 40 * s), width=13 * s)
            elif arms == "out":
                limb(svg, sh, (sh[0] + side * 40 * s, sh_y + 30 * s), (sh[0] + side * 62 * s, sh_y + 64 * s), width=13 * s)
            else:
                limb(svg, sh, (sh[0] + side * 10 * s, sh_y + 62 * s), (sh[0] + side * 12 * s, sh_y + 116 * s), width=13 * s)
    for side, hip, knee, ank in zip((-1, 1), hips, knees, ankles):
        limb(svg, hip, knee, ank, width=18 * s)
        svg.add(f'<ellipse cx="{f(ank[0] + side * 8 * s)}" cy="{f(gy - 7 * s)}" rx="{f(20 * s)}" ry="{f(8 * s)}" fill="{LIMB}"/>')
    out.update(hips=tuple(hips), knees=tuple(knees), ankles=tuple(ankles), shoulders=tuple(shoulders))
    return out


def hka_overlay(svg, fig, color, angle=True):
    """Hip-knee-ankle lines over a front figure, with the frontal-plane angle at each knee."""
    for hip, knee, ank in zip(fig["hips"], fig["knees"], fig["ankles"]):
        svg.line(hip, ank, ACCENT, 2.5, dash="6 6")
        svg.poly([hip, knee, ank], color, 4)
        for p in (hip, knee, ank):
            svg.circle(p, 6, fill=color, stroke="#FFFFFF", width=2)
        if angle:
            ext = lerp(hip, knee, 1.45)
            svg.line(knee, ext, color, 2, dash="3 4")
            a_ext = math.degrees(math.atan2(ext[1] - knee[1], ext[0] - knee[0]))
            a_sh = math.degrees(math.atan2(ank[1] - knee[1], ank[0] - knee[0]))
            if abs(a_ext - a_sh) > 4:
                lo, hi = min(a_ext, a_sh), max(a_ext, a_sh)
                e0 = (knee[0] + 40 * math.cos(math.radians(lo)), knee[1] + 40 * math.sin(math.radians(lo)))
                e1 = (knee[0] + 40 * math.cos(math.radians(hi)), knee[1] + 40 * math.sin(math.radians(hi)))
                svg.path(f"M{f(knee[0])},{f(knee[1])} L{f(e0[0])},{f(e0[1])} A40,40 0 0 1 {f(e1[0])},{f(e1[1])} Z",
                         color, 2, fill=color, opacity=0.35)


def fig_squat_neutral_vs_valgus() -> Svg:
    svg = Svg(600, 520, "Neutral squat and valgus squat from the front")
    for cx, ok, knee_in, label, note in ((150, True, 0, "Neutral", "hip, knee and ankle\nin one line"),
                                          (450, False, 34, "Valgus", "knees fall inside the\nline: an angle opens")):
        svg.mark(cx - 58, 40, ok)
        svg.text(cx - 36, 50, label, 26, GOOD if ok else BAD, "start", "bold")
        svg.line((cx - 125, 430), (cx + 125, 430), MUTED, 2)
        fig = front_figure(svg, cx, 430, 0.95, depth=0.95, knee_in=knee_in, stance=46)
        hka_overlay(svg, fig, GOOD if ok else BAD, angle=not ok)
        svg.text(cx, 464, note, 19, INK)
    svg.text(528, 318, "angle", 18, BAD, "start", "bold")
    svg.line((300, 24), (300, 496), EDGE, 2)
    return svg


def leg(svg, hip, knee, ank, width=20, color=LIMB, opacity=1.0):
    limb(svg, hip, knee, ank, width=width, color=color, opacity=opacity)
    svg.add(f'<ellipse cx="{f(ank[0])}" cy="{f(ank[1] + 14)}" rx="22" ry="8" fill="{color}"/>')


def fig_valgus_components() -> Svg:
    svg = Svg(600, 430, "The three components of dynamic knee valgus")
    titles = ("1  Hip", "2  Shin", "3  Foot")
    notes = ("thigh turns in,\nmoves to midline", "shin turns out\nvs the thigh", "foot rolls in,\narch flattens")
    for i, cx in enumerate((100, 300, 500)):
        svg.text(cx, 46, titles[i], 24, BAD, weight="bold")
        svg.text(cx, 372, notes[i], 19)
        svg.line((cx - 62, 70), (cx - 62, 330), MUTED, 2, dash="4 6")
        svg.line((cx - 80, 330), (cx + 80, 330), MUTED, 2)
        hip, knee, ank = (cx + 30, 92), (cx - 12, 200), (cx + 14, 300)
        svg.line(hip, ank, ACCENT, 2.5, dash="6 6")
        leg(svg, hip, knee, ank, opacity=0.9)
        seg = ((hip, knee), (knee, ank), (ank, (ank[0], ank[1] + 10)))[i]
        limb(svg, *seg, width=20 if i < 2 else 30, color=BAD, opacity=0.45)
        if i == 0:  # internal rotation around the thigh + adduction toward the midline
            svg.path(f"M{cx + 34},{134} a34,12 0 1 1 -44,2", BAD, 4, arrow="bad")
            svg.line((cx + 40, 176), (cx - 8, 184), BAD, 4, arrow="bad")
            svg.text(cx - 58, 86, "midline", 16, MUTED, "start")
        elif i == 1:
            svg.path(f"M{cx - 28},{262} a30,11 0 1 0 44,2", BAD, 4, arrow="bad")
        else:
            svg.path(f"M{cx + 56},{286} q-4,34 -52,36", BAD, 4, arrow="bad")
            svg.path(f"M{cx - 18},{324} q14,-20 30,0", BAND, 3, dash="5 4")
            svg.text(cx - 52, 304, "arch", 17, BAND, weight="bold")
    for x in (200, 400):
        svg.line((x, 24), (x, 406), EDGE, 2)
    return svg


def fig_filming_setup() -> Svg:
    svg = Svg(600, 400, "Filming set-up: phone at knee-to-hip height, 2 to 4 metres in front")
    gy = 330
    svg.line((30, gy), (570, gy), MUTED, 3)
    px, ph = 470, 300  # person seen from the side
    hip, knee = (px, gy - 150), (px + 4, gy - 78)
    limb(svg, (px, gy - 8), knee, hip, width=18)
    limb(svg, (px - 4, gy - 8), (px + 22, gy - 8), width=12)
    limb(svg, hip, (px, gy - 265), width=30, color=BODY)
    svg.circle((px, gy - 292), 22)
    limb(svg, (px, gy - 250), (px + 6, gy - 190), (px + 4, gy - 140), width=12)
    svg.line((px + 44, knee[1]), (px + 44, hip[1]), BAND, 3)
    svg.text(px + 54, (knee[1] + hip[1]) / 2 - 8, "knee", 17, BAND, "start")
    svg.text(px + 54, (knee[1] + hip[1]) / 2 + 14, "to hip", 17, BAND, "start")
    cam_y = (knee[1] + hip[1]) / 2  # tripod + phone
    svg.line((120, gy), (105, cam_y + 10), INK, 3)
    svg.line((120, gy), (135, cam_y + 10), INK, 3)
    svg.rect(112, cam_y - 22, 14, 44, INK, rx=3)
    svg.poly([(128, cam_y), (px - 30, gy - 296), (px - 30, gy + 2)], ACCENT, 2, fill=ACCENT, closed=True, opacity=0.12)
    svg.line((130, gy + 28), (px - 6, gy + 28), INK, 3, arrow="ink")
    svg.line((px - 6, gy + 28), (130, gy + 28), INK, 3, arrow="ink")
    svg.text((130 + px) / 2, gy + 58, "2-4 m, square to you, phone still", 19)
    svg.rect(30, 40, 92, 150, "#FFFFFF", rx=12, stroke=INK, width=3)  # the phone screen
    front_figure(svg, 76, 172, 0.36, arms="down")
    svg.text(140, 60, "whole body\nand feet in\nthe picture", 19, INK, "start")
    svg.text(140, 140, "60 fps for\nlandings", 19, ACCENT, "start", "bold")
    return svg


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
    a = math.radians(roll)
    top = (x - 70 * math.sin(a) * 0.9, y + 28 - 70 * math.cos(a))
    svg.line((x, y + 28), top, GOOD if ok else BAD, 14)
    svg.line((x, y - 50), (x, y + 28), MUTED, 1.5, dash="4 4")
    svg.text(x, y + 54, "pelvis from feet", 15, MUTED)


def fig_clamshell_setup() -> Svg:
    svg = Svg(600, 360, "Clamshell set-up seen from above")
    svg.text(300, 42, "Seen from above", 22, MUTED, weight="bold")
    y, hip = 170, (330, 170)
    svg.rect(40, 90, 530, 190, MAT, rx=16)
    knee = (hip[0] + 120 * 0.707, y + 120 * 0.707)
    foot = (knee[0] + 115 * 0.707, knee[1] - 115 * 0.707)
    svg.line((110, y), (560, y), ACCENT, 2.5, dash="7 6")
    limb(svg, (150, y), hip, width=44, color=BODY)
    svg.circle((100, y), 30)
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
    svg.text(100, 235, "head\nsupported", 18, INK)
    svg.text(300, 322, "hips stacked, feet together", 19, INK)
    return svg


def fig_clamshell_lift() -> Svg:
    svg = Svg(600, 360, "Clamshell lift: the knee opens, the feet stay together, the pelvis stays still")
    clam_figure(svg, 330, 250, 1.0, lift=0, opacity=0.35)
    pts_ = clam_figure(svg, 330, 250, 1.0, lift=38, mat=False)
    svg.path(f"M{f(pts_['knee0'][0] + 24)},{f(pts_['knee0'][1] - 8)} Q{f(pts_['knee'][0] + 60)},"
             f"{f((pts_['knee0'][1] + pts_['knee'][1]) / 2)} {f(pts_['knee'][0] + 24)},{f(pts_['knee'][1] + 8)}",
             GOOD, 4, arrow="good")
    svg.text(pts_["knee"][0] + 40, pts_["knee"][1] - 14, "knee opens", 20, GOOD, "start", "bold")
    svg.text(pts_["foot"][0] - 10, pts_["foot"][1] + 96, "feet stay together", 19, INK)
    svg.text(pts_["top_hip"][0] - 40, 54, "pelvis stays still", 19, INK)
    svg.line((pts_["top_hip"][0] - 40, 64), (pts_["top_hip"][0] - 4, pts_["top_hip"][1] - 16), INK, 2.5, arrow="ink")
    return svg


def fig_clamshell_breathing() -> Svg:
    svg = Svg(600, 360, "Clamshell breathing: breathe out as you lift, in as you lower, belly lightly braced")
    pts_ = clam_figure(svg, 330, 250, 1.0, lift=34)
    kx, ky = pts_["knee"]
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


def fig_clamshell_fault() -> Svg:
    svg = Svg(600, 400, "Clamshell: correct form next to the pelvis rolling back")
    for cx, ok, roll, lift, title, note in (
            (150, True, 0, 30, "Correct", "pelvis stacked,\nsmaller lift: glutes"),
            (450, False, 30, 26, "Pelvis rolls back", "knee looks higher,\nTFL and low back work")):
        svg.mark(cx - 110 if ok else cx - 132, 40, ok)
        svg.text(cx - 88 if ok else cx - 110, 49, title, 23, GOOD if ok else BAD, "start", "bold")
        pelvis_icon(svg, cx + 60, 138, roll, ok)
        p = clam_figure(svg, cx + 22, 292, 0.56, lift=lift, roll=roll, mat=False)
        svg.line((cx - 135, 306), (cx + 135, 306), MUTED, 2)
        if not ok:
            svg.arc(p["top_hip"], 30, 180, 290, BAD, 4, arrow="bad")
        svg.text(cx, 350, note, 19)
    svg.line((300, 24), (300, 384), EDGE, 2)
    return svg


def _floor(svg, y, x0=40, x1=560):
    svg.line((x0, y), (x1, y), MUTED, 3)


def fig_side_lying_abduction() -> Svg:
    svg = Svg(600, 340, "Side-lying hip abduction: top leg lifted about 30 degrees")
    _floor(svg, 290)
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
    svg.line((hip[0], hip[1]), (hip[0] + 250, hip[1]), ACCENT, 2.5, dash="6 6")
    svg.arc(hip, 120, -30, 0, ACCENT, 3)
    svg.text(hip[0] + 150, hip[1] - 30, "≈30°", 20, ACCENT, "start", "bold")
    svg.line((foot[0] + 14, foot[1] + 36), (foot[0] + 14, foot[1] - 14), GOOD, 5, arrow="good")
    svg.text(300, 48, "top leg straight, slightly behind you", 20, INK)
    svg.text(300, 76, "toes forward, heel leads", 20, GOOD, weight="bold")
    return svg


def fig_side_plank_abduction() -> Svg:
    svg = Svg(600, 340, "Side plank on the forearm with the top leg lifted")
    _floor(svg, 296)
    sh, feet = (140, 200), (540, 286)
    hip = lerp(sh, feet, 0.48)
    svg.circle((116, 168), 25)
    limb(svg, sh, (150, 288), (220, 290), width=13)
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
    svg.text(160, 326, "elbow under the shoulder", 18, MUTED)
    return svg


def fig_single_leg_bridge() -> Svg:
    svg = Svg(600, 340, "Single-leg bridge: shoulders, hips and knee in one line")
    _floor(svg, 300)
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


def fig_lateral_band_walk() -> Svg:
    svg = Svg(600, 420, "Lateral band walk: half squat, band above the knees, step sideways")
    _floor(svg, 370, 120, 480)
    fig = front_figure(svg, 300, 370, 0.9, depth=0.6, stance=66, arms="forward")
    (lk, rk) = fig["knees"]
    svg.line((lk[0] - 2, lk[1] - 16), (rk[0] + 2, rk[1] - 16), BAND, 7)
    svg.text(300, lk[1] - 26, "band", 18, BAND, weight="bold")
    svg.line((lk[0] - 16, lk[1] + 6), (lk[0] - 54, lk[1] + 6), GOOD, 4, arrow="good")
    svg.line((rk[0] + 16, rk[1] + 6), (rk[0] + 54, rk[1] + 6), GOOD, 4, arrow="good")
    svg.line((400, 120), (500, 120), ACCENT, 5, arrow="accent")
    svg.text(450, 100, "step", 19, ACCENT, weight="bold")
    svg.text(300, 402, "push the knees out against the band", 19, GOOD, weight="bold")
    return svg


def fig_single_leg_squat() -> Svg:
    svg = Svg(600, 420, "Single-leg squat from the front: knee over the second toe, pelvis level")
    _floor(svg, 380, 160, 440)
    cx, hy = 300, 250
    hips = [(cx - 28, hy), (cx + 28, hy)]
    knee, ank = (cx - 46, 300), (cx - 40, 364)
    svg.poly([(cx - 48, hy - 108), (cx + 48, hy - 108), (cx + 36, hy + 8), (cx - 36, hy + 8)], BODY, 10, fill=BODY, closed=True)
    svg.line((cx, hy - 112), (cx, hy - 130), BODY, 16)
    svg.circle((cx, hy - 154), 24)
    for side in (-1, 1):
        limb(svg, (cx + side * 48, hy - 108), (cx + side * 30, hy - 56), (cx + side * 8, hy - 70), width=13)
    limb(svg, hips[1], (cx + 44, hy + 34), (cx + 50, hy + 84), width=18, color="#6B8299")
    limb(svg, hips[0], knee, ank, width=18)
    svg.add(f'<ellipse cx="{f(ank[0] - 6)}" cy="372" rx="22" ry="8" fill="{LIMB}"/>')
    svg.poly([hips[0], knee, (ank[0] - 8, 376)], GOOD, 4)
    svg.line((cx - 80, hy), (cx + 80, hy), GOOD, 4, dash="8 6")
    svg.text(cx + 90, hy + 6, "pelvis level", 19, GOOD, "start", "bold")
    svg.text(cx - 80, 318, "knee over\nsecond toe", 19, GOOD, "end", "bold")
    svg.text(300, 408, "only as deep as you can keep this line", 19, INK)
    return svg


def fig_single_leg_deadlift() -> Svg:
    svg = Svg(600, 340, "Single-leg deadlift from the side: trunk and free leg in one line")
    _floor(svg, 300)
    ank, knee, hip, sh = (300, 290), (308, 228), (296, 166), (160, 150)
    svg.circle((118, 142), 24)
    limb(svg, sh, hip, width=40, color=BODY)
    limb(svg, hip, knee, ank, width=20)
    limb(svg, ank, (330, 292), width=14)
    limb(svg, (hip[0] + 6, hip[1] - 4), (420, 154), (530, 142), width=18, color="#6B8299")
    limb(svg, (sh[0] + 10, sh[1] + 6), (176, 214), (182, 252), width=12, color="#2F4356")
    svg.line((100, 144), (548, 140), GOOD, 2.5, dash="6 6")
    svg.text(300, 52, "hinge at the hip:", 20, INK)
    svg.text(300, 80, "trunk and free leg in one line", 20, GOOD, weight="bold")
    svg.text(360, 250, "knee soft", 19, INK, "start")
    return svg


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


def fig_landing_do_dont() -> Svg:
    svg = Svg(600, 500, "Landing from the front: knees over toes, not inside them")
    for cx, ok, knee_in, title, note in ((150, True, 0, "Do", "knees over toes,\nsoft and bent"),
                                          (450, False, 34, "Don't", "knees inside\nthe feet")):
        svg.mark(cx - 40, 40, ok)
        svg.text(cx - 18, 50, title, 26, GOOD if ok else BAD, "start", "bold")
        svg.line((cx - 125, 410), (cx + 125, 410), MUTED, 2)
        fig = front_figure(svg, cx, 410, 0.95, depth=0.7, knee_in=knee_in, stance=42, arms="out")
        hka_overlay(svg, fig, GOOD if ok else BAD, angle=False)
        svg.text(cx, 444, note, 19)
    svg.line((300, 24), (300, 486), EDGE, 2)
    return svg


FIGURES = {name[4:].replace("_", "-"): fn for name, fn in sorted(globals().items()) if name.startswith("fig_")}


def main() -> list[Path]:
    """Write every figure to content/img/NAME.svg; return the paths written."""
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fn in FIGURES.items():
        path = IMG_DIR / f"{name}.svg"
        path.write_text(fn().render(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in main():
        print(p.relative_to(IMG_DIR.parent.parent))
