"""core.vocab: values, dates and colours written as worked out by hand, and the one copy of each word and colour."""
from __future__ import annotations

import ast
import math
import re

import pytest
from conftest import REPO

from screening.core.result import Rating
from screening.core.vocab import (BAND_COLOURS, BAND_ORDER, BAND_WORD, BAND_WORDS, VIDEO_EXTS, bgr, format_date,
                                  format_rating, format_shift, format_value, rgb, rgba, shown_value, tint)

PACKAGE = REPO / "screening"
VOCAB = PACKAGE / "core" / "vocab.py"


def _sources() -> dict[str, str]:
    """Every module of the package except core/vocab.py, by its path inside the package."""
    return {str(p.relative_to(PACKAGE)): p.read_text(encoding="utf-8")
            for p in sorted(PACKAGE.rglob("*.py")) if p != VOCAB}


def _rating(key: str, value: float | None, unit: str, band: str | None = "watch", spread: float | None = None,
            reliability: str = "good") -> Rating:
    return Rating(key=key, label=key, value=value, unit=unit, band=band, spread=spread, reliability=reliability,
                  reliability_reason="", reason="", norm="", sources=[])


def test_format_value_by_hand():
    assert format_value(24.4, "deg") == "24°"
    assert format_value(24.4, "deg", 3.6) == "24° ± 4°"
    assert format_value(8.46, "% leg") == "8.5% leg"
    assert format_value(0.7449, "") == "0.74"
    assert format_value(0.74, "", 0.051) == "0.74 ± 0.05"
    assert format_value(None, "deg") == "n/a" and format_value(float("nan"), "") == "n/a"


def test_format_shift_by_hand():
    # -0.132% of leg length: 0.132 rounds to 0.1, the minus sign says the knee went outward
    assert format_shift("mkd", -0.132) == "0.1% of leg length outward"
    assert format_shift("mkd", -13.2, 2.04) == "13.2% of leg length ± 2.0 outward"
    assert format_shift("arch", 3.26, long=False) == "3.3% inward"
    assert format_shift("mkd", 0.0) == "0.0% of leg length inward"
    assert format_shift("mkd", float("nan")) == "n/a"


def test_format_rating_and_shown_value():
    assert format_rating(_rating("fppa", 12.6, "deg", spread=2.2), with_spread=True) == "13° ± 2°"
    assert format_rating(_rating("mkd", -4.44, "% leg"), short=True) == "4.4% outward"
    assert format_rating(_rating("kasr", 0.815, "")) == "0.81"      # 0.815 is stored as 0.81499...
    not_valid = _rating("fppa", 71.0, "deg", band=None, reliability="poor")
    assert format_rating(not_valid) == "n/a" and shown_value(not_valid) is None
    rated_poorly = _rating("fppa", 9.0, "deg", band="typical", reliability="poor")
    assert format_rating(rated_poorly) == "9°" and shown_value(rated_poorly) == 9.0


def test_format_date_by_hand():
    assert format_date("2026-11-27T12:52:36+00:00") == "2026-11-27 12:52 UTC"
    assert format_date("2026-11-27T12:52:36") == "2026-11-27 12:52"
    assert format_date("2026-11-27T14:52:36+02:00") == "2026-11-27 14:52 (UTC+0200)"
    assert format_date("last Tuesday") == "last Tuesday" and format_date(None) == ""


def test_bands():
    assert sorted(BAND_ORDER, key=BAND_ORDER.get) == ["typical", "watch", "marked"]
    assert BAND_WORD == {"typical": "TYPICAL", "watch": "WATCH", "marked": "MARKED", None: "NOT RATED"}
    assert set(BAND_WORDS) == set(BAND_COLOURS) == {"typical", "watch", "marked", None}


def test_colour_helpers_by_hand():
    assert rgb("#23813a") == (0x23, 0x81, 0x3a) == (35, 129, 58)
    assert bgr("#23813a") == (58, 129, 35)
    assert rgba("#c62832", 0.15) == "rgba(198,40,50,0.15)"
    assert tint("#000000", 0.25) == (191, 191, 191)          # 255 - 255 * 0.25 = 191.25
    assert tint("#23813a", 0.12) == (229, 240, 231)          # 255 - (255 - 35) * 0.12 = 228.6, ...


def _luminance(c: tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance."""
    lin = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in (v / 255 for v in c)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("band", list(BAND_COLOURS))
def test_band_colours_readable_on_white(band):
    """White text on the app's pills and the colour as text on the PDF's paper: WCAG AA, 4.5:1."""
    ratio = (1.0 + 0.05) / (_luminance(rgb(BAND_COLOURS[band])) + 0.05)
    assert ratio >= 4.5, f"{band} {BAND_COLOURS[band]}: {ratio:.2f}:1"


def test_luminance_matches_wcag_examples():
    assert math.isclose(_luminance((255, 255, 255)), 1.0) and _luminance((0, 0, 0)) == 0.0
    assert math.isclose((1.05 / (_luminance((0x76, 0x76, 0x76)) + 0.05)), 4.54, abs_tol=0.01)   # #767676, the AA grey


def test_one_palette():
    """No module but core/vocab.py writes a band colour or keeps its own band -> colour table (the grey of
    'not rated' is also the app's neutral grey, so only the three band colours are looked for)."""
    hexes = [BAND_COLOURS[band].lower() for band in BAND_ORDER]
    table = re.compile(r"""["']typical["']\s*:\s*(\(\(?\s*\d|["'](#|rgba?\())""")
    for name, text in _sources().items():
        assert not [h for h in hexes if h in text.lower()], name
        assert not table.search(text), f"{name} keeps its own band colours"


def test_one_copy_of_words_formatting_and_capture_limits():
    defined = re.compile(r"^(def (format_value|format_shift|format_rating|format_date|shown_value)\b|"
                         r"(SHIFT_WORDS|BAND_WORDS?|BAND_ORDER|VIS_MIN|VISIBILITY_MIN|VIDEO_EXTS)\s*=)", re.M)
    words = re.compile(r"""["']typical["']\s*:\s*["'](Typical|TYPICAL)["']""")
    exts = "|".join(re.escape(e.lstrip(".")) for e in VIDEO_EXTS)
    ext_list = re.compile(rf"""["']\.?({exts})["']\s*,\s*["']\.?({exts})["']\s*,\s*"""
                          rf"""["']\.?({exts})["']\s*,\s*["']\.?({exts})""")
    for name, text in _sources().items():
        assert not defined.search(text), f"{name}: {defined.search(text).group(0)}"
        assert not words.search(text), name
        assert not ext_list.search(text), f"{name} lists the video types itself"


def test_vocab_is_ground_floor_and_engine_does_not_import_upward():
    tree = ast.parse(VOCAB.read_text(encoding="utf-8"))
    ours = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module.startswith("screening")]
    assert ours and all(m.startswith("screening.core.") for m in ours)
    for module in ("ratings", "assess", "progress"):
        text = (PACKAGE / "engine" / f"{module}.py").read_text(encoding="utf-8")
        assert "screening.outputs" not in text, module
