"""Download files for a result: the per-frame CSV and the PDF report (built on demand, in a temp folder)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from screening.outputs.export import frames_csv_text
from screening.outputs.report_pdf import build_pdf
from screening.ui.state import Outputs


def csv_bytes(out: Outputs) -> bytes:
    """The pipeline's per-frame CSV, or (e.g. for the example) the engine's CSV of the Result's series."""
    if not out.csv:
        out.csv = frames_csv_text(out.result).encode("utf-8")
    return out.csv


def pdf_bytes(out: Outputs) -> bytes:
    """Build the PDF report once per result; stills are written to a private temp folder for it."""
    if out.pdf:
        return out.pdf
    tmp = Path(tempfile.mkdtemp(prefix="kneescreen-pdf-"))
    try:
        frames = []
        for i, (label, png) in enumerate(out.keyframes):
            path = tmp / f"still_{i:02d}.png"
            path.write_bytes(png)
            frames.append((label, path))
        target = tmp / "report.pdf"
        build_pdf(out.result, frames, target)
        out.pdf = target.read_bytes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out.pdf
