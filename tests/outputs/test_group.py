"""The group table, its CSV and the group PDF (outputs/group.py) on Results made from synthetic tracks."""
from __future__ import annotations

import copy
import csv
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from screening.core.result import Note, Result
from screening.engine.assess import assess
from screening.engine.norms import norm_for
from screening.engine.synthetic import DropJumpSpec, SquatSpec, synthetic_drop_jump, synthetic_squat
from screening.outputs.export import csv_cell
from screening.outputs.group import GROUP_COLUMNS, SIDE_COLUMNS, group_pdf, group_table, result_row, write_group_csv
from screening.outputs import report_pdf
from screening.outputs.report_pdf import _render, pdf_bytes
from screening.outputs.report_sections import Scale

PDFTOTEXT, PDFTOPPM = shutil.which("pdftotext"), shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(PDFTOTEXT is None or PDFTOPPM is None,
                                   reason="pdftotext/pdftoppm (poppler-utils) are not installed")
TILT = Note("tilt", "warning", "The phone was tilted.", "Stand it upright.")


@dataclass
class Item:
    """A participant's clip, as group.py reads it (screening.batch.BatchItem has these fields)."""
    name: str
    video: Path
    folder: Path
    test: str = "squat"
    status: str = "ok"
    message: str = ""
    fix: str = ""
    result: Result | None = None
    keyframes: list = field(default_factory=list)


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    squat, _ = synthetic_squat(SquatSpec(depth=0.2, fppa_peak={"left": 24.0, "right": 3.0}))
    sls, _ = synthetic_squat(SquatSpec(stance="right", depth=0.2, fppa_peak={"right": 20.0, "left": 0.0}))
    jump, _ = synthetic_drop_jump(DropJumpSpec(fppa_peak={"left": 11.0, "right": 11.0},
                                               fppa_contact={"left": 2.0, "right": 2.0}))
    return {"squat": assess(squat, "squat", sex="female", notes=[TILT]),
            "sls": assess(sls, "single-leg-squat"),
            "jump": assess(jump, "drop-jump", sex="male")}


def _pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def _page_text(path: Path, page: int) -> str:
    return subprocess.run([PDFTOTEXT, "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def _page_pixels(path: Path, page: int) -> bytes:
    return subprocess.run([PDFTOPPM, "-r", "100", "-gray", "-f", str(page), "-l", str(page), str(path)],
                          capture_output=True, check=True).stdout


def test_result_row_fills_the_bands_and_key_numbers_of_each_leg(results):
    row = result_row(results["squat"])
    assert row == {"test": "Squat", "left_band": "Marked", "right_band": "Typical",   # 24 deg and 3 deg (spec)
                   "left_measure": "Knee angle from the front (FPPA)", "left_value": "24°",
                   "right_measure": "Knee angle from the front (FPPA)", "right_value": "3°",
                   "capture_problems": "The phone was tilted.", **{k: row[k] for k in SIDE_COLUMNS}}
    # the synthetic squat was built with knee angles 24 and 3 deg: 21 deg apart, beyond the 8 deg SDD
    assert row["side_difference"].startswith("Knee angle: 21° more inward on the left (beyond noise); Knee shift")
    assert row["left_worst"].startswith("Worst repetition (knee angle): no. ") and row["left_worst"].endswith("(of 3)")
    sls = result_row(results["sls"])
    band = {"typical": "Typical", "watch": "Watch", "marked": "Marked"}[norm_for("fppa", "single-leg-squat").band(20.0)]
    assert sls["test"] == "Single-leg squat (right leg)"
    assert (sls["left_band"], sls["left_value"], sls["right_band"], sls["right_value"]) == ("", "", band, "20°")
    assert result_row(None) == dict.fromkeys(row, "")


def test_group_table_reports_failed_and_finished(results, tmp_path):
    ok = Item("Ana", tmp_path / "ana.mp4", tmp_path / "ana", result=results["squat"])
    bad = Item("Ben", tmp_path / "ben.mp4", tmp_path / "ben", "drop-jump", "failed", "Cannot read it.",
               "Use the phone's own camera app.")
    rows = group_table([ok, bad])
    assert rows[0] == {"name": "Ana", "file": "ana.mp4", "status": "ok", **result_row(results["squat"]),
                       "message": "", "folder": "ana"}
    assert rows[1] == {"name": "Ben", "file": "ben.mp4", "status": "failed", **result_row(None),
                       "test": "Drop-jump landing", "folder": "",
                       "message": "Cannot read it. What to do: Use the phone's own camera app."}
    path = write_group_csv([ok, bad], tmp_path / "g.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == GROUP_COLUMNS
        assert list(reader) == rows
    assert not list(tmp_path.glob(".*tmp"))


def test_group_csv_cells_cannot_start_a_formula(tmp_path):
    evil = ['=HYPERLINK("http://127.0.0.1:9/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1"]
    items = [Item(name, tmp_path / f"{name[:3]}.mp4", tmp_path / "x", status="pending", message=name)
             for name in evil]
    items.append(Item("Sam", tmp_path / "=cmd.mp4", tmp_path / "y", status="pending", message="-3.5"))
    path = write_group_csv(items, tmp_path / "group.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row, name in zip(rows, evil):          # a tab splits cells too: the '=' after it is neutralised as well
        want = "'" + name.replace("\t=", "\t'=")
        assert row["name"] == want and row["message"] == want
    assert rows[-1]["file"] == "'=cmd.mp4" and rows[-1]["message"] == "-3.5"    # a plain number stays a number
    assert [csv_cell(v) for v in ("Alex", 12.5, "-0.25", "", None)] == ["Alex", 12.5, "-0.25", "", None]


@needs_poppler
def test_group_pdf_has_each_finished_participants_own_report_page(results, tmp_path):
    (tmp_path / "ana").mkdir()
    items = [Item("Ana", tmp_path / "a.mp4", tmp_path / "ana", result=results["squat"]),
             Item("Ben", tmp_path / "b.mp4", tmp_path / "ben", status="failed", message="Cannot read it."),
             Item("Cy", tmp_path / "c.mp4", tmp_path / "cy", "single-leg-squat", result=results["sls"]),
             Item("Di", tmp_path / "d.mp4", tmp_path / "di", "drop-jump", result=results["jump"])]
    path = group_pdf(items, tmp_path / "group.pdf")
    assert path == tmp_path / "group.pdf" and _pages(path) == 3
    singles = []
    for it in (items[0], items[2], items[3]):
        singles.append(tmp_path / f"single-{it.name}.pdf")
        singles[-1].write_bytes(pdf_bytes(it.result))
    for page, (single, label) in enumerate(zip(singles, ["Squat", "Single-leg squat", "Drop-jump landing"]), 1):
        text = _page_text(path, page)
        assert f"Test: {label}" in text and "KneeScreen movement screening report" in text
        assert text == _page_text(single, 1)                     # the same words, in the same places
        assert _page_pixels(path, page) == _page_pixels(single, 1)
    assert "Sex: female" in _page_text(path, 1) and "Sex: male" in _page_text(path, 3)
    assert (tmp_path / "ana" / "report.pdf").read_bytes()[:5] == b"%PDF-"     # its folder exists: saved there
    assert _page_text(tmp_path / "ana" / "report.pdf", 1) == _page_text(singles[0], 1)
    assert not (tmp_path / "cy").exists()                                       # no folder: nothing written


@needs_poppler
def test_a_report_too_long_for_a_page_keeps_one_page_and_the_next_starts_clean(results, tmp_path, monkeypatch):
    monkeypatch.setattr(report_pdf, "ATTEMPTS", (Scale(),))      # one layout to try (each try costs a render)
    long = copy.deepcopy(results["jump"])
    for leg in long.legs.values():
        leg.what_it_means = " ".join(["This sentence is here only to overflow the page."] * 30)
    assert report_pdf.fit_report(long)[0].pages_count == 1                     # cut to one page ...
    assert _render(long, [], Scale()).pages_count > 1                          # ... from more than one
    empty = copy.deepcopy(results["squat"])
    empty.legs = {}          # drawn with a border before any line width is set: the last page's must not leak
    items = [Item("Long", tmp_path / "l.mp4", tmp_path / "l", "drop-jump", result=long),
             Item("Ana", tmp_path / "a.mp4", tmp_path / "a", result=results["squat"]),
             Item("Em", tmp_path / "e.mp4", tmp_path / "e", result=empty)]
    path = group_pdf(items, tmp_path / "group.pdf")
    assert _pages(path) == 3
    assert "Drop-jump landing" in _page_text(path, 1) and "Test: Squat" in _page_text(path, 2)
    for page, r in ((2, results["squat"]), (3, empty)):
        single = tmp_path / f"single{page}.pdf"
        single.write_bytes(pdf_bytes(r))
        assert _page_pixels(path, page) == _page_pixels(single, 1)


def test_group_pdf_is_none_when_no_clip_finished(tmp_path):
    items = [Item("Ben", tmp_path / "b.mp4", tmp_path / "b", status="failed"),
             Item("Cy", tmp_path / "c.mp4", tmp_path / "c", status="cancelled")]
    assert group_pdf(items, tmp_path / "group.pdf") is None
    assert not (tmp_path / "group.pdf").exists()


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_no_cell_starts_a_formula_whatever_the_delimiter(tmp_path, delimiter):
    """'Ann;=1+1' was written unquoted: a spreadsheet splitting on ';' saw a cell starting with '='."""
    names = ["Ann;=1+1", "Bo,+cmd", "Cy\t@SUM(A1)", "Di| -2+3", "Ed; =1"]
    items = [Item(n, tmp_path / "a.mp4", tmp_path / "x", status="pending", message=n) for n in names]
    path = write_group_csv(items, tmp_path / "group.csv")
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():                                   # a splitter that knows no quotes
        for cell in line.split(delimiter):
            assert not cell.strip().strip('"').strip().startswith(("=", "+", "-", "@")), (delimiter, cell)
    for row in csv.reader(text.splitlines(), delimiter=delimiter):   # and one that does
        assert not any(c.strip().startswith(("=", "+", "-", "@")) for c in row), row
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["Ann;'=1+1", "Bo,'+cmd", "Cy\t'@SUM(A1)", "Di| '-2+3", "Ed; '=1"]
