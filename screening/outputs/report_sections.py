"""The sections of the one-page PDF report (header, verdicts, stills, measures, notes, exercises, sources,
disclaimer), drawn at one layout Scale; report_pdf picks the scale that fits the page.

Every number and sentence comes from the Result; this module only lays them out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, cast

from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace
from fpdf.util import Padding

from screening.outputs.formatting import exercise, key_moments, lead_rating, recommendations, sources_used
from screening.outputs.pdf_base import BAND_STYLE, GREY, INK, NOT_A_DIAGNOSIS, WHITE, ReportPDF, band_word, \
    image_size, \
    md_escape
from screening.core.result import TEST_LABELS, Result
from screening.core.specs import SPECS
from screening.core.vocab import format_date, format_rating
from screening.engine.sides import sides as left_and_right
from screening.outputs.report_sides import FOOTNOTE, difference_cells

TITLE = "KneeScreen movement screening report"
EXAMPLE_BANNER = "EXAMPLE \u2014 synthetic data"
_PAREN = re.compile(r"\s*\([^()]*\)")


@dataclass(frozen=True)
class Scale:
    """Sizes of one layout attempt (fonts in pt, lengths in mm)."""
    body: float = 8.5
    small: float = 7.0
    tiny: float = 6.0
    still_h: float = 55.0
    stills: bool = True
    max_notes: int | None = 8      # capture notes listed (the rest are counted)


# ----- formatting (display only: no thresholds, nothing computed) ------------------------------
def shorten(text: str, limit: int = 170) -> str:
    """Fit a norm sentence in `limit` characters: drop the longest brackets first, then cut at a word."""
    s = " ".join((text or "").split())
    while len(s) > limit:
        parens = sorted(_PAREN.findall(s), key=len, reverse=True)
        if not parens:
            break
        s = s.replace(parens[0], "", 1)
    s = re.sub(r"\s+([;,.])", r"\1", s)
    if len(s) > limit:
        s = s[:limit - 1].rsplit(" ", 1)[0].rstrip(";,:") + "\u2026"
    return s


# ----- sections -------------------------------------------------------------------------------
def _header(pdf: ReportPDF, result: Result, sc: Scale) -> None:
    pdf.font(17, True)
    pdf.cell(0, 8, pdf.t(TITLE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    test = TEST_LABELS.get(result.test, result.test)
    if result.leg:
        test += f" ({SPECS[result.test].leg_role}: {result.leg})"
    line1 = [f"Test: {test}", f"Date: {format_date(result.created)}"]
    if result.sport:
        line1.append(f"Sport: {result.sport}")
    line1.append(f"Sex: {result.sex or 'not given'}")
    pdf.para("    ".join(line1), sc.body + 0.5, True)
    model = f"Model: {result.model.tier}"
    if result.model.note:
        model += f" ({result.model.note})"
    norms = f"Norms used: {result.norms_used or 'none'}"
    v = result.video
    video = f"Video: {v.file_name}, {v.duration_s:.1f} s at {v.fps:.0f} fps"
    pdf.para(f"{model}.   {norms}.   {video}.", sc.small, color=GREY)
    if result.example:
        pdf.ln(1.2)
        pdf.set_fill_color(*BAND_STYLE["watch"][1])
        pdf.font(sc.body + 2, True, (255, 255, 255))
        pdf.cell(0, 7, pdf.t(f"{EXAMPLE_BANNER}: no real person was filmed"), fill=True, align="C",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _verdicts(pdf: ReportPDF, result: Result, sc: Scale) -> None:
    legs = list(result.legs.values())
    if not legs:
        fill, edge, _ = BAND_STYLE[None]
        pdf.set_fill_color(*fill)
        pdf.set_draw_color(*edge)
        pdf.font(sc.body + 1, True)
        pdf.multi_cell(0, (sc.body + 1) * 0.45, pdf.t("No leg could be rated from this video: see the capture "
                       "notes below."), border=1, fill=True, padding=2, align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        return
    gap, pad = 4.0, 2.5
    width = (pdf.epw - gap * (len(legs) - 1)) / len(legs)
    inner = width - 2 * pad
    blocks = []
    lying = SPECS[result.test].posture == "side-lying"
    role = f" ({SPECS[result.test].leg_role.split()[0].upper()})" if lying else ""
    worst = left_and_right(result).worst
    for leg in legs:
        lead, p = leg.lead, lead_rating(leg)
        key = f"Key measure: {lead.label}: {lead.value}" if lead else ""
        key += f" (reliability {p.reliability})" if p else ""
        blocks.append([
            (f"{leg.leg.upper()} LEG{role} \u2014 {band_word(leg.band)}", sc.body + 3, True,
             BAND_STYLE.get(leg.band, BAND_STYLE[None])[1]),
            (leg.headline, sc.body + 1, True, INK),
            (key, sc.body, False, INK),
            (lead.why if lead else "", sc.small, False, GREY),
            (worst[leg.leg].short if leg.leg in worst else "", sc.small, False, INK),
            (leg.what_it_means, sc.body, False, INK),
        ])

    def height(block) -> float:
        total = 0.0
        for text, size, bold, _ in block:
            if text:
                pdf.font(size, bold)
                total += cast(float, pdf.multi_cell(inner - 0.6, size * 0.45, pdf.t(text), dry_run=True,
                                                    output=MethodReturnValue.HEIGHT)) + 1.0
        return total

    box_h = max(height(b) for b in blocks) + 2 * pad - 1.0
    top = pdf.get_y()
    if top + box_h > pdf.h - pdf.b_margin:
        pdf.add_page()  # cannot fit: let the caller retry smaller
        top = pdf.get_y()
    for i, (leg, block) in enumerate(zip(legs, blocks)):
        x = pdf.l_margin + i * (width + gap)
        fill, edge, _ = BAND_STYLE.get(leg.band, BAND_STYLE[None])
        pdf.set_fill_color(*fill)
        pdf.set_draw_color(*edge)
        pdf.set_line_width(0.6)
        pdf.rect(x, top, width, box_h, style="DF")
        pdf.set_fill_color(*edge)
        pdf.rect(x, top, 1.6, box_h, style="F")
        y = top + pad
        for text, size, bold, color in block:
            if not text:
                continue
            pdf.set_xy(x + pad + 0.6, y)
            pdf.font(size, bold, color)
            pdf.multi_cell(inner - 0.6, size * 0.45, pdf.t(text), align="L")
            y = pdf.get_y() + 1.0
    pdf.set_line_width(0.2)
    pdf.set_xy(pdf.l_margin, top + box_h + 2)


def _stills(pdf: ReportPDF, keyframes: Sequence[tuple[str, str | Path]], sc: Scale, noun: str) -> None:
    items = []
    for label, path in list(keyframes or [])[:3]:
        size = image_size(Path(path)) if path else None
        if size and size[0] > 0 and size[1] > 0:
            items.append((label, Path(path), size))
    if not sc.stills or not items:
        return
    pdf.heading("Key moments" + (f" (first: the {noun} that best shows the rated values)" if len(items) > 1 else ""),
                sc.body)
    gap = 4.0
    cell_w = min((pdf.epw - gap * (len(items) - 1)) / len(items), 95.0)
    dims = []
    for _, _, (pw, ph) in items:
        k = min(cell_w / pw, sc.still_h / ph)
        dims.append((pw * k, ph * k))
    row_h = max(h for _, h in dims)
    total_w = len(items) * cell_w + gap * (len(items) - 1)
    x0 = pdf.l_margin + (pdf.epw - total_w) / 2
    top = pdf.get_y()
    label_h = sc.small * 0.45
    if top + row_h + label_h + 2 > pdf.h - pdf.b_margin:
        pdf.add_page()
        top = pdf.get_y()
    for i, ((label, path, _), (w, h)) in enumerate(zip(items, dims)):
        cx = x0 + i * (cell_w + gap)
        x, y = cx + (cell_w - w) / 2, top + (row_h - h)
        pdf.image(str(path), x=x, y=y, w=w, h=h)
        pdf.set_draw_color(160, 160, 160)
        pdf.rect(x, y, w, h)
        pdf.set_xy(cx, top + row_h + 0.8)
        pdf.font(sc.small, True, GREY)
        pdf.cell(cell_w, label_h, pdf.t(label), align="C")
    pdf.set_xy(pdf.l_margin, top + row_h + label_h + 1.5)


def _table(pdf: ReportPDF, result: Result, sc: Scale) -> None:
    legs = list(result.legs.values())
    if not legs:
        return
    pdf.heading("All measures", sc.body)
    keys: list[str] = []
    for leg in legs:
        keys += [r.key for r in leg.ratings if r.key not in keys]
    diffs = difference_cells(result)       # a left-right column where both legs were rated
    leg_w, measure_w, diff_w = (31.0 if len(legs) > 1 else 40.0), (36.0 if diffs else 40.0), (30.0 if diffs else 0.0)
    norm_w = pdf.epw - measure_w - leg_w * len(legs) - diff_w
    head = FontFace(emphasis="BOLD", size_pt=sc.small, fill_color=(225, 225, 225))
    plain = FontFace(size_pt=sc.small, fill_color=WHITE)
    pdf.font(sc.small)
    pdf.set_draw_color(170, 170, 170)
    with pdf.table(col_widths=[measure_w] + [leg_w] * len(legs) + [diff_w] * bool(diffs) + [norm_w], width=pdf.epw,
                   line_height=sc.small * 0.43, padding=(0.8, 1.2), text_align="LEFT", v_align="MIDDLE",
                   borders_layout="HORIZONTAL_LINES", headings_style=head) as table:
        row = table.row()
        row.cell(pdf.t("Measure"))
        for leg in legs:
            row.cell(pdf.t(f"{leg.leg.capitalize()} leg"))
        row.cell(pdf.t("Left-right")) if diffs else None
        row.cell(pdf.t("Norm (what is typical)"))
        for key in keys:
            rs = [leg.rating(key) for leg in legs]
            first = next(r for r in rs if r is not None)
            row = table.row()
            row.cell(pdf.t(first.label + (" (experimental)" if first.experimental else "")), style=plain)
            for r in rs:
                if r is None:
                    row.cell("-", style=plain)
                    continue
                leg = legs[rs.index(r)]
                is_lead = leg.lead is not None and leg.lead.key == r.key
                band = "not rated" if r.band is None else r.band
                style = FontFace(emphasis="BOLD" if is_lead else None, size_pt=sc.small,
                                 fill_color=BAND_STYLE.get(r.band, BAND_STYLE[None])[0])
                value = leg.lead.value if is_lead and leg.lead else format_rating(r)
                row.cell(pdf.t(f"{value}  {band}\nreliability {r.reliability}"), style=style)
            row.cell(pdf.t(diffs.get(key, "")), style=plain) if diffs else None
            row.cell(pdf.t(shorten(first.norm)), style=FontFace(size_pt=sc.tiny + 0.8, fill_color=WHITE))
    pdf.font(sc.tiny, color=GREY)
    pdf.multi_cell(0, sc.tiny * 0.5, pdf.t("Bold: the measure each leg's verdict rests on. Values are medians over "
                                     f"the {result.event_noun}s; full norms and reasons are in the app."
                                     + (FOOTNOTE if diffs else "")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _notes(pdf: ReportPDF, result: Result, sc: Scale) -> None:
    pdf.heading("Capture quality", sc.body)
    warn = result.warnings
    info = [n for n in result.notes if n.level not in ("warning", "error") and n.code != "example"]
    if not warn:
        pdf.para("No capture problems were flagged for this video.", sc.body)
    shown = (warn + info)[:sc.max_notes] if sc.max_notes is not None else warn + info
    for n in shown:
        if n.level in ("warning", "error"):
            fix = f" Fix: {n.fix}" if n.fix else ""
            pdf.para(f"\u2022 {n.level.upper()}: {n.message}{fix}", sc.body)
        else:
            pdf.para(f"\u2022 {n.message}", sc.body, color=GREY)
    if len(shown) < len(warn + info):
        pdf.para(f"\u2022 {len(warn + info) - len(shown)} more notes: see the app.", sc.body, True)


def _exercises(pdf: ReportPDF, result: Result, sc: Scale) -> None:
    recs = recommendations(result)
    if not recs:
        return
    pdf.heading("Recommended exercises (in the KneeScreen app, Exercises)", sc.body)
    for slug, sides in recs:
        title, why = exercise(slug)
        who = " and ".join(sides)
        text = f"({who} leg): {why}" if why else f"({who} leg)"
        pdf.font(sc.body)
        pdf.multi_cell(0, sc.body * 0.45, pdf.t("\u2022 ") + f"**{md_escape(pdf.t(title))}** {md_escape(pdf.t(text))}",
                       markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _sources(pdf: ReportPDF, result: Result, sc: Scale) -> None:
    src = sources_used(result)
    if not src:
        return
    pdf.heading("Sources", sc.body)
    for i, s in enumerate(src, 1):
        pdf.para(f"{i}. {s}", sc.tiny, color=GREY, h=sc.tiny * 0.42)


def _disclaimer(pdf: ReportPDF, result: Result, sc: Scale) -> None:
    pdf.ln(2.5)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_fill_color(245, 245, 245)
    pdf.set_line_width(0.3)
    text = f"**{md_escape(pdf.t(NOT_A_DIAGNOSIS))}** {md_escape(pdf.t(result.disclaimer))}"
    pdf.font(sc.body)
    pdf.multi_cell(0, sc.body * 0.45, text, border=1, fill=True, padding=Padding.new(1.5), align="L", markdown=True,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def draw_page(pdf: ReportPDF, result: Result, keyframes: Sequence[tuple[str, str | Path]], sc: Scale) -> None:
    """Add the report of `result` at the end of `pdf`, at this scale (more than one page when it does not fit)."""
    pdf.start_page(12, 11, 12, 10)
    _header(pdf, result, sc)
    _verdicts(pdf, result, sc)
    _stills(pdf, key_moments(result, keyframes), sc, result.event_noun)
    _table(pdf, result, sc)
    _notes(pdf, result, sc)
    _exercises(pdf, result, sc)
    _sources(pdf, result, sc)
    _disclaimer(pdf, result, sc)
