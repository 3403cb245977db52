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
from illustrations import feet, standing
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
