"""Draw every KneeScreen illustration as SVG text into content/img/ (pure Python, deterministic).

Run ``python content/draw_illustrations.py``. The drawings live in content/illustrations/ (one module per
kind of figure). Each sits on its own light rounded card so that dark lines and text stay readable on
Streamlit's dark theme, and is laid out on a 600-px-wide canvas with text of 19 px or more, so it stays
legible scaled to a phone.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from illustrations import FIGURES  # noqa: E402
from illustrations.svg import IMG_DIR  # noqa: E402


def main() -> list[Path]:
    """Write every figure to content/img/NAME.svg; return the paths written."""
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fn in FIGURES.items():
        path = IMG_DIR / f"{name}.svg"
        path.write_text(fn().render(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in main():
        print(p.relative_to(IMG_DIR.parent.parent))
