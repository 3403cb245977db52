"""One-page A4 PDF report of a Result, for an athlete to hand to a physiotherapist (fpdf2).

Every number and sentence comes from the Result; report_sections lays them out. Text is drawn with
DejaVu Sans when it exists on the system, else with the core Helvetica font and sanitised to latin-1,
so no character in a Result can make the build fail (pdf_base). If the content does not fit one page the
layout is retried with smaller stills and fonts, then without stills, so the output is always one page.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from screening.outputs.pdf_base import ReportPDF, document
from screening.outputs.report_sections import TITLE, Scale, draw_page
from screening.core.result import TEST_LABELS, Result

ATTEMPTS = (Scale(10.0, 8.0, 6.5, 62.0), Scale(9.2, 7.5, 6.2, 58.0), Scale(), Scale(8.0, 6.8, 5.8, 45.0),
            Scale(7.5, 6.5, 5.5, 36.0), Scale(7.0, 6.0, 5.0, 32.0),
            Scale(7.5, 6.5, 5.5, 0.0, False), Scale(7.0, 6.0, 5.0, 0.0, False),
            Scale(8.0, 6.8, 5.8, 36.0, True, 6), Scale(7.0, 6.0, 5.0, 0.0, False, 4),
            Scale(7.0, 6.0, 5.0, 0.0, False, 2))


GROW_ROOM_MM = 20.0  # try the next larger type size only when at least this much of the page is free


def _render(result: Result, keyframes, sc: Scale) -> ReportPDF:
    pdf = document(f"{TITLE} - {TEST_LABELS.get(result.test, result.test)}")
    draw_page(pdf, result, keyframes, sc)
    return pdf


def _room(pdf: ReportPDF) -> float:
    """Free height (mm) left at the bottom of the page, or -1 if the content ran onto a second page."""
    return pdf.h - pdf.b_margin - pdf.get_y() if pdf.pages_count == 1 else -1.0


def fit_report(result: Result, keyframes: Sequence[tuple[str, str | Path]] = ()) -> tuple[ReportPDF, Scale]:
    """The one-page report in a document of its own, and the layout scale it was drawn at."""
    # Start from the default layout (each render costs 0.1-0.2 s with a TTF font, measured), grow the
    # type while there is clear room, else shrink step by step until the page fits.
    start = ATTEMPTS.index(Scale())
    sc = ATTEMPTS[start]
    pdf = _render(result, keyframes, sc)
    if _room(pdf) >= 0:
        for bigger_sc in reversed(ATTEMPTS[:start]):
            if _room(pdf) < GROW_ROOM_MM:
                break
            bigger = _render(result, keyframes, bigger_sc)
            if _room(bigger) < 0:
                break
            pdf, sc = bigger, bigger_sc
    else:
        for sc in ATTEMPTS[start + 1:]:
            pdf = _render(result, keyframes, sc)
            if _room(pdf) >= 0:
                break
        pdf.keep_pages(1)  # still too long: keep page 1 only rather than hand over two pages
    return pdf, sc


def add_report_page(pdf: ReportPDF, result: Result, keyframes: Sequence[tuple[str, str | Path]] = (),
                    sc: Scale | None = None) -> None:
    """Add the one-page report of `result` as the next page of `pdf`, at the scale fit_report finds (or `sc`)."""
    sc = sc or fit_report(result, keyframes)[1]
    first = pdf.pages_count + 1
    draw_page(pdf, result, keyframes, sc)
    pdf.keep_pages(first)


def pdf_bytes(result: Result, keyframes: Sequence[tuple[str, str | Path]] = ()) -> bytes:
    """The one-page report as PDF bytes. `keyframes`: up to 3 (label, png_path) stills are shown."""
    return bytes(fit_report(result, keyframes)[0].output())


def build_pdf(result: Result, keyframes: Sequence[tuple[str, str | Path]], out_path: str | Path) -> Path:
    """Write the one-page report to `out_path` (parent folders are created) and return the path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf_bytes(result, keyframes))
    return out
