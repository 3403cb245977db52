"""SVG building blocks for the KneeScreen illustrations: a tiny builder, colours, limbs and marks."""

from __future__ import annotations

import math
import re
from pathlib import Path

IMG_DIR = Path(__file__).resolve().parent.parent / "img"
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

    def head(self, end, direction, arrow: str, width: float) -> None:
        """An arrowhead drawn as a filled triangle (not an SVG marker, which PDF renderers skip): its tip a
        little past ``end``, pointing along ``direction``; the size follows the stroke width."""
        n = math.hypot(*direction) or 1.0
        ux, uy = direction[0] / n, direction[1] / n
        length, half = max(4.0 * width, 12.0), max(2.0 * width, 6.0)
        tip = (end[0] + ux * length * 0.3, end[1] + uy * length * 0.3)
        base = (tip[0] - ux * length, tip[1] - uy * length)
        corners = [tip, (base[0] - uy * half, base[1] + ux * half), (base[0] + uy * half, base[1] - ux * half)]
        self.add(f'<polygon class="arrowhead" points="{pts(corners)}" fill="{MARKERS[arrow]}"/>')

    def line(self, p, q, color=INK, width=4.0, dash=None, arrow=None, opacity=1.0, cap="round"):
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' opacity="{opacity}"' if opacity != 1.0 else ""
        self.add(f'<line x1="{f(p[0])}" y1="{f(p[1])}" x2="{f(q[0])}" y2="{f(q[1])}" stroke="{color}" '
                 f'stroke-width="{f(width)}" stroke-linecap="{cap}"{extra}/>')
        if arrow:
            self.head(q, (q[0] - p[0], q[1] - p[1]), arrow, width)

    def poly(self, points, color=LIMB, width=4.0, fill="none", closed=False, dash=None, opacity=1.0):
        tag = "polygon" if closed else "polyline"
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' opacity="{opacity}"' if opacity != 1.0 else ""
        self.add(f'<{tag} points="{pts(points)}" fill="{fill}" stroke="{color}" stroke-width="{f(width)}" '
                 f'stroke-linejoin="round" stroke-linecap="round"{extra}/>')

    def path(self, d, color=INK, width=4.0, fill="none", arrow=None, dash=None, opacity=1.0, tangent=None):
        """A path; with ``arrow``, a head at its end along ``tangent`` (worked out for M/L/Q paths)."""
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' opacity="{opacity}"' if opacity != 1.0 else ""
        self.add(f'<path d="{d}" fill="{fill}" stroke="{color}" stroke-width="{f(width)}" '
                 f'stroke-linecap="round" stroke-linejoin="round"{extra}/>')
        if arrow:
            end, along = _path_end(d)
            self.head(end, tangent or along, arrow, width)

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
        turn = 1 if a1 > a0 else -1  # the tangent at the end, in the direction of travel
        along = (-math.sin(math.radians(a1)) * turn, math.cos(math.radians(a1)) * turn)
        self.path(f"M{f(p0[0])},{f(p0[1])} A{f(r)},{f(r)} 0 {large} {sweep} {f(p1[0])},{f(p1[1])}",
                  color, width, arrow=arrow, tangent=along)

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
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.w} {self.h}" width="{self.w}" '
                f'height="{self.h}" role="img" font-family="{FONT}">\n<title>{self.title}</title>\n'
                f'<rect x="3" y="3" width="{self.w - 6}" height="{self.h - 6}" rx="22" fill="{CARD}" '
                f'stroke="{EDGE}" stroke-width="2"/>\n')
        return head + "\n".join(self.parts) + "\n</svg>\n"


def _path_end(d: str):
    """End point and end direction of a path of M/L/Q commands (absolute or relative)."""
    tokens = re.findall(r"[MLQAmlqa]|-?\d+(?:\.\d+)?", d)
    cur, prev, cmd, i = (0.0, 0.0), (0.0, 0.0), "M", 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd, i = tokens[i], i + 1
            continue
        rel = cmd.islower()
        n = {"m": 2, "l": 2, "q": 4, "a": 7}[cmd.lower()]
        vals = [float(v) for v in tokens[i:i + n]]
        i += n
        if cmd.lower() == "a":
            pts_ = [(vals[5], vals[6])]
        else:
            pts_ = [(vals[k], vals[k + 1]) for k in range(0, len(vals) - 1, 2)]
        if rel:
            pts_ = [(cur[0] + x, cur[1] + y) for x, y in pts_]
        prev = pts_[-2] if len(pts_) > 1 else cur
        cur = pts_[-1]
    return cur, (cur[0] - prev[0], cur[1] - prev[1])


def limb(svg: Svg, *points, width=16.0, color=LIMB, opacity=1.0):
    svg.poly(points, color, width, opacity=opacity)


def lerp(p, q, t):
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)




def floor(svg, y, x0=40, x1=560):
    svg.line((x0, y), (x1, y), MUTED, 3)
