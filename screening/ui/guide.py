"""Filming guide for each test, drawn as small SVG pictures (theme-aware: lines use currentColor)."""
from __future__ import annotations

import math

import streamlit as st

from screening.core.specs import DROP_BOX_CM, DROP_BOX_WORDS, SPECS
from screening.outputs.content import IMG_DIR

OK, BAD, ACCENT, MUTED = "#2e9e43", "#d7323c", "#2f7fd0", "#8a94a3"
_STYLE = 'stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" fill="none"'


def _style(width: float) -> str:
    return _STYLE.replace('stroke-width="3"', f'stroke-width="{width}"')


def _svg(body: str, w: int = 240, h: int = 170, label: str = "") -> str:
    return (f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{label}" '
            f'style="max-height:190px;display:block;margin:auto;font-family:sans-serif">{body}</svg>')


def _person(x: float, y: float, s: float = 1.0, pose: str = "stand", colour: str = "currentColor") -> str:
    """A front-view stick figure with feet at (x, y); pose: stand, squat, single, side."""
    P = {  # joint offsets for a 120-unit-tall figure, feet at 0
        "stand": dict(head=(0, -112), neck=(0, -102), hip=(0, -62), lh=(-9, -62), rh=(9, -62), lk=(-10, -32),
                      rk=(10, -32), la=(-10, -4), ra=(10, -4), lt=(-19, 0), rt=(19, 0), lw=(-20, -66),
                      rw=(20, -66)),
        "squat": dict(head=(0, -84), neck=(0, -74), hip=(0, -36), lh=(-10, -36), rh=(10, -36), lk=(-22, -26),
                      rk=(22, -26), la=(-13, -4), ra=(13, -4), lt=(-23, 0), rt=(23, 0), lw=(-24, -64),
                      rw=(24, -64)),
        "single": dict(head=(0, -100), neck=(0, -90), hip=(0, -50), lh=(-9, -50), rh=(9, -50), lk=(-12, -26),
                       rk=(16, -38), la=(-9, -4), ra=(22, -22), lt=(-18, 0), rt=(30, -20), lw=(-24, -58),
                       rw=(24, -58)),
    }[pose]

    def p(k):
        dx, dy = P[k]
        return f"{x + dx * s:.1f},{y + dy * s:.1f}"

    hx, hy = P["head"]
    return (f'<g stroke="{colour}" stroke-width="{3 * s:.1f}" stroke-linecap="round" stroke-linejoin="round" '
            f'fill="none"><circle cx="{x + hx * s:.1f}" cy="{y + hy * s:.1f}" r="{9 * s:.1f}"/>'
            f'<polyline points="{p("neck")} {p("hip")}"/>'
            f'<polyline points="{p("lw")} {x - 15 * s:.1f},{y + (P["neck"][1] + 6) * s:.1f} '
            f'{x + 15 * s:.1f},{y + (P["neck"][1] + 6) * s:.1f} {p("rw")}"/>'
            f'<polyline points="{p("lh")} {p("rh")}"/>'
            f'<polyline points="{p("lh")} {p("lk")} {p("la")} {p("lt")}"/>'
            f'<polyline points="{p("rh")} {p("rk")} {p("ra")} {p("rt")}"/></g>')


def _phone(x: float, y: float, w: float = 22, h: float = 38, colour: str = ACCENT) -> str:
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" stroke="{colour}" stroke-width="3" '
            f'fill="none"/><circle cx="{x + w / 2}" cy="{y + 6}" r="2.5" fill="{colour}"/>')


def _text(x: float, y: float, t: str, size: int = 13, colour: str = "currentColor", anchor: str = "middle",
          weight: str = "normal") -> str:
    return (f'<text x="{x}" y="{y}" font-size="{size}" fill="{colour}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{t}</text>')


def _tick(x: float, y: float) -> str:
    return (f'<polyline points="{x - 8},{y} {x - 2},{y + 6} {x + 9},{y - 7}" stroke="{OK}" stroke-width="4" '
            'fill="none"/>')


def _cross(x: float, y: float) -> str:
    return (f'<g stroke="{BAD}" stroke-width="4" stroke-linecap="round"><line x1="{x - 8}" y1="{y - 8}" '
            f'x2="{x + 8}" y2="{y + 8}"/><line x1="{x + 8}" y1="{y - 8}" x2="{x - 8}" y2="{y + 8}"/></g>')


def camera_height() -> str:
    """Side view: phone on a tripod at knee-to-hip height, 2-4 m in front."""
    return _svg(
        f'<line x1="10" y1="150" x2="230" y2="150" {_style(2)} opacity="0.5"/>'
        + _phone(24, 74) + f'<path d="M35,112 L35,128 M35,128 L24,150 M35,128 L46,150 M35,128 L35,150" {_STYLE}/>'
        + f'<rect x="178" y="88" width="34" height="30" fill="{OK}" opacity="0.22"/>'
        + _person(195, 150, 1.0)
        + f'<line x1="46" y1="96" x2="176" y2="96" stroke="{ACCENT}" stroke-width="2" stroke-dasharray="5 5"/>'
        + _text(112, 88, "knee-to-hip height", 12, OK)
        + f'<line x1="40" y1="162" x2="188" y2="162" stroke="{ACCENT}" stroke-width="2" '
          f'marker-start="url(#ksg-a)" marker-end="url(#ksg-a)"/>'
        + '<defs><marker id="ksg-a" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" '
          f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker></defs>'
        + _text(112, 142, "2 – 4 m", 15, ACCENT, weight="bold"),
        label="Phone at knee to hip height, 2 to 4 metres in front")


def square_on() -> str:
    """Top view: face the camera square on, not at an angle."""
    def body(x: float, y: float, rot: float) -> str:
        return (f'<g transform="translate({x},{y}) rotate({rot})"><ellipse cx="0" cy="0" rx="26" '
                f'ry="10" {_STYLE}/><circle cx="0" cy="0" r="8" {_STYLE}/>'
                f'<path d="M-6,10 L0,18 L6,10" {_STYLE}/></g>')
    return _svg(
        body(70, 45, 0) + _phone(59, 120) + f'<line x1="70" y1="118" x2="70" y2="66" stroke="{ACCENT}" '
        'stroke-width="2" stroke-dasharray="4 4"/>' + _tick(100, 140)
        + body(175, 45, 35) + _phone(164, 120, colour=MUTED)
        + f'<line x1="175" y1="118" x2="175" y2="66" stroke="{MUTED}" stroke-width="2" stroke-dasharray="4 4"/>'
        + _cross(205, 140) + _text(70, 20, "square on", 13, OK) + _text(175, 20, "at an angle", 13, BAD),
        label="Face the camera square on (top view)")


def whole_body() -> str:
    """Phone screen with the whole body and feet inside, a little space around."""
    return _svg(
        f'<rect x="30" y="8" width="84" height="154" rx="10" stroke="{ACCENT}" stroke-width="3" fill="none"/>'
        + _person(72, 146, 1.05) + f'<line x1="36" y1="152" x2="108" y2="152" stroke="{OK}" stroke-width="2"/>'
        + _tick(120, 30)
        + f'<rect x="140" y="8" width="84" height="154" rx="10" stroke="{MUTED}" stroke-width="3" fill="none"/>'
        + '<clipPath id="ksg-c"><rect x="140" y="8" width="84" height="154" rx="10"/></clipPath>'
        + f'<g clip-path="url(#ksg-c)">{_person(182, 200, 1.55)}</g>' + _cross(214, 30),
        label="Whole body, feet included, in the picture")


def still_phone() -> str:
    """Phone standing on a pile of books, or on a tripod; not hand-held."""
    books = "".join(f'<rect x="{28 + i * 3}" y="{128 - i * 12}" width="{56 - i * 6}" height="12" rx="2" '
                    f'{_style(2.5)}/>' for i in range(3))
    return _svg(
        f'<line x1="10" y1="140" x2="230" y2="140" {_style(2)} opacity="0.5"/>'
        + books + _phone(45, 62, 22, 42) + _tick(98, 70)
        + f'<path d="M150,104 L150,118 M150,118 L136,140 M150,118 L164,140 M150,118 L150,140" {_STYLE}/>'
        + _phone(139, 62, 22, 42) + _tick(188, 70)
        + _text(120, 162, "propped or on a tripod, never hand-held", 12, anchor="middle"),
        label="Phone propped still")


def light_and_clothes() -> str:
    """Light from the front (behind the camera); shorts or fitted clothes so the knees show."""
    rays = "".join(f'<line x1="{30 + 14 * math.cos(a / 57.3):.1f}" '
                   f'y1="{34 + 14 * math.sin(a / 57.3):.1f}" '
                   f'x2="{30 + 22 * math.cos(a / 57.3):.1f}" '
                   f'y2="{34 + 22 * math.sin(a / 57.3):.1f}" stroke="#e0a800" stroke-width="3"/>'
                   for a in range(0, 360, 45))
    return _svg(
        f'<circle cx="30" cy="34" r="9" fill="#e0a800"/>{rays}' + _phone(60, 70)
        + '<path d="M84,80 L140,60 M84,90 L140,100" stroke="#e0a800" stroke-width="2" stroke-dasharray="4 4"/>'
        + _person(175, 150, 1.0)
        + f'<path d="M164,86 L186,86 L190,112 L178,112 L175,96 L172,112 L160,112 Z" fill="{ACCENT}" opacity="0.55"/>'
        + f'<circle cx="165" cy="118" r="4" fill="{OK}"/><circle cx="185" cy="118" r="4" fill="{OK}"/>'
        + _text(60, 150, "light behind the phone", 12) + _text(205, 20, "shorts: knees visible", 12, anchor="end"),
        label="Even light from the front, shorts or fitted clothes")


def _lying(x: float, y: float, open_deg: float, colour: str = "currentColor") -> str:
    """A side-lying stick figure seen from the front, head to the right, floor at y; the top knee opened by
    open_deg (the hip stack drawn as a short upright line)."""
    hip_b, hip_t, shoulder = (x, y - 8), (x, y - 30), (x + 82, y - 22)
    knee_b, foot = (x - 40, y - 6), (x - 62, y - 16)
    a = math.radians(open_deg)
    dx, dy = -40.0, 16.0                                   # the closed top thigh, turned up by open_deg
    knee_t = (x + dx * math.cos(a) - dy * math.sin(a), y - 30 + dx * math.sin(a) + dy * math.cos(a))

    def pts(*p: tuple[float, float]) -> str:
        return " ".join(f"{u:.1f},{v:.1f}" for u, v in p)
    return (f'<g stroke="{colour}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" fill="none">'
            f'<circle cx="{x + 102}" cy="{y - 24}" r="9"/><polyline points="{pts((x, y - 19), shoulder)}"/>'
            f'<polyline points="{pts(shoulder, (x + 92, y - 4), (x + 112, y - 6))}"/>'
            f'<polyline points="{pts(hip_b, hip_t)}"/><polyline points="{pts(hip_b, knee_b, foot)}"/>'
            f'<polyline points="{pts(hip_t, knee_t, (foot[0], foot[1] - 4))}"/></g>')


def movement(test: str, leg: str | None = None) -> str:
    """What to do on camera for the chosen test."""
    if SPECS[test].posture == "side-lying":
        return _svg(
            f'<line x1="10" y1="130" x2="230" y2="130" {_style(2)} opacity="0.5"/>' + _lying(85, 130, 0, MUTED)
            + _lying(85, 130, 40) + f'<path d="M34,100 Q24,78 40,64" stroke="{ACCENT}" stroke-width="2" '
            'fill="none" marker-end="url(#ksg-b)"/><defs><marker id="ksg-b" viewBox="0 0 10 10" refX="5" refY="5" '
            f'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker>'
            '</defs>' + _text(120, 30, "knee opens, pelvis still", 12, ACCENT, weight="bold")
            + _text(212, 60, "× 3–5", 20, ACCENT, weight="bold"),
            label="Lie on your side, knees bent, heels together; open the top knee 3 to 5 times, pelvis still")
    if test == "drop-jump":
        return _svg(
            f'<line x1="10" y1="150" x2="230" y2="150" {_style(2)} opacity="0.5"/>'
            + f'<rect x="10" y="112" width="60" height="38" {_STYLE}/>' + _text(40, 136, f"{DROP_BOX_CM} cm", 11)
            + _person(40, 112, 0.62) + f'<path d="M62,60 Q90,40 112,92" stroke="{ACCENT}" stroke-width="2" '
            'fill="none" stroke-dasharray="5 4"/>' + _person(128, 150, 0.95, "squat")
            + f'<path d="M160,130 L160,40" stroke="{ACCENT}" stroke-width="2" marker-end="url(#ksg-b)"/>'
            + '<defs><marker id="ksg-b" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" '
              f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker></defs>'
            + _text(196, 60, "land on", 12) + _text(196, 76, "both feet,", 12) + _text(196, 92, "jump up", 12)
            + _text(196, 126, "× 3", 22, ACCENT, weight="bold"),
            label=f"Drop off {DROP_BOX_WORDS}, land on both feet, jump straight up, 3 times")
    if test == "single-leg-squat":
        side = f"the {leg} leg" if leg else "each leg"
        return _svg(
            _person(70, 150, 1.1, "stand") + f'<path d="M100,90 L120,90" stroke="{ACCENT}" stroke-width="3" '
            'marker-end="url(#ksg-b)"/><defs><marker id="ksg-b" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" '
            f'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker></defs>'
            + _person(160, 150, 1.1, "single") + _text(160, 20, f"on {side}", 13, ACCENT, weight="bold")
            + _text(215, 126, "× 5", 22, ACCENT, weight="bold"),
            label=f"Stand on {side} and do 5 slow single-leg squats" + ("" if leg else ", in either order"))
    return _svg(
        _person(60, 155, 1.05, "stand") + f'<path d="M92,90 L118,90" stroke="{ACCENT}" stroke-width="3" '
        'marker-end="url(#ksg-b)"/><defs><marker id="ksg-b" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" '
        f'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker></defs>'
        + _person(155, 155, 1.05, "squat") + _text(212, 130, "× 3–5", 20, ACCENT, weight="bold")
        + _text(190, 40, "feet", 12) + _text(190, 54, "hip-width", 12),
        label="Feet hip-width apart, 3 to 5 slow squats")


def frame_rate() -> str:
    fps = ('<rect x="40" y="40" width="160" height="80" rx="12" stroke="currentColor" stroke-width="3" fill="none"/>'
           + _text(120, 95, "60 fps", 36, ACCENT, weight="bold"))
    return _svg(fps + _text(120, 150, "camera settings → video → 60 fps", 12), label="Record at 60 fps")


def lying_camera() -> str:
    """The clamshell's filming set-up (content/illustrations/filming.py), scaled to the card."""
    svg = (IMG_DIR / "clamshell-filming.svg").read_text(encoding="utf-8")
    return svg.replace('width="600"', 'width="100%"', 1).replace('height="400"', 'style="max-height:190px"', 1)


def lying_cards() -> list[tuple[str, str, str]]:
    """The side-lying guide: the movement, the phone at floor level in front of the body, frame, light."""
    return [
        ("Do this", "Lie on your side, hips bent about 45°, knees about 90°, heels together. Open the top knee "
                    "slowly 3–5 times: lift 1 s, hold 2 s, lower 2 s.", movement("clamshell")),
        ("Phone on the floor, in front of you", "1.5–3 m in front of your body, lens at hip height (on the floor "
                                                "or a low shelf), level: from higher up a roll cannot be seen.",
         lying_camera()),
        ("Whole body in the picture", "Head to feet across the picture, with a little space around you.",
         whole_body_lying()),
        ("Phone propped still", "Lean it on a book or a shoe; start recording, then lie down.", still_phone()),
        ("Light and clothing", "Light on you, not behind you; shorts or leggings so the hips and knees show.",
         light_and_clothes()),
    ]


def whole_body_lying() -> str:
    """A landscape phone screen with the lying figure inside, a little space around."""
    return _svg(
        f'<rect x="20" y="40" width="200" height="100" rx="12" stroke="{ACCENT}" stroke-width="3" fill="none"/>'
        + _lying(88, 125, 20) + f'<line x1="30" y1="125" x2="210" y2="125" stroke="{OK}" stroke-width="2"/>'
        + _tick(215, 30), label="Whole body, head to feet, across the picture")


def cards(test: str, leg: str | None = None) -> list[tuple[str, str, str]]:
    """(title, caption, svg) for each picture of the guide."""
    if SPECS[test].posture == "side-lying":
        return lying_cards()
    out = [
        ("Do this", {"squat": "3–5 slow squats, arms forward, as deep as is comfortable.",
                     "single-leg-squat": (f"5 slow squats on the {leg} leg, the other foot off the floor."
                                          if leg else "5 slow squats on each leg, either order, in one video; the "
                                          "other foot off the floor."),
                     "drop-jump": f"3 drop jumps from {DROP_BOX_WORDS}: land, then jump straight up."}[test],
         movement(test, leg)),
        ("Phone at knee-to-hip height", "2–4 m in front of you.", camera_height()),
        ("Face the camera square on", "Front view, toes pointing at the phone.", square_on()),
        ("Whole body in the picture", "Head to feet, with a little space around you: no cut-off feet.",
         whole_body()),
        ("Phone propped still", "Lean it on books or use a tripod; start recording, then step back.",
         still_phone()),
        ("Light and clothing", "Light on you, not behind you; shorts or leggings.", light_and_clothes()),
    ]
    if SPECS[test].low_fps_below is not None:
        out.append(("60 frames per second", "Landings are fast: choose 60 fps if your phone offers it.",
                    frame_rate()))
    return out


def show(svg: str) -> None:
    """Draw an SVG inline (st.html strips SVG; Markdown keeps it and lets it inherit the theme colour)."""
    st.markdown(svg, unsafe_allow_html=True)


def render(test: str, leg: str | None = None) -> None:
    """The guide as a grid of picture cards (three across on a computer, one column on a phone)."""
    items = cards(test, leg)
    for start in range(0, len(items), 3):
        cols = st.columns(3)
        for col, (title, caption, svg) in zip(cols, items[start:start + 3]):
            with col.container(border=True, key=f"guide-{start}-{title[:12].replace(' ', '-')}"):
                show(svg)
                st.markdown(f"**{title}**")
                st.caption(caption)
