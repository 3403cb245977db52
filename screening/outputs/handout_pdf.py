"""Printable PDFs made from the content Markdown: a 1-2 page handout per programme and the workshop leader
sheet (each part with its picture, the evidence for coaches boxed apart), and a participant's one-page
take-home sheet (their result and the exercises recommended for it). fpdf2, no Streamlit.

Layout and fonts are pdf_base's, as for the report (DejaVu when installed, else sanitised core Helvetica); the
words are the pages' own, picked by each page's ``handout:`` front matter (see outputs.handouts).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable

from fpdf.enums import XPos, YPos
from fpdf.util import Padding

from screening.outputs import content
from screening.outputs.handouts import Part, handout_parts, handout_sections
from screening.outputs.formatting import recommendations
from screening.outputs.pdf_base import NOT_A_DIAGNOSIS, ReportPDF, document, md_escape
from screening.core.result import TEST_LABELS, Result
from screening.core.vocab import BAND_WORD, format_date
from screening.engine.sides import sides as left_and_right

logging.getLogger("fpdf.svg").setLevel(logging.ERROR)  # arrowheads (<marker>) are skipped quietly

PHYSIO = "See a physiotherapist for pain, instability or after an injury."
ONE_PAGE_MIN = 9.0   # a handout that fits on one page only below this font size gets two pages instead
SIZES = ((10.5, 62.0), (10.0, 58.0), (9.5, 52.0), (9.0, 46.0), (8.5, 40.0), (8.0, 34.0), (7.5, 0.0), (7.0, 0.0))
_ITALIC = re.compile(r"(?<!\*)\*(?!\*)([^*\n]+)(?<!\*)\*(?!\*)")
_LIST = re.compile(r"^\s*(?:([-*])|(\d+)\.)\s+(.*)$")


def handout_slugs() -> list[str]:
    """Pages that have a printable handout, in menu order."""
    return [p.slug for p in content.list_pages() if p.handout]


def inline(pdf: ReportPDF, text: str) -> str:
    """Markdown inline text for fpdf2's markdown: **bold** kept, *italic* dropped, other markers neutralised."""
    text = _ITALIC.sub(r"\1", text)
    return "**".join(md_escape(pdf.t(part)) for part in text.split("**"))


def _write(pdf: ReportPDF, text: str, size: float, indent: float = 0.0, bold: bool = False) -> None:
    pdf.font(size, bold)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.w - pdf.r_margin - pdf.get_x(), size * 0.46, inline(pdf, text), markdown=True, align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: ReportPDF, rows: list[list[str]], size: float) -> None:
    pdf.font(size * 0.95)
    with pdf.table(text_align="LEFT", line_height=size * 0.5, first_row_as_headings=True,
                   padding=0.8, markdown=True) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(inline(pdf, cell))
    pdf.ln(1)


def markdown(pdf: ReportPDF, text: str, size: float) -> None:
    """A small Markdown subset: paragraphs, '-'/'1.' lists, '###' headings and pipe tables."""
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            _write(pdf, " ".join(para), size)
            pdf.ln(0.8)
            para.clear()
        if table:
            _table(pdf, table, size)
            table.clear()

    for line in text.splitlines():
        item = _LIST.match(line)
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                table.append(cells)
            continue
        if not line.strip() or item or line.startswith("#"):
            flush()
        if line.startswith("#"):
            _write(pdf, line.lstrip("#").strip(), size, bold=True)
        elif item:
            mark = "\u2022" if item.group(1) else f"{item.group(2)}."
            _write(pdf, f"{mark} {item.group(3)}", size, indent=2.5)
        elif line.strip():
            para.append(line.strip())
    flush()


def _heading(pdf: ReportPDF, text: str, size: float) -> None:
    if pdf.get_y() + 4 * size > pdf.page_break_trigger:   # keep a heading with the lines that follow it
        pdf.add_page()
    pdf.ln(1.2)
    pdf.font(size + 1.6, True, (23, 120, 74))
    pdf.cell(0, (size + 1.6) * 0.5, pdf.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.6)


def _start(pdf: ReportPDF, title: str, kicker: str) -> None:
    pdf.start_page(13, 11, 13, 10)
    pdf.font(8, color=(95, 95, 95))
    pdf.cell(0, 4, pdf.t(kicker), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(18, True)
    pdf.multi_cell(0, 8, pdf.t(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _closing(pdf: ReportPDF, size: float, extra: str = "") -> None:
    pdf.ln(2)
    pdf.set_fill_color(245, 245, 245)
    pdf.set_draw_color(120, 120, 120)
    pdf.font(size)
    words = extra if "physiotherapist" in extra else extra + PHYSIO
    text = f"**{md_escape(pdf.t(NOT_A_DIAGNOSIS))}** {md_escape(pdf.t(words.strip()))}"
    pdf.multi_cell(0, size * 0.46, text, border=1, fill=True, padding=Padding.new(1.5), markdown=True,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fit(title: str, render, max_pages: int = 1) -> tuple[ReportPDF, tuple[float, float]]:
    """Lay the sheet out at sizes from large to small, each in a document of its own, and keep the first that
    fits on one page. When two pages are allowed, only sizes down to ONE_PAGE_MIN are tried for one page (each
    try costs a document), else the largest size on two pages. That document and its (size, picture size)."""
    tries = SIZES if max_pages == 1 else tuple(s for s in SIZES if s[0] >= ONE_PAGE_MIN)[::2]
    fallback = None
    for size, image_w in tries + tuple(s for s in SIZES if s not in tries and s[0] < tries[-1][0]):
        if fallback is not None and (size, image_w) not in tries:
            break                 # two pages at a readable size beat one page in small print
        pdf = document(title)
        render(pdf, size, image_w)
        if pdf.pages_count == 1:
            return pdf, (size, image_w)
        if fallback is None and pdf.pages_count <= max_pages:
            fallback = (pdf, (size, image_w))
    if fallback is not None:
        return fallback
    pdf.keep_pages(max_pages)  # even the smallest did not fit: keep the first pages rather than hand over more
    return pdf, (size, image_w)


def _one_page(title: str, render) -> bytes:
    return bytes(_fit(title, render)[0].output())


def _aspect(path: Path) -> float:
    """Height over width of an SVG drawing (its viewBox); 0.75 for anything else."""
    head = path.read_text(encoding="utf-8", errors="ignore")[:400] if path.suffix == ".svg" else ""
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', head)
    return float(m.group(2)) / float(m.group(1)) if m else 0.75


def _part(pdf: ReportPDF, part: Part, size: float, image_w: float) -> None:
    """A heading, then the section's picture on the left with its words beside it (or the words alone). A part
    whose picture would not fit below the current line starts a new page."""
    picture = part.image if part.image is not None and image_w > 0 and part.image.is_file() else None
    if picture is not None and pdf.get_y() + 10 + image_w * _aspect(picture) > pdf.page_break_trigger:
        pdf.add_page()
    _heading(pdf, part.heading, size)
    if picture is None:
        markdown(pdf, part.text, size)
        return
    margin, top, page = pdf.l_margin, pdf.get_y(), pdf.page
    try:
        info = pdf.image(str(picture), x=margin, y=top, w=image_w)
    except Exception:  # noqa: BLE001 - a drawing fpdf2 cannot read must not stop the handout
        markdown(pdf, part.text, size)
        return
    pdf.set_left_margin(margin + image_w + 4)
    pdf.set_xy(pdf.l_margin, top)
    markdown(pdf, part.text, size)
    pdf.set_left_margin(margin)
    if pdf.page == page:
        pdf.set_y(max(pdf.get_y(), top + info.rendered_height + 1))
    pdf.set_x(margin)


def evidence_box(pdf: ReportPDF, text: str, size: float) -> None:
    """The evidence for coaches, set apart from the athlete's part: a rule, a grey heading, smaller words."""
    if not text.strip():
        return
    pdf.ln(2)
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.5)
    pdf.font(size + 0.6, True, (90, 90, 90))
    pdf.cell(0, (size + 0.6) * 0.5, pdf.t(f"{content.EVIDENCE}: the studies behind this sheet"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.6)
    markdown(pdf, content.strip_links(text), size - 1.2)


def handout_pdf(slug: str) -> bytes:
    """The handout (1-2 pages) of a page with ``handout:`` front matter: an exercise programme, or the workshop
    leader sheet. KeyError for an unknown page, ValueError for a page without one."""
    page = content.get_page(slug)
    if not page.handout:
        raise ValueError(f"the page {slug!r} has no handout (no 'handout:' front matter)")
    parts, proof = handout_parts(page), content.evidence(page)
    refs = [ln[2:].split(")")[0] + ")" for ln in content.sources(page).splitlines() if ln.startswith("- ")]
    title = page.handout_title or page.title
    kicker = "KneeScreen leader sheet" if page.handout_title else "KneeScreen exercise handout"

    def render(pdf: ReportPDF, size: float, image_w: float) -> None:
        _start(pdf, title, kicker)
        _write(pdf, page.summary, size + 0.5)
        pdf.ln(1)
        for i, part in enumerate(parts):   # the first picture (the big fault, the landing do/don't) is larger
            _part(pdf, part, size, image_w * (1.5 if i == 0 else 1.0))
        evidence_box(pdf, proof, size)
        pdf.ln(1)
        pdf.para("Sources: " + "; ".join(refs), size - 1.5, color=(95, 95, 95))
        _closing(pdf, size, "Stop any exercise that hurts. ")

    return bytes(_fit(title, render, max_pages=2)[0].output())


def _take_home(result: Result, name: str):
    """The take-home sheet's title and its render(pdf, size, image_h), which adds the sheet to pdf."""
    recs = recommendations(result)
    test = TEST_LABELS.get(result.test, result.test)
    title = f"Your knee screening{': ' + name if name else ''}"

    def render(pdf: ReportPDF, size: float, _image_h: float) -> None:
        _start(pdf, title, "KneeScreen take-home sheet")
        _write(pdf, f"{test}, {format_date(result.created)}. This describes how your knees moved in this clip: "
                    "movement quality, not an injury forecast.", size)
        _heading(pdf, "Your result", size)
        for side, leg in result.legs.items():
            value = f"{leg.lead.label}: {leg.lead.value}" if leg.lead else "no rated measure"
            headline = re.sub(rf"^{side} leg:\s*", "", leg.headline, flags=re.IGNORECASE)
            _write(pdf, f"- **{side.capitalize()} leg: {BAND_WORD[leg.band]}** ({value}): {headline}", size, indent=1)
        lead_keys = [leg.lead.key for leg in result.legs.values() if leg.lead]
        diff = left_and_right(result).difference(lead_keys[0]) if lead_keys else None
        if diff is not None:            # the side difference of the measure the verdicts rest on
            _write(pdf, f"- **Left and right:** {diff.sentence}", size, indent=1)
        _heading(pdf, "Your exercises", size)
        if not recs:
            _write(pdf, "Nothing was flagged. Keep doing a team warm-up such as FIFA 11+ or Knee Control.", size)
        for slug, sides in recs:
            page = content.get_page(slug)
            dose = next((t for h, t in handout_sections(page) if t.startswith("**Dose:**")), "")
            _write(pdf, f"**{page.title}** ({' and '.join(sides)} leg): {page.summary}", size)
            if dose:
                _write(pdf, dose, size, indent=3)
            pdf.ln(0.8)
        _write(pdf, "Step-by-step instructions and a handout for each exercise are in the KneeScreen app under "
                    "Exercises. Film yourself again in 4-6 weeks, same test, same camera spot, to see a trend.", size)
        _closing(pdf, size, result.disclaimer + " ")

    return title, render


def take_home_pdf(result: Result, name: str = "") -> bytes:
    """A participant's one-page take-home sheet: their result per leg and the recommended exercises."""
    return _one_page(*_take_home(result, name))


def take_home_sheets(people: Iterable[tuple[Result, str]]) -> bytes:
    """One PDF with the take-home sheet of each (result, name), one page each, in order (b"" for nobody)."""
    pdf, pages = document("KneeScreen take-home sheets"), 0
    for result, name in people:
        title, render = _take_home(result, name)
        _, (size, image_h) = _fit(title, render)     # the layout that fits, found as for a single sheet
        render(pdf, size, image_h)
        pages += 1
        pdf.keep_pages(pages)
    return bytes(pdf.output()) if pages else b""
