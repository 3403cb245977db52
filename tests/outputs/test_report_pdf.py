"""Tests for the one-page PDF report."""
from __future__ import annotations

import copy
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from screening.outputs import pdf_base, report_pdf as rp
from screening.outputs.report_sections import shorten
from screening.core.vocab import format_rating
from screening.outputs.formatting import exercise
from screening.engine.example import example_result
from screening.core.result import TEST_LABELS, Note

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")


# ----- helpers -----------------------------------------------------------------------------------
def _png(path: Path, w: int, h: int) -> Path:
    """A small RGB PNG with a 'leg' drawn on it, written with zlib + struct only."""
    img = np.full((h, w, 3), 235, np.uint8)
    for i in range(h):
        x = int(w / 2 - 0.15 * w * (1 - abs(2 * i / h - 1)))
        img[i, max(x - 3, 0):x + 3] = (200, 30, 30) if i < h // 2 else (30, 140, 30)
    raw = b"".join(b"\x00" + img[r].tobytes() for r in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def _pure_python_text(data: bytes) -> str:
    """Text of a PDF drawn with core (latin-1) fonts: literal strings of Tj/TJ in every stream."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        body = m.group(1)
        try:
            body = zlib.decompress(body)
        except zlib.error:
            pass
        for s in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", body):
            s = re.sub(rb"\\([()\\])", rb"\1", s)
            out.append(s.decode("latin-1"))
    return " ".join(out)


def _text(path: Path) -> str:
    """Whitespace-normalised text of the PDF (pdftotext when installed)."""
    if PDFTOTEXT:
        txt = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], check=True,
                             capture_output=True).stdout.decode("utf-8")
    else:
        txt = _pure_python_text(path.read_bytes())
    return " ".join(txt.split())


def _fmt(rating) -> str:
    """The value as every output writes it (whole degrees, one decimal for % units, two for ratios);
    the core-font fallback spells the degree sign ' deg'."""
    text = format_rating(rating)
    return text if _has_unicode_font() else text.replace("°", " deg")


def _has_unicode_font() -> bool:
    return any(Path(regular).is_file() for regular, _ in pdf_base.FONT_CANDIDATES)


def _check_result_text(text: str, result) -> None:
    assert "KneeScreen movement screening report" in text
    assert TEST_LABELS[result.test] in text
    assert result.created[:10] in text
    assert "Not a diagnosis" in text
    assert " ".join(result.disclaimer.split()[:8]) in text
    for side, leg in result.legs.items():
        word = {None: "NOT RATED"}.get(leg.band, (leg.band or "").upper())
        assert re.search(rf"{side.upper()} LEG\s*[\u2014-]\s*{word}", text), (side, word)
        primary = next(r for r in leg.ratings if r.primary)
        assert primary.value is not None
        assert _fmt(primary) in text, _fmt(primary)
        assert f"{_fmt(primary)} {leg.band or 'not rated'}" in text  # the table cell: value and band


@pytest.fixture(autouse=True)
def _core_fonts_without_poppler(monkeypatch):
    """Without pdftotext the text is read by _pure_python_text, which needs the core (latin-1) fonts."""
    if not PDFTOTEXT:
        monkeypatch.setattr(pdf_base, "FONT_CANDIDATES", [])


@pytest.fixture(scope="module")
def result():
    return example_result()


@pytest.fixture(scope="module")
def stills(tmp_path_factory):
    d = tmp_path_factory.mktemp("stills")
    return [("Rep 1 deepest point", _png(d / "a.png", 640, 360)),
            ("Rep 2 deepest point", _png(d / "b.png", 360, 640)),
            ("Rep 3 deepest point", _png(d / "c.png", 640, 360))]


# ----- tests -------------------------------------------------------------------------------------
def test_example_pdf_one_page_with_result_numbers(result, stills, tmp_path):
    out = rp.build_pdf(result, stills, tmp_path / "sub" / "report.pdf")
    assert out == tmp_path / "sub" / "report.pdf" and out.is_file()
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert _pages(data) == 1
    text = _text(out)
    _check_result_text(text, result)
    assert "EXAMPLE" in text and "synthetic data" in text
    assert result.norms_used in text
    for title in (exercise(slug)[0] for slug in ("glute-programme", "clamshell", "short-foot")):
        assert title in text
    assert "Rep 2 deepest point" in text
    # every rating of every leg is in the table
    for leg in result.legs.values():
        for r in leg.ratings:
            assert r.label.split(" (")[0] in text
            assert _fmt(r) in text


def test_pdf_bytes_is_a_one_page_pdf(result):
    data = rp.pdf_bytes(result, [])
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert _pages(data) == 1


@pytest.mark.skipif(not PDFTOPPM, reason="pdftoppm (poppler-utils) is not installed")
def test_pdftoppm_renders_one_a4_page(result, stills, tmp_path):
    pdf = rp.build_pdf(result, stills, tmp_path / "r.pdf")
    subprocess.run([PDFTOPPM, "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 1
    w, h = struct.unpack(">II", pngs[0].read_bytes()[16:24])
    assert abs(w - 210 / 25.4 * 60) <= 2 and abs(h - 297 / 25.4 * 60) <= 2


def test_leg_not_rated_and_no_keyframes(result, tmp_path):
    r = copy.deepcopy(result)
    r.example = False
    right = r.legs["right"]
    right.band = None
    for x in right.ratings:
        x.band, x.reliability = None, "poor"
    right.headline = "Right leg: the knee could not be rated reliably from this video."
    out = rp.build_pdf(r, [], tmp_path / "none.pdf")
    assert _pages(out.read_bytes()) == 1
    text = _text(out)
    _check_result_text(text, r)
    assert "NOT RATED" in text and "not rated" in text
    assert "EXAMPLE" not in text
    assert "Key moments" not in text


def test_no_legs_at_all(result, tmp_path):
    r = copy.deepcopy(result)
    r.legs = {}
    r.notes.append(Note("no_events", "error", "No repetition was found in the clip.", "Film 3-5 repetitions."))
    out = rp.build_pdf(r, [], tmp_path / "empty.pdf")
    assert _pages(out.read_bytes()) == 1
    text = _text(out)
    assert "No repetition was found" in text and "Film 3-5 repetitions." in text
    assert "Not a diagnosis" in text


def test_single_leg_squat_with_warnings(stills, tmp_path):
    from screening.engine.assess import assess
    from screening.engine.synthetic import SquatSpec, synthetic_squat
    track, _ = synthetic_squat(SquatSpec(reps=3, depth=0.2, fppa_peak={"left": 15.0, "right": 5.0},
                                         stance="left", pelvic_drop_peak=7.0, noise_px=0.6, seed=3))
    r = assess(track, "single-leg-squat", sex="male", sport="climbing",
               notes=[Note("fps", "warning", "Only 24 fps.", "Use the 60 fps setting.")])
    out = rp.build_pdf(r, stills[:1], tmp_path / "sls.pdf")
    assert _pages(out.read_bytes()) == 1
    text = _text(out)
    _check_result_text(text, r)
    assert "Only 24 fps." in text and "Use the 60 fps setting." in text
    assert "Pelvic drop" in text


def test_many_notes_still_one_page_with_disclaimer(result, stills, tmp_path):
    r = copy.deepcopy(result)
    r.notes += [Note(f"n{i}", "warning", f"Warning {i}: " + "a long capture message " * 4, "Fix it.")
                for i in range(40)]
    out = rp.build_pdf(r, stills, tmp_path / "many.pdf")
    assert _pages(out.read_bytes()) == 1
    text = _text(out)
    assert "Not a diagnosis" in text and "more notes" in text


def test_core_font_fallback_never_crashes_on_unicode(result, stills, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_base, "FONT_CANDIDATES", [])
    r = copy.deepcopy(result)
    r.legs["left"].headline = "Left leg: knee 24\u00b0 \u2013 \u2265 typical \u2192 \U0001F600 \u201cquoted\u201d"
    r.notes.append(Note("odd", "warning", "Tilt \u00b13\u00b0\u2026", "Hold \u2014 the phone still\u2122."))
    labelled = [("Rep 1 \U0001F3CB", stills[0][1]), ("missing file", tmp_path / "nope.png")]
    data = rp.pdf_bytes(r, labelled)
    assert _pages(data) == 1
    text = " ".join(_pure_python_text(data).split())   # core fonts: readable without poppler
    assert "knee 24 deg - >= typical ->" in text
    assert "Tilt +/-3 deg..." in text
    _check_result_text(text, r)


def test_shorten():
    assert shorten("short norm") == "short norm"
    long = "typical up to 13.5 deg (pain-free controls 8.4 +/- 5.1 deg); marked from 21.5 deg " \
           "(top of range + smallest detectable difference)"
    s = shorten(long, 80)
    assert len(s) <= 80 and "13.5 deg" in s and "21.5 deg" in s and "top of range" not in s
    assert len(shorten("word " * 100, 50)) <= 50
