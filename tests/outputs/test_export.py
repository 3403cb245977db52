"""Tests for the per-frame CSV export."""
from __future__ import annotations

import copy
import csv
import io
import math

import pytest

from screening.engine.example import example_result
from screening.outputs.export import frames_csv_text, write_frames_csv

LEAD = ["frame", "time_s", "person", "fppa_left_deg", "fppa_right_deg", "kasr"]
NEXT = ["khsr", "mkd_left_pct", "mkd_right_pct", "arch_left_pct", "arch_right_pct", "depth",
        "pelvic_drop_deg", "trunk_lean_deg"]


@pytest.fixture(scope="module")
def result():
    return example_result()


def _parse(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    head = next(reader)
    return head, [dict(zip(head, row, strict=True)) for row in reader]


def _close(cell: str, expected, decimals: int) -> None:
    if expected is None or (isinstance(expected, float) and not math.isfinite(expected)):
        assert cell == ""
    else:
        assert cell != ""
        assert float(cell) == pytest.approx(float(expected), abs=0.5 * 10 ** -decimals + 1e-9)


def test_header_columns(result):
    head, _ = _parse(frames_csv_text(result))
    assert head[:6] == LEAD
    assert head[6:14] == NEXT
    extra = sorted(k for k in result.series.values if k not in LEAD + NEXT)
    assert head[14:14 + len(extra)] == extra
    for name in ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
                 "left_heel", "right_heel", "left_toe", "right_toe", "left_shoulder", "right_shoulder"):
        assert f"{name}_x" in head and f"{name}_y" in head
        assert head.index(f"{name}_y") == head.index(f"{name}_x") + 1
    point_cols = [c for c in head if c.endswith(("_x", "_y"))]
    assert len(point_cols) == 2 * len(result.series.points)
    assert len(head) == len(set(head))


def test_row_count_and_frame_order(result):
    _, rows = _parse(frames_csv_text(result))
    assert len(rows) == len(result.series.frame)
    assert [int(r["frame"]) for r in rows] == result.series.frame


def test_values_match_result(result):
    _, rows = _parse(frames_csv_text(result))
    s = result.series
    for i, row in enumerate(rows):
        _close(row["time_s"], s.time_s[i], 4)
        assert int(row["person"]) == s.person[i]
        for key, vals in s.values.items():
            dec = 2 if key.endswith(("_deg", "_pct")) else 3
            _close(row[key], vals[i], dec)
        for name, pts in s.points.items():
            _close(row[f"{name}_x"], pts[i][0], 1)
            _close(row[f"{name}_y"], pts[i][1], 1)


def test_number_formats(result):
    _, rows = _parse(frames_csv_text(result))
    row = rows[len(rows) // 2]
    assert len(row["time_s"].split(".")[1]) == 4
    assert len(row["fppa_left_deg"].split(".")[1]) == 2
    assert len(row["left_knee_x"].split(".")[1]) == 1
    assert not any(cell.startswith("-0") and float(cell) == 0 for r in rows for cell in r.values() if cell)


def test_empty_cells_where_none_or_nan(result):
    r = copy.deepcopy(result)
    r.series.values["fppa_left_deg"][3] = None
    r.series.values["kasr"][4] = float("nan")
    r.series.points["left_hip"][5] = [None, None]
    r.series.values["depth"] = r.series.values["depth"][:10]   # a short list: cells past its end are empty
    _, rows = _parse(frames_csv_text(r))
    assert rows[3]["fppa_left_deg"] == "" and rows[3]["fppa_right_deg"] != ""
    assert rows[4]["kasr"] == ""
    assert rows[5]["left_hip_x"] == "" and rows[5]["left_hip_y"] == "" and rows[5]["right_hip_x"] != ""
    assert rows[9]["depth"] != "" and rows[10]["depth"] == ""
    assert len(rows) == len(r.series.frame)


def test_missing_series_keys_still_give_fixed_header(result):
    r = copy.deepcopy(result)
    del r.series.values["trunk_lean_deg"]
    r.series.values["zz_extra"] = [1.23456] * len(r.series.frame)
    head, rows = _parse(frames_csv_text(r))
    assert head[:14] == LEAD + NEXT
    assert all(row["trunk_lean_deg"] == "" for row in rows)
    assert "zz_extra" in head and head.index("zz_extra") < head.index("left_shoulder_x")
    assert rows[0]["zz_extra"] == "1.235"


def test_file_equals_text(result, tmp_path):
    path = write_frames_csv(result, tmp_path / "frames.csv")
    assert path.read_bytes().decode("utf-8") == frames_csv_text(result)
    assert path.read_bytes().count(b"\r") == 0


def test_each_frame_says_its_repetition_and_for_a_single_leg_squat_the_leg_that_stood():
    from screening.engine.assess import assess
    from screening.engine.synthetic_single import Move, SingleLegSpec, synthetic_single_leg
    track, truth = synthetic_single_leg(SingleLegSpec(moves=(Move("both"), Move("rep", "left"), Move("both"),
                                                             Move("rep", "right"), Move("both"))))
    r = assess(track, "single-leg-squat")
    head, rows = _parse(frames_csv_text(r))
    assert head[-3:] == ["event", "stance_leg", "worst_of"]
    for e, x in zip(r.events, truth["reps"]):
        assert rows[x["bottom"]]["event"] == str(e.index) and rows[x["bottom"]]["stance_leg"] == x["leg"]
    assert rows[0]["event"] == rows[0]["stance_leg"] == ""                 # standing before the first one
    _, squat = _parse(frames_csv_text(example_result()))                   # two-leg squat: no stance leg
    assert {row["stance_leg"] for row in squat} == {""} and {row["event"] for row in squat} > {""}


def test_the_frames_of_each_legs_worst_repetition_are_marked():
    """The example squat: the repetition with the largest valid knee angle of each leg, read from its events."""
    r = example_result()
    _, rows = _parse(frames_csv_text(r))
    for leg in ("left", "right"):
        top = max(r.events, key=lambda e: next(m.value for m in e.values[leg] if m.key == "fppa"))
        marked = {int(row["frame"]) for row in rows if leg in row["worst_of"].split()}
        assert marked == set(range(top.start_frame, top.end_frame + 1)), leg
