"""What the illustrations show: geometry checks of the drawings the issue found wrong (angles worked out
here with numpy from the joint positions, not taken from the drawing code)."""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from screening.outputs import content

sys.path.insert(0, str(content.CONTENT_DIR))
from illustrations import feet, standing, valgus
from illustrations.svg import BAD, Svg

NS = {"s": "http://www.w3.org/2000/svg"}


def inward_angle(hip, knee, ank) -> float:
    """Frontal-plane angle: how far the shin direction turns away from the thigh direction (degrees)."""
    a, b = np.subtract(knee, hip), np.subtract(ank, knee)
    return float(np.degrees(np.arccos(np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b))))


def svg_root(name: str) -> ET.Element:
    return ET.fromstring((content.IMG_DIR / f"{name}.svg").read_text(encoding="utf-8"))


def test_squat_angle_label_is_the_drawn_angle_and_sits_at_the_knee():
    cx, _ok, knee_in, *_ = standing.SQUATS[1]
    q = standing.SQUAT
    fig = standing.front_figure(Svg(10, 10, ""), cx, q["gy"], q["s"], depth=q["depth"], knee_in=knee_in,
                                stance=q["stance"])
    hip, knee, ank = fig["hips"][1], fig["knees"][1], fig["ankles"][1]
    angle = inward_angle(hip, knee, ank)
    assert 10 < angle < 25, "clearly inward, but not knock-kneed X-legs"
    labels = [t for t in svg_root("squat-neutral-vs-valgus").iter("{http://www.w3.org/2000/svg}text")
              if re.fullmatch(r"\d+°", t.text or "")]
    assert len(labels) == 1 and labels[0].get("fill") == BAD
    assert int(labels[0].text[:-1]) == round(angle)
    x, y = float(labels[0].get("x")), float(labels[0].get("y"))
    assert np.hypot(x - knee[0], y - knee[1]) < 90, "the label is next to its angle, not floating"
    neutral = standing.front_figure(Svg(10, 10, ""), standing.SQUATS[0][0], q["gy"], q["s"], depth=q["depth"],
                                    knee_in=standing.SQUATS[0][2], stance=q["stance"])
    assert inward_angle(neutral["hips"][0], neutral["knees"][0], neutral["ankles"][0]) == pytest.approx(0, abs=0.5)


def test_landing_side_views_show_bent_versus_stiff_knees():
    bends = {}
    for cx, ok, _in, _depth, bend, lean, *_ in standing.LANDINGS:
        j = standing.side_figure(Svg(10, 10, ""), cx, 410, 0.78, knee=bend, lean=lean)
        bends[ok] = inward_angle(j["hip"], j["knee"], j["ankle"])  # knee bend seen from the side
    assert bends[True] > 50 and bends[False] < 20


def test_single_leg_deadlift_knee_soft_forward_and_foot_forward():
    j = standing.SLDL  # the figure faces left: forward is smaller x
    t = (j["knee"][1] - j["hip"][1]) / (j["ankle"][1] - j["hip"][1])
    line_x = j["hip"][0] + t * (j["ankle"][0] - j["hip"][0])
    assert j["knee"][0] < line_x, "the knee bends forward, not backward"
    assert 8 < inward_angle(j["hip"], j["knee"], j["ankle"]) < 35, "soft, not locked and not a squat"
    assert j["toe"][0] < j["ankle"][0], "the standing foot points forward"


def test_filmed_athlete_faces_the_phone():
    j = standing.side_figure(Svg(10, 10, ""), 470, 330, 0.98, knee=6, facing=-1, arms="down")
    phone_x = 120
    assert phone_x < j["head"][0] and j["nose"][0] < j["head"][0] and j["toe"][0] < j["ankle"][0]


def test_valgus_parts_midline_is_on_the_inside_of_a_right_leg():
    root = svg_root("valgus-components")
    mids = [float(line.get("x1")) for line in root.iter("{http://www.w3.org/2000/svg}line")
            if line.get("stroke-dasharray") == "4 6"]
    assert len(mids) == 3
    for centre, mid in zip((100, 300, 500), mids):
        assert mid > centre, "seen from the front, a right leg's midline is on the viewer's right"
    assert "midline on the right" in root.find("s:title", NS).text
    heads = [pg for pg in root.iter("{http://www.w3.org/2000/svg}polygon") if pg.get("class") == "arrowhead"]
    assert len([pg for pg in heads if pg.get("fill") == BAD]) >= 6, "arrowheads are drawn, not SVG markers"


def test_short_foot_fault_toes_really_curl():
    j = feet.foot_outline(Svg(10, 10, ""), 0, 240, 0.95, arch=0.6, toes="curl")
    assert j["knuckle"][1] < j["toe_base"][1] - 15, "the toe joint rises"
    assert j["toe"][1] > j["knuckle"][1] + 20 and abs(j["toe"][1] - 240) < 10, "the tip presses into the floor"
    flat = feet.foot_outline(Svg(10, 10, ""), 0, 240, 0.95, arch=0.6)
    assert flat["knuckle"] is None and abs(flat["toe"][1] - 240) < 10


@pytest.mark.parametrize("slug, name, words", [
    ("clamshell", "clamshell-lift", "a little above"),
    ("am-i-affected", "filming-setup", "faces"),
    ("landing", "landing-do-dont", "side"),
])
def test_captions_describe_the_view_drawn(slug, name, words):
    img = next(b for b in content.page_blocks(content.get_page(slug)) if b.kind == "image" and b.path.stem == name)
    assert words in img.alt and words in svg_root(name).find("s:title", NS).text
    assert "seen from the feet" not in img.caption.lower().split("box:")[0]


# --- issue 24: the faults are obvious at handout size, and every figure survives the PDF ----------------------
SVG = "{http://www.w3.org/2000/svg}"


def _texts(root, word):
    return [t for t in root.iter(f"{SVG}text") if (t.text or "") == word]


def test_clamshell_fault_shows_the_pelvis_rolling_back_from_the_feet():
    root = svg_root("clamshell-fault")
    hips = [c for c in root.iter(f"{SVG}circle") if c.get("r") == "11"]
    for half, colour in ((lambda x: x < 300, "#17784A"), (lambda x: x > 300, BAD)):
        pair = sorted(((float(c.get("cx")), float(c.get("cy"))) for c in hips
                       if half(float(c.get("cx"))) and c.get("stroke") == colour), key=lambda p: p[1])
        assert len(pair) == 2, "top and bottom hip, seen from the feet"
        (tx, ty), (bx, by) = pair
        tilt = np.degrees(np.arctan2(tx - bx, by - ty))
        front = next(float(t.get("x")) for t in _texts(root, "FRONT") if half(float(t.get("x"))))
        back = next(float(t.get("x")) for t in _texts(root, "BACK") if half(float(t.get("x"))))
        assert front < bx < back, "front (belly) on one side, back on the other"
        if colour == BAD:
            assert tilt >= 30, "the roll is plain to see: the top hip tips at least 30 degrees toward the back"
        else:
            assert abs(tilt) < 1, "stacked: the top hip straight above the bottom one"
    assert _texts(root, "rolls back") and not root.findall(f".//{SVG}marker")
    lift = svg_root("clamshell-lift")
    assert _texts(lift, "front") and _texts(lift, "back"), "the small 'from the feet' box is labelled too"


def test_landing_do_and_dont_front_views_differ_at_a_glance():
    gaps = {}
    for cx, ok, knee_in, depth, *_ in standing.LANDINGS:
        q = standing.LANDING_FRONT
        fig = standing.front_figure(Svg(10, 10, ""), cx + q["dx"], q["gy"], q["s"], depth=depth, knee_in=knee_in,
                                    stance=q["stance"], arms="forward" if ok else "down")
        (lk, rk), (la, ra) = fig["knees"], fig["ankles"]
        gaps[ok] = (rk[0] - lk[0], ra[0] - la[0])
        if ok:
            assert abs(lk[0] - la[0]) < 3 and abs(rk[0] - ra[0]) < 3, "Do: knees straight over the feet"
        side = standing.side_figure(Svg(10, 10, ""), cx + standing.LANDING_SIDE_DX, 410, 0.78, facing=-1)
        assert side["hand"][0] - 8 > fig["shoulders"][1][0] + 12, "the side view stays clear of the front view"
    assert gaps[False][0] < 0.2 * gaps[False][1], "Don't: the knees knock together, inside the feet"
    assert gaps[True][0] - gaps[False][0] > 35, "the two front views differ by far more than 9 px at the knees"


def test_valgus_parts_right_foot_labels_and_one_roll_arrow():
    j = feet.foot_outline(Svg(10, 10, ""), 300, 420, 0.62, **valgus.INSIDE_VIEW)
    assert j["toe"][0] < j["heel"][0], "the inside of a right foot seen from the midline: toes to the left"
    root = svg_root("valgus-components")
    assert len(_texts(root, "front")) == 2 and len(_texts(root, "back")) == 2, "both views from above are labelled"
    heads = [pg for pg in root.iter(f"{SVG}polygon") if pg.get("class") == "arrowhead"
             and all(float(v.split(",")[0]) > 400 and float(v.split(",")[1]) < 300 for v in pg.get("points").split())]
    assert len(heads) == 1 and _texts(root, "rolls in"), "the foot panel has one arrow: rolling in, toward the midline"


def test_squat_figures_show_depth_and_an_angle_not_an_arrow():
    root = svg_root("squat-neutral-vs-valgus")
    assert len(_texts(root, "side")) == 2, "a side view shows that both are squats"
    assert not [p for p in root.iter(f"{SVG}path") if p.get("fill") not in (None, "none")], "no filled wedges"


def test_single_leg_squat_foot_under_the_hip_knee_on_the_line():
    hip, knee, ank = (standing.SLS[k] for k in ("hip", "knee", "ankle"))
    assert abs(ank[0] - hip[0]) < 3 and abs(knee[0] - hip[0]) < 3


def test_floor_exercises_have_head_support_feet_and_a_forward_forearm():
    setup = svg_root("clamshell-setup")
    assert "head rests on the lower arm" in setup.find("s:title", NS).text
    assert _texts(setup, "lower arm"), "labelled"
    side_lying = svg_root("side-lying-abduction")
    assert [e for e in side_lying.iter(f"{SVG}ellipse")], "the top leg ends in a foot"
    plank = svg_root("side-plank-abduction")
    assert "forearm on the floor pointing forward" in plank.find("s:title", NS).text
    points = [[tuple(map(float, v.split(","))) for v in p.get("points").split()] for p in plank.iter(f"{SVG}polyline")]
    floor_limbs = [ps for ps in points if any(abs(x - 146) < 25 and y > 270 for x, y in ps)
                   and any(x > 180 and y > 270 for x, y in ps)]
    assert not floor_limbs, "no forearm along the floor toward the feet"


@pytest.mark.parametrize("name", sorted(p.stem for p in content.IMG_DIR.glob("*.svg")))
def test_every_figure_draws_in_the_pdf(name):
    """fpdf2 (the handouts) reads every drawing: no characters its core font lacks, arrowheads as shapes."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    info = pdf.image(str(content.IMG_DIR / f"{name}.svg"), x=10, y=10, w=80)
    assert info.rendered_height > 20
    assert "<marker" not in (content.IMG_DIR / f"{name}.svg").read_text(encoding="utf-8")
