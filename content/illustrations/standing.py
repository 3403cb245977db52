"""Standing figures seen from the front or the side: squats, landings, valgus parts, filming set-up."""

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
    LIMB,
    MUTED,
    Svg,
    f,
    floor,
    lerp,
    limb,
)


def front_figure(svg, cx, gy, s=1.0, depth=0.0, knee_in=0.0, stance=30.0, arms="forward", only_legs=False):
    """A person seen from the front; returns {'hips','knees','ankles'} as (left, right) tuples.

    depth 0 = standing, 1 = deep squat; knee_in moves the knees toward the midline (px, negative = out)."""
    out = {}
    ankles = [(cx - stance * s, gy - 16 * s), (cx + stance * s, gy - 16 * s)]
    shank, thigh = 112 * s * (1 - 0.18 * depth), 112 * s * (1 - 0.58 * depth)
    hip_y = ankles[0][1] - shank - thigh
    hips = [(cx - 26 * s, hip_y), (cx + 26 * s, hip_y)]
    knees = []
    for side, (hip, ank) in zip((-1, 1), zip(hips, ankles)):
        base = lerp(hip, ank, thigh / (thigh + shank))
        knees.append((base[0] - side * knee_in * s, base[1]))  # on the hip-ankle line unless moved in
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
                limb(svg, sh, (sh[0] + side * 40 * s, sh_y + 30 * s), (sh[0] + side * 62 * s, sh_y + 64 * s),
                     width=13 * s)
            else:
                limb(svg, sh, (sh[0] + side * 10 * s, sh_y + 62 * s), (sh[0] + side * 12 * s, sh_y + 116 * s),
                     width=13 * s)
    for side, hip, knee, ank in zip((-1, 1), hips, knees, ankles):
        limb(svg, knee, ank, width=18 * s)
        limb(svg, hip, knee, width=(18 + 8 * depth) * s)  # a bent thigh points at the camera: shorter, wider
        svg.add(f'<ellipse cx="{f(ank[0] + side * 8 * s)}" cy="{f(gy - 7 * s)}" rx="{f(20 * s)}" ry="{f(8 * s)}" '
                f'fill="{LIMB}"/>')
        if depth > 0.2:  # the kneecap shows the knee is bent and which way it points
            svg.add(f'<ellipse cx="{f(knee[0])}" cy="{f(knee[1] - 2 * s)}" rx="{f(7 * s)}" ry="{f(9 * s)}" '
                    f'fill="#8FA6BC"/>')
    out.update(hips=tuple(hips), knees=tuple(knees), ankles=tuple(ankles), shoulders=tuple(shoulders))
    return out


def fppa(hip, knee, ank) -> float:
    """The frontal-plane projection angle drawn (degrees): 180 minus the hip-knee-ankle angle."""
    a = math.atan2(hip[1] - knee[1], hip[0] - knee[0]) - math.atan2(ank[1] - knee[1], ank[0] - knee[0])
    return 180.0 - abs(math.degrees((a + math.pi) % (2 * math.pi) - math.pi))


def hka_overlay(svg, fig, color, angle=True, label_side=None):
    """Hip-knee-ankle lines over a front figure, with the frontal-plane angle at each knee; the angle of
    the leg on ``label_side`` (0 left, 1 right of the picture) is written right next to its wedge."""
    for i, (hip, knee, ank) in enumerate(zip(fig["hips"], fig["knees"], fig["ankles"])):
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
                svg.path(f"M{f(e0[0])},{f(e0[1])} A40,40 0 0 1 {f(e1[0])},{f(e1[1])}", color, 3.5)  # an arc, no fill
                if i == label_side:
                    mid = math.radians((lo + hi) / 2)
                    tip = (knee[0] + 30 * math.cos(mid), knee[1] + 30 * math.sin(mid))
                    out = 1 if i == 1 else -1
                    at = (knee[0] + out * 56, knee[1] + 40)
                    svg.line(tip, (at[0] - out * 4, at[1] - 6), color, 2)
                    svg.text(at[0], at[1], f"{fppa(hip, knee, ank):.0f}°", 20, color, "start" if out > 0 else "end",
                             "bold")


SQUATS = (  # (centre x of the front view, ok, knee_in px, label, note); both squats are equally deep
    (118, True, 0, "Neutral", "hip, knee and ankle\nin one line"),
    (418, False, 9, "Valgus", "knees fall inside the\nline: an angle opens"))
SQUAT = dict(gy=430, s=0.95, depth=0.95, stance=46)  # the front figures' shared geometry


def fig_squat_neutral_vs_valgus() -> Svg:
    svg = Svg(600, 520, "Neutral squat and valgus squat from the front, each with a small side view showing how "
                        "deep the squat is")
    for cx, ok, knee_in, label, note in SQUATS:
        color = GOOD if ok else BAD
        svg.mark(cx - 26, 40, ok)
        svg.text(cx - 4, 50, label, 26, color, "start", "bold")
        svg.line((cx - 100, SQUAT["gy"]), (cx + 175, SQUAT["gy"]), MUTED, 2)
        fig = front_figure(svg, cx, SQUAT["gy"], SQUAT["s"], depth=SQUAT["depth"], knee_in=knee_in,
                           stance=SQUAT["stance"])
        hka_overlay(svg, fig, color, angle=not ok, label_side=None if ok else 1)
        side_figure(svg, cx + 138, SQUAT["gy"], 0.62, knee=100, lean=35, facing=-1)  # the depth, from the side
        svg.text(cx + 138, SQUAT["gy"] - 140, "side", 16, MUTED)
        svg.text(cx + 32, 464, note, 19, INK)
    svg.line((300, 24), (300, 496), EDGE, 2)
    return svg


def fig_filming_setup() -> Svg:
    svg = Svg(600, 400, "Filming set-up from the side: the athlete faces the phone, which stands at knee-to-hip "
                        "height 2 to 4 metres in front")
    gy = 330
    svg.line((30, gy), (570, gy), MUTED, 3)
    px = 470  # the athlete, seen from the side, facing left toward the phone
    body = side_figure(svg, px, gy, 0.98, knee=6, lean=0, facing=-1, arms="down")
    knee, hip = body["knee"], body["hip"]
    svg.line((px + 44, knee[1]), (px + 44, hip[1]), BAND, 3)
    svg.text(px + 54, (knee[1] + hip[1]) / 2 - 8, "knee", 17, BAND, "start")
    svg.text(px + 54, (knee[1] + hip[1]) / 2 + 14, "to hip", 17, BAND, "start")
    cam_y = (knee[1] + hip[1]) / 2  # tripod + phone
    svg.line((120, gy), (105, cam_y + 10), INK, 3)
    svg.line((120, gy), (135, cam_y + 10), INK, 3)
    svg.rect(112, cam_y - 22, 14, 44, INK, rx=3)
    top = body["head"][1] - 30
    svg.poly([(128, cam_y), (px - 40, top), (px - 40, gy + 2)], ACCENT, 2, fill=ACCENT, closed=True, opacity=0.12)
    svg.line((130, gy + 28), (px - 6, gy + 28), INK, 3, arrow="ink")
    svg.line((px - 6, gy + 28), (130, gy + 28), INK, 3, arrow="ink")
    svg.text((130 + px) / 2, gy + 58, "2-4 m, square to you, phone still", 19)
    svg.text(px - 30, body["head"][1] - 8, "faces the phone", 17, MUTED, "end")
    svg.rect(30, 40, 92, 150, "#FFFFFF", rx=12, stroke=INK, width=3)  # the phone screen
    front_figure(svg, 76, 172, 0.36, arms="down")
    svg.text(140, 60, "whole body\nand feet in\nthe picture", 19, INK, "start")
    svg.text(140, 140, "60 fps for\nlandings", 19, ACCENT, "start", "bold")
    return svg


def side_figure(svg, x, gy, s=1.0, knee=0.0, lean=0.0, facing=-1, arms="forward"):
    """A person seen from the side, facing left (-1) or right (1); knee = knee bend, lean = trunk forward
    tilt (degrees). The shin tips forward and the thigh back by half the knee bend each."""
    a = math.radians(knee / 2)
    ank = (x, gy - 6 * s)
    kn = (ank[0] + facing * 74 * s * math.sin(a), ank[1] - 74 * s * math.cos(a))
    hip = (kn[0] - facing * 76 * s * math.sin(a), kn[1] - 76 * s * math.cos(a))
    t = math.radians(lean)
    sh = (hip[0] + facing * 84 * s * math.sin(t), hip[1] - 84 * s * math.cos(t))
    head = (sh[0] + facing * 14 * s * math.sin(t), sh[1] - 26 * s * math.cos(t) - 4 * s)
    limb(svg, hip, sh, width=30 * s, color=BODY)
    svg.circle(head, 17 * s)
    nose = (head[0] + facing * 16 * s, head[1] + 2 * s)
    svg.circle(nose, 4 * s)  # the nose shows which way the person faces
    limb(svg, hip, kn, ank, width=16 * s)
    limb(svg, (ank[0] - facing * 8 * s, gy - 4 * s), (ank[0] + facing * 26 * s, gy - 4 * s), width=10 * s)
    hand = (sh[0] + facing * 40 * s, sh[1] + 34 * s) if arms == "forward" else (sh[0] + facing * 4 * s, sh[1] + 70 * s)
    limb(svg, sh, lerp(sh, hand, 0.55), hand, width=10 * s, color="#2F4356")
    return {"ankle": ank, "knee": kn, "hip": hip, "shoulder": sh, "head": head, "nose": nose, "hand": hand,
            "toe": (ank[0] + facing * 26 * s, gy - 4 * s)}


LANDINGS = (  # (centre x, ok, knee_in px, front depth, side-view knee bend deg, trunk lean deg, title, note)
    (150, True, 0, 0.7, 70, 30, "Do", "knees over toes,\nsoft and bent"),
    (450, False, 26, 0.3, 14, 4, "Don't", "knees knock in,\nlegs stiff"))
LANDING_FRONT = dict(dx=-50, gy=410, s=0.8, stance=30)   # the front views (feet hip-width), from each panel's centre
LANDING_SIDE_DX = 98                                      # the side views, well clear of the front views' arms


def fig_landing_do_dont() -> Svg:
    svg = Svg(600, 520, "Landing from the front and from the side: knees bent and over the toes, not inside them")
    for cx, ok, knee_in, depth, bend, lean, title, note in LANDINGS:
        color = GOOD if ok else BAD
        svg.mark(cx - 40, 40, ok)
        svg.text(cx - 18, 50, title, 26, color, "start", "bold")
        svg.line((cx - 135, 410), (cx + 135, 410), MUTED, 2)
        fig = front_figure(svg, cx + LANDING_FRONT["dx"], LANDING_FRONT["gy"], LANDING_FRONT["s"], depth=depth,
                           knee_in=knee_in, stance=LANDING_FRONT["stance"], arms="forward" if ok else "down")
        hka_overlay(svg, fig, color, angle=False)
        if not ok:  # the knees knock together: arrows point the fault out
            for side_, knee in zip((-1, 1), fig["knees"]):
                svg.line((knee[0] + side_ * 46, knee[1]), (knee[0] + side_ * 16, knee[1]), BAD, 4, arrow="bad")
        side = side_figure(svg, cx + LANDING_SIDE_DX, 410, 0.78, knee=bend, lean=lean, facing=-1)
        svg.poly([side["hip"], side["knee"], side["ankle"]], color, 3)
        svg.text(cx + LANDING_FRONT["dx"], 432, "front", 17, MUTED)
        svg.text(cx + LANDING_SIDE_DX, 432, "side", 17, MUTED)
        svg.text(cx, 462, note, 19)
    svg.line((300, 24), (300, 506), EDGE, 2)
    return svg


def fig_lateral_band_walk() -> Svg:
    svg = Svg(600, 420, "Lateral band walk: half squat, band above the knees, step sideways")
    floor(svg, 370, 120, 480)
    fig = front_figure(svg, 300, 370, 0.9, depth=0.6, knee_in=-8, stance=66, arms="forward")
    (lk, rk) = fig["knees"]
    svg.line((lk[0] - 2, lk[1] - 16), (rk[0] + 2, rk[1] - 16), BAND, 7)
    svg.text(300, lk[1] - 26, "band", 18, BAND, weight="bold")
    svg.line((lk[0] - 16, lk[1] + 6), (lk[0] - 54, lk[1] + 6), GOOD, 4, arrow="good")
    svg.line((rk[0] + 16, rk[1] + 6), (rk[0] + 54, rk[1] + 6), GOOD, 4, arrow="good")
    svg.line((400, 120), (500, 120), ACCENT, 5, arrow="accent")
    svg.text(450, 100, "step", 19, ACCENT, weight="bold")
    svg.text(300, 402, "push the knees out against the band", 19, GOOD, weight="bold")
    return svg


SLS = {"hip": (300, 250), "knee": (300, 302), "ankle": (300, 362)}  # stance leg: knee on the hip-ankle line


def fig_single_leg_squat() -> Svg:
    svg = Svg(600, 420, "Single-leg squat from the front: the stance foot under the hip, the knee on the line from "
                        "hip to ankle over the second toe, pelvis level")
    floor(svg, 380, 180, 470)
    cx, hy = SLS["hip"][0] + 28, SLS["hip"][1]
    hip, knee, ank = SLS["hip"], SLS["knee"], SLS["ankle"]
    svg.poly([(cx - 48, hy - 108), (cx + 48, hy - 108), (cx + 36, hy + 8), (cx - 36, hy + 8)], BODY, 10, fill=BODY,
             closed=True)
    svg.line((cx, hy - 112), (cx, hy - 130), BODY, 16)
    svg.circle((cx, hy - 154), 24)
    for side in (-1, 1):  # arms forward for balance
        limb(svg, (cx + side * 48, hy - 108), (cx + side * 30, hy - 56), (cx + side * 8, hy - 70), width=13)
    limb(svg, (cx + 28, hy), (cx + 40, hy + 26), (cx + 46, hy + 80), width=18, color="#6B8299")  # free leg, lifted
    limb(svg, hip, knee, ank, width=22)  # a bent thigh points at the camera: short and wide
    svg.add(f'<ellipse cx="{f(knee[0])}" cy="{f(knee[1] - 2)}" rx="8" ry="10" fill="#8FA6BC"/>')
    svg.add(f'<ellipse cx="{f(ank[0])}" cy="372" rx="22" ry="8" fill="{LIMB}"/>')
    svg.line((hip[0], hip[1] - 20), (ank[0], 382), ACCENT, 2.5, dash="6 6")
    svg.poly([hip, knee, ank], GOOD, 4)
    for q in (hip, knee, ank):
        svg.circle(q, 6, fill=GOOD, stroke="#FFFFFF", width=2)
    svg.line((cx - 80, hy), (cx + 80, hy), GOOD, 4, dash="8 6")
    svg.text(cx + 90, hy + 6, "pelvis level", 19, GOOD, "start", "bold")
    svg.text(hip[0] - 30, 300, "knee on the line,\nover the second toe", 19, GOOD, "end", "bold")
    svg.text(hip[0] - 30, 356, "foot under the hip", 19, INK, "end")
    svg.text(300, 408, "only as deep as you can keep this line", 19, INK)
    return svg


# Facing left: the toes of the standing foot point left (forward) and the soft knee sits a little in front
# of the hip-ankle line, never behind it (that would be the knee bending backward).
SLDL = {"ankle": (300, 288), "knee": (288, 228), "hip": (302, 170), "toe": (264, 294)}


def fig_single_leg_deadlift() -> Svg:
    svg = Svg(600, 340, "Single-leg deadlift from the side: trunk and free leg in one line, standing knee soft")
    floor(svg, 300)
    ank, knee, hip, toe = (SLDL[k] for k in ("ankle", "knee", "hip", "toe"))
    sh, head = (172, 164), (130, 160)
    limb(svg, sh, hip, width=40, color=BODY)
    svg.circle(head, 24)
    svg.circle((head[0] - 6, head[1] + 24), 5)  # nose toward the floor: the face looks down
    limb(svg, hip, knee, ank, width=20)
    limb(svg, (ank[0] + 10, 294), toe, width=14)
    free_knee, free_ank = (418, 174), (534, 178)
    limb(svg, (hip[0] + 6, hip[1] - 2), free_knee, free_ank, width=18, color="#6B8299")
    limb(svg, free_ank, (536, 204), width=12, color="#6B8299")  # free foot: toes point at the floor
    limb(svg, (sh[0] + 8, sh[1] + 8), (176, 214), (178, 246), width=10, color="#2F4356")
    svg.circle((178, 250), 8, fill="#2F4356")  # the hand hangs under the shoulder
    svg.line((104, 160), (552, 178), GOOD, 2.5, dash="6 6")
    svg.line(hip, ank, ACCENT, 2, dash="4 5")
    svg.text(300, 52, "hinge at the hip:", 20, INK)
    svg.text(300, 80, "trunk and free leg in one line", 20, GOOD, weight="bold")
    svg.text(318, 246, "knee soft, a little", 19, INK, "start")
    svg.text(318, 270, "in front of the line", 19, INK, "start")
    return svg
