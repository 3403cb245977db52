"""The validation tool's own parts, checked by hand: manifest counts, the knee warp, the report."""
import numpy as np

from screening.validate import _slope, figure, markdown
from screening.validation import manifest_counts, warp_knee

MANIFEST = """# Test clips
| file | source | licence | resolution | fps | s | frames | view | movement | whole body | knees | notes |
|---|---|---|---|---|---|---|---|---|---|---|---|
| `a.mov` | x | none | 1080x1920 | 30 | 2 | 60 | front | squat (deep) | yes | ok | Single rep, portrait. |
| `b.mp4` | x | none | 1280x720 | 30 | 43 | 1289 | front | squat (bodyweight, 20 reps) | yes | ok | overlay |
| `c.mp4` | x | none | 1280x720 | 30 | 3 | 90 | oblique (~45 deg) | squat (one rep) | yes | ok | |
| `d.mp4` | x | none | 1080x1920 | 30 | 11 | 330 | front | jump landing | yes | mild | One CMJ (~f240-300). |
| `e.mp4` | x | none | 1280x720 | 30 | 9 | 270 | front | squat | yes | ok | many reps |
"""


def test_manifest_counts_read_by_hand(tmp_path):
    m = tmp_path / "MANIFEST.md"
    m.write_text(MANIFEST)
    got = {c.name: c.count for c in manifest_counts(m)}
    # c is oblique (not front), e states no number
    assert got == {"a.mov": 1, "b.mp4": 20, "d.mp4": 1}


def test_warp_moves_the_knee_by_the_shift_and_leaves_far_points():
    img = np.zeros((200, 300, 3), np.uint8)
    img[100, 100] = 255          # the knee
    img[100, 260] = 255          # a point 160 px (more than 5 sigma) away
    out = warp_knee(img, (100.0, 100.0), 12.0, 30.0)
    row = out[100, :, 0].astype(float)
    near = np.arange(60, 160)
    centre = float((row[near] * near).sum() / row[near].sum())   # brightness centre of the moved dot
    assert abs(centre - 112.0) < 1.0
    assert row[260] > 200


def test_report_has_every_section_and_a_readable_figure(tmp_path):
    dose = [{"dose_pct": d, "mkd_measured": 0.7 * d, "fppa_geometric": 3.0 * d, "fppa_measured": 2.4 * d}
            for d in (0.0, 5.0, 10.0)]
    assert abs(_slope(dose, "mkd_measured") - 0.7) < 1e-9
    text = markdown([{"clip": "a.mov", "test": "squat", "left_deg": 0.5, "right_deg": 0.4}],
                    [{"case": "dm90_h264", "pixel_diff": 1.1, "turned": False, "point_px": 0.8, "fppa_deg": 0.3,
                      "bands_equal": True}],
                    [{"clip": "b.mp4", "test": "squat", "manifest": 20, "found": 19}], dose, 120.0)
    for heading in ("mirror error", "Phone orientation", "Repetition counts", "Dose-response"):
        assert heading in text
    assert "| b.mp4 | squat | 20 | 19 |" in text and "knee shift 0.70" in text
    import cv2
    figure(dose, tmp_path / "v.png")
    png = cv2.imread(str(tmp_path / "v.png"))
    assert png is not None and png.shape[1] == 2 * png.shape[0]


def test_single_leg_rows_match_repetitions_to_labels_by_hand():
    from types import SimpleNamespace as NS

    from screening.validation_labels import match, single_leg_markdown
    lab = {"fps": 25, "reps": [{"leg": "left", "start": 0, "bottom": 50, "end": 90},
                               {"leg": "right", "start": 150, "bottom": 200, "end": 240}],
           "partial": [{"leg": "left", "start": 280, "bottom": 299, "end": 299}],
           "not_reps": [{"from": 95, "to": 140}]}
    ev = [NS(key_frame=55, start_frame=5, end_frame=95, leg="left"),        # 0.2 s off, ends 0.2 s late
          NS(key_frame=120, start_frame=110, end_frame=130, leg="right"),   # a standing moment called a bottom
          NS(key_frame=203, start_frame=160, end_frame=230, leg="left"),    # the wrong leg
          NS(key_frame=296, start_frame=280, end_frame=299, leg="left")]    # the partial one at the end
    m = match(NS(events=ev), lab, 0.3)
    assert [(x["bottom"], e.key_frame) for x, e in m["pairs"]] == [(50, 55), (200, 203)]
    assert m["stance_right"] == 1 and m["missed"] == [] and [e.key_frame for e in m["extra"]] == [120]
    assert [e.key_frame for e in m["partial"]] == [296] and [e.key_frame for e in m["standing"]] == [120]
    assert m["bottom_s"] == 0.16 and m["overrun_s"] == 0.2          # median of 0.2 and 0.12; (95 - 90) / 25
    row = {"clip": "x.mp4", "labelled": "L R", "found": "L R L L", "n_labelled": 2, "n_found": 4,
           "stance_right": 1, "matched": 2, "missed": 0, "extra": 1, "partial": 1, "standing": 1,
           "bottom_s": 0.16, "overrun_s": 0.2, "legs_rated": "left and right"}
    text = "\n".join(single_leg_markdown([row], {"tolerance_s": {"bottom": 0.3, "start_end": 0.6}}))
    assert "## Single-leg squats" in text
    assert "| x.mp4 | L R | L R L L | 1 of 2 | 2 / 2 (+1 cut by the clip's edge) | 0 | 1 | 1 | 0.16 | 0.20 |" in text


def test_the_clamshell_section_states_what_was_and_was_not_checked():
    from screening.validation_clamshell import markdown as clam_markdown, model_cases
    model = model_cases(camera_heights=(0.2,))
    by_roll = {r["roll_deg"]: r for r in model}
    # the measured shortening is the model's projected one; orthographic by hand: 1 - cos 30 = 13.4%
    assert all(abs(r["measured_pct"] - r["projected_pct"]) < 0.5 for r in model)
    assert abs(by_roll[30.0]["cosine_pct"] - 13.4) < 0.05 and by_roll[0.0]["band"] == "typical"
    clips = [{"case": "as filmed", "reps": 1, "top": "right", "turned": False, "roll_pct": -3.1, "trunk_pct": -3.6,
              "opening_deg": 34.0, "band": "typical"}, {"case": "broken", "reps": None, "refused": "no_person"}]
    text = "\n".join(clam_markdown(model, clips))
    assert "## Clamshell (experimental)" in text and "No validated video measure or norm" in text
    assert "no real clip of a rolled-back pelvis was found" in text and "refused: no_person" in text
    assert "| as filmed | 1 | right | no | -3.1 | -3.6 | 34.0 | typical |" in text
