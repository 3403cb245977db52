"""Standing figures seen from the front or the side: squats, landings, valgus parts, filming set-up."""

from __future__ import annotations

import math

from .svg import ACCENT, BAD, BAND, BODY, EDGE, GOOD, INK, LIMB, MUTED, Svg, f, floor, lerp, limb


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


def fig_lateral_band_walk() -> Svg:
    svg = Svg(600, 420, "Lateral band walk: half squat, band above the knees, step sideways")
    floor(svg, 370, 120, 480)
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
    floor(svg, 380, 160, 440)
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
    floor(svg, 300)
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
